//! Hoops: installing `Auth` (with CORS), guarding a subtree, or identifying its callers.

use auth_core::http::{Caller, CorsPolicy, extract};
use auth_core::{Auth, AuthError};
use http::StatusCode;
use salvo::{Depot, FlowCtrl, Handler, Request, Response, async_trait};

use crate::convert::write_error;

/// The root router's hoop: `auth` for the extractors, CORS answered.
///
/// ```
/// # fn make(auth: auth_core::Auth) {
/// let router = salvo::Router::new().hoop(auth_salvo::install(&auth));
/// # let _ = router;
/// # }
/// ```
pub fn install(auth: &Auth) -> Install {
    Install {
        auth: auth.clone(),
        cors: CorsPolicy::new(auth.config()),
    }
}

/// A subtree's guard hoop: 401 with Better Auth's JSON without valid credentials; otherwise the
/// caller is there for [`CurrentUser`](crate::CurrentUser) and
/// [`DepotAuthExt::current_user`](crate::DepotAuthExt::current_user).
///
/// ```
/// use salvo::prelude::*;
///
/// #[handler]
/// async fn hello() -> &'static str {
///     "hello"
/// }
///
/// # fn make(auth: auth_core::Auth) {
/// let private = Router::with_path("api/private/hello")
///     .hoop(auth_salvo::require_auth(&auth))
///     .get(hello);
/// # let _ = private;
/// # }
/// ```
pub fn require_auth(auth: &Auth) -> RequireAuth {
    RequireAuth { auth: auth.clone() }
}

/// A subtree's identifying hoop: every request goes through, with its caller when it
/// authenticates (for [`MaybeUser`](crate::MaybeUser), found once); only a server fault is
/// refused.
///
/// ```
/// use salvo::prelude::*;
///
/// #[handler]
/// async fn home() -> &'static str {
///     "hello"
/// }
///
/// # fn make(auth: auth_core::Auth) {
/// let pages = Router::new().hoop(auth_salvo::optional_auth(&auth)).get(home);
/// # let _ = pages;
/// # }
/// ```
pub fn optional_auth(auth: &Auth) -> OptionalAuth {
    OptionalAuth { auth: auth.clone() }
}

/// The hoop [`install`] makes.
#[derive(Clone, Debug)]
pub struct Install {
    auth: Auth,
    cors: CorsPolicy,
}

/// The hoop [`require_auth`] makes.
#[derive(Clone, Debug)]
pub struct RequireAuth {
    auth: Auth,
}

/// The hoop [`optional_auth`] makes.
#[derive(Clone, Debug)]
pub struct OptionalAuth {
    auth: Auth,
}

#[async_trait]
impl Handler for Install {
    async fn handle(
        &self,
        request: &mut Request,
        depot: &mut Depot,
        response: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        if let Some(headers) = self.cors.preflight(request.method(), request.headers()) {
            response.status_code(StatusCode::NO_CONTENT);
            *response.headers_mut() = headers;
            response.body(bytes::Bytes::new());
            ctrl.skip_rest();
            return;
        }
        let origin = self.cors.allowed_origin(request.headers());
        extract::install(&self.auth, request.extensions_mut());
        ctrl.call_next(request, depot, response).await;
        if let Some(origin) = origin {
            self.cors.decorate(origin, response.headers_mut());
        }
    }
}

/// Records what a guard found (in the request for the extractors, in the depot for
/// `depot.current_user()`) and goes on; or answers with the refusal.
async fn guard(
    auth: &Auth,
    found: Result<extract::Identified, AuthError>,
    request: &mut Request,
    depot: &mut Depot,
    response: &mut Response,
    ctrl: &mut FlowCtrl,
) {
    match found {
        Ok(identified) => {
            if let Some(caller) = identified.caller() {
                depot.insert_typed::<Caller>(caller.clone());
            }
            identified.record(auth, request.extensions_mut());
            ctrl.call_next(request, depot, response).await;
        }
        Err(error) => {
            write_error(error, response);
            ctrl.skip_rest();
        }
    }
}

#[async_trait]
impl Handler for RequireAuth {
    async fn handle(
        &self,
        request: &mut Request,
        depot: &mut Depot,
        response: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        let found = extract::require(&self.auth, request.headers()).await;
        guard(&self.auth, found, request, depot, response, ctrl).await;
    }
}

#[async_trait]
impl Handler for OptionalAuth {
    async fn handle(
        &self,
        request: &mut Request,
        depot: &mut Depot,
        response: &mut Response,
        ctrl: &mut FlowCtrl,
    ) {
        let found = extract::identify(&self.auth, request.headers()).await;
        guard(&self.auth, found, request, depot, response, ctrl).await;
    }
}
