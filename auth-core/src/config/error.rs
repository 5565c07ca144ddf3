//! `ConfigError`: which setting is unusable, named the way it was set.

use std::fmt;

/// A setting of [`AuthConfigBuilder`](super::AuthConfigBuilder), named by its builder method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// The signing secret.
    Secret,
    /// The public URL of the auth server.
    BaseUrl,
    /// The route prefix.
    BasePath,
    /// Origins trusted besides the base URL's.
    TrustedOrigins,
    /// JWT lifetime.
    TokenTtl,
    /// Session lifetime.
    SessionTtl,
    /// How often a session's expiry slides.
    SessionUpdateAge,
    /// Freshness window for sensitive calls.
    FreshAge,
    /// Password length limits.
    PasswordPolicy,
    /// The revocation check and its cache.
    RevocationCheck,
    /// The largest request body read.
    MaxBodyBytes,
    /// The verified-token cache.
    VerifiedTokenCache,
    /// How long refusals are held.
    RefusalPause,
    /// The rate limits.
    RateLimit,
    /// The proxy header with the client's IP.
    ClientIpHeader,
    /// The email flows and their link lifetimes.
    EmailFlows,
    /// Two-factor authentication.
    TwoFactor,
    /// The session cache.
    SessionCaching,
}

impl Setting {
    /// The builder method that sets it, such as `token_ttl`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Secret => "secret",
            Self::BaseUrl => "base_url",
            Self::BasePath => "base_path",
            Self::TrustedOrigins => "trusted_origins",
            Self::TokenTtl => "token_ttl",
            Self::SessionTtl => "session_ttl",
            Self::SessionUpdateAge => "session_update_age",
            Self::FreshAge => "fresh_age",
            Self::PasswordPolicy => "password_policy",
            Self::RevocationCheck => "revocation_check",
            Self::MaxBodyBytes => "max_body_bytes",
            Self::VerifiedTokenCache => "verified_token_cache",
            Self::RefusalPause => "refusal_pause",
            Self::RateLimit => "rate_limit",
            Self::ClientIpHeader => "client_ip_header",
            Self::EmailFlows => "email_flows",
            Self::TwoFactor => "two_factor",
            Self::SessionCaching => "session_caching",
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A configuration that cannot be used. The message names the environment variable when the
/// value came from one, and the builder setting when it was set in code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable is not set.
    #[error("{var} is not set: {hint}")]
    MissingVar {
        /// The variable.
        var: &'static str,
        /// What to put there.
        hint: &'static str,
    },
    /// A setting's value is unusable.
    #[error("{} is invalid: {reason}", .var.unwrap_or(.setting.name()))]
    Invalid {
        /// The setting.
        setting: Setting,
        /// The environment variable it was read from, if it was.
        var: Option<&'static str>,
        /// Why.
        reason: String,
    },
}

impl ConfigError {
    pub(crate) fn invalid(setting: Setting, reason: impl Into<String>) -> Self {
        Self::Invalid {
            setting,
            var: None,
            reason: reason.into(),
        }
    }

    /// The setting at fault, when one is.
    pub fn setting(&self) -> Option<Setting> {
        match self {
            Self::Invalid { setting, .. } => Some(*setting),
            Self::MissingVar { .. } => None,
        }
    }
}
