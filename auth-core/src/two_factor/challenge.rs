//! [`TwoFactorChallenge`]: what a sign-in of a user with two-factor on answers instead of a
//! session.

use std::fmt;

use serde::Serialize;

/// A second factor the user can answer a challenge with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum TwoFactorMethod {
    /// A code from an authenticator app (or a backup code).
    Totp,
    /// A code sent by email.
    Otp,
}

/// A sign-in that waits for the second factor: the password was right, no session exists yet.
///
/// `Debug` does not print the token.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TwoFactorChallenge {
    /// The challenge's token, the `two_factor` cookie's value; whoever holds it may finish the
    /// sign-in with a second factor.
    pub token: String,
    /// The factors the user can answer with (`twoFactorMethods`): TOTP when they have a
    /// verified authenticator, OTP when codes by email are on. May be empty (backup codes
    /// still work).
    pub methods: Vec<TwoFactorMethod>,
    /// Whether the session the challenge leads to is long-lived.
    pub remember_me: bool,
    /// A `trust_device` cookie came with the sign-in and did not hold: it is to be cleared.
    pub clear_trusted_device: bool,
}

impl fmt::Debug for TwoFactorChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwoFactorChallenge")
            .field("token", &"<redacted>")
            .field("methods", &self.methods)
            .field("remember_me", &self.remember_me)
            .field("clear_trusted_device", &self.clear_trusted_device)
            .finish()
    }
}
