//! Middleware: installing `Auth` (with CORS), guarding a subtree, identifying its callers.

use auth_core::Auth;
use auth_core::http::{CorsPolicy, extract};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};

use crate::convert::error;

/// Wraps the whole app: `auth` for the extractors, CORS for the trusted origins.
///
/// ```
/// use auth_poem::CurrentUser;
/// use poem::{EndpointExt, Route, get, handler};
///
/// #[handler]
/// fn me(user: CurrentUser) -> String {
///     user.user.email.clone()
/// }
///
/// # async fn call(app: &impl poem::Endpoint, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     let mut request = poem::Request::builder().uri_str(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.get_response(request.finish()).await;
/// #     let status = response.status().as_u16();
/// #     (status, response.into_body().into_string().await.unwrap())
/// # }
/// # async fn sign_up(app: &impl poem::Endpoint) -> String {
/// #     let request = poem::Request::builder()
/// #         .method(poem::http::Method::POST)
/// #         .uri_str("/api/auth/sign-up/email")
/// #         .content_type("application/json")
/// #         .body(r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#);
/// #     let response = app.get_response(request).await;
/// #     response.headers()["set-auth-token"].to_str().unwrap().to_owned()
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app = Route::new()
///     .at("/api/me", get(me))
///     .nest_no_strip(auth.config().base_path(), auth_poem::routes(&auth))
///     .with(auth_poem::install(&auth));
/// let token = sign_up(&app).await;
/// assert_eq!(call(&app, "/api/me", Some(&token)).await, (200, "ada@example.com".into()));
/// # Ok(())
/// # }
/// ```
pub fn install(auth: &Auth) -> Install {
    Install {
        auth: auth.clone(),
        cors: CorsPolicy::new(auth.config()),
    }
}

/// Wraps a subtree's endpoints: 401 with Better Auth's JSON without valid credentials, else the
/// caller for [`CurrentUser`](crate::CurrentUser) (found without a second lookup).
///
/// ```
/// use auth_poem::AuthRouterExt;
/// use poem::{EndpointExt, Route, get, handler};
///
/// #[handler]
/// fn hello() -> &'static str {
///     "hello"
/// }
///
/// # async fn call(app: &impl poem::Endpoint, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     let mut request = poem::Request::builder().uri_str(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.get_response(request.finish()).await;
/// #     let status = response.status().as_u16();
/// #     (status, response.into_body().into_string().await.unwrap())
/// # }
/// # async fn sign_up(app: &impl poem::Endpoint) -> String {
/// #     let request = poem::Request::builder()
/// #         .method(poem::http::Method::POST)
/// #         .uri_str("/api/auth/sign-up/email")
/// #         .content_type("application/json")
/// #         .body(r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#);
/// #     let response = app.get_response(request).await;
/// #     response.headers()["set-auth-token"].to_str().unwrap().to_owned()
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app = Route::new()
///     .at("/api/private/hello", get(hello).with(auth_poem::require_auth(&auth)))
///     .with_auth(&auth);
/// assert_eq!(call(&app, "/api/private/hello", None).await.0, 401);
/// let token = sign_up(&app).await;
/// assert_eq!(call(&app, "/api/private/hello", Some(&token)).await, (200, "hello".into()));
/// # Ok(())
/// # }
/// ```
pub fn require_auth(auth: &Auth) -> RequireAuth {
    RequireAuth(auth.clone())
}

/// Wraps a subtree's endpoints: every request goes through, with its caller (for
/// [`MaybeUser`](crate::MaybeUser), found once) when it authenticates; only a server fault is
/// refused.
///
/// ```
/// use auth_poem::{AuthRouterExt, MaybeUser};
/// use poem::{EndpointExt, Route, get, handler};
///
/// #[handler]
/// fn home(MaybeUser(caller): MaybeUser) -> String {
///     caller.map_or_else(|| "hello, stranger".into(), |c| format!("hello, {}", c.user.name))
/// }
///
/// # async fn call(app: &impl poem::Endpoint, path: &str, bearer: Option<&str>) -> (u16, String) {
/// #     let mut request = poem::Request::builder().uri_str(path);
/// #     if let Some(bearer) = bearer {
/// #         request = request.header("authorization", format!("Bearer {bearer}"));
/// #     }
/// #     let response = app.get_response(request.finish()).await;
/// #     let status = response.status().as_u16();
/// #     (status, response.into_body().into_string().await.unwrap())
/// # }
/// # async fn sign_up(app: &impl poem::Endpoint) -> String {
/// #     let request = poem::Request::builder()
/// #         .method(poem::http::Method::POST)
/// #         .uri_str("/api/auth/sign-up/email")
/// #         .content_type("application/json")
/// #         .body(r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#);
/// #     let response = app.get_response(request).await;
/// #     response.headers()["set-auth-token"].to_str().unwrap().to_owned()
/// # }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let app = Route::new()
///     .at("/", get(home).with(auth_poem::optional_auth(&auth)))
///     .with_auth(&auth);
/// assert_eq!(call(&app, "/", Some("a.b.c")).await, (200, "hello, stranger".into()));
/// # Ok(())
/// # }
/// ```
pub fn optional_auth(auth: &Auth) -> OptionalAuth {
    OptionalAuth(auth.clone())
}

/// The middleware [`install`] makes.
#[derive(Clone, Debug)]
pub struct Install {
    auth: Auth,
    cors: CorsPolicy,
}

/// The middleware [`require_auth`] makes.
#[derive(Clone, Debug)]
pub struct RequireAuth(Auth);

/// The middleware [`optional_auth`] makes.
#[derive(Clone, Debug)]
pub struct OptionalAuth(Auth);

/// The endpoint a middleware of this crate wraps.
#[derive(Debug)]
pub struct Wrapped<E, M> {
    inner: E,
    middleware: M,
}

/// Implements `Middleware` for a middleware of this crate.
macro_rules! wraps {
    ($($middleware:ident),*) => {$(
        impl<E: Endpoint> Middleware<E> for $middleware {
            type Output = Wrapped<E, $middleware>;

            fn transform(&self, inner: E) -> Self::Output {
                Wrapped {
                    inner,
                    middleware: self.clone(),
                }
            }
        }
    )*};
}

wraps!(Install, RequireAuth, OptionalAuth);

impl<E: Endpoint> Endpoint for Wrapped<E, Install> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> poem::Result<Response> {
        let Install { auth, cors } = &self.middleware;
        if let Some(headers) = cors.preflight(request.method(), request.headers()) {
            let mut response = Response::builder()
                .status(http::StatusCode::NO_CONTENT)
                .finish();
            *response.headers_mut() = headers;
            return Ok(response);
        }
        let origin = cors.allowed_origin(request.headers());
        extract::install(auth, request.extensions_mut());
        let mut response = match self.inner.call(request).await {
            Ok(output) => output.into_response(),
            Err(err) => err.into_response(),
        };
        if let Some(origin) = origin {
            cors.decorate(origin, response.headers_mut());
        }
        Ok(response)
    }
}

impl<E: Endpoint> Endpoint for Wrapped<E, RequireAuth> {
    type Output = E::Output;

    async fn call(&self, mut request: Request) -> poem::Result<E::Output> {
        let auth = &self.middleware.0;
        let identified = extract::require(auth, request.headers())
            .await
            .map_err(error)?;
        identified.record(auth, request.extensions_mut());
        self.inner.call(request).await
    }
}

impl<E: Endpoint> Endpoint for Wrapped<E, OptionalAuth> {
    type Output = E::Output;

    async fn call(&self, mut request: Request) -> poem::Result<E::Output> {
        let auth = &self.middleware.0;
        let identified = extract::identify(auth, request.headers())
            .await
            .map_err(error)?;
        identified.record(auth, request.extensions_mut());
        self.inner.call(request).await
    }
}
