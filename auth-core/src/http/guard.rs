//! `RequireAuthLayer`: a tower layer that lets only authenticated requests through, putting the
//! [`Authenticated`] caller into the request's extensions for the handlers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};

use super::Authenticated;
use super::authenticate::Cached;
use super::reply::Reply;
use crate::Auth;
use crate::error::AuthError;
use crate::token::Claims;

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

pin_project_lite::pin_project! {
    /// The future [`RequireAuth`] returns: the inner service's, at once, when the caller is
    /// known from the caches (the common case); else one that asks the store first.
    pub struct RequireAuthFuture<F, T> {
        #[pin]
        state: State<F, T>,
    }
}

/// A boxed future of `T`, sendable.
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F, T> {
        Inner { #[pin] future: F },
        Refused { response: Option<T> },
        Lookup { future: BoxFuture<T> },
    }
}

impl<F, T> Future for RequireAuthFuture<F, T>
where
    F: Future<Output = T>,
{
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match self.project().state.project() {
            StateProj::Inner { future } => future.poll(cx),
            StateProj::Refused { response } => match response.take() {
                Some(response) => Poll::Ready(response),
                None => panic!("RequireAuthFuture polled after completion"),
            },
            StateProj::Lookup { future } => future.as_mut().poll(cx),
        }
    }
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
    type Future = RequireAuthFuture<S::Future, Result<Response<R>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let state = match self.auth.authenticate_cached(request.headers()) {
            Cached::Answered(Ok(caller)) => {
                request.extensions_mut().insert::<Authenticated>(caller);
                State::Inner {
                    future: self.inner.call(request),
                }
            }
            Cached::Answered(Err(error)) => State::Refused {
                response: Some(Ok(error_response_as(&error))),
            },
            Cached::Verified(claims) => State::Lookup {
                future: self.lookup(request, Some(claims)),
            },
            Cached::NoJwt => State::Lookup {
                future: self.lookup(request, None),
            },
        };
        RequireAuthFuture { state }
    }
}

impl<S> RequireAuth<S> {
    /// The slow path: the caller needs the store (a session token or cookie, or a JWT whose
    /// session the revocation cache does not know yet, already verified: `claims`).
    fn lookup<B, R>(
        &mut self,
        mut request: Request<B>,
        claims: Option<Arc<Claims>>,
    ) -> BoxFuture<Result<Response<R>, S::Error>>
    where
        S: tower::Service<Request<B>, Response = Response<R>> + Clone + Send + 'static,
        S::Future: Send + 'static,
        B: Send + 'static,
        R: From<Bytes>,
    {
        // The ready inner service serves this request; a fresh clone waits for the next one.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let auth = self.auth.clone();
        Box::pin(async move {
            let caller = match claims {
                Some(claims) => auth.authenticate_verified(&claims).await.map(Some),
                None => auth.authenticate_headers(request.headers()).await,
            };
            match caller {
                Ok(Some(caller)) => {
                    request.extensions_mut().insert::<Authenticated>(caller);
                    inner.call(request).await
                }
                Ok(None) => Ok(error_response_as(&AuthError::Unauthorized)),
                Err(error) => Ok(error_response_as(&error)),
            }
        })
    }
}
