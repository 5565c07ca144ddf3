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
/// use axum::Router;
///
/// # async fn get(app: &axum::Router, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     use http_body_util::BodyExt;
/// #     use tower::ServiceExt;
/// #     let mut request = http::Request::get(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
/// #     let status = response.status().as_u16();
/// #     let body = response.into_body().collect().await.unwrap().to_bytes();
/// #     (status, String::from_utf8_lossy(&body).into_owned())
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app: Router = Router::new()
///     .merge(auth_axum::routes(&auth))
///     .layer(auth_axum::install(&auth));
/// assert_eq!(get(&app, "/api/auth/ok", None).await, (200, r#"{"ok":true}"#.into()));
/// # Ok(())
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
/// async fn me(user: CurrentUser) -> String {
///     user.user.email.clone()
/// }
///
/// # async fn call(app: &axum::Router, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     use http_body_util::BodyExt;
/// #     use tower::ServiceExt;
/// #     let mut request = http::Request::get(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
/// #     let status = response.status().as_u16();
/// #     let body = response.into_body().collect().await.unwrap().to_bytes();
/// #     (status, String::from_utf8_lossy(&body).into_owned())
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app: Router = Router::new()
///     .route("/api/me", get(me))
///     .merge(auth_axum::routes(&auth))
///     .layer(auth_axum::install(&auth));
/// let (status, body) = call(&app, "/api/me", None).await;
/// assert_eq!((status, body.as_str()), (401, r#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#));
/// # Ok(())
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
/// use auth_axum::AuthRouterExt;
///
/// # async fn call(app: &axum::Router, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     use http_body_util::BodyExt;
/// #     use tower::ServiceExt;
/// #     let mut request = http::Request::get(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
/// #     let status = response.status().as_u16();
/// #     let body = response.into_body().collect().await.unwrap().to_bytes();
/// #     (status, String::from_utf8_lossy(&body).into_owned())
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let private = Router::new()
///     .route("/api/private/hello", get(|| async { "hello" }))
///     .route_layer(auth_axum::require_auth(&auth));
/// let app: Router = Router::new().merge(private).with_auth(&auth);
/// assert_eq!(call(&app, "/api/private/hello", None).await.0, 401);
/// assert_eq!(call(&app, "/api/private/hello", Some("not-a-session")).await.0, 401);
/// # Ok(())
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
/// use auth_axum::{AuthRouterExt, MaybeUser};
///
/// async fn home(user: MaybeUser) -> String {
///     match user.0 {
///         Some(caller) => format!("hello, {}", caller.user.name),
///         None => "hello, stranger".into(),
///     }
/// }
///
/// # async fn call(app: &axum::Router, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     use http_body_util::BodyExt;
/// #     use tower::ServiceExt;
/// #     let mut request = http::Request::get(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
/// #     let status = response.status().as_u16();
/// #     let body = response.into_body().collect().await.unwrap().to_bytes();
/// #     (status, String::from_utf8_lossy(&body).into_owned())
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let pages = Router::new()
///     .route("/", get(home))
///     .route_layer(auth_axum::optional_auth(&auth));
/// let app: Router = Router::new().merge(pages).with_auth(&auth);
/// assert_eq!(call(&app, "/", Some("a.b.c")).await, (200, "hello, stranger".into()));
/// # Ok(())
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
    /// # async fn call(app: &axum::Router, path: &str, bearer: Option<&str>) -> (u16, String) {
    /// #     use http_body_util::BodyExt;
    /// #     use tower::ServiceExt;
    /// #     let mut request = http::Request::get(path);
    /// #     if let Some(bearer) = bearer {
    /// #         request = request.header("authorization", format!("Bearer {bearer}"));
    /// #     }
    /// #     let response = app.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
    /// #     let status = response.status().as_u16();
    /// #     let body = response.into_body().collect().await.unwrap().to_bytes();
    /// #     (status, String::from_utf8_lossy(&body).into_owned())
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
    /// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
    /// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
    /// let app: Router = Router::new()
    ///     .route("/api/hello", get(|| async { "hello" }))
    ///     .with_auth(&auth);
    /// assert_eq!(call(&app, "/api/hello", None).await, (200, "hello".into()));
    /// assert_eq!(call(&app, "/api/auth/get-session", None).await, (200, "null".into()));
    /// # Ok(())
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
