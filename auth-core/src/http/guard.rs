//! `RequireAuthLayer`: a tower layer that lets only authenticated requests through, putting the
//! [`Authenticated`] caller into the request's extensions for the handlers.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};

use super::Authenticated;
use super::reply::Reply;
use crate::Auth;
use crate::error::AuthError;

/// Guards a subtree: `401 UNAUTHORIZED` (or the token's error) without credentials. Made by
/// [`Auth::require_auth`].
#[derive(Clone, Debug)]
pub struct RequireAuthLayer {
    auth: Auth,
}

impl Auth {
    /// A layer that lets only authenticated requests through.
    pub fn require_auth(&self) -> RequireAuthLayer {
        RequireAuthLayer { auth: self.clone() }
    }
}

impl<S> tower::Layer<S> for RequireAuthLayer {
    type Service = RequireAuth<S>;

    fn layer(&self, inner: S) -> RequireAuth<S> {
        RequireAuth {
            inner,
            auth: self.auth.clone(),
        }
    }
}

/// The service [`RequireAuthLayer`] makes.
#[derive(Clone, Debug)]
pub struct RequireAuth<S> {
    inner: S,
    auth: Auth,
}

/// The protocol's error response with the body type `R` of the service being guarded.
pub fn error_response_as<R: From<Bytes>>(error: &AuthError) -> Response<R> {
    Reply::error(error).into_bytes_response().map(R::from)
}

impl<S, B, R> tower::Service<Request<B>> for RequireAuth<S>
where
    S: tower::Service<Request<B>, Response = Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    R: From<Bytes>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<R>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The ready inner service serves this request; a fresh clone waits for the next one.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let auth = self.auth.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            match auth.authenticate(&parts).await {
                Ok(Some(caller)) => {
                    parts.extensions.insert::<Authenticated>(caller);
                    inner.call(Request::from_parts(parts, body)).await
                }
                Ok(None) => Ok(error_response_as(&AuthError::Unauthorized)),
                Err(error) => Ok(error_response_as(&error)),
            }
        })
    }
}
