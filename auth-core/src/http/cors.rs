//! CORS for front ends on other origins (`AUTH_TRUSTED_ORIGINS`): the [`CorsPolicy`], and the
//! [`CorsLayer`] that applies it around a whole app: credentials allowed, preflights answered,
//! `set-auth-token` and `set-auth-jwt` exposed. Off (a pass-through) unless trusted origins are
//! configured.
//!
//! Better Auth leaves CORS to the host, and cross-origin set-ups are where its users stumble
//! most: a CORS middleware that overwrites `Access-Control-Expose-Headers` hides the bearer and
//! JWT headers. This one merges them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, HeaderValue, ORIGIN, VARY,
};
use http::{HeaderMap, Method, Request, Response, StatusCode};

use crate::config::AuthConfig;

const EXPOSED: [&str; 2] = ["set-auth-token", "set-auth-jwt"];

/// The CORS rules of a configuration, for adapters whose framework has no tower layers: answer
/// [`preflight`](Self::preflight)s with `204`, and [`decorate`](Self::decorate) every other
/// response to a request from an [`allowed_origin`](Self::allowed_origin).
///
/// ```
/// use auth_core::config::AuthConfig;
/// use auth_core::http::CorsPolicy;
///
/// let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:4000")
///     .trusted_origins(["http://localhost:3000"])
///     .build()?;
/// let cors = CorsPolicy::new(&config);
/// let mut request = http::HeaderMap::new();
/// request.insert("origin", "http://localhost:3000".parse()?);
/// let origin = cors.allowed_origin(&request).expect("trusted");
/// let mut response = http::HeaderMap::new();
/// cors.decorate(origin, &mut response);
/// assert_eq!(response["access-control-expose-headers"], "set-auth-token, set-auth-jwt");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct CorsPolicy {
    config: Arc<AuthConfig>,
}

impl CorsPolicy {
    /// The rules for `config`'s trusted origins.
    pub fn new(config: &AuthConfig) -> Self {
        Self {
            config: Arc::new(config.clone()),
        }
    }

    /// The request's `Origin` when CORS is on and that origin is trusted: the value to allow.
    pub fn allowed_origin(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        if !self.config.cors_enabled() {
            return None;
        }
        let origin = headers.get(ORIGIN)?;
        self.config
            .is_trusted_origin(origin.to_str().ok()?)
            .then(|| origin.clone())
    }

    /// For a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) from a trusted
    /// origin: the headers of the `204 No Content` answer. `None` for anything else (let it
    /// through).
    pub fn preflight(&self, method: &Method, headers: &HeaderMap) -> Option<HeaderMap> {
        if method != Method::OPTIONS || !headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
            return None;
        }
        let origin = self.allowed_origin(headers)?;
        let mut answer = HeaderMap::new();
        allow(&mut answer, origin);
        answer.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, OPTIONS"),
        );
        let requested = headers.get(ACCESS_CONTROL_REQUEST_HEADERS).cloned();
        answer.insert(
            ACCESS_CONTROL_ALLOW_HEADERS,
            requested.unwrap_or_else(|| HeaderValue::from_static("content-type, authorization")),
        );
        answer.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        Some(answer)
    }

    /// Adds the CORS headers for an allowed `origin` to a response: allow-origin, credentials,
    /// `Vary: Origin`, and `set-auth-token` / `set-auth-jwt` merged into the exposed headers.
    pub fn decorate(&self, origin: HeaderValue, headers: &mut HeaderMap) {
        allow(headers, origin);
        expose(headers);
    }
}

fn allow(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    headers.append(VARY, HeaderValue::from_static("Origin"));
}

/// Adds our headers to `Access-Control-Expose-Headers`, keeping what is there.
fn expose(headers: &mut HeaderMap) {
    let mut names: Vec<String> = headers
        .get_all(ACCESS_CONTROL_EXPOSE_HEADERS)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    for name in EXPOSED {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    // Header names (ours, and ones that were in a header value already) are valid values.
    if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
        headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, value);
    }
}

/// Applies the [`CorsPolicy`] of a configuration around a service; see the module docs.
///
/// ```
/// use auth_core::config::AuthConfig;
/// use auth_core::http::CorsLayer;
/// use tower::{ServiceBuilder, ServiceExt, service_fn};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:4000")
///     .trusted_origins(["http://localhost:3000"])
///     .build()?;
/// let app = ServiceBuilder::new()
///     .layer(CorsLayer::new(&config))
///     .service(service_fn(|_request: http::Request<()>| async {
///         Ok::<_, std::convert::Infallible>(http::Response::new(String::from("hello")))
///     }));
/// let preflight = http::Request::options("/api/auth/sign-in/email")
///     .header("origin", "http://localhost:3000")
///     .header("access-control-request-method", "POST")
///     .body(())?;
/// let answer = app.oneshot(preflight).await?;
/// assert_eq!(answer.status(), 204);
/// assert_eq!(answer.headers()["access-control-allow-credentials"], "true");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct CorsLayer {
    policy: CorsPolicy,
}

impl CorsLayer {
    /// The layer for `config`'s trusted origins (a pass-through when there are none).
    pub fn new(config: &AuthConfig) -> Self {
        Self {
            policy: CorsPolicy::new(config),
        }
    }
}

impl<S> tower::Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors {
            inner,
            policy: self.policy.clone(),
        }
    }
}

/// The service [`CorsLayer`] makes.
#[derive(Clone, Debug)]
pub struct Cors<S> {
    inner: S,
    policy: CorsPolicy,
}

impl<S, B, R> tower::Service<Request<B>> for Cors<S>
where
    S: tower::Service<Request<B>, Response = Response<R>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    R: Default + Send + 'static,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<R>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if let Some(headers) = self.policy.preflight(request.method(), request.headers()) {
            let mut response = Response::new(R::default());
            *response.status_mut() = StatusCode::NO_CONTENT;
            *response.headers_mut() = headers;
            return Box::pin(std::future::ready(Ok(response)));
        }
        let Some(origin) = self.policy.allowed_origin(request.headers()) else {
            return Box::pin(self.inner.call(request));
        };
        let future = self.inner.call(request);
        let policy = self.policy.clone();
        Box::pin(async move {
            let mut response = future.await?;
            policy.decorate(origin, response.headers_mut());
            Ok(response)
        })
    }
}
