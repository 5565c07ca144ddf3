//! TOTP (RFC 6238) as Better Auth's `twoFactor` plugin uses it: HMAC-SHA-1, 6 digits, 30-second
//! steps, codes accepted one step either side of now; and the `otpauth://` URI that
//! authenticator apps scan.
//!
//! The HMAC key is the UTF-8 bytes of the stored secret string itself (32 characters of
//! `[A-Za-z0-9_-]`), *not* their base32 decoding; only a secret imported as `base32:<text>` is
//! decoded. The URI carries the base32 of the key bytes.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use super::TwoFactorError;
use crate::model::Timestamp;

/// Digits of a code.
pub const DIGITS: usize = 6;
/// Seconds of a time step.
pub const PERIOD: u64 = 30;
/// Characters of a generated secret.
pub const SECRET_LENGTH: usize = 32;
/// The prefix of a secret imported as base32 (decoded to get the key).
const BASE32_PREFIX: &str = "base32:";

/// What JavaScript's `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
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

/// A TOTP secret: the plaintext of the `"twoFactor"."secret"` column.
///
/// It is wiped from memory when dropped and `Debug` prints nothing of it;
/// [`expose`](Self::expose) is the one way to read it (to encrypt it for storage).
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Zeroizing<String>);

impl TotpSecret {
    /// A new secret as Better Auth makes them (`generateRandomString(32)`): 32 characters of
    /// `[A-Za-z0-9_-]` from the operating system's CSPRNG (192 bits).
    pub fn generate() -> Self {
        Self(Zeroizing::new(crate::social::state::random_string(
            SECRET_LENGTH,
        )))
    }

    /// Wraps a secret read from a store (decrypted).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Zeroizing::new(secret.into()))
    }

    /// The secret as stored (before encryption).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The HMAC key: the secret's UTF-8 bytes, or the base32 decoding of what follows
    /// `base32:` (RFC 4648, any case, padding optional).
    pub fn key(&self) -> Result<Zeroizing<Vec<u8>>, TwoFactorError> {
        match self.0.strip_prefix(BASE32_PREFIX) {
            None => Ok(Zeroizing::new(self.0.as_bytes().to_vec())),
            Some(encoded) => {
                let normalised: Zeroizing<String> = Zeroizing::new(
                    encoded
                        .chars()
                        .filter(|c| !c.is_whitespace() && *c != '=')
                        .map(|c| c.to_ascii_uppercase())
                        .collect(),
                );
                base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &normalised)
                    .filter(|key| !key.is_empty())
                    .map(Zeroizing::new)
                    .ok_or(TwoFactorError::InvalidBase32Secret)
            }
        }
    }

    /// The key in base32 (RFC 4648, upper case, no padding): the URI's `secret=`, what a user
    /// types into an authenticator app by hand.
    pub fn to_base32(&self) -> Result<Zeroizing<String>, TwoFactorError> {
        let key = self.key()?;
        Ok(Zeroizing::new(base32::encode(
            base32::Alphabet::Rfc4648 { padding: false },
            &key,
        )))
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

/// The time step `now` falls in: `floor(unix seconds / 30)` (0 before 1970).
pub fn counter_at(now: Timestamp) -> u64 {
    u64::try_from(now.unix_seconds()).unwrap_or(0) / PERIOD
}

/// A TOTP generator and verifier for one secret (HMAC-SHA-1, 6 digits, 30 s).
///
/// ```
/// use auth_core::model::Timestamp;
/// use auth_core::two_factor::{Totp, TotpSecret, counter_at};
///
/// let totp = Totp::new(&TotpSecret::generate())?;
/// let now = Timestamp::now();
/// let code = totp.code_at(now);
/// let used = totp.verify(&code, now, None).expect("the current code");
/// assert_eq!(used, counter_at(now));
/// // Remembering the counter makes the code single-use.
/// assert_eq!(totp.verify(&code, now, Some(used)), None);
/// # Ok::<(), auth_core::two_factor::TwoFactorError>(())
/// ```
pub struct Totp {
    /// The RFC 6238 arithmetic (its secret is wiped on drop: totp-rs's `zeroize` feature).
    inner: totp_rs::TOTP,
}

impl Totp {
    /// The generator for `secret` with Better Auth's parameters.
    pub fn new(secret: &TotpSecret) -> Result<Self, TwoFactorError> {
        Ok(Self::with_digits(&secret.key()?, DIGITS))
    }

    /// Any digit count, for the RFC's 8-digit test vectors.
    fn with_digits(key: &[u8], digits: usize) -> Self {
        // `new_unchecked`: an imported base32 secret may be shorter than the 128 bits
        // `TOTP::new` insists on, and Better Auth accepts it.
        Self {
            inner: totp_rs::TOTP::new_unchecked(
                totp_rs::Algorithm::SHA1,
                digits,
                1,
                PERIOD,
                key.to_vec(),
            ),
        }
    }

    /// The code of time step `counter`.
    pub fn code_for_counter(&self, counter: u64) -> Zeroizing<String> {
        Zeroizing::new(self.inner.generate(counter.saturating_mul(PERIOD)))
    }

    /// The code valid at `now`.
    pub fn code_at(&self, now: Timestamp) -> Zeroizing<String> {
        self.code_for_counter(counter_at(now))
    }

    /// Checks `code` against the steps before, at and after `now`, comparing in constant time,
    /// and answers the time step it matched. Steps at or before `last_used_counter` (the step of
    /// the last code accepted for this secret) are refused, so a code, or one older than the last
    /// accepted, cannot be used twice; store the answer as the new `last_used_counter`.
    pub fn verify(
        &self,
        code: &str,
        now: Timestamp,
        last_used_counter: Option<u64>,
    ) -> Option<u64> {
        let current = counter_at(now);
        let mut matched = 0u64;
        let mut found = Choice::from(0);
        // Every candidate is computed and compared; with two matches the later step wins
        // (the conservative choice for replay protection).
        for counter in [
            current.checked_sub(1),
            Some(current),
            current.checked_add(1),
        ]
        .into_iter()
        .flatten()
        {
            let expected = self.code_for_counter(counter);
            let fresh = last_used_counter.is_none_or(|last| counter > last);
            let hit = expected.as_bytes().ct_eq(code.as_bytes()) & Choice::from(u8::from(fresh));
            matched.conditional_assign(&counter, hit);
            found |= hit;
        }
        bool::from(found).then_some(matched)
    }
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Totp")
            .field("algorithm", &"SHA1")
            .field("digits", &self.inner.digits)
            .field("period", &self.inner.step)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The `otpauth://` URI of Better Auth's `enable` answer:
/// `otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&digits=6&period=30`, the
/// label parts percent-encoded as JavaScript's `encodeURIComponent` does, the `issuer`
/// parameter form-encoded (a space becomes `+`).
///
/// ```
/// use auth_core::two_factor::{TotpSecret, totp_uri};
///
/// let secret = TotpSecret::new("7smY8n2E3iKmk2eMqi32skoK7dBOICpK");
/// assert_eq!(
///     totp_uri(&secret, "Example", "alice@example.com")?.as_str(),
///     "otpauth://totp/Example:alice%40example.com?secret=G5ZW2WJYNYZEKM3JJNWWWMTFJVYWSMZSONVW6SZXMRBE6SKDOBFQ&issuer=Example&digits=6&period=30",
/// );
/// # Ok::<(), auth_core::two_factor::TwoFactorError>(())
/// ```
pub fn totp_uri(
    secret: &TotpSecret,
    issuer: &str,
    account: &str,
) -> Result<Zeroizing<String>, TwoFactorError> {
    let base32 = secret.to_base32()?;
    let issuer_param: String = form_urlencoded::byte_serialize(issuer.as_bytes()).collect();
    Ok(Zeroizing::new(format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&digits={DIGITS}&period={PERIOD}",
        utf8_percent_encode(issuer, URI_COMPONENT),
        utf8_percent_encode(account, URI_COMPONENT),
        base32.as_str(),
        issuer_param,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix_millis(seconds * 1000).expect("in range")
    }

    /// RFC 6238 Appendix B, SHA-1 (key "12345678901234567890"): time, 8-digit code.
    const RFC_6238_SHA1: [(i64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        let eight = Totp::with_digits(b"12345678901234567890", 8);
        // The ASCII key is exactly what a stored secret string becomes.
        let six = Totp::new(&TotpSecret::new("12345678901234567890")).expect("totp");
        for (seconds, code) in RFC_6238_SHA1 {
            assert_eq!(eight.code_at(at(seconds)).as_str(), code, "t = {seconds}");
            // Six digits: the same truncated value modulo 10^6.
            assert_eq!(
                six.code_at(at(seconds)).as_str(),
                &code[2..],
                "t = {seconds}"
            );
            let counter = u64::try_from(seconds).expect("positive") / 30;
            assert_eq!(six.verify(&code[2..], at(seconds), None), Some(counter));
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_two_are_not() {
        let totp = Totp::new(&TotpSecret::generate()).expect("totp");
        let now = at(1_795_000_000);
        let current = counter_at(now);
        for (offset, accepted) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let counter = current.checked_add_signed(offset).expect("counter");
            let code = totp.code_for_counter(counter);
            let answer = totp.verify(&code, now, None);
            if accepted {
                assert_eq!(answer, Some(counter), "offset {offset}");
            } else {
                // (A chance collision with a neighbouring step's code is 3 in a million.)
                assert_ne!(answer, Some(counter), "offset {offset}");
            }
        }
        assert_eq!(totp.verify("", now, None), None);
        assert_eq!(totp.verify("12345", now, None), None);
        assert_eq!(totp.verify("not a code", now, None), None);
    }

    #[test]
    fn a_used_step_and_every_earlier_one_are_refused() {
        let totp = Totp::new(&TotpSecret::generate()).expect("totp");
        let now = at(1_795_000_000);
        let current = counter_at(now);
        let code = totp.code_at(now);
        assert_eq!(totp.verify(&code, now, None), Some(current));
        // Replay of the same code.
        assert_eq!(totp.verify(&code, now, Some(current)), None);
        // The previous step's code, after the current one was used.
        let previous = totp.code_for_counter(current - 1);
        assert_eq!(totp.verify(&previous, now, Some(current)), None);
        // The next step's code is still fresh.
        let next = totp.code_for_counter(current + 1);
        assert_eq!(totp.verify(&next, now, Some(current)), Some(current + 1));
        // A last-used counter from long ago does not get in the way.
        assert_eq!(totp.verify(&code, now, Some(current - 5)), Some(current));
    }

    #[test]
    fn the_epoch_has_no_previous_step() {
        let totp = Totp::new(&TotpSecret::new("12345678901234567890")).expect("totp");
        let code = totp.code_for_counter(0);
        assert_eq!(totp.verify(&code, at(0), None), Some(0));
        assert_eq!(counter_at(at(-100)), 0);
    }

    #[test]
    fn generated_secrets_use_the_alphabet() {
        let secret = TotpSecret::generate();
        assert_eq!(secret.expose().len(), 32);
        assert!(
            secret
                .expose()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(secret, TotpSecret::generate());
        assert_eq!(secret.to_base32().expect("base32").len(), 52);
    }

    #[test]
    fn base32_secrets_are_decoded() {
        // "12345678901234567890" in base32, as an imported secret, in any case, padded or not.
        for text in [
            "base32:GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "base32:gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
            "base32:GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
        ] {
            let secret = TotpSecret::new(text);
            assert_eq!(
                secret.key().expect("key").as_slice(),
                b"12345678901234567890"
            );
            let totp = Totp::new(&secret).expect("totp");
            assert_eq!(totp.code_at(at(59)).as_str(), "287082");
        }
        for bad in ["base32:", "base32:1!", "base32:A"] {
            assert_eq!(
                TotpSecret::new(bad).key().map(|_| ()),
                Err(TwoFactorError::InvalidBase32Secret),
                "{bad}"
            );
        }
    }

    #[test]
    fn uri_encodes_like_better_auth() {
        let secret = TotpSecret::new("dv8OGX_ZJE13MptCL4xRw6DVWNLQ5Kw8");
        assert_eq!(
            totp_uri(&secret, "Other Issuer", "alice.mx2714k1@example.com")
                .expect("uri")
                .as_str(),
            "otpauth://totp/Other%20Issuer:alice.mx2714k1%40example.com?secret=MR3DQT2HLBPVUSSFGEZU24DUINGDI6CSO43EIVSXJZGFCNKLO44A&issuer=Other+Issuer&digits=6&period=30"
        );
        let uri = totp_uri(&secret, "A&B/é", "o'neil+x@example.com").expect("uri");
        assert!(
            uri.starts_with("otpauth://totp/A%26B%2F%C3%A9:o'neil%2Bx%40example.com?"),
            "{}",
            uri.as_str()
        );
        assert!(uri.contains("&issuer=A%26B%2F%C3%A9&"), "{}", uri.as_str());
    }

    #[test]
    fn debug_shows_no_secret() {
        let secret = TotpSecret::new("dv8OGX_ZJE13MptCL4xRw6DVWNLQ5Kw8");
        let totp = Totp::new(&secret).expect("totp");
        for shown in [format!("{secret:?}"), format!("{totp:?}")] {
            assert!(!shown.contains("dv8OGX"), "{shown}");
            assert!(!shown.contains("MR3DQT"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
    }
}
