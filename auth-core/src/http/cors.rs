//! CORS for front ends on other origins (`AUTH_TRUSTED_ORIGINS`), as a tower `Layer` to put
//! around the whole app: credentials allowed, preflights answered, `set-auth-token` and
//! `set-auth-jwt` exposed. Off (a pass-through) unless trusted origins are configured.
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

use crate::Auth;
use crate::config::AuthConfig;

const EXPOSED: [&str; 2] = ["set-auth-token", "set-auth-jwt"];

/// Adds CORS to a service; see the module docs. Made by [`Auth::cors_layer`].
#[derive(Clone, Debug)]
pub struct CorsLayer {
    config: Arc<AuthConfig>,
}

impl Auth {
    /// The CORS layer for this configuration (a pass-through when no trusted origins are set).
    pub fn cors_layer(&self) -> CorsLayer {
        CorsLayer {
            config: Arc::new(self.config().clone()),
        }
    }
}

impl<S> tower::Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors {
            inner,
            config: Arc::clone(&self.config),
        }
    }
}

/// The service [`CorsLayer`] makes.
#[derive(Clone, Debug)]
pub struct Cors<S> {
    inner: S,
    config: Arc<AuthConfig>,
}

/// The request's `Origin` when CORS is on and that origin is trusted: the value to allow.
pub fn allowed_origin(config: &AuthConfig, headers: &HeaderMap) -> Option<HeaderValue> {
    if !config.cors_enabled() {
        return None;
    }
    let origin = headers.get(ORIGIN)?;
    config
        .is_trusted_origin(origin.to_str().ok()?)
        .then(|| origin.clone())
}

/// For a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) from a trusted origin:
/// the headers of the `204 No Content` answer. `None` for anything else (let it through).
pub fn preflight(config: &AuthConfig, method: &Method, headers: &HeaderMap) -> Option<HeaderMap> {
    if method != Method::OPTIONS || !headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
        return None;
    }
    let origin = allowed_origin(config, headers)?;
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
pub fn decorate(origin: HeaderValue, headers: &mut HeaderMap) {
    allow(headers, origin);
    expose(headers);
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
    if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
        headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, value);
    }
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
        if let Some(headers) = preflight(&self.config, request.method(), request.headers()) {
            let mut response = Response::new(R::default());
            *response.status_mut() = StatusCode::NO_CONTENT;
            *response.headers_mut() = headers;
            return Box::pin(std::future::ready(Ok(response)));
        }
        let Some(origin) = allowed_origin(&self.config, request.headers()) else {
            return Box::pin(self.inner.call(request));
        };
        let future = self.inner.call(request);
        Box::pin(async move {
            let mut response = future.await?;
            decorate(origin, response.headers_mut());
            Ok(response)
        })
    }
}
