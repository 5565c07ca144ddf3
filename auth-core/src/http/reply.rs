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
use super::error::ProtocolError;
use crate::config::AuthConfig;
use crate::error::{AuthError, Chain};
use crate::model::SessionToken;

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
    /// Absent where Better Auth sends none ("Email is the same").
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
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

/// A header value we build from tokens, base64 and cookie syntax, all ASCII. Should one ever not
/// be, the request fails with a logged 500: an empty header would be a silent wrong answer.
fn header_value(name: &str, value: &str) -> Result<HeaderValue, AuthError> {
    HeaderValue::from_str(value)
        .map_err(|e| AuthError::internal(format!("the {name} header value is not valid: {e}")))
}

/// Characters a `Location` URL may carry as they are: visible ASCII. Everything else (spaces,
/// non-ASCII letters of a caller's callback URL) is percent-encoded, as a browser writes it.
const LOCATION_ENCODED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`');

/// The error body when even the error cannot be serialised (it is two strings: it cannot fail).
const INTERNAL_ERROR_BODY: &[u8] =
    br#"{"message":"Internal Server Error","code":"INTERNAL_SERVER_ERROR"}"#;

impl Reply {
    /// `200` with `value` as JSON; a value that cannot be serialised is a logged 500, never a
    /// body the client would misread.
    pub(crate) fn json(value: &impl Serialize) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => Self::with_body(StatusCode::OK, body),
            Err(error) => Self::error(&AuthError::internal(error).into()),
        }
    }

    fn with_body(status: StatusCode, body: Vec<u8>) -> Self {
        Self {
            status,
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
    pub(crate) fn error(error: &ProtocolError) -> Self {
        if let ProtocolError::TooManyRequests { retry_after } = error {
            return Self::rate_limited(*retry_after);
        }
        let overloaded = matches!(error, ProtocolError::Flow(AuthError::Overloaded));
        if overloaded {
            // Expected under a storm, thousands a second: not worth an error line each.
            tracing::debug!("refused: password hashing is saturated");
        } else if error.status().is_server_error() {
            tracing::error!(error = %Chain(error), code = error.code(), "request failed");
        }
        let bare = matches!(error, ProtocolError::Flow(AuthError::EmailIsTheSame));
        let body = serde_json::to_vec(&ErrorBody {
            message: &error.message(),
            code: (!bare).then(|| error.code()),
        })
        .unwrap_or_else(|_| INTERNAL_ERROR_BODY.to_vec());
        let mut reply = Self::with_body(error.status(), body);
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

    /// `Location: url`, percent-encoding what a header cannot carry (the URL is the caller's,
    /// already checked to hold no control characters).
    pub(crate) fn location(mut self, url: &str) -> Result<Self, AuthError> {
        let encoded = percent_encoding::utf8_percent_encode(url, LOCATION_ENCODED).to_string();
        self.headers
            .insert(LOCATION, header_value("location", &encoded)?);
        Ok(self)
    }

    /// A page of HTML (Better Auth's error page).
    pub(crate) fn html(status: StatusCode, page: Bytes) -> Self {
        let mut reply = Self::empty(status);
        reply.body = Some(page);
        reply
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        reply
    }

    /// `302 Found` to `url`, with Better Auth's `content-type: application/json` and an empty
    /// body.
    pub(crate) fn redirect(url: &str) -> Result<Self, AuthError> {
        Self::with_body(StatusCode::FOUND, Vec::new()).location(url)
    }

    /// The session cookie (and `dont_remember` for short sessions), plus `set-auth-token` for
    /// bearer clients.
    pub(crate) fn set_session(
        &mut self,
        config: &AuthConfig,
        token: &SessionToken,
        remember_me: bool,
    ) -> Result<(), AuthError> {
        let secret = config.secret().expose();
        let signed = cookies::sign(secret, token.expose());
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
        self.headers
            .insert(SET_AUTH_TOKEN, header_value("set-auth-token", &signed)?);
        self.expose.push("set-auth-token");
        Ok(())
    }

    /// Adds a `Set-Cookie` line.
    pub(crate) fn push_cookie(&mut self, line: String) {
        self.cookies.push(line);
    }

    /// Sets the cookie `which` to `value`, signed; `max_age: None` makes a browser-session one.
    pub(crate) fn set_signed_cookie(
        &mut self,
        config: &AuthConfig,
        which: &str,
        value: &str,
        max_age: Option<u64>,
    ) {
        let signed = cookies::sign(config.secret().expose(), value);
        let name = cookies::cookie_name(config, which);
        self.cookies
            .push(cookies::set_cookie(config, &name, &signed, max_age));
    }

    /// Expires the cookie `which`.
    pub(crate) fn clear_cookie(&mut self, config: &AuthConfig, which: &str) {
        self.cookies.push(cookies::clear_cookie(
            config,
            &cookies::cookie_name(config, which),
        ));
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
    pub(crate) fn set_jwt(&mut self, jwt: &str) -> Result<(), AuthError> {
        self.headers
            .insert(SET_AUTH_JWT, header_value("set-auth-jwt", jwt)?);
        self.expose.insert(0, "set-auth-jwt");
        Ok(())
    }

    /// The finished response with the body as plain bytes.
    pub(crate) fn into_bytes_response(self) -> Response<Bytes> {
        let mut cookies = Vec::with_capacity(self.cookies.len());
        for cookie in &self.cookies {
            match header_value("set-cookie", cookie) {
                Ok(value) => cookies.push(value),
                Err(error) => return Self::error(&error.into()).into_bytes_response(),
            }
        }
        let mut response = Response::new(self.body.clone().unwrap_or_default());
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if !self.expose.is_empty() {
            // A list of our own static header names.
            if let Ok(value) = HeaderValue::from_str(&self.expose.join(", ")) {
                headers.insert(EXPOSE, value);
            }
        }
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        headers.extend(self.headers);
        for cookie in cookies {
            headers.append(SET_COOKIE, cookie);
        }
        response
    }
}

impl From<ProtocolError> for Reply {
    fn from(error: ProtocolError) -> Self {
        Self::error(&error)
    }
}

impl From<AuthError> for Reply {
    fn from(error: AuthError) -> Self {
        Self::error(&error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value whose serialisation fails, as a map with non-string keys would.
    struct Unserialisable;

    impl Serialize for Unserialisable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("cannot be written as JSON"))
        }
    }

    #[test]
    fn a_body_that_cannot_be_serialised_is_a_500_not_null() {
        let response = Reply::json(&Unserialisable).into_bytes_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.body().as_ref(),
            br#"{"message":"Internal Server Error","code":"INTERNAL_SERVER_ERROR"}"#
        );
    }

    #[test]
    fn a_location_is_percent_encoded_never_emptied() {
        let reply = Reply::json(&"ok")
            .location("/welcome/Zoë?name=Zoë Smith")
            .expect("location");
        let response = reply.into_bytes_response();
        assert_eq!(
            response.headers().get(LOCATION).map(HeaderValue::as_bytes),
            Some(&b"/welcome/Zo%C3%AB?name=Zo%C3%AB%20Smith"[..])
        );
    }

    #[test]
    fn a_header_value_that_cannot_be_sent_is_an_error_not_an_empty_header() {
        let mut reply = Reply::json(&"ok");
        assert!(reply.set_jwt("bad\nvalue\u{7f}").is_err());
        let mut reply = Reply::json(&"ok");
        reply.cookies.push("name=value\r\nInjected: yes".into());
        let response = reply.into_bytes_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(SET_COOKIE).is_none());
    }
}
