//! Building responses: JSON bodies, error bodies, and the cookies and headers Better Auth adds.

use std::time::Duration;

use bytes::Bytes;
use http::header::{
    CACHE_CONTROL, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION, PRAGMA, RETRY_AFTER, SET_COOKIE,
};
use http::{HeaderMap, Response, StatusCode};
use http_body_util::Full;
use serde::Serialize;

use super::cookies::{self, DONT_REMEMBER, SESSION_DATA, SESSION_TOKEN};
use crate::config::AuthConfig;
use crate::error::AuthError;

/// The body type of every response the protocol produces.
pub type ResponseBody = Full<Bytes>;

const SET_AUTH_TOKEN: HeaderName = HeaderName::from_static("set-auth-token");
const SET_AUTH_JWT: HeaderName = HeaderName::from_static("set-auth-jwt");
const EXPOSE: HeaderName = HeaderName::from_static("access-control-expose-headers");

/// The rate limiter's body: Better Auth sends no `code` with it.
#[derive(Serialize)]
struct RateLimitedBody<'a> {
    message: &'a str,
}

const X_RETRY_AFTER: HeaderName = HeaderName::from_static("x-retry-after");

/// Better Auth's error body, keys in its order.
#[derive(Serialize)]
struct ErrorBody<'a> {
    message: &'a str,
    code: &'a str,
}

/// A response being built.
#[derive(Debug)]
pub(crate) struct Reply {
    status: StatusCode,
    body: Option<Bytes>,
    headers: HeaderMap,
    cookies: Vec<String>,
    expose: Vec<&'static str>,
    /// The answer refuses work and asks the client to wait this long (503 `SERVER_BUSY`, 429).
    hold: Option<Duration>,
}

fn header_value(value: &str) -> HeaderValue {
    // Our values are ASCII (tokens, base64, cookie syntax); anything else is dropped, never a panic.
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

impl Reply {
    /// `200` with `value` as JSON.
    pub(crate) fn json(value: &impl Serialize) -> Self {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
        Self {
            status: StatusCode::OK,
            body: Some(Bytes::from(body)),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            expose: Vec::new(),
            hold: None,
        }
    }

    /// A status with an empty body and no content type (Better Auth's routing 404).
    pub(crate) fn empty(status: StatusCode) -> Self {
        Self {
            status,
            body: None,
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            expose: Vec::new(),
            hold: None,
        }
    }

    /// The error's status and `{"message","code"}` body; `Retry-After` on 503s. Internal causes
    /// are logged here, once, and never sent.
    pub(crate) fn error(error: &AuthError) -> Self {
        if let AuthError::TooManyRequests { retry_after } = error {
            return Self::rate_limited(*retry_after);
        }
        let overloaded = matches!(error, AuthError::Overloaded);
        if overloaded {
            // Expected under a storm, thousands a second: not worth an error line each.
            tracing::debug!("refused: password hashing is saturated");
        } else if error.status().is_server_error() {
            tracing::error!(%error, code = error.code(), "request failed");
        }
        let mut reply = Self::json(&ErrorBody {
            message: &error.message(),
            code: error.code(),
        });
        reply.status = error.status();
        if let Some(wait) = error.retry_after() {
            reply
                .headers
                .insert(RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
        }
        if overloaded {
            reply.hold = error.retry_after();
        }
        reply
    }

    /// Better Auth's 429: `x-retry-after` in whole seconds and a body with no `code`.
    fn rate_limited(retry_after: Duration) -> Self {
        let secs = retry_after.as_secs().max(1);
        tracing::debug!(retry_after = secs, "refused: rate limited");
        let mut reply = Self::json(&RateLimitedBody {
            message: "Too many requests. Please try again later.",
        });
        reply.status = StatusCode::TOO_MANY_REQUESTS;
        reply.headers.insert(X_RETRY_AFTER, HeaderValue::from(secs));
        reply.hold = Some(retry_after);
        reply
    }

    /// For a refusal that tells the client to wait: how long it asked for. The protocol holds
    /// such answers (see `AuthConfig::with_refusal_pause`).
    pub(crate) fn hold(&self) -> Option<Duration> {
        self.hold
    }

    /// `cache-control: no-store` and `pragma: no-cache` (get-session).
    pub(crate) fn no_store(mut self) -> Self {
        self.headers
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        self.headers
            .insert(PRAGMA, HeaderValue::from_static("no-cache"));
        self
    }

    pub(crate) fn location(mut self, url: &str) -> Self {
        self.headers.insert(LOCATION, header_value(url));
        self
    }

    /// The session cookie (and `dont_remember` for short sessions), plus `set-auth-token` for
    /// bearer clients.
    pub(crate) fn set_session(&mut self, config: &AuthConfig, token: &str, remember_me: bool) {
        let secret = config.secret().expose();
        let signed = cookies::sign(secret, token);
        let max_age = remember_me.then(|| config.session_ttl().as_secs());
        let name = cookies::cookie_name(config, SESSION_TOKEN);
        self.cookies
            .push(cookies::set_cookie(config, &name, &signed, max_age));
        if !remember_me {
            let name = cookies::cookie_name(config, DONT_REMEMBER);
            self.cookies.push(cookies::set_cookie(
                config,
                &name,
                &cookies::sign(secret, "true"),
                None,
            ));
        }
        self.headers.insert(SET_AUTH_TOKEN, header_value(&signed));
        self.expose.push("set-auth-token");
    }

    /// Expires the session cookies (the session is gone or was never valid).
    pub(crate) fn clear_session(&mut self, config: &AuthConfig) {
        for which in [SESSION_TOKEN, SESSION_DATA, DONT_REMEMBER] {
            self.cookies.push(cookies::clear_cookie(
                config,
                &cookies::cookie_name(config, which),
            ));
        }
    }

    /// `set-auth-jwt` (get-session with a session).
    pub(crate) fn set_jwt(&mut self, jwt: &str) {
        self.headers.insert(SET_AUTH_JWT, header_value(jwt));
        self.expose.insert(0, "set-auth-jwt");
    }

    /// The finished `http::Response`.
    pub(crate) fn into_response(self) -> Response<ResponseBody> {
        self.into_bytes_response().map(Full::new)
    }

    /// The finished response with the body as plain bytes.
    pub(crate) fn into_bytes_response(self) -> Response<Bytes> {
        let mut response = Response::new(self.body.clone().unwrap_or_default());
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if !self.expose.is_empty() {
            headers.insert(EXPOSE, header_value(&self.expose.join(", ")));
        }
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        headers.extend(self.headers);
        for cookie in &self.cookies {
            headers.append(SET_COOKIE, header_value(cookie));
        }
        response
    }
}

impl From<AuthError> for Reply {
    fn from(error: AuthError) -> Self {
        Self::error(&error)
    }
}

/// The JSON error response for `error`, as the protocol sends it: adapters use this to answer
/// for their extractors, so every framework's errors look the same.
pub fn error_response(error: &AuthError) -> Response<ResponseBody> {
    Reply::error(error).into_response()
}
