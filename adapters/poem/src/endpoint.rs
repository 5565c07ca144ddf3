//! The auth API as a poem endpoint.

use auth_core::Auth;
use auth_core::http::ClientAddr;
use poem::{Endpoint, Request, Response, Route};

use crate::convert::to_poem;

/// Better Auth's API: mount it on `<base path>/*` (see [`AuthRouteExt::auth_routes`]). It
/// answers every outcome itself, errors included.
#[derive(Clone, Debug)]
pub struct AuthEndpoint {
    auth: Auth,
}

impl AuthEndpoint {
    /// The endpoint for `auth`.
    pub fn new(auth: &Auth) -> Self {
        Self { auth: auth.clone() }
    }
}

impl Endpoint for AuthEndpoint {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        // The socket's address, for the protocol's rate limits.
        let client = request.remote_addr().as_socket_addr().map(|a| a.ip());
        let mut request: http::Request<_> = request.into();
        if let Some(ip) = client {
            request.extensions_mut().insert(ClientAddr(ip));
        }
        Ok(to_poem(self.auth.respond(request).await))
    }
}

/// Mounting the auth API on a poem `Route`.
pub trait AuthRouteExt {
    /// Serves the auth API under the configured base path (default `/api/auth`), every method
    /// and sub-path, so unknown ones are answered as Better Auth does.
    fn auth_routes(self, auth: &Auth) -> Self;
}

impl AuthRouteExt for Route {
    fn auth_routes(self, auth: &Auth) -> Self {
        self.at(
            format!("{}/*rest", auth.config().base_path()),
            AuthEndpoint::new(auth),
        )
    }
}
