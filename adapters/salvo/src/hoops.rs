//! Hoops: installing `Auth` (with CORS), guarding a subtree, or identifying the caller.

use auth_core::http::{Authenticated, cors};
use auth_core::{Auth, AuthError};
use http::StatusCode;
use salvo::{Depot, FlowCtrl, Handler, Request, Response, async_trait};

use crate::convert::write_error;

/// The root router's hoop: `auth` into the `Depot`, CORS answered.
pub fn install(auth: Auth) -> Install {
    Install { auth }
}

/// A subtree's guard hoop (see [`RequireAuth`]).
pub fn require_auth(auth: &Auth) -> RequireAuth {
    RequireAuth { auth: auth.clone() }
}

/// A subtree's identifying hoop (see [`OptionalAuth`]).
pub fn optional_auth(auth: &Auth) -> OptionalAuth {
    OptionalAuth { auth: auth.clone() }
}

/// Ends the request with the protocol's JSON error.
fn reject(error: &AuthError, response: &mut Response, ctrl: &mut FlowCtrl) {
    write_error(error, response);
    ctrl.skip_rest();
}

/// The hoop [`install`] makes.
#[derive(Clone, Debug)]
pub struct Install {
    auth: Auth,
}

/// Guards a subtree: 401 with Better Auth's JSON without valid credentials; otherwise the caller
/// is in the `Depot` ([`DepotAuthExt::current_user`](crate::DepotAuthExt::current_user)).
#[derive(Clone, Debug)]
pub struct RequireAuth {
    auth: Auth,
}

/// Puts the caller in the `Depot` when the request authenticates, and lets every request
/// through (server faults aside).
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
        let config = self.auth.config();
        if let Some(headers) = cors::preflight(config, request.method(), request.headers()) {
            response.status_code(StatusCode::NO_CONTENT);
            *response.headers_mut() = headers;
            response.body(bytes::Bytes::new());
            ctrl.skip_rest();
            return;
        }
        let origin = cors::allowed_origin(config, request.headers());
        depot.insert_typed(self.auth.clone());
        ctrl.call_next(request, depot, response).await;
        if let Some(origin) = origin {
            cors::decorate(origin, response.headers_mut());
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
        match self.auth.current_user(request.headers()).await {
            Ok(caller) => {
                depot.insert_typed::<Authenticated>(caller);
                ctrl.call_next(request, depot, response).await;
            }
            Err(error) => reject(&error, response, ctrl),
        }
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
        match self.auth.maybe_user(request.headers()).await {
            Ok(caller) => {
                if let Some(caller) = caller {
                    depot.insert_typed::<Authenticated>(caller);
                }
                ctrl.call_next(request, depot, response).await;
            }
            Err(error) => reject(&error, response, ctrl),
        }
    }
}
