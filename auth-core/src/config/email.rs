//! [`EmailFlows`]: which of the email flows are on, and how long their links live.

use std::time::Duration;

const HOUR: Duration = Duration::from_secs(60 * 60);

/// The account-lifecycle flows that send mail — email verification, password reset, change of
/// email, account deletion — with Better Auth's options and defaults, except where noted.
///
/// Sending needs a mailer on the [`Auth`](crate::Auth) (`AuthBuilder::mailer`); without one,
/// verification and reset answer Better Auth's "not enabled" errors.
///
/// ```
/// use auth_core::config::{AuthConfig, EmailFlows};
///
/// let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000")
///     .email_flows(
///         EmailFlows::new()
///             .require_verification(true)
///             .auto_sign_in_after_verification(true)
///             .change_email(true)
///             .delete_user(true),
///     )
///     .build()?;
/// assert!(config.email_flows().sends_on_sign_up());
/// # Ok::<(), auth_core::config::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct EmailFlows {
    pub(crate) require_verification: bool,
    pub(crate) send_on_sign_up: Option<bool>,
    pub(crate) send_on_sign_in: bool,
    pub(crate) auto_sign_in_after_verification: bool,
    pub(crate) verification_ttl: Duration,
    pub(crate) password_reset: bool,
    pub(crate) reset_token_ttl: Duration,
    pub(crate) revoke_sessions_on_reset: bool,
    pub(crate) change_email: bool,
    pub(crate) confirm_change_with_current_email: bool,
    pub(crate) delete_user: bool,
    pub(crate) confirm_delete_by_email: bool,
    pub(crate) delete_token_ttl: Duration,
    pub(crate) response_floor: Duration,
}

impl Default for EmailFlows {
    fn default() -> Self {
        Self {
            require_verification: false,
            send_on_sign_up: None,
            send_on_sign_in: false,
            auto_sign_in_after_verification: false,
            verification_ttl: HOUR,
            password_reset: true,
            reset_token_ttl: HOUR,
            revoke_sessions_on_reset: true,
            change_email: false,
            confirm_change_with_current_email: false,
            delete_user: false,
            confirm_delete_by_email: false,
            delete_token_ttl: 24 * HOUR,
            response_floor: Duration::from_millis(500),
        }
    }
}

impl EmailFlows {
    /// Better Auth's defaults: verification sent on request only, password reset on (with a
    /// mailer), change of email and deletion off.
    pub fn new() -> Self {
        Self::default()
    }

    /// Refuse sign-in until the email is verified (`403 EMAIL_NOT_VERIFIED`, only after the
    /// right password); sign-up then creates no session (default off).
    pub fn require_verification(mut self, on: bool) -> Self {
        self.require_verification = on;
        self
    }

    /// Mail a verification link at sign-up (default: when verification is required).
    pub fn send_on_sign_up(mut self, on: bool) -> Self {
        self.send_on_sign_up = Some(on);
        self
    }

    /// Mail a new verification link when an unverified user signs in with the right password
    /// and verification is required (default off).
    pub fn send_on_sign_in(mut self, on: bool) -> Self {
        self.send_on_sign_in = on;
        self
    }

    /// Sign the user in when they open the verification link (default off).
    pub fn auto_sign_in_after_verification(mut self, on: bool) -> Self {
        self.auto_sign_in_after_verification = on;
        self
    }

    /// How long a verification link works (default 1 hour).
    pub fn verification_ttl(mut self, ttl: Duration) -> Self {
        self.verification_ttl = ttl;
        self
    }

    /// Password reset by mailed link (default on; it needs a mailer).
    pub fn password_reset(mut self, on: bool) -> Self {
        self.password_reset = on;
        self
    }

    /// How long a reset link works (default 1 hour).
    pub fn reset_token_ttl(mut self, ttl: Duration) -> Self {
        self.reset_token_ttl = ttl;
        self
    }

    /// End every session (and so every JWT, with the revocation check) of a user whose
    /// password was reset (default on; Better Auth's default is off: whoever took over the
    /// account would stay signed in).
    pub fn revoke_sessions_on_reset(mut self, on: bool) -> Self {
        self.revoke_sessions_on_reset = on;
        self
    }

    /// Let signed-in users change their email by a link mailed to the new address (default
    /// off).
    pub fn change_email(mut self, on: bool) -> Self {
        self.change_email = on;
        self
    }

    /// For a verified user, first mail the current address to approve the change (Better
    /// Auth's `sendChangeEmailConfirmation`; default off).
    pub fn confirm_change_with_current_email(mut self, on: bool) -> Self {
        self.confirm_change_with_current_email = on;
        self
    }

    /// Let signed-in users delete their account (default off).
    pub fn delete_user(mut self, on: bool) -> Self {
        self.delete_user = on;
        self
    }

    /// Delete only through a link mailed to the user (Better Auth's
    /// `sendDeleteAccountVerification`; default off: a fresh session or the password is
    /// enough).
    pub fn confirm_delete_by_email(mut self, on: bool) -> Self {
        self.confirm_delete_by_email = on;
        self
    }

    /// How long a deletion link works (default 1 day).
    pub fn delete_token_ttl(mut self, ttl: Duration) -> Self {
        self.delete_token_ttl = ttl;
        self
    }

    /// The shortest time the answers that must not tell whether an email is registered
    /// (send-verification-email, request-password-reset) take (default 500 ms, as Better
    /// Auth's send-verification-email; zero turns the padding off).
    pub fn response_floor(mut self, floor: Duration) -> Self {
        self.response_floor = floor;
        self
    }

    /// Whether sign-in is refused until the email is verified.
    pub fn requires_verification(&self) -> bool {
        self.require_verification
    }

    /// Whether sign-up mails a verification link.
    pub fn sends_on_sign_up(&self) -> bool {
        self.send_on_sign_up.unwrap_or(self.require_verification)
    }

    /// Whether sign-in of an unverified user mails a new link.
    pub fn sends_on_sign_in(&self) -> bool {
        self.send_on_sign_in
    }

    /// Whether opening the verification link signs the user in.
    pub fn auto_signs_in_after_verification(&self) -> bool {
        self.auto_sign_in_after_verification
    }

    /// How long a verification link works.
    pub fn verification_lifetime(&self) -> Duration {
        self.verification_ttl
    }

    /// Whether password reset is on (it still needs a mailer).
    pub fn password_reset_enabled(&self) -> bool {
        self.password_reset
    }

    /// How long a reset link works.
    pub fn reset_token_lifetime(&self) -> Duration {
        self.reset_token_ttl
    }

    /// Whether a reset ends the user's sessions.
    pub fn revokes_sessions_on_reset(&self) -> bool {
        self.revoke_sessions_on_reset
    }

    /// Whether change of email is on.
    pub fn change_email_enabled(&self) -> bool {
        self.change_email
    }

    /// Whether a change of email is first approved from the current address.
    pub fn confirms_change_with_current_email(&self) -> bool {
        self.confirm_change_with_current_email
    }

    /// Whether account deletion is on.
    pub fn delete_user_enabled(&self) -> bool {
        self.delete_user
    }

    /// Whether deletion goes through a mailed link.
    pub fn confirms_delete_by_email(&self) -> bool {
        self.confirm_delete_by_email
    }

    /// How long a deletion link works.
    pub fn delete_token_lifetime(&self) -> Duration {
        self.delete_token_ttl
    }

    /// The shortest time an anti-enumeration answer takes.
    pub fn response_floor_duration(&self) -> Duration {
        self.response_floor
    }
}
