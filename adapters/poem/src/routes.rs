//! The auth API as a poem `Route`.

use auth_core::Auth;
use auth_core::http::{AuthService, ClientAddr};
use poem::{Endpoint, Middleware, Request, Response, Route};

use crate::convert::to_poem;
use crate::middleware::install;

/// A `Route` serving Better Auth's API under the configured base path (default `/api/auth`),
/// every method and sub-path, so unknown ones are answered as Better Auth does. Nest it at the
/// base path without stripping it (or call [`AuthRouterExt::with_auth`], which does).
///
/// ```
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
///     .at("/api/hello", get(hello))
///     .nest_no_strip(auth.config().base_path(), auth_poem::routes(&auth))
///     .with(auth_poem::install(&auth));
/// assert_eq!(call(&app, "/api/hello", None).await, (200, "hello".into()));
/// assert_eq!(call(&app, "/api/auth/ok", None).await, (200, r#"{"ok":true}"#.into()));
/// # Ok(())
/// # }
/// ```
pub fn routes(auth: &Auth) -> Route {
    Route::new().at(
        format!("{}/*rest", auth.config().base_path()),
        AuthEndpoint(AuthService::new(auth)),
    )
}

/// The protocol as a poem endpoint; it answers every outcome itself, errors included.
struct AuthEndpoint(AuthService);

impl Endpoint for AuthEndpoint {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        // The socket's address, for the protocol's rate limits.
        let client = request.remote_addr().as_socket_addr().map(|a| a.ip());
        let mut request: http::Request<_> = request.into();
        if let Some(ip) = client {
            request.extensions_mut().insert(ClientAddr(ip));
        }
        Ok(to_poem(self.0.respond(request).await))
    }
}

/// Adds auth to a whole `Route` in one call.
pub trait AuthRouterExt {
    /// Serves [`routes`] beside this route's own and wraps everything in [`install`]. It turns
    /// the `Route` into an endpoint, so call it last.
    ///
    /// ```
    /// use auth_poem::AuthRouterExt;
    /// use poem::{Route, get, handler};
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
    /// let app = Route::new().at("/api/hello", get(hello)).with_auth(&auth);
    /// assert_eq!(call(&app, "/api/hello", None).await, (200, "hello".into()));
    /// assert_eq!(call(&app, "/api/auth/get-session", None).await, (200, "null".into()));
    /// # Ok(())
    /// # }
    /// ```
    fn with_auth(self, auth: &Auth) -> impl Endpoint<Output = Response> + use<Self>;
}

impl AuthRouterExt for Route {
    fn with_auth(self, auth: &Auth) -> impl Endpoint<Output = Response> + use<> {
        install(auth).transform(self.nest_no_strip(auth.config().base_path(), routes(auth)))
    }
}
