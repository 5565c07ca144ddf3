//! ID token verification for the built-in providers: signature with the provider's published
//! keys (fetched and cached by `token::remote::RemoteJwks`: Better Auth fetches Google's keys
//! on every sign-in), issuer, audience, expiry with 30 s of leeway, age, nonce.

use std::time::Duration;

use serde::Deserialize;

use super::{ProviderError, ProviderUser};
use crate::model::Timestamp;
use crate::token::TokenError;
use crate::token::remote::{RemoteJwks, RemoteVerifier};

/// Clock tolerance (Better Auth's for Google).
const LEEWAY: Duration = Duration::from_secs(30);

/// Verifies one provider's ID tokens.
#[derive(Clone, Debug)]
pub(crate) struct IdTokenVerifier {
    /// One verifier per accepted issuer spelling (Google has two), sharing one key source.
    verifiers: Vec<RemoteVerifier>,
    /// Tokens issued longer ago than this are refused (`None`: only `exp` counts).
    max_age: Option<Duration>,
}

/// The claims read from a verified ID token.
#[derive(Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<serde_json::Value>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    picture: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
    #[serde(default)]
    iat: Option<i64>,
}

impl IdTokenVerifier {
    pub(crate) fn new(
        jwks: RemoteJwks,
        issuers: &[&str],
        audience: &str,
        max_age: Option<Duration>,
    ) -> Self {
        Self {
            verifiers: issuers
                .iter()
                .map(|issuer| RemoteVerifier::new(jwks.clone(), *issuer, audience).leeway(LEEWAY))
                .collect(),
            max_age,
        }
    }

    /// Verifies `token`; `nonce`, when given, must equal the token's.
    pub(crate) async fn verify(
        &self,
        token: &str,
        nonce: Option<&str>,
    ) -> Result<ProviderUser, ProviderError> {
        let now = Timestamp::now();
        // The verifier of the issuer the token names (read unverified, only to choose): one
        // signature check per token, whichever spelling of the issuer it uses.
        let claimed = payload(token)
            .ok()
            .and_then(|p| p.get("iss").and_then(|i| i.as_str()).map(str::to_owned));
        let verifier = self
            .verifiers
            .iter()
            .find(|v| Some(v.issuer()) == claimed.as_deref())
            .or_else(|| self.verifiers.first())
            .ok_or(ProviderError::InvalidIdToken(TokenError::WrongIssuer))?;
        let outcome = verifier.verify_as::<serde_json::Value>(token, now).await;
        let raw = outcome.map_err(|error| match error {
            TokenError::KeysUnavailable => {
                ProviderError::Unreachable("the provider's keys cannot be fetched".into())
            }
            other => ProviderError::InvalidIdToken(other),
        })?;
        let claims: Claims = serde_json::from_value(raw.clone())
            .map_err(|_| ProviderError::InvalidIdToken(TokenError::Malformed))?;
        if let Some(max_age) = self.max_age {
            let issued = claims
                .iat
                .ok_or(ProviderError::InvalidIdToken(TokenError::Malformed))?;
            if issued.saturating_add(max_age.as_secs() as i64) < now.unix_seconds() {
                return Err(ProviderError::InvalidIdToken(TokenError::Expired));
            }
        }
        if let Some(expected) = nonce
            && claims.nonce.as_deref() != Some(expected)
        {
            return Err(ProviderError::InvalidIdToken(TokenError::Malformed));
        }
        Ok(profile(claims, raw))
    }
}

/// A profile from ID token claims (or a userinfo answer of the same shape).
fn profile(claims: Claims, raw: serde_json::Value) -> ProviderUser {
    let mut user = ProviderUser::new(claims.sub);
    user.email = claims.email.map(|e| e.to_lowercase());
    user.email_verified = verified(claims.email_verified.as_ref());
    user.name = claims.name;
    user.image = claims.picture;
    user.raw = raw;
    user
}

/// `email_verified` as a boolean (some providers send the string `"true"`).
pub(crate) fn verified(value: Option<&serde_json::Value>) -> bool {
    match value {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::String(s)) => s == "true",
        _ => false,
    }
}

/// A profile from claims of ID token shape (a userinfo answer).
pub(crate) fn profile_of(raw: serde_json::Value) -> Result<ProviderUser, ProviderError> {
    let claims: Claims = serde_json::from_value(raw.clone())
        .map_err(|e| ProviderError::InvalidResponse(Box::new(e)))?;
    Ok(profile(claims, raw))
}

/// Reads the claims of an ID token verified earlier (stored with the account), without
/// verifying it again: what `account-info` shows, after the token's own expiry too.
pub(crate) fn decode_stored(token: &str) -> Result<ProviderUser, ProviderError> {
    let raw = payload(token)?;
    let claims: Claims = serde_json::from_value(raw.clone())
        .map_err(|_| ProviderError::InvalidIdToken(TokenError::Malformed))?;
    Ok(profile(claims, raw))
}

/// A JWT's payload as JSON, not verified.
fn payload(token: &str) -> Result<serde_json::Value, ProviderError> {
    use base64::Engine;
    let malformed = || ProviderError::InvalidIdToken(TokenError::Malformed);
    let part = token.split('.').nth(1).ok_or_else(malformed)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| malformed())?;
    serde_json::from_slice(&bytes).map_err(|_| malformed())
}
