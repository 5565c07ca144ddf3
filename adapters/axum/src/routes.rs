//! Mounting the auth API and the layers.

use std::net::SocketAddr;

use auth_core::Auth;
use auth_core::http::{ClientAddr, CorsLayer, RequireAuthLayer};
use axum::extract::ConnectInfo;
use axum::{Extension, Router};
use tower::ServiceExt;

/// A router serving Better Auth's API under the configured base path (default `/api/auth`), to
/// merge into your app. Every method and sub-path goes to the protocol, which answers unknown
/// ones as Better Auth does.
pub fn routes<S>(auth: &Auth) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let path = format!("{}/{{*rest}}", auth.config().base_path());
    Router::new().route_service(&path, auth.service().map_request(with_client_addr))
}

/// The socket's address for the protocol's rate limits, when the app is served with
/// `into_make_service_with_connect_info::<SocketAddr>()`.
fn with_client_addr<B>(mut request: http::Request<B>) -> http::Request<B> {
    if let Some(ConnectInfo(addr)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        request.extensions_mut().insert(ClientAddr(addr.ip()));
    }
    request
}

/// A layer that guards a subtree: requests without valid credentials get 401 with Better Auth's
/// JSON; handlers behind it find the caller with [`CurrentUser`](crate::CurrentUser) without a
/// second lookup.
pub fn require_auth(auth: &Auth) -> RequireAuthLayer {
    auth.require_auth()
}

/// Adds auth to a whole router in one call.
pub trait AuthRouterExt {
    /// Merges [`routes`], makes `auth` available to the extractors (as an `Extension`) and adds
    /// CORS for `AUTH_TRUSTED_ORIGINS`. Call it last, so the layers wrap every route.
    fn with_auth(self, auth: Auth) -> Self;
}

impl<S> AuthRouterExt for Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn with_auth(self, auth: Auth) -> Self {
        let cors: CorsLayer = auth.cors_layer();
        self.merge(routes(&auth)).layer(Extension(auth)).layer(cors)
    }
}
