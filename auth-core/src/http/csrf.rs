//! Better Auth's Origin / Referer and Fetch-Metadata rules for state-changing requests, and its
//! callback URL check.

use http::header::{COOKIE, ORIGIN, REFERER};
use http::request::Parts;
use http::{HeaderMap, Method};

use super::error::ProtocolError;
use crate::config::AuthConfig;

/// The origin a request claims: `Origin`, or else the origin of `Referer`. `Some("null")` stays.
fn claimed_origin(headers: &HeaderMap) -> Option<String> {
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        return Some(origin.trim().to_owned());
    }
    let referer = headers.get(REFERER)?.to_str().ok()?;
    let uri: http::Uri = referer.parse().ok()?;
    Some(format!("{}://{}", uri.scheme_str()?, uri.authority()?))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn require_trusted(config: &AuthConfig, origin: Option<&str>) -> Result<(), ProtocolError> {
    match origin {
        None | Some("null") | Some("") => Err(ProtocolError::MissingOrNullOrigin),
        Some(origin) if config.is_trusted_origin(origin) => Ok(()),
        Some(_) => Err(ProtocolError::InvalidOrigin),
    }
}

/// Checks a request to a state-changing route. `login` marks sign-in and sign-up, which are also
/// protected against login CSRF when no cookie is sent.
///
/// 1. GET, HEAD and OPTIONS are never checked.
/// 2. With any `Cookie` header, a trusted `Origin` (or `Referer`) is required.
/// 3. For sign-in and sign-up without cookies: a cross-site navigation is refused outright; any
///    Fetch-Metadata header requires a trusted origin; otherwise an `Origin` or `Referer`, if
///    sent, must be trusted. Requests with none of these (curl, servers) pass.
pub(crate) fn check(parts: &Parts, config: &AuthConfig, login: bool) -> Result<(), ProtocolError> {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let headers = &parts.headers;
    let origin = claimed_origin(headers);
    if headers.contains_key(COOKIE) {
        return require_trusted(config, origin.as_deref());
    }
    if !login {
        return Ok(());
    }
    let site = header(headers, "sec-fetch-site");
    let mode = header(headers, "sec-fetch-mode");
    if site == Some("cross-site") && mode == Some("navigate") {
        return Err(ProtocolError::CrossSiteNavigationLoginBlocked);
    }
    if site.is_some() || mode.is_some() || headers.contains_key("sec-fetch-dest") {
        return require_trusted(config, origin.as_deref());
    }
    match origin {
        Some(origin) => require_trusted(config, Some(&origin)),
        None => Ok(()),
    }
}

/// A `callbackURL` must be a relative path (not `//host`) or on a trusted origin.
pub(crate) fn check_callback(config: &AuthConfig, url: Option<&str>) -> Result<(), ProtocolError> {
    let Some(url) = url else {
        return Ok(());
    };
    // A URL with a line break or another control character is no URL a browser would send,
    // and it must never reach a `Location` header.
    if url.chars().any(char::is_control) {
        return Err(ProtocolError::InvalidCallbackUrl);
    }
    if url.starts_with('/') && !url.starts_with("//") && !url.starts_with("/\\") {
        return Ok(());
    }
    let trusted = url
        .parse::<http::Uri>()
        .ok()
        .and_then(|uri| Some(format!("{}://{}", uri.scheme_str()?, uri.authority()?)))
        .is_some_and(|origin| config.is_trusted_origin(&origin));
    if trusted {
        Ok(())
    } else {
        Err(ProtocolError::InvalidCallbackUrl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AuthConfig {
        AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://127.0.0.1:3005")
            .build()
            .expect("config")
    }

    fn post(headers: &[(&str, &str)]) -> Parts {
        let mut builder = http::Request::post("/api/auth/sign-in/email");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(()).expect("request").into_parts().0
    }

    #[test]
    fn follows_the_recorded_rules() {
        let c = config();
        let trusted = ("origin", "http://127.0.0.1:3005");
        let evil = ("origin", "http://evil.example");
        let cookie = ("cookie", "foo=bar");
        type Case<'a> = (Vec<(&'a str, &'a str)>, bool, Result<(), &'a str>);
        let cases: Vec<Case> = vec![
            (vec![], true, Ok(())),
            (vec![cookie], false, Err("MISSING_OR_NULL_ORIGIN")),
            (vec![cookie, evil], false, Err("INVALID_ORIGIN")),
            (vec![cookie, trusted], false, Ok(())),
            (
                vec![cookie, ("referer", "http://127.0.0.1:3005/login")],
                true,
                Ok(()),
            ),
            (vec![evil], true, Err("INVALID_ORIGIN")),
            (vec![evil], false, Ok(())),
            (
                vec![("sec-fetch-mode", "cors")],
                true,
                Err("MISSING_OR_NULL_ORIGIN"),
            ),
            (
                vec![
                    evil,
                    ("sec-fetch-site", "cross-site"),
                    ("sec-fetch-mode", "cors"),
                ],
                true,
                Err("INVALID_ORIGIN"),
            ),
            (
                vec![
                    evil,
                    ("sec-fetch-site", "cross-site"),
                    ("sec-fetch-mode", "navigate"),
                ],
                true,
                Err("CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"),
            ),
            (vec![trusted, ("sec-fetch-mode", "cors")], true, Ok(())),
        ];
        for (headers, login, expected) in cases {
            let got = check(&post(&headers), &c, login).map_err(|e| e.code());
            assert_eq!(got, expected, "{headers:?} login={login}");
        }
    }

    #[test]
    fn callback_urls_must_be_relative_or_trusted() {
        let c = config();
        assert!(check_callback(&c, None).is_ok());
        assert!(check_callback(&c, Some("/dashboard")).is_ok());
        assert!(check_callback(&c, Some("http://127.0.0.1:3005/x")).is_ok());
        for bad in [
            "http://evil.example/steal",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/dashboard\r\nSet-Cookie: stolen=1",
            "/\u{0}",
        ] {
            assert!(
                matches!(
                    check_callback(&c, Some(bad)),
                    Err(ProtocolError::InvalidCallbackUrl)
                ),
                "{bad}"
            );
        }
    }
}
