//! Mounting the auth API, installing `Auth`, and the guards.

use std::net::SocketAddr;

use auth_core::Auth;
use auth_core::http::{AuthService, ClientAddr, InstallLayer, OptionalAuthLayer, RequireAuthLayer};
use axum::Router;
use axum::extract::ConnectInfo;
use tower::ServiceExt;

/// A router serving Better Auth's API under the configured base path (default `/api/auth`), to
/// merge into your app. Every method and sub-path goes to the protocol, which answers unknown
/// ones as Better Auth does.
///
/// ```
/// # fn make(auth: auth_core::Auth) {
/// let app: axum::Router = axum::Router::new()
///     .merge(auth_axum::routes(&auth))
///     .layer(auth_axum::install(&auth));
/// # }
/// ```
pub fn routes<S>(auth: &Auth) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let path = format!("{}/{{*rest}}", auth.config().base_path());
    Router::new().route_service(&path, AuthService::new(auth).map_request(with_client_addr))
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

/// The layer around the whole app: makes `auth` available to the extractors and adds CORS for
/// the trusted origins. Add it last, so that it wraps every route.
///
/// ```
/// use axum::{Router, routing::get};
/// use auth_axum::CurrentUser;
///
/// # fn make(auth: auth_core::Auth) {
/// async fn me(user: CurrentUser) -> String {
///     user.user.email.clone()
/// }
///
/// let app: Router = Router::new()
///     .route("/api/me", get(me))
///     .merge(auth_axum::routes(&auth))
///     .layer(auth_axum::install(&auth));
/// # }
/// ```
pub fn install(auth: &Auth) -> InstallLayer {
    InstallLayer::new(auth)
}

/// A layer that guards a subtree: requests without valid credentials get 401 with Better Auth's
/// JSON; handlers behind it find the caller with [`CurrentUser`](crate::CurrentUser) without a
/// second lookup.
///
/// ```
/// use axum::{Router, routing::get};
///
/// # fn make(auth: auth_core::Auth) {
/// let private: Router = Router::new()
///     .route("/api/private/hello", get(|| async { "hello" }))
///     .route_layer(auth_axum::require_auth(&auth));
/// # }
/// ```
pub fn require_auth(auth: &Auth) -> RequireAuthLayer {
    RequireAuthLayer::new(auth)
}

/// A layer that identifies the callers of a subtree without requiring one: behind it,
/// [`MaybeUser`](crate::MaybeUser) is the caller when the request authenticated (found once);
/// only a server fault (the store down) is refused.
///
/// ```
/// use axum::{Router, routing::get};
/// use auth_axum::MaybeUser;
///
/// # fn make(auth: auth_core::Auth) {
/// async fn home(user: MaybeUser) -> String {
///     match user.0 {
///         Some(caller) => format!("hello, {}", caller.user.name),
///         None => "hello, stranger".into(),
///     }
/// }
///
/// let pages: Router = Router::new()
///     .route("/", get(home))
///     .route_layer(auth_axum::optional_auth(&auth));
/// # }
/// ```
pub fn optional_auth(auth: &Auth) -> OptionalAuthLayer {
    OptionalAuthLayer::new(auth)
}

/// Adds auth to a whole router in one call.
pub trait AuthRouterExt {
    /// Merges [`routes`] and adds [`install`]. Call it last, so the layer wraps every route.
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use auth_axum::AuthRouterExt;
    ///
    /// # fn make(auth: auth_core::Auth) {
    /// let app: Router = Router::new()
    ///     .route("/api/hello", get(|| async { "hello" }))
    ///     .with_auth(&auth);
    /// # }
    /// ```
    fn with_auth(self, auth: &Auth) -> Self;
}

impl<S> AuthRouterExt for Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn with_auth(self, auth: &Auth) -> Self {
        self.merge(routes(auth)).layer(install(auth))
    }
}
