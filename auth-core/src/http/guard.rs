//! The guard layers: [`RequireAuthLayer`] lets only authenticated requests through;
//! [`OptionalAuthLayer`] lets every request through and records the caller when there is one.
//! Either way the caller is recorded in the request's extensions, where the adapters'
//! extractors find it without authenticating again (see [`extract`](super::extract)).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};

use super::ProtocolError;
use super::caller::Cached;
use super::extract::Identified;
use crate::Auth;
use crate::error::AuthError;
use crate::token::Claims;

/// Guards a subtree: `401 UNAUTHORIZED` (or the token's error) without valid credentials, 503
/// when the store is down; otherwise the request goes on with its caller recorded.
///
/// ```
/// use auth_core::http::RequireAuthLayer;
/// use tower::{ServiceBuilder, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let api = ServiceBuilder::new()
///     .layer(RequireAuthLayer::new(&auth))
///     .service(service_fn(|_request: http::Request<()>| async {
///         Ok::<_, std::convert::Infallible>(http::Response::new(bytes::Bytes::from("secret")))
///     }));
/// let anonymous = api.oneshot(http::Request::get("/api/secret").body(())?).await?;
/// assert_eq!(anonymous.status(), 401);
/// assert_eq!(&anonymous.body()[..], br#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct RequireAuthLayer {
    auth: Auth,
}

impl RequireAuthLayer {
    /// The layer for `auth`.
    pub fn new(auth: &Auth) -> Self {
        Self { auth: auth.clone() }
    }
}

/// Identifies the caller of a subtree without requiring one: a request with valid credentials
/// goes on with its caller recorded, one without (or with bad ones) goes on without; only a
/// server fault (the store down) is refused.
///
/// ```
/// use auth_core::http::{OptionalAuthLayer, extract};
/// use tower::{ServiceBuilder, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let page = ServiceBuilder::new()
///     .layer(OptionalAuthLayer::new(&auth))
///     .service(service_fn(|request: http::Request<()>| async move {
///         let caller = extract::maybe_user(request.headers(), request.extensions()).await?;
///         let name = caller.map_or("stranger".to_owned(), |caller| caller.user.name);
///         Ok::<_, auth_core::AuthError>(http::Response::new(bytes::Bytes::from(format!("hello, {name}"))))
///     }));
/// let anonymous = page.oneshot(http::Request::get("/").body(())?).await?;
/// assert_eq!(anonymous.status(), 200);
/// assert_eq!(&anonymous.body()[..], b"hello, stranger");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct OptionalAuthLayer {
    auth: Auth,
}

impl OptionalAuthLayer {
    /// The layer for `auth`.
    pub fn new(auth: &Auth) -> Self {
        Self { auth: auth.clone() }
    }
}

impl<S> tower::Layer<S> for RequireAuthLayer {
    type Service = RequireAuth<S>;

    fn layer(&self, inner: S) -> RequireAuth<S> {
        RequireAuth(Guard::new(inner, &self.auth, true))
    }
}

impl<S> tower::Layer<S> for OptionalAuthLayer {
    type Service = OptionalAuth<S>;

    fn layer(&self, inner: S) -> OptionalAuth<S> {
        OptionalAuth(Guard::new(inner, &self.auth, false))
    }
}

/// The service [`RequireAuthLayer`] makes.
#[derive(Clone, Debug)]
pub struct RequireAuth<S>(Guard<S>);

/// The service [`OptionalAuthLayer`] makes.
#[derive(Clone, Debug)]
pub struct OptionalAuth<S>(Guard<S>);

/// Both guards: they differ only in whether a caller is required.
#[derive(Clone, Debug)]
struct Guard<S> {
    inner: S,
    auth: Auth,
    required: bool,
}

pin_project_lite::pin_project! {
    /// The future of both guards: the inner service's, at once, when the caller is known from
    /// the caches (the common case); else one that asks the store first.
    pub struct ResponseFuture<F, T> {
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

impl<F, T> Future for ResponseFuture<F, T>
where
    F: Future<Output = T>,
{
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        match self.project().state.project() {
            StateProj::Inner { future } => future.poll(cx),
            StateProj::Refused { response } => match response.take() {
                Some(response) => Poll::Ready(response),
                None => panic!("ResponseFuture polled after completion"),
            },
            StateProj::Lookup { future } => future.as_mut().poll(cx),
        }
    }
}

/// The refusal as the guarded service's response.
fn refusal<R: From<Bytes>>(error: AuthError) -> Response<R> {
    ProtocolError::from(error).response()
}

impl<S> Guard<S> {
    fn new(inner: S, auth: &Auth, required: bool) -> Self {
        Self {
            inner,
            auth: auth.clone(),
            required,
        }
    }

    fn call<B, R>(
        &mut self,
        mut request: Request<B>,
    ) -> ResponseFuture<S::Future, Result<Response<R>, S::Error>>
    where
        S: tower::Service<Request<B>, Response = Response<R>> + Clone + Send + 'static,
        S::Future: Send + 'static,
        B: Send + 'static,
        R: From<Bytes>,
    {
        let verified = match self.auth.authenticate_cached(request.headers()) {
            Cached::Answered(found) => {
                let state = match Identified::decide(self.required, found.map(Some)) {
                    Ok(identified) => {
                        identified.record(&self.auth, request.extensions_mut());
                        State::Inner {
                            future: self.inner.call(request),
                        }
                    }
                    Err(error) => State::Refused {
                        response: Some(Ok(refusal(error))),
                    },
                };
                return ResponseFuture { state };
            }
            Cached::Verified(claims) => Some(claims),
            Cached::NoJwt => None,
        };
        ResponseFuture {
            state: State::Lookup {
                future: self.lookup(request, verified),
            },
        }
    }

    /// The slow path: the caller needs the store (a session token or cookie, or a JWT whose
    /// session the revocation cache does not know yet, already verified: `verified`).
    fn lookup<B, R>(
        &mut self,
        mut request: Request<B>,
        verified: Option<Arc<Claims>>,
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
        let required = self.required;
        Box::pin(async move {
            let found = auth.authenticate_rest(request.headers(), verified).await;
            match Identified::decide(required, found) {
                Ok(identified) => {
                    identified.record(&auth, request.extensions_mut());
                    inner.call(request).await
                }
                Err(error) => Ok(refusal(error)),
            }
        })
    }
}

/// Implements `tower::Service` for a guard newtype by delegating to its `Guard`.
macro_rules! guard_service {
    ($name:ident) => {
        impl<S, B, R> tower::Service<Request<B>> for $name<S>
        where
            S: tower::Service<Request<B>, Response = Response<R>> + Clone + Send + 'static,
            S::Future: Send + 'static,
            B: Send + 'static,
            R: From<Bytes>,
        {
            type Response = Response<R>;
            type Error = S::Error;
            type Future = ResponseFuture<S::Future, Result<Response<R>, S::Error>>;

            fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
                self.0.inner.poll_ready(cx)
            }

            fn call(&mut self, request: Request<B>) -> Self::Future {
                self.0.call(request)
            }
        }
    };
}

guard_service!(RequireAuth);
guard_service!(OptionalAuth);
