//! Middleware: installing `Auth` (with CORS), and guarding a subtree.

use auth_core::Auth;
use auth_core::http::{Authenticated, cors};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};

use crate::convert::error;

/// Wraps the whole app: `auth` for the extractors, CORS for `AUTH_TRUSTED_ORIGINS`.
pub fn install(auth: Auth) -> Install {
    Install(auth)
}

/// Wraps a subtree's endpoints: 401 without valid credentials, else the caller for
/// [`CurrentUser`](crate::CurrentUser) (found without a second lookup).
pub fn require_auth(auth: &Auth) -> RequireAuth {
    RequireAuth(auth.clone())
}

/// The middleware [`install`] makes.
#[derive(Clone, Debug)]
pub struct Install(Auth);

/// The middleware [`require_auth`] makes.
#[derive(Clone, Debug)]
pub struct RequireAuth(Auth);

/// The endpoint a middleware of this crate wraps.
#[derive(Debug)]
pub struct Wrapped<E, M> {
    inner: E,
    middleware: M,
}

impl<E: Endpoint> Middleware<E> for Install {
    type Output = Wrapped<E, Install>;

    fn transform(&self, inner: E) -> Self::Output {
        Wrapped {
            inner,
            middleware: self.clone(),
        }
    }
}

impl<E: Endpoint> Middleware<E> for RequireAuth {
    type Output = Wrapped<E, RequireAuth>;

    fn transform(&self, inner: E) -> Self::Output {
        Wrapped {
            inner,
            middleware: self.clone(),
        }
    }
}

impl<E: Endpoint> Endpoint for Wrapped<E, Install> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> poem::Result<Response> {
        let config = self.middleware.0.config();
        if let Some(headers) = cors::preflight(config, request.method(), request.headers()) {
            let mut response = Response::builder()
                .status(http::StatusCode::NO_CONTENT)
                .finish();
            *response.headers_mut() = headers;
            return Ok(response);
        }
        let origin = cors::allowed_origin(config, request.headers());
        request.extensions_mut().insert(self.middleware.0.clone());
        let mut response = match self.inner.call(request).await {
            Ok(output) => output.into_response(),
            Err(err) => err.into_response(),
        };
        if let Some(origin) = origin {
            cors::decorate(origin, response.headers_mut());
        }
        Ok(response)
    }
}

impl<E: Endpoint> Endpoint for Wrapped<E, RequireAuth> {
    type Output = E::Output;

    async fn call(&self, mut request: Request) -> poem::Result<E::Output> {
        let caller = self
            .middleware
            .0
            .current_user(request.headers())
            .await
            .map_err(|e| error(&e))?;
        request.extensions_mut().insert::<Authenticated>(caller);
        self.inner.call(request).await
    }
}
