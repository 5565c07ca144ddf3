//! Token verification, the hot path of every API request: keys are prepared once, nothing is
//! locked, and (for EdDSA, ES256 and HS256) nothing is allocated on the heap but the claims
//! themselves; RS256's big-number arithmetic allocates inside the `rsa` crate.
//!
//! jsonwebtoken's `decode` re-parses the key, boxes a verifier and decodes the header twice on
//! every call; signing (rare) still goes through it, verification runs here on the same
//! RustCrypto primitives jsonwebtoken's backend uses.

use std::borrow::Cow;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde::de::IgnoredAny;
use sha2::Sha256;

use super::{JwtAlgorithm, TokenError};

/// A public key (or HMAC secret) ready to check signatures.
#[derive(Clone)]
pub(crate) enum PreparedKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    Es256(p256::ecdsa::VerifyingKey),
    Rs256(Box<rsa::pkcs1v15::VerifyingKey<Sha256>>),
    Hs256(Hmac<Sha256>),
}

impl fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ed25519(_) => "PreparedKey::Ed25519",
            Self::Es256(_) => "PreparedKey::Es256",
            Self::Rs256(_) => "PreparedKey::Rs256",
            Self::Hs256(_) => "PreparedKey::Hs256(<secret>)",
        })
    }
}

impl PreparedKey {
    pub(crate) fn algorithm(&self) -> JwtAlgorithm {
        match self {
            Self::Ed25519(_) => JwtAlgorithm::EdDsa,
            Self::Es256(_) => JwtAlgorithm::Es256,
            Self::Rs256(_) => JwtAlgorithm::Rs256,
            Self::Hs256(_) => JwtAlgorithm::Hs256,
        }
    }

    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        use rsa::signature::Verifier;
        match self {
            Self::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_strict(message, &sig).is_ok()),
            Self::Es256(key) => p256::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify(message, &sig).is_ok()),
            Self::Rs256(key) => rsa::pkcs1v15::Signature::try_from(signature)
                .is_ok_and(|sig| key.verify(message, &sig).is_ok()),
            Self::Hs256(mac) => {
                let mut mac = mac.clone();
                mac.update(message);
                // Constant-time comparison.
                mac.verify_slice(signature).is_ok()
            }
        }
    }
}

// Borrowed, so reading the header allocates nothing; a header whose `alg` or `kid` needs JSON
// unescaping is refused as malformed (no real token has one).
#[derive(Deserialize)]
struct RawHeader<'a> {
    alg: &'a str,
    #[serde(default)]
    kid: Option<&'a str>,
    // Extensions we do not implement must not be silently ignored (RFC 7515 §4.1.11, RFC 7797).
    #[serde(default)]
    crit: Option<IgnoredAny>,
    #[serde(default)]
    b64: Option<IgnoredAny>,
    // Explicit typing (RFC 8725 §3.11): ours and Better Auth's tokens carry none, or `JWT`; a
    // token typed as something else (`at+jwt`, a JWE) is another kind of token.
    #[serde(default)]
    typ: Option<&'a str>,
    // Members that bring a key or a content of their own: the key always comes from our own set
    // (a token that names its own key is how key injection starts, RFC 8725 §3.10), nested JWTs
    // (`cty`) and JWE (`enc`, `zip`) are not what we verify.
    #[serde(default)]
    jku: Option<IgnoredAny>,
    #[serde(default)]
    jwk: Option<IgnoredAny>,
    #[serde(default)]
    x5u: Option<IgnoredAny>,
    #[serde(default)]
    x5c: Option<IgnoredAny>,
    #[serde(default)]
    x5t: Option<IgnoredAny>,
    #[serde(default, rename = "x5t#S256")]
    x5t_s256: Option<IgnoredAny>,
    #[serde(default)]
    cty: Option<IgnoredAny>,
    #[serde(default)]
    enc: Option<IgnoredAny>,
    #[serde(default)]
    zip: Option<IgnoredAny>,
}

impl RawHeader<'_> {
    /// Whether the header uses an extension we do not implement or brings its own key.
    fn refused_members(&self) -> bool {
        [
            &self.crit,
            &self.b64,
            &self.jku,
            &self.jwk,
            &self.x5u,
            &self.x5c,
            &self.x5t,
            &self.x5t_s256,
            &self.cty,
            &self.enc,
            &self.zip,
        ]
        .iter()
        .any(|member| member.is_some())
    }
}

/// What a token must match besides its signature.
pub(crate) struct Expectations<'a> {
    pub(crate) issuer: &'a str,
    pub(crate) audience: &'a str,
    pub(crate) now: i64,
    pub(crate) leeway: i64,
}

/// The `kid` a token's header names, if the header can be read (for fetching a key the
/// verifier does not know yet).
#[cfg(feature = "remote-jwks")]
pub(crate) fn kid_of(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    let mut buf = [0u8; 1024];
    let len = URL_SAFE_NO_PAD.decode_slice(header, &mut buf).ok()?;
    let header: RawHeader<'_> = serde_json::from_slice(&buf[..len]).ok()?;
    header.kid.map(str::to_owned)
}

/// Splits, checks the signature with the key the header's `kid` names (whose algorithm must be
/// the header's), then checks issuer, audience and times.
pub(crate) fn verify<'k, T: DeserializeOwned>(
    token: &str,
    find_key: impl FnOnce(&str) -> Option<&'k PreparedKey>,
    expect: &Expectations<'_>,
) -> Result<T, TokenError> {
    let (message, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let (header, payload) = message.split_once('.').ok_or(TokenError::Malformed)?;

    let mut header_buf = [0u8; 1024];
    let header_len = URL_SAFE_NO_PAD
        .decode_slice(header, &mut header_buf)
        .map_err(|_| TokenError::Malformed)?;
    let header: RawHeader<'_> =
        serde_json::from_slice(&header_buf[..header_len]).map_err(|_| TokenError::Malformed)?;
    if header.refused_members() {
        return Err(TokenError::Malformed);
    }
    if header
        .typ
        .is_some_and(|typ| !typ.eq_ignore_ascii_case("JWT"))
    {
        return Err(TokenError::Malformed);
    }
    let key = header
        .kid
        .and_then(find_key)
        .ok_or(TokenError::UnknownKey)?;
    if header.alg != key.algorithm().name() {
        return Err(TokenError::Algorithm);
    }

    let mut signature_buf = [0u8; 1024];
    let signature_len = URL_SAFE_NO_PAD
        .decode_slice(signature, &mut signature_buf)
        .map_err(|_| TokenError::Malformed)?;
    if !key.verifies(message.as_bytes(), &signature_buf[..signature_len]) {
        return Err(TokenError::BadSignature);
    }

    let mut payload_buf = [0u8; 4096];
    let owned;
    let payload: &[u8] = match URL_SAFE_NO_PAD.decode_slice(payload, &mut payload_buf) {
        Ok(len) => &payload_buf[..len],
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
            owned = URL_SAFE_NO_PAD
                .decode(payload)
                .map_err(|_| TokenError::Malformed)?;
            &owned
        }
        Err(_) => return Err(TokenError::Malformed),
    };
    // The registered claims are checked on a borrowed view, whatever type the caller wants.
    let registered: Registered<'_> =
        serde_json::from_slice(payload).map_err(|_| TokenError::Malformed)?;
    // A time before 1970 is no time a token was issued at or for: malformed, as jsonwebtoken
    // (which reads them as unsigned) refuses them too.
    if registered.exp < 0 || registered.nbf.unwrap_or(0) < 0 || registered.iat.unwrap_or(0) < 0 {
        return Err(TokenError::Malformed);
    }
    if registered.iss != expect.issuer {
        return Err(TokenError::WrongIssuer);
    }
    if registered.aud != expect.audience {
        return Err(TokenError::WrongAudience);
    }
    if registered.exp.saturating_add(expect.leeway) <= expect.now {
        return Err(TokenError::Expired);
    }
    let not_before = registered
        .nbf
        .unwrap_or(i64::MIN)
        .max(registered.iat.unwrap_or(i64::MIN));
    if not_before > expect.now.saturating_add(expect.leeway) {
        return Err(TokenError::NotYetValid);
    }
    serde_json::from_slice(payload).map_err(|_| TokenError::Malformed)
}

/// The registered claims every token must carry, borrowed from the payload (copied only when
/// the JSON escapes a character, as some encoders write `\/` for `/`).
#[derive(Deserialize)]
struct Registered<'a> {
    #[serde(borrow)]
    iss: Cow<'a, str>,
    #[serde(borrow)]
    aud: Cow<'a, str>,
    exp: i64,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    iat: Option<i64>,
    #[allow(dead_code)]
    #[serde(borrow)]
    sub: Cow<'a, str>,
}
