//! Two-factor authentication, the building blocks of Better Auth's `twoFactor` plugin: the
//! encryption of what it stores, TOTP codes and their `otpauth://` URI, and backup codes.
//!
//! ## What Better Auth stores, and how
//!
//! A user with two-factor authentication has `"user"."twoFactorEnabled" = true` and a row of
//! `"twoFactor"` ([`model::TwoFactor`](crate::model::TwoFactor)):
//!
//! | column | holds |
//! | --- | --- |
//! | `secret` | the TOTP secret, 32 characters of `[A-Za-z0-9_-]` ([`TotpSecret`]), encrypted |
//! | `backupCodes` | the JSON array of the remaining backup codes ([`BackupCodes`]), encrypted |
//! | `verified` | `false` from `enable` until the first TOTP code is verified (`NULL` counts as verified) |
//! | `failedVerificationCount`, `lockedUntil` | the account lockout: 10 failed sign-in verifications lock for 15 minutes |
//!
//! Both encrypted columns are Better Auth's `symmetricEncrypt` ([`SecretKeys`]):
//! XChaCha20-Poly1305 under SHA-256 of the auth secret, stored as hex of nonce ‖ ciphertext ‖
//! tag, or `$ba$<version>$<hex>` with versioned secrets. The TOTP key is the secret string's own
//! bytes (not base32-decoded), codes are HMAC-SHA-1, 6 digits, 30-second steps, accepted one step
//! either side of now ([`Totp`]); the URI carries the base32 of those bytes ([`totp_uri`]).
//! Backup codes are ten `XXXXX-XXXXX`, matched exactly; a used one is removed and the rest
//! re-encrypted.
//!
//! ## What we do differently
//!
//! Better Auth remembers nothing about accepted TOTP codes, so a code can be replayed for as
//! long as it is accepted (about 90 seconds), sign-in challenges included. We store the time
//! step of the last accepted code in a column of our own, `"twoFactor"."lastUsedCounter"`
//! (Better Auth reads and writes only the columns it knows, so it ignores it), and
//! [`Totp::verify`] refuses that step and every earlier one: every code is usable once. Backup
//! codes are single-use in both.
//!
//! Turning two-factor off deletes every trusted-device record of the user
//! ([`TRUSTED_DEVICE_PREFIX`]), not only the one of the device that asked: Better Auth leaves the
//! others, and they skip the second factor again if it is turned back on within their 30 days.
//!
//! The routes and the sign-in challenge are flows (`flows/two_factor_*.rs`) and handlers
//! (`http/handlers/two_factor.rs`); they are on when the configuration has
//! [`TwoFactorOptions`](crate::config::TwoFactorOptions).

mod backup_codes;
mod challenge;
mod crypto;
mod refusal;
mod totp;

pub use backup_codes::{BACKUP_CODE_COUNT, BackupCodes};
pub use challenge::{TwoFactorChallenge, TwoFactorMethod};
pub use crypto::{CryptoError, SecretKeys};
pub use refusal::TwoFactorRefusal;
pub use totp::{DIGITS, PERIOD, SECRET_LENGTH, Totp, TotpSecret, counter_at, totp_uri};

/// How the identifier of a trusted-device record begins: a `verification` row
/// `{identifier: "trust-device-<32 characters>", value: <user id>}`, as Better Auth writes it.
pub const TRUSTED_DEVICE_PREFIX: &str = "trust-device-";

/// Why a stored two-factor value could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TwoFactorError {
    /// An encrypted column did not decrypt.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// A TOTP secret imported as `base32:<text>` is not valid base32.
    #[error("the TOTP secret's base32 text is invalid")]
    InvalidBase32Secret,
    /// The decrypted backup codes are not a JSON array of strings.
    #[error("the stored backup codes are not a JSON array of strings")]
    BackupCodesFormat,
}
