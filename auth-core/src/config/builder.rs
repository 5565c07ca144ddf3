//! `AuthConfigBuilder`: every setting, checked once, in [`AuthConfigBuilder::build`].

use std::time::Duration;

use http::HeaderName;
use zeroize::Zeroizing;

use super::{
    AccountLinking, AuthConfig, ConfigError, EmailFlows, MAX_LIFETIME, RevocationCheck, Secret,
    SessionCaching, Setting, TwoFactorOptions,
};
use crate::model::PasswordPolicy;
use crate::rate_limit::RateLimit;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Builds an [`AuthConfig`]. Setters only record; [`build`](Self::build) checks every value
/// once and names the one at fault (by its environment variable when it was read from one).
///
/// ```
/// use std::time::Duration;
/// use auth_core::config::{AuthConfig, Setting};
///
/// let refused = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000")
///     .session_ttl(Duration::ZERO)
///     .build()
///     .unwrap_err();
/// assert_eq!(refused.setting(), Some(Setting::SessionTtl));
/// assert_eq!(refused.to_string(), "session_ttl is invalid: it must be longer than zero");
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `.build()`"]
pub struct AuthConfigBuilder {
    /// Not yet checked; its `Debug` prints nothing of it.
    secret: Secret,
    base_url: String,
    base_path: Option<String>,
    trusted_origins: Vec<String>,
    token_ttl: Duration,
    session_ttl: Duration,
    session_update_age: Duration,
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
    /// The environment variable each setting was read from, for the errors of `build`.
    sources: Vec<(Setting, &'static str)>,
}

impl AuthConfigBuilder {
    pub(super) fn new(secret: String, base_url: String) -> Self {
        Self {
            secret: Secret(Zeroizing::new(secret)),
            base_url,
            base_path: None,
            trusted_origins: Vec::new(),
            token_ttl: 30 * DAY,
            session_ttl: 30 * DAY,
            session_update_age: DAY,
            fresh_age: DAY,
            password_policy: PasswordPolicy::default(),
            revocation: RevocationCheck::default(),
            session_caching: SessionCaching::default(),
            max_body_bytes: 64 * 1024,
            verified_token_cache: 10_000,
            refusal_pause: Duration::from_secs(1),
            rate_limit: RateLimit::better_auth(),
            client_ip_header: None,
            email_flows: EmailFlows::default(),
            account_linking: AccountLinking::default(),
            two_factor: None,
            sources: Vec::new(),
        }
    }

    /// Records that `setting` came from the environment variable `var` (for `build`'s errors);
    /// a later setter call forgets it again.
    pub(super) fn sourced_from(mut self, setting: Setting, var: &'static str) -> Self {
        self.sources.retain(|(s, _)| *s != setting);
        self.sources.push((setting, var));
        self
    }

    fn set(&mut self, setting: Setting) {
        self.sources.retain(|(s, _)| *s != setting);
    }

    /// The route prefix (default `/api/auth`, or the base URL's path when it has one).
    pub fn base_path(mut self, path: impl Into<String>) -> Self {
        self.set(Setting::BasePath);
        self.base_path = Some(path.into());
        self
    }

    /// Adds origins (`scheme://host[:port]`, besides the base URL's) that may call the API from
    /// a browser; CORS is on when there are any.
    pub fn trusted_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.set(Setting::TrustedOrigins);
        self.trusted_origins
            .extend(origins.into_iter().map(Into::into));
        self
    }

    /// How long issued JWTs are valid (default 30 days; more than zero, at most 100 years).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.set(Setting::TokenTtl);
        self.token_ttl = ttl;
        self
    }

    /// How long a session lasts without activity (default 30 days; more than zero, at most 100
    /// years).
    pub fn session_ttl(mut self, ttl: Duration) -> Self {
        self.set(Setting::SessionTtl);
        self.session_ttl = ttl;
        self
    }

    /// How often get-session pushes a session's expiry forward (default 1 day).
    pub fn session_update_age(mut self, age: Duration) -> Self {
        self.set(Setting::SessionUpdateAge);
        self.session_update_age = age;
        self
    }

    /// How recent a sign-in must be for list-sessions (default 1 day; zero disables the check).
    pub fn fresh_age(mut self, age: Duration) -> Self {
        self.set(Setting::FreshAge);
        self.fresh_age = age;
        self
    }

    /// The password length limits (default 8 to 128).
    pub fn password_policy(mut self, policy: PasswordPolicy) -> Self {
        self.set(Setting::PasswordPolicy);
        self.password_policy = policy;
        self
    }

    /// Whether sessions found by token are served from memory (default: for 30 s, kept right
    /// across instances by the store's invalidation channel; see [`SessionCaching`]).
    pub fn session_caching(mut self, caching: SessionCaching) -> Self {
        self.set(Setting::SessionCaching);
        self.session_caching = caching;
        self
    }

    /// Whether token verification checks that the session still exists (default: on, cached
    /// for 30 s).
    pub fn revocation_check(mut self, check: RevocationCheck) -> Self {
        self.set(Setting::RevocationCheck);
        self.revocation = check;
        self
    }

    /// The largest request body the protocol reads (default 64 KiB; larger is 413).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.set(Setting::MaxBodyBytes);
        self.max_body_bytes = bytes;
        self
    }

    /// How many verified tokens the issuer remembers by their exact bytes (default 10 000; 0
    /// turns the cache off). See `JwtIssuerBuilder::verified_token_cache`.
    pub fn verified_token_cache(mut self, capacity: usize) -> Self {
        self.set(Setting::VerifiedTokenCache);
        self.verified_token_cache = capacity;
        self
    }

    /// How long the protocol holds a refusal that tells the client to wait before it sends it:
    /// `503 SERVER_BUSY` when password hashing is saturated, `429` over a rate limit (default
    /// 1 s, at most a minute, and never longer than the wait the answer names; zero answers at
    /// once). A client that ignores `Retry-After` and retries at once gets one refusal per pause
    /// per connection, so a storm cannot take the CPU the hashing threads need, nor a database
    /// round trip per request for its counters. Holding an answer costs a timer, not a thread.
    pub fn refusal_pause(mut self, pause: Duration) -> Self {
        self.set(Setting::RefusalPause);
        self.refusal_pause = pause;
        self
    }

    /// The rate limits (default [`RateLimit::better_auth`]: on, Better Auth's production rules).
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.set(Setting::RateLimit);
        self.rate_limit = rate_limit;
        self
    }

    /// Takes the client's IP, for rate limiting, from a header set by a proxy in front of the
    /// server (`x-forwarded-for`, `x-real-ip`, `cf-connecting-ip`) instead of the socket: the
    /// last address in it, the one that proxy saw. Only set this behind such a proxy: a client
    /// that reaches the server directly can write the header itself.
    pub fn client_ip_header(mut self, header: HeaderName) -> Self {
        self.set(Setting::ClientIpHeader);
        self.client_ip_header = Some(header);
        self
    }

    /// Which email flows are on, and how long their links live (default: Better Auth's, see
    /// [`EmailFlows`]).
    pub fn email_flows(mut self, flows: EmailFlows) -> Self {
        self.set(Setting::EmailFlows);
        self.email_flows = flows;
        self
    }

    /// When social sign-in links a provider account to an existing user (default: Better
    /// Auth's, see [`AccountLinking`]).
    pub fn account_linking(mut self, linking: AccountLinking) -> Self {
        self.account_linking = linking;
        self
    }

    /// Turns two-factor authentication on (Better Auth's `twoFactor` plugin): its routes, the
    /// sign-in challenge, `twoFactorEnabled` in user objects. Off by default.
    pub fn two_factor(mut self, options: TwoFactorOptions) -> Self {
        self.set(Setting::TwoFactor);
        self.two_factor = Some(options);
        self
    }

    /// Checks every setting and makes the configuration.
    pub fn build(self) -> Result<AuthConfig, ConfigError> {
        let named = |error: ConfigError| self.named(error);
        let secret = self.secret_checked().map_err(named)?;
        let (origin, url_path) = parse_url(&self.base_url)
            .map_err(|reason| named(ConfigError::invalid(Setting::BaseUrl, reason)))?;
        let base_path = match &self.base_path {
            Some(path) => checked_base_path(path)
                .map_err(|reason| named(ConfigError::invalid(Setting::BasePath, reason)))?,
            None => match url_path.trim_end_matches('/') {
                "" => "/api/auth".to_owned(),
                custom => custom.to_owned(),
            },
        };
        let mut trusted_origins: Vec<String> = Vec::new();
        for origin in &self.trusted_origins {
            let origin = trusted_origin(origin)
                .map_err(|reason| named(ConfigError::invalid(Setting::TrustedOrigins, reason)))?;
            if !trusted_origins.contains(&origin) {
                trusted_origins.push(origin);
            }
        }
        for (setting, value, zero_allowed) in [
            (Setting::TokenTtl, self.token_ttl, false),
            (Setting::SessionTtl, self.session_ttl, false),
            (Setting::SessionUpdateAge, self.session_update_age, true),
            (Setting::FreshAge, self.fresh_age, true),
        ] {
            lifetime(value, zero_allowed)
                .map_err(|reason| named(ConfigError::invalid(setting, reason)))?;
        }
        let flows = &self.email_flows;
        for (value, zero_allowed) in [
            (flows.verification_ttl, false),
            (flows.reset_token_ttl, false),
            (flows.delete_token_ttl, false),
            (flows.response_floor, true),
        ] {
            lifetime(value, zero_allowed)
                .map_err(|reason| named(ConfigError::invalid(Setting::EmailFlows, reason)))?;
        }
        if let Some(options) = &self.two_factor {
            two_factor_checked(options)
                .map_err(|reason| named(ConfigError::invalid(Setting::TwoFactor, reason)))?;
        }
        if let SessionCaching::Cached { ttl, .. } = self.session_caching {
            lifetime(ttl, true)
                .map_err(|reason| named(ConfigError::invalid(Setting::SessionCaching, reason)))?;
        }
        if let RevocationCheck::Cached { ttl, .. } = self.revocation {
            lifetime(ttl, true)
                .map_err(|reason| named(ConfigError::invalid(Setting::RevocationCheck, reason)))?;
        }
        let policy = self.password_policy;
        if policy.min_length == 0 || policy.min_length > policy.max_length {
            return Err(named(ConfigError::invalid(
                Setting::PasswordPolicy,
                format!(
                    "the limits {}..={} are empty or start at zero",
                    policy.min_length, policy.max_length
                ),
            )));
        }
        if self.max_body_bytes == 0 {
            return Err(named(ConfigError::invalid(
                Setting::MaxBodyBytes,
                "it must be at least one byte",
            )));
        }
        if self.refusal_pause > Duration::from_secs(60) {
            return Err(named(ConfigError::invalid(
                Setting::RefusalPause,
                "it must be at most a minute",
            )));
        }
        if let Some(problem) = self.rate_limit.problem() {
            return Err(named(ConfigError::invalid(Setting::RateLimit, problem)));
        }
        Ok(AuthConfig {
            secret,
            origin,
            base_path,
            trusted_origins,
            token_ttl: self.token_ttl,
            session_ttl: self.session_ttl,
            session_update_age: self.session_update_age,
            short_session_ttl: DAY,
            fresh_age: self.fresh_age,
            password_policy: policy,
            revocation: self.revocation,
            session_caching: self.session_caching,
            max_body_bytes: self.max_body_bytes,
            verified_token_cache: self.verified_token_cache,
            refusal_pause: self.refusal_pause,
            rate_limit: self.rate_limit,
            client_ip_header: self.client_ip_header,
            email_flows: self.email_flows,
            account_linking: self.account_linking,
            two_factor: self.two_factor,
        })
    }

    fn secret_checked(&self) -> Result<Secret, ConfigError> {
        let len = self.secret.expose().len();
        if len < Secret::MIN_LEN {
            return Err(ConfigError::invalid(
                Setting::Secret,
                format!(
                    "it is {len} bytes long; use at least {} random bytes, e.g. `openssl rand -base64 32`",
                    Secret::MIN_LEN
                ),
            ));
        }
        Ok(self.secret.clone())
    }

    /// The error, naming the environment variable its setting was read from, if it was.
    fn named(&self, error: ConfigError) -> ConfigError {
        match error {
            ConfigError::Invalid {
                setting,
                var: None,
                reason,
            } => ConfigError::Invalid {
                setting,
                var: self
                    .sources
                    .iter()
                    .find(|(s, _)| *s == setting)
                    .map(|(_, var)| *var),
                reason,
            },
            other => other,
        }
    }
}

fn lifetime(value: Duration, zero_allowed: bool) -> Result<(), String> {
    if value.is_zero() && !zero_allowed {
        Err("it must be longer than zero".into())
    } else if value > MAX_LIFETIME {
        Err(format!(
            "{}s is longer than the longest lifetime accepted, {}d (100 years)",
            value.as_secs(),
            MAX_LIFETIME.as_secs() / 86_400
        ))
    } else {
        Ok(())
    }
}

fn checked_base_path(path: &str) -> Result<String, String> {
    let path = path.trim().trim_end_matches('/');
    if !path.starts_with('/') || path.contains("//") || path.contains(['?', '#']) {
        return Err(format!(
            "{path:?} must be an absolute path such as /api/auth"
        ));
    }
    Ok(path.to_owned())
}

fn trusted_origin(input: &str) -> Result<String, String> {
    let (origin, path) = parse_url(input)?;
    if !path.trim_end_matches('/').is_empty() {
        return Err(format!(
            "{origin}{path} has a path; list origins only (scheme://host[:port])"
        ));
    }
    Ok(origin)
}

/// Splits `scheme://authority/path` into a normalised origin and the path.
fn parse_url(input: &str) -> Result<(String, String), String> {
    let invalid = |reason: &str| format!("{input:?}: {reason}");
    let uri: http::Uri = input.trim().parse().map_err(|_| invalid("not a URL"))?;
    let scheme = uri
        .scheme_str()
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| invalid("no scheme; use http:// or https://"))?;
    if scheme != "http" && scheme != "https" {
        return Err(invalid("the scheme must be http or https"));
    }
    let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
    if authority.as_str().contains('@') {
        return Err(invalid("credentials in the URL are not allowed"));
    }
    let host = authority.host().to_ascii_lowercase();
    let default_port = if scheme == "https" { 443 } else { 80 };
    let origin = match authority.port_u16() {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    };
    Ok((origin, uri.path().to_owned()))
}

/// Why two-factor options cannot be used: a zero or out-of-range lifetime, no attempts.
fn two_factor_checked(options: &TwoFactorOptions) -> Result<(), String> {
    for value in [
        options.challenge_ttl,
        options.otp_ttl,
        options.trust_device_ttl,
        options.lockout_duration,
    ] {
        lifetime(value, false)?;
    }
    if options.allowed_attempts == 0 || options.lockout_threshold == 0 {
        return Err("the attempt and lockout limits must be at least 1".into());
    }
    if options.issuer.trim().is_empty() {
        return Err("the issuer must not be empty".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn defaults_are_thirty_day_tokens_and_sessions() {
        let config = AuthConfig::builder(SECRET, "http://localhost:3000/")
            .build()
            .expect("valid");
        assert_eq!(config.token_ttl(), 30 * DAY);
        assert_eq!(config.session_ttl(), 30 * DAY);
        assert_eq!(config.session_update_age(), DAY);
        assert_eq!(config.origin(), "http://localhost:3000");
        assert_eq!(config.base_path(), "/api/auth");
        assert!(!config.secure_cookies());
        assert!(matches!(
            config.revocation_check(),
            RevocationCheck::Cached { .. }
        ));
    }

    #[test]
    fn every_setting_is_checked_once_at_build_and_named() {
        let base = || AuthConfig::builder(SECRET, "http://x.io");
        let cases: Vec<(AuthConfigBuilder, Setting)> = vec![
            (AuthConfig::builder("short", "http://x.io"), Setting::Secret),
            (
                AuthConfig::builder(SECRET, "localhost:3000"),
                Setting::BaseUrl,
            ),
            (base().base_path("api"), Setting::BasePath),
            (
                base().trusted_origins(["ftp://files.example.com"]),
                Setting::TrustedOrigins,
            ),
            (base().token_ttl(Duration::ZERO), Setting::TokenTtl),
            (base().token_ttl(MAX_LIFETIME + DAY), Setting::TokenTtl),
            (base().session_ttl(Duration::ZERO), Setting::SessionTtl),
            (base().session_ttl(Duration::MAX), Setting::SessionTtl),
            (
                base().session_update_age(Duration::MAX),
                Setting::SessionUpdateAge,
            ),
            (base().fresh_age(Duration::MAX), Setting::FreshAge),
            (
                base().password_policy(PasswordPolicy::new(0, 10)),
                Setting::PasswordPolicy,
            ),
            (
                base().password_policy(PasswordPolicy::new(12, 8)),
                Setting::PasswordPolicy,
            ),
            (
                base().revocation_check(RevocationCheck::Cached {
                    ttl: Duration::MAX,
                    capacity: 10,
                }),
                Setting::RevocationCheck,
            ),
            (base().max_body_bytes(0), Setting::MaxBodyBytes),
            (
                base().refusal_pause(Duration::from_secs(3600)),
                Setting::RefusalPause,
            ),
            (
                base().rate_limit(RateLimit::better_auth().rule("sign-in", DAY, 1)),
                Setting::RateLimit,
            ),
        ];
        for (builder, setting) in cases {
            let error = builder.build().expect_err(setting.name());
            assert_eq!(error.setting(), Some(setting), "{error}");
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("{} is invalid: ", setting.name())),
                "{message}"
            );
        }
        // The secret itself never appears in the message.
        let short = AuthConfig::builder("short-secret", "http://x.io")
            .build()
            .expect_err("short");
        assert!(!short.to_string().contains("short-secret"), "{short}");
    }

    #[test]
    fn a_century_is_the_longest_lifetime() {
        let config = AuthConfig::builder(SECRET, "http://x.io")
            .session_ttl(MAX_LIFETIME)
            .token_ttl(MAX_LIFETIME)
            .build()
            .expect("a century is accepted");
        assert_eq!(config.session_ttl(), MAX_LIFETIME);
    }

    #[test]
    fn origins_are_normalised_and_trusted() {
        let config = AuthConfig::builder(SECRET, "HTTPS://Auth.Example.com:443")
            .trusted_origins(["http://localhost:3000", "https://app.example.com/"])
            .trusted_origins(["https://app.example.com"])
            .build()
            .expect("valid");
        assert_eq!(config.origin(), "https://auth.example.com");
        assert!(config.secure_cookies());
        assert_eq!(config.trusted_origins().len(), 2);
        assert!(config.is_trusted_origin("https://app.example.com"));
        assert!(config.is_trusted_origin("https://auth.example.com"));
        assert!(!config.is_trusted_origin("https://evil.example.com"));
        let custom = AuthConfig::builder(SECRET, "http://x.io/auth/")
            .build()
            .expect("valid");
        assert_eq!(custom.base_path(), "/auth");
    }

    #[test]
    fn secret_debug_is_redacted() {
        let config = AuthConfig::builder(SECRET, "http://localhost:3000")
            .build()
            .expect("valid");
        assert!(!format!("{config:?}").contains(SECRET));
        let builder = AuthConfig::builder(SECRET, "http://localhost:3000");
        assert!(!format!("{builder:?}").contains(SECRET));
    }
}
