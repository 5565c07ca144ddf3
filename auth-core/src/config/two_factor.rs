//! [`TwoFactorOptions`]: Better Auth's `twoFactor` plugin options, with its defaults.

use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Two-factor authentication (TOTP, backup codes, codes by email, trusted devices): on when
/// [`AuthConfigBuilder::two_factor`](super::AuthConfigBuilder::two_factor) is given these.
///
/// The defaults are Better Auth's: challenges live 10 minutes and allow 5 attempts, a trusted
/// device 30 days, an emailed code 3 minutes; 10 failed verifications lock the second factor for
/// 15 minutes.
///
/// ```
/// use auth_core::config::{AuthConfig, TwoFactorOptions};
///
/// let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000")
///     .two_factor(TwoFactorOptions::new("Example").challenge_page("/two-factor"))
///     .build()?;
/// assert_eq!(config.two_factor().map(|t| t.issuer()), Some("Example"));
/// # Ok::<(), auth_core::config::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct TwoFactorOptions {
    pub(crate) issuer: String,
    pub(crate) email_otp: bool,
    pub(crate) challenge_ttl: Duration,
    pub(crate) allowed_attempts: u32,
    pub(crate) otp_ttl: Duration,
    pub(crate) trust_device_ttl: Duration,
    pub(crate) lockout_threshold: u32,
    pub(crate) lockout_duration: Duration,
    pub(crate) challenge_page: Option<String>,
}

impl TwoFactorOptions {
    /// Two-factor with Better Auth's defaults; `issuer` names the account in authenticator
    /// apps (the `otpauth://` URI's issuer).
    pub fn new(issuer: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            email_otp: true,
            challenge_ttl: 10 * MINUTE,
            allowed_attempts: 5,
            otp_ttl: 3 * MINUTE,
            trust_device_ttl: 30 * DAY,
            lockout_threshold: 10,
            lockout_duration: 15 * MINUTE,
            challenge_page: None,
        }
    }

    /// Whether one-time codes may be sent by email (`send-otp`; it also needs a mailer). On by
    /// default.
    pub fn email_otp(mut self, on: bool) -> Self {
        self.email_otp = on;
        self
    }

    /// How long a sign-in challenge (the `two_factor` cookie) lasts (10 minutes).
    pub fn challenge_ttl(mut self, ttl: Duration) -> Self {
        self.challenge_ttl = ttl;
        self
    }

    /// How many codes one sign-in challenge may try, whatever the method (5).
    pub fn allowed_attempts(mut self, attempts: u32) -> Self {
        self.allowed_attempts = attempts;
        self
    }

    /// How long an emailed code works (3 minutes).
    pub fn otp_ttl(mut self, ttl: Duration) -> Self {
        self.otp_ttl = ttl;
        self
    }

    /// How long "trust this device" skips the second factor, sliding with each sign-in (30 days).
    pub fn trust_device_ttl(mut self, ttl: Duration) -> Self {
        self.trust_device_ttl = ttl;
        self
    }

    /// After `failures` failed verifications in a row, refuse verification for `duration`
    /// (10 and 15 minutes). The count is kept in the database, so it holds across instances.
    pub fn lockout(mut self, failures: u32, duration: Duration) -> Self {
        self.lockout_threshold = failures;
        self.lockout_duration = duration;
        self
    }

    /// The front end's page where a user finishes a sign-in with the second factor. A social
    /// sign-in's redirect sends a user with two-factor on there (with `callbackURL` in the
    /// query) instead of to the callback URL; without it, to the error callback URL with
    /// `error=two_factor_required`. JSON answers (`twoFactorRedirect`) do not use it: the
    /// `better-auth` client has its own `twoFactorPage`.
    pub fn challenge_page(mut self, url: impl Into<String>) -> Self {
        self.challenge_page = Some(url.into());
        self
    }

    /// The issuer of `otpauth://` URIs.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Whether codes by email are on (a mailer is needed too).
    pub fn sends_email_otp(&self) -> bool {
        self.email_otp
    }

    /// The challenge lifetime.
    pub fn challenge_lifetime(&self) -> Duration {
        self.challenge_ttl
    }

    /// The attempts one challenge allows.
    pub fn attempts(&self) -> u32 {
        self.allowed_attempts
    }

    /// The emailed code's lifetime.
    pub fn otp_lifetime(&self) -> Duration {
        self.otp_ttl
    }

    /// The trusted-device lifetime.
    pub fn trust_device_lifetime(&self) -> Duration {
        self.trust_device_ttl
    }

    /// Failures before the lock, and its length.
    pub fn lockout_policy(&self) -> (u32, Duration) {
        (self.lockout_threshold, self.lockout_duration)
    }

    /// The challenge page, if set.
    pub fn challenge_page_url(&self) -> Option<&str> {
        self.challenge_page.as_deref()
    }
}
