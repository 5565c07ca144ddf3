//! The auth API as a poem `Route`.

use auth_core::Auth;
use auth_core::http::{AuthService, ClientAddr};
use poem::{Endpoint, Middleware, Request, Response, Route};

use crate::convert::to_poem;
use crate::middleware::{Install, Wrapped, install};

/// A `Route` serving Better Auth's API under the configured base path (default `/api/auth`),
/// every method and sub-path, so unknown ones are answered as Better Auth does. Nest it at the
/// root of your routes.
///
/// ```
/// use poem::{EndpointExt, Route, get, handler};
///
/// #[handler]
/// fn hello() -> &'static str {
///     "hello"
/// }
///
/// # fn make(auth: auth_core::Auth) {
/// let app = Route::new()
///     .at("/api/hello", get(hello))
///     .nest("/", auth_poem::routes(&auth))
///     .with(auth_poem::install(&auth));
/// # let _ = app;
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
    /// # fn make(auth: auth_core::Auth) {
    /// let app = Route::new().at("/api/hello", get(hello)).with_auth(&auth);
    /// # let _ = app;
    /// # }
    /// ```
    fn with_auth(self, auth: &Auth) -> Wrapped<Route, Install>;
}

impl AuthRouterExt for Route {
    fn with_auth(self, auth: &Auth) -> Wrapped<Route, Install> {
        install(auth).transform(self.nest("/", routes(auth)))
    }
}
