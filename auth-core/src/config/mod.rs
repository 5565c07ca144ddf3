//! [`AuthConfig`]: secrets, URLs and lifetimes, validated once by [`AuthConfigBuilder::build`],
//! whether they were set in code or read from the environment ([`AuthConfigBuilder::from_env`]).

mod account_linking;
mod builder;
mod email;
mod env;
mod error;
mod two_factor;

use std::fmt;
use std::time::Duration;

use http::HeaderName;
use zeroize::Zeroizing;

pub use self::account_linking::AccountLinking;
pub use self::builder::AuthConfigBuilder;
pub use self::email::EmailFlows;
pub use self::error::{ConfigError, Setting};
pub use self::two_factor::TwoFactorOptions;
use crate::model::PasswordPolicy;
use crate::rate_limit::RateLimit;

/// The longest lifetime any setting accepts: 100 years. Anything longer is a typo or an attempt
/// at "forever", and past the year 9999 no store can hold the expiry.
pub const MAX_LIFETIME: Duration = Duration::from_secs(36_500 * 24 * 60 * 60);

/// The signing secret for cookies (and, with HS256, tokens): at least 32 bytes.
///
/// Wiped on drop; `Debug` prints nothing of it.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Shortest accepted secret, in bytes (a 256-bit HMAC key).
    pub const MIN_LEN: usize = 32;

    /// The secret's bytes (UTF-8), as Better Auth uses them as the HMAC key.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The secret as text (two-factor encryption keys are derived from it).
    pub(crate) fn expose_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Whether token verification also checks that the token's session still exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationCheck {
    /// Stateless: a token is valid until it expires, whatever happens to its session (Better
    /// Auth's behaviour).
    Off,
    /// A token whose session (`sid`) was signed out, revoked or expired is refused. Answers are
    /// cached in memory for `ttl`, so a busy API pays one store lookup per session per `ttl`;
    /// revocations made through this instance take effect at once, those made elsewhere within
    /// `ttl`.
    Cached {
        /// How long a lookup's answer is trusted.
        ttl: Duration,
        /// How many sessions' answers are kept at most.
        capacity: usize,
    },
}

impl Default for RevocationCheck {
    fn default() -> Self {
        Self::Cached {
            ttl: Duration::from_secs(30),
            capacity: 100_000,
        }
    }
}

/// Whether sessions found by token (get-session, cookie authentication) are kept in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionCaching {
    /// Every lookup asks the store.
    Off,
    /// A session read from the store is served from memory for up to `ttl`; a change made
    /// through this instance, or announced by another instance through the store's
    /// invalidation channel, ends the copy at once. Without a channel (the listener
    /// disconnected), changes made elsewhere are seen within `ttl`.
    Cached {
        /// How long a copy is served.
        ttl: Duration,
        /// How many sessions are kept at most.
        capacity: usize,
    },
}

impl Default for SessionCaching {
    /// 30 s, and up to 10 000 sessions (a session and its user take about a kilobyte).
    fn default() -> Self {
        Self::Cached {
            ttl: Duration::from_secs(30),
            capacity: 10_000,
        }
    }
}

/// Everything the flows and the protocol need to know about the deployment, validated.
///
/// Made by [`AuthConfig::builder`] (in code) or [`AuthConfig::from_env`] (from the
/// environment); read through its getters.
///
/// ```
/// use std::time::Duration;
/// use auth_core::config::AuthConfig;
///
/// let config = AuthConfig::builder("a-very-long-random-secret-of-32-bytes!", "https://app.example.com")
///     .token_ttl(Duration::from_secs(7 * 24 * 3600))
///     .trusted_origins(["https://admin.example.com"])
///     .build()?;
/// assert_eq!(config.origin(), "https://app.example.com");
/// assert!(config.secure_cookies());
/// # Ok::<(), auth_core::config::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct AuthConfig {
    secret: Secret,
    origin: String,
    base_path: String,
    trusted_origins: Vec<String>,
    token_ttl: Duration,
    session_ttl: Duration,
    session_update_age: Duration,
    short_session_ttl: Duration,
    fresh_age: Duration,
    password_policy: PasswordPolicy,
    revocation: RevocationCheck,
    session_caching: SessionCaching,
    max_body_bytes: usize,
    verified_token_cache: usize,
    refusal_pause: Duration,
    rate_limit: RateLimit,
    client_ip_header: Option<HeaderName>,
    email_flows: EmailFlows,
    account_linking: AccountLinking,
    two_factor: Option<TwoFactorOptions>,
}

impl AuthConfig {
    /// Starts a configuration with the defaults: tokens and sessions live 30 days, sessions
    /// slide once a day, routes under `/api/auth`, passwords of 8 to 128 characters, Better
    /// Auth's rate limits. Nothing is checked until [`AuthConfigBuilder::build`].
    ///
    /// `base_url` is where the auth server is reached (`BETTER_AUTH_URL`); its origin is the
    /// JWT issuer and audience and is always trusted. A path in it other than `/` becomes the
    /// base path.
    pub fn builder(secret: impl Into<String>, base_url: impl Into<String>) -> AuthConfigBuilder {
        AuthConfigBuilder::new(secret.into(), base_url.into())
    }

    /// Reads and validates the configuration from the process environment; see
    /// [`AuthConfigBuilder::from_lookup`] for the variables.
    pub fn from_env() -> Result<Self, ConfigError> {
        AuthConfigBuilder::from_env()?.build()
    }

    /// The signing secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The base URL's origin (`scheme://host[:port]`): JWT issuer and audience.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The route prefix, without a trailing slash.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// True when the base URL is https: cookies get `Secure` and the `__Secure-` prefix.
    pub fn secure_cookies(&self) -> bool {
        self.origin.starts_with("https://")
    }

    /// Origins trusted besides the base URL's own.
    pub fn trusted_origins(&self) -> &[String] {
        &self.trusted_origins
    }

    /// True when `origin` is the base URL's origin or a configured trusted origin.
    pub fn is_trusted_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        origin.eq_ignore_ascii_case(&self.origin)
            || self
                .trusted_origins
                .iter()
                .any(|o| o.eq_ignore_ascii_case(origin))
    }

    /// Whether cross-origin browser access (CORS) is on: it is when trusted origins besides the
    /// base URL's are configured.
    pub fn cors_enabled(&self) -> bool {
        !self.trusted_origins.is_empty()
    }

    /// JWT lifetime.
    pub fn token_ttl(&self) -> Duration {
        self.token_ttl
    }

    /// Session lifetime.
    pub fn session_ttl(&self) -> Duration {
        self.session_ttl
    }

    /// How often a session's expiry slides.
    pub fn session_update_age(&self) -> Duration {
        self.session_update_age
    }

    /// Lifetime of a session created with "remember me" off (1 day, as in Better Auth).
    pub fn short_session_ttl(&self) -> Duration {
        self.short_session_ttl
    }

    /// Freshness window for sensitive calls; zero means no check.
    pub fn fresh_age(&self) -> Duration {
        self.fresh_age
    }

    /// Password length limits.
    pub fn password_policy(&self) -> PasswordPolicy {
        self.password_policy
    }

    /// The revocation-check mode for tokens.
    pub fn revocation_check(&self) -> RevocationCheck {
        self.revocation
    }

    /// Whether sessions are served from memory.
    pub fn session_caching(&self) -> SessionCaching {
        self.session_caching
    }

    /// The largest request body the protocol reads.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// How many verified tokens the issuer remembers.
    pub fn verified_token_cache(&self) -> usize {
        self.verified_token_cache
    }

    /// How long a refusal is held (see [`AuthConfigBuilder::refusal_pause`]).
    pub fn refusal_pause(&self) -> Duration {
        self.refusal_pause
    }

    /// The rate limits.
    pub fn rate_limit(&self) -> &RateLimit {
        &self.rate_limit
    }

    /// The header the client's IP is taken from, if not the socket.
    pub fn client_ip_header(&self) -> Option<&HeaderName> {
        self.client_ip_header.as_ref()
    }

    /// The email flows: verification, password reset, change of email, deletion.
    pub fn email_flows(&self) -> &EmailFlows {
        &self.email_flows
    }

    /// When social sign-in links a provider account to an existing user.
    pub fn account_linking(&self) -> &AccountLinking {
        &self.account_linking
    }

    /// The two-factor options, when two-factor authentication is on.
    pub fn two_factor(&self) -> Option<&TwoFactorOptions> {
        self.two_factor.as_ref()
    }
}
