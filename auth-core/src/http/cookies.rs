//! Better Auth's cookies: names, HMAC-signed values, and `Set-Cookie` lines in its exact
//! attribute order (`Max-Age; Path; HttpOnly; Secure; SameSite`).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use hmac::{Hmac, Mac};
use http::HeaderMap;
use http::header::COOKIE;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;

use crate::config::AuthConfig;

/// The session cookie (`<prefix>.session_token`): the signed session token.
pub(crate) const SESSION_TOKEN: &str = "session_token";
/// Better Auth's cookie cache; never set here, but cleared with the others.
pub(crate) const SESSION_DATA: &str = "session_data";
/// Set (signed `true`) for "remember me: false" sessions: no sliding, browser-session cookie.
pub(crate) const DONT_REMEMBER: &str = "dont_remember";

/// The sign-in challenge of a user with two-factor on (signed `2fa-<20>`).
pub(crate) const TWO_FACTOR: &str = "two_factor";
/// A trusted device (signed `<hmac>!trust-device-<32>`).
pub(crate) const TRUST_DEVICE: &str = "trust_device";

const PREFIX: &str = "better-auth";

/// What JavaScript's `encodeURIComponent` leaves alone; Better Auth encodes cookie values with it.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The full cookie name: `better-auth.<which>`, with `__Secure-` in front on https.
pub(crate) fn cookie_name(config: &AuthConfig, which: &str) -> String {
    if config.secure_cookies() {
        format!("__Secure-{PREFIX}.{which}")
    } else {
        format!("{PREFIX}.{which}")
    }
}

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length.
    Hmac::<Sha256>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

/// `value.signature`, the signature being base64 (standard, padded) of HMAC-SHA256(secret, value).
pub(crate) fn sign(secret: &[u8], value: &str) -> String {
    let mut mac = mac(secret);
    mac.update(value.as_bytes());
    format!("{value}.{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The value of a signed `value.signature` string whose signature verifies (in constant time);
/// either base64 alphabet is accepted, as Better Auth's bearer plugin does.
pub(crate) fn verify(secret: &[u8], signed: &str) -> Option<String> {
    let (value, signature) = signed.rsplit_once('.')?;
    if signature.len() != 44 || !signature.ends_with('=') {
        return None;
    }
    let bytes = STANDARD
        .decode(signature)
        .or_else(|_| URL_SAFE.decode(signature))
        .ok()?;
    let mut mac = mac(secret);
    mac.update(value.as_bytes());
    mac.verify_slice(&bytes).ok()?;
    Some(value.to_owned())
}

/// The value of the cookie `name`, percent-decoded, from every `Cookie` header.
pub(crate) fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(cookie::Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value in Better Auth's attribute order. `max_age: None` makes a browser-session
/// cookie.
pub(crate) fn set_cookie(
    config: &AuthConfig,
    name: &str,
    value: &str,
    max_age: Option<u64>,
) -> String {
    let mut line = format!("{name}={}", utf8_percent_encode(value, URI_COMPONENT));
    if let Some(seconds) = max_age {
        line.push_str(&format!("; Max-Age={seconds}"));
    }
    line.push_str("; Path=/; HttpOnly");
    if config.secure_cookies() {
        line.push_str("; Secure");
    }
    line.push_str("; SameSite=Lax");
    line
}

/// The `Set-Cookie` value that deletes `name`.
pub(crate) fn clear_cookie(config: &AuthConfig, name: &str) -> String {
    let mut line = format!("{name}=; Max-Age=0; Path=/; HttpOnly");
    if config.secure_cookies() {
        line.push_str("; Secure");
    }
    line.push_str("; SameSite=Lax");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From the recorded transcripts (tests/conformance/fixtures/better-auth-1.7.25-transcripts.md,
    /// "Session cookie / bearer token format").
    const SECRET: &str = "throwaway-reference-secret-0123456789abcdef0123456789abcdef";

    #[test]
    fn signs_exactly_like_better_auth() {
        let signed = sign(SECRET.as_bytes(), "iGGktWFzWXF8pAV7TALyoxm4IhjtkYgT");
        assert_eq!(
            signed,
            "iGGktWFzWXF8pAV7TALyoxm4IhjtkYgT.Wz1mMSoFpvOBZ5dH76sv1qCTeMmwxsw38onGfShDQhw="
        );
        assert_eq!(
            verify(SECRET.as_bytes(), &signed).as_deref(),
            Some("iGGktWFzWXF8pAV7TALyoxm4IhjtkYgT")
        );
        let tampered =
            "iGGktWFzWXF8pAV7TALyoxm4IhjtkYgT.Wz1mMSoFpvOBZ5dH76sv1qCTeMmwxsw38onGfShDAAAAAA";
        assert_eq!(verify(SECRET.as_bytes(), tampered), None);
        assert_eq!(verify(b"another secret", &signed), None);
        assert_eq!(verify(SECRET.as_bytes(), "no-dot"), None);
    }

    #[test]
    fn set_cookie_matches_the_recorded_header() {
        let config = AuthConfig::builder(SECRET, "http://127.0.0.1:3005")
            .build()
            .expect("config");
        let value = sign(SECRET.as_bytes(), "YUl3aQquqNzLNUFUV57PtnnZQZaRLcdS");
        let name = cookie_name(&config, SESSION_TOKEN);
        assert_eq!(
            set_cookie(&config, &name, &value, Some(604_800)),
            "better-auth.session_token=YUl3aQquqNzLNUFUV57PtnnZQZaRLcdS.3FJ4eYm8Ab5ON%2F5nQPUaMfMeR5J2MOQSs0B8CB%2BRXNw%3D; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            clear_cookie(&config, &name),
            "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
        );
        let secure = AuthConfig::builder(SECRET, "https://auth.example.com")
            .build()
            .expect("config");
        let name = cookie_name(&secure, SESSION_TOKEN);
        assert_eq!(name, "__Secure-better-auth.session_token");
        assert!(
            set_cookie(&secure, &name, "v", None)
                .ends_with("; Path=/; HttpOnly; Secure; SameSite=Lax")
        );
    }

    #[test]
    fn reads_and_decodes_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            "foo=bar; better-auth.session_token=abc.d%2Be%3D; x=y"
                .parse()
                .expect("header"),
        );
        assert_eq!(
            read(&headers, "better-auth.session_token").as_deref(),
            Some("abc.d+e=")
        );
        assert_eq!(read(&headers, "missing"), None);
    }
}
