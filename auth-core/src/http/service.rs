//! `AuthService`: the protocol as a `tower::Service` over `http` types.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::Full;

use super::body;
use super::error::ProtocolError;
use super::handlers::{self, Ctx};
use super::rate_limit;
use super::reply::{Reply, ResponseBody};
use super::router::{self, Routing};
use crate::{Auth, BoxError};

/// Better Auth's email/password API under the configured base path, as a
/// `tower::Service<http::Request<B>>`. It never fails: every outcome, errors included, is a
/// response. Requests outside the base path get Better Auth's empty 404, so mount it on the base
/// path (the adapters' `routes(&auth)` do).
///
/// ```
/// use auth_core::http::AuthService;
/// use tower::ServiceExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let config = auth_core::config::AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// # let issuer = auth_core::token::JwtIssuer::for_config(&config, auth_core::token::JwtKey::generate_ed25519())?;
/// # let auth = auth_core::Auth::builder().config(config).store(auth_core::store::MemoryStore::new()).issuer(issuer).default_hasher().build();
/// let request = http::Request::get("/api/auth/ok").body(http_body_util::Empty::<bytes::Bytes>::new())?;
/// let response = AuthService::new(&auth).oneshot(request).await?;
/// assert_eq!(response.status(), 200);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct AuthService {
    auth: Auth,
}

impl AuthService {
    /// The service for `auth`.
    pub fn new(auth: &Auth) -> Self {
        Self { auth: auth.clone() }
    }

    /// Answers one request, with the body as plain bytes: for adapters whose framework has its
    /// own body type (tower users call the service).
    pub async fn respond<B>(&self, request: Request<B>) -> Response<Bytes>
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        let auth = &self.auth;
        let (parts, body) = request.into_parts();
        // Verify-only: the auth API is the issuing server's, not ours.
        if auth.inner.verify_only {
            return Reply::empty(StatusCode::NOT_FOUND).into_bytes_response();
        }
        let route = match router::route(&parts.method, parts.uri.path(), auth.config().base_path())
        {
            // A plugin's routes exist only while it is configured.
            Routing::Found(route)
                if route.is_two_factor() && auth.config().two_factor().is_none() =>
            {
                return Reply::empty(StatusCode::NOT_FOUND).into_bytes_response();
            }
            Routing::Found(route) => route,
            Routing::GetSessionPost => {
                return Reply::error(&ProtocolError::GetSessionMethodNotAllowed)
                    .no_store()
                    .into_bytes_response();
            }
            Routing::NotFound => return Reply::empty(StatusCode::NOT_FOUND).into_bytes_response(),
        };
        // Counted before anything else, as Better Auth's limiter does: a refused request costs
        // one counter update.
        let path = parts
            .uri
            .path()
            .strip_prefix(auth.config().base_path())
            .unwrap_or_default();
        let ip = rate_limit::client_ip(&parts, auth);
        if let Err(error) = auth.limit_by_ip(path, ip).await {
            return held(auth, Reply::error(&error)).await;
        }
        let body = if parts.method == http::Method::GET {
            None
        } else {
            match body::read(
                &parts.headers,
                body,
                auth.config().max_body_bytes(),
                route.accepts_form(),
            )
            .await
            {
                Ok(body) => body,
                Err(error) => return Reply::error(&error).into_bytes_response(),
            }
        };
        let mut ctx = Ctx {
            auth,
            parts: &parts,
            body,
        };
        let reply = handlers::dispatch(route, &mut ctx).await;
        held(auth, reply).await
    }
}

/// The response, after holding it if it is a refusal that asks the client to wait (see
/// `AuthConfigBuilder::refusal_pause`).
async fn held(auth: &Auth, reply: Reply) -> Response<Bytes> {
    if let Some(wait) = reply.hold() {
        let pause = auth.config().refusal_pause().min(wait);
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    reply.into_bytes_response()
}

impl<B> tower::Service<Request<B>> for AuthService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let service = self.clone();
        Box::pin(async move { Ok(service.respond(request).await.map(Full::new)) })
    }
}
