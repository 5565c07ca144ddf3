//! Middleware: installing `Auth` (with CORS), and guarding a subtree.

use auth_core::http::{Authenticated, cors};
use auth_core::{Auth, AuthError};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};

use crate::convert::error;

/// Makes `auth` available to [`CurrentUser`](crate::CurrentUser) and
/// [`MaybeUser`](crate::MaybeUser), and answers CORS for `AUTH_TRUSTED_ORIGINS`. Put it around the
/// whole app.
pub fn install(auth: Auth) -> Install {
    Install { auth }
}

/// Guards a subtree: requests without valid credentials get 401 with Better Auth's JSON; handlers
/// behind it find the caller with [`CurrentUser`](crate::CurrentUser) without a second lookup.
pub fn require_auth(auth: &Auth) -> RequireAuth {
    RequireAuth { auth: auth.clone() }
}

/// The middleware [`install`] makes.
#[derive(Clone, Debug)]
pub struct Install {
    auth: Auth,
}

/// The middleware [`require_auth`] makes.
#[derive(Clone, Debug)]
pub struct RequireAuth {
    auth: Auth,
}

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
        let config = self.middleware.auth.config();
        if let Some(headers) = cors::preflight(config, request.method(), request.headers()) {
            let mut response = Response::builder()
                .status(http::StatusCode::NO_CONTENT)
                .finish();
            *response.headers_mut() = headers;
            return Ok(response);
        }
        let origin = cors::allowed_origin(config, request.headers());
        request
            .extensions_mut()
            .insert(self.middleware.auth.clone());
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
        match self
            .middleware
            .auth
            .authenticate_headers(request.headers())
            .await
        {
            Ok(Some(caller)) => {
                request.extensions_mut().insert::<Authenticated>(caller);
                self.inner.call(request).await
            }
            Ok(None) => Err(error(&AuthError::Unauthorized)),
            Err(failure) => Err(error(&failure)),
        }
    }
}
