//! The verification links' tokens: stateless HS256 JWTs keyed with the secret's bytes, exactly as
//! Better Auth mints them (header `{"alg":"HS256"}`, the same claims in the same order), so links
//! either implementation mailed keep working after a switch.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::EmailLinkError;
use crate::model::Timestamp;

/// `{"alg":"HS256"}`, base64url.
const HEADER: &str = "eyJhbGciOiJIUzI1NiJ9";

/// The longest token read; a real one is about 300 bytes.
const MAX_LEN: usize = 4096;

/// What a change-of-email token asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum ChangeStep {
    /// Approved from the current address: mail the new one next.
    #[serde(rename = "change-email-confirmation")]
    Confirmation,
    /// Opened from the new address: make the change.
    #[serde(rename = "change-email-verification")]
    Verification,
}

/// The claims, in Better Auth's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EmailClaims {
    pub(crate) email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) update_to: Option<String>,
    /// `None` with `update_to` is an older Better Auth's change token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) request_type: Option<ChangeStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_id: Option<String>,
    pub(crate) iat: i64,
    pub(crate) exp: i64,
}

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    #[allow(clippy::expect_used)]
    Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length")
}

/// The signed token for `claims`.
pub(crate) fn sign(secret: &[u8], claims: &EmailClaims) -> String {
    // Strings and integers: serialising cannot fail.
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    let signing_input = format!("{HEADER}.{}", URL_SAFE_NO_PAD.encode(payload));
    let mut mac = mac(secret);
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// The claims of a token we (or Better Auth, with the same secret) signed and that has not
/// expired at `now`. Only HS256 verifies; the signature is compared in constant time.
pub(crate) fn verify(
    secret: &[u8],
    token: &str,
    now: Timestamp,
) -> Result<EmailClaims, EmailLinkError> {
    if token.len() > MAX_LEN {
        return Err(EmailLinkError::Invalid);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(EmailLinkError::Invalid);
    };
    let decoded_header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| EmailLinkError::Invalid)?;
    let header_fields: Header =
        serde_json::from_slice(&decoded_header).map_err(|_| EmailLinkError::Invalid)?;
    if header_fields.alg != "HS256" {
        return Err(EmailLinkError::Invalid);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| EmailLinkError::Invalid)?;
    let mut mac = mac(secret);
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| EmailLinkError::Invalid)?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| EmailLinkError::Invalid)?;
    let claims: EmailClaims =
        serde_json::from_slice(&payload).map_err(|_| EmailLinkError::Invalid)?;
    if claims.exp <= now.unix_seconds() {
        return Err(EmailLinkError::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"throwaway-reference-secret-0123456789abcdef0123456789abcdef";

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix_millis(seconds * 1000).expect("time")
    }

    #[test]
    fn a_token_round_trips_and_expires() {
        let claims = EmailClaims {
            email: "ada@example.com".into(),
            update_to: None,
            request_type: None,
            user_id: Some("u1".into()),
            iat: 1_000,
            exp: 4_600,
        };
        let token = sign(SECRET, &claims);
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiJ9."));
        assert_eq!(verify(SECRET, &token, at(4_599)), Ok(claims));
        assert_eq!(
            verify(SECRET, &token, at(4_600)),
            Err(EmailLinkError::Expired)
        );
        assert_eq!(
            verify(
                b"another-secret-0123456789abcdef-0123456789",
                &token,
                at(1_000)
            ),
            Err(EmailLinkError::Invalid)
        );
        let mut forged = token.clone();
        forged.push('A');
        assert_eq!(
            verify(SECRET, &forged, at(1_000)),
            Err(EmailLinkError::Invalid)
        );
    }

    #[test]
    fn tokens_are_byte_identical_to_better_auths() {
        // Mailed by Better Auth 1.7.25 at sign-up (better-auth-email-transcripts.md, exchange 1).
        let recorded = "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6InZlcjEubXgyNml5b2tAZXhhbXBsZS5jb20iLCJ1c2VySWQiOiI4WmpEeXlrMWdCRDBROEk0Z01lTmd6TFQ5ampOQ1ZvVSIsImlhdCI6MTc5NTk3NzMyMiwiZXhwIjoxNzk1OTgwOTIyfQ.gu7-D24SX2xdMc8B0GJIXDgPLX93Kit0zcLRnGJUqw8";
        let claims = EmailClaims {
            email: "ver1.mx26iyok@example.com".into(),
            update_to: None,
            request_type: None,
            user_id: Some("8ZjDyyk1gBD0Q8I4gMeNgzLT9jjNCVoU".into()),
            iat: 1_795_977_322,
            exp: 1_795_980_922,
        };
        assert_eq!(sign(SECRET, &claims), recorded);
        assert_eq!(verify(SECRET, recorded, at(1_795_977_322)), Ok(claims));
    }

    #[test]
    fn other_algorithms_are_refused() {
        // {"alg":"none"} with the same payload and no signature.
        let token =
            "eyJhbGciOiJub25lIn0.eyJlbWFpbCI6ImFAYi5jbyIsImlhdCI6MSwiZXhwIjo5OTk5OTk5OTk5fQ.";
        assert_eq!(verify(SECRET, token, at(10)), Err(EmailLinkError::Invalid));
    }
}
