//! Plain-text passwords, held so that they cannot leak through logs or freed memory.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// A plain-text password as the user typed it.
///
/// The bytes are wiped when the value is dropped, `Debug` prints nothing of it, and it has no
/// `Display` or `Serialize`, so it cannot reach a log or a response by accident.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password. No policy is applied here: sign-in must accept whatever was stored,
    /// while sign-up and password changes check [`PasswordPolicy`].
    pub fn new(password: impl Into<String>) -> Self {
        Self(Zeroizing::new(password.into()))
    }

    /// The password exactly as given.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in UTF-16 code units: what JavaScript's `.length` counts, so the length limits
    /// agree with Better Auth's for every input, emoji included.
    pub fn utf16_len(&self) -> usize {
        self.0.encode_utf16().count()
    }

    /// The NFKC normal form that is hashed, as Better Auth hashes it; wiped on drop too.
    pub fn normalized(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.nfkc().collect())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordPolicyError {
    /// Shorter than the policy's minimum.
    #[error("password too short")]
    TooShort,
    /// Longer than the policy's maximum.
    #[error("password too long")]
    TooLong,
}

/// Length limits for new passwords (sign-up, change-password).
///
/// ```
/// use auth_core::model::{Password, PasswordPolicy, PasswordPolicyError};
///
/// let policy = PasswordPolicy::new(12, 128);
/// assert_eq!(policy.check(&Password::new("short")), Err(PasswordPolicyError::TooShort));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PasswordPolicy {
    /// Shortest accepted password, in UTF-16 code units (default 8).
    pub min_length: usize,
    /// Longest accepted password, in UTF-16 code units (default 128).
    pub max_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 128,
        }
    }
}

impl PasswordPolicy {
    /// Passwords of `min_length` to `max_length` UTF-16 code units (the configuration refuses
    /// an empty range or a zero minimum).
    pub fn new(min_length: usize, max_length: usize) -> Self {
        Self {
            min_length,
            max_length,
        }
    }

    /// `Ok` when the password's length is within the limits.
    pub fn check(&self, password: &Password) -> Result<(), PasswordPolicyError> {
        let len = password.utf16_len();
        if len < self.min_length {
            Err(PasswordPolicyError::TooShort)
        } else if len > self.max_length {
            Err(PasswordPolicyError::TooLong)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let p = Password::new("hunter2-secret");
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn nfkc_normalises_compatibility_forms() {
        // U+FB01 LATIN SMALL LIGATURE FI and a full-width digit.
        let p = Password::new("\u{FB01}le\u{FF11}");
        assert_eq!(p.normalized().as_str(), "file1");
    }

    #[test]
    fn policy_counts_utf16_units_like_javascript() {
        let policy = PasswordPolicy::default();
        assert!(matches!(
            policy.check(&Password::new("short")),
            Err(PasswordPolicyError::TooShort)
        ));
        assert!(matches!(
            policy.check(&Password::new("x".repeat(129))),
            Err(PasswordPolicyError::TooLong)
        ));
        assert!(policy.check(&Password::new("x".repeat(128))).is_ok());
        // Four emoji are 8 UTF-16 units (surrogate pairs), as JS `.length` says.
        assert!(policy.check(&Password::new("😀😀😀😀")).is_ok());
        assert!(matches!(
            policy.check(&Password::new("😀😀😀")),
            Err(PasswordPolicyError::TooShort)
        ));
    }
}
