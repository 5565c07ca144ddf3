//! What a request carries: the session token (bearer or cookie), "remember me", client facts.

use std::borrow::Cow;
use std::net::IpAddr;

use http::HeaderMap;
use http::header::{AUTHORIZATION, USER_AGENT};
use percent_encoding::percent_decode_str;

use super::cookies::{self, DONT_REMEMBER, SESSION_TOKEN};
use crate::config::AuthConfig;
use crate::model::{ClientInfo, SessionToken};

/// The `Authorization: Bearer` credential as sent (scheme case-insensitive).
fn bearer_raw(headers: &HeaderMap) -> Option<&str> {
    // `from_utf8` checks ASCII a word at a time where `HeaderValue::to_str` goes byte by byte,
    // and this runs on every authenticated request. A non-ASCII credential gets no further than
    // verification or the session lookup.
    let value = std::str::from_utf8(headers.get(AUTHORIZATION)?.as_bytes())
        .ok()?
        .trim();
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    Some(token.trim()).filter(|token| !token.is_empty())
}

/// The bearer credential if it has a JWT's shape. JWTs are base64url and never percent-encoded,
/// so this is the credential as sent.
pub(crate) fn bearer_jwt(headers: &HeaderMap) -> Option<&str> {
    bearer_raw(headers).filter(|token| looks_like_jwt(token))
}

/// The bearer credential percent-decoded, as Better Auth's bearer plugin reads session tokens.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<Cow<'_, str>> {
    let token = bearer_raw(headers)?;
    Some(if token.contains('%') {
        percent_decode_str(token).decode_utf8_lossy()
    } else {
        Cow::Borrowed(token)
    })
}

/// A JWT has three dot-separated parts; a signed session token (alphanumeric, a dot, base64
/// with no dots) has two. Only the short header and signature are searched, not the payload: a
/// value with more dots is no JWT and fails verification as malformed.
fn looks_like_jwt(value: &str) -> bool {
    match (value.find('.'), value.rfind('.')) {
        (Some(first), Some(last)) => first < last,
        _ => false,
    }
}

/// The session token the request presents, as Better Auth's bearer plugin and cookie reader find
/// it: a bearer `token.signature` whose signature verifies, or a bare bearer token; else the
/// signed session cookie. A bad signature counts as no token.
pub(crate) fn session_token(headers: &HeaderMap, config: &AuthConfig) -> Option<SessionToken> {
    let secret = config.secret().expose();
    if let Some(bearer) = bearer(headers) {
        let from_bearer = if bearer.contains('.') {
            cookies::verify(secret, &bearer)
        } else {
            Some(bearer.into_owned())
        };
        if let Some(token) = from_bearer {
            return Some(SessionToken::new(token));
        }
    }
    let cookie = cookies::read(headers, &cookies::cookie_name(config, SESSION_TOKEN))?;
    cookies::verify(secret, &cookie).map(SessionToken::new)
}

/// The value of the signed cookie `which` (`better-auth.<which>`), when its signature holds.
pub(crate) fn signed_cookie(
    headers: &HeaderMap,
    config: &AuthConfig,
    which: &str,
) -> Option<String> {
    cookies::read(headers, &cookies::cookie_name(config, which))
        .and_then(|v| cookies::verify(config.secret().expose(), &v))
}

/// Whether the signed `dont_remember` cookie says the session is a short one.
pub(crate) fn dont_remember(headers: &HeaderMap, config: &AuthConfig) -> bool {
    signed_cookie(headers, config, DONT_REMEMBER).is_some_and(|v| v == "true")
}

/// The client facts a new session records, as Better Auth records them: the IP from
/// `X-Forwarded-For` only when it holds exactly one valid address, else `""`; the `User-Agent`
/// or `""`.
pub(crate) fn client_info(headers: &HeaderMap) -> ClientInfo {
    let ip = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.contains(','))
        .and_then(|v| v.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    let agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Cap what a client can make us store.
    let agent: String = agent.chars().take(512).collect();
    ClientInfo::new(Some(ip), Some(agent))
}
