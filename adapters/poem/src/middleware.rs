//! Middleware: installing `Auth` (with CORS), guarding a subtree, identifying its callers.

use auth_core::Auth;
use auth_core::http::{CorsPolicy, extract};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};

use crate::convert::error;

/// Wraps the whole app: `auth` for the extractors, CORS for the trusted origins.
///
/// ```
/// use poem::{EndpointExt, Route};
///
/// # fn make(auth: auth_core::Auth) {
/// let app = Route::new()
///     .nest("/", auth_poem::routes(&auth))
///     .with(auth_poem::install(&auth));
/// # let _ = app;
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
/// use poem::{EndpointExt, Route, get, handler};
///
/// #[handler]
/// fn hello() -> &'static str {
///     "hello"
/// }
///
/// # fn make(auth: auth_core::Auth) {
/// let app = Route::new().at("/api/private/hello", get(hello).with(auth_poem::require_auth(&auth)));
/// # let _ = app;
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
/// use poem::{EndpointExt, Route, get, handler};
///
/// #[handler]
/// fn home() -> &'static str {
///     "hello"
/// }
///
/// # fn make(auth: auth_core::Auth) {
/// let app = Route::new().at("/", get(home).with(auth_poem::optional_auth(&auth)));
/// # let _ = app;
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
