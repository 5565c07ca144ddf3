//! Hoops: installing `Auth` (with CORS), guarding a subtree, or identifying the caller.

use auth_core::http::{Authenticated, cors};
use auth_core::{Auth, AuthError};
use http::StatusCode;
use salvo::{Depot, FlowCtrl, Handler, Request, Response, async_trait};

use crate::convert::write_error;

/// Puts `auth` in the `Depot` and answers CORS for `AUTH_TRUSTED_ORIGINS`: hoop it on the root
/// router.
pub fn install(auth: Auth) -> Install {
    Install { auth }
}

/// Guards a subtree: 401 with Better Auth's JSON without valid credentials; otherwise the caller
/// is in the `Depot` ([`DepotAuthExt::current_user`](crate::DepotAuthExt::current_user)).
pub fn require_auth(auth: &Auth) -> RequireAuth {
    RequireAuth { auth: auth.clone() }
}

/// Puts the caller in the `Depot` when the request authenticates, and lets every request
/// through (server faults aside).
pub fn optional_auth(auth: &Auth) -> OptionalAuth {
    OptionalAuth { auth: auth.clone() }
}

/// The hoop [`install`] makes.
#[derive(Clone, Debug)]
pub struct Install {
    auth: Auth,
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
        match self.auth.authenticate_headers(request.headers()).await {
            Ok(Some(caller)) => {
                depot.insert_typed::<Authenticated>(caller);
                ctrl.call_next(request, depot, response).await;
            }
            Ok(None) => {
                write_error(&AuthError::Unauthorized, response).await;
                ctrl.skip_rest();
            }
            Err(error) => {
                write_error(&error, response).await;
                ctrl.skip_rest();
            }
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
        match self.auth.authenticate_headers(request.headers()).await {
            Ok(caller) => {
                if let Some(caller) = caller {
                    depot.insert_typed::<Authenticated>(caller);
                }
                ctrl.call_next(request, depot, response).await;
            }
            Err(error) if !error.status().is_server_error() => {
                ctrl.call_next(request, depot, response).await;
            }
            Err(error) => {
                write_error(&error, response).await;
                ctrl.skip_rest();
            }
        }
    }
}
