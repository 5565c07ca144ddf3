//! `AuthConfig`: secrets, URLs and lifetimes, from code or from the environment.

use std::fmt;
use std::time::Duration;

use http::HeaderName;
use zeroize::Zeroizing;

use crate::model::PasswordPolicy;
use crate::rate_limit::RateLimit;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest lifetime a setting accepts: 100 years. Anything longer is a typo or an attempt at
/// "forever", and past the year 9999 no store can hold the expiry.
pub const MAX_LIFETIME: Duration = Duration::from_secs(36_500 * 24 * 60 * 60);

/// A configuration value that is missing or invalid; the message names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is not set.
    #[error("{var} is not set: {hint}")]
    Missing {
        /// The variable (or setting) that is missing.
        var: &'static str,
        /// What to put there.
        hint: &'static str,
    },
    /// A variable is set to something unusable.
    #[error("{var} is invalid: {reason}")]
    Invalid {
        /// The variable (or setting) that is invalid.
        var: &'static str,
        /// Why.
        reason: String,
    },
}

/// The signing secret for cookies (and, with HS256, tokens): at least 32 bytes.
///
/// Wiped on drop; `Debug` prints nothing of it.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Shortest accepted secret, in bytes (a 256-bit HMAC key).
    pub const MIN_LEN: usize = 32;

    /// Wraps a secret, refusing one shorter than [`Secret::MIN_LEN`] bytes.
    pub fn new(secret: impl Into<String>) -> Result<Self, ConfigError> {
        let secret = Zeroizing::new(secret.into());
        if secret.len() < Self::MIN_LEN {
            return Err(ConfigError::Invalid {
                var: "AUTH_SECRET",
                reason: format!(
                    "it is {} bytes long; use at least {} random bytes, e.g. `openssl rand -base64 32`",
                    secret.len(),
                    Self::MIN_LEN
                ),
            });
        }
        Ok(Self(secret))
    }

    /// The secret's bytes (UTF-8), as Better Auth uses them as the HMAC key.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Whether token verification also checks that the token's session still exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Everything the flows need to know about the deployment.
///
/// ```
/// use std::time::Duration;
/// use auth_core::config::AuthConfig;
///
/// let config = AuthConfig::new("a-very-long-random-secret-of-32-bytes!", "https://app.example.com")?
///     .with_token_ttl(Duration::from_secs(7 * 24 * 3600))
///     .with_trusted_origins(["https://admin.example.com"])?;
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
    max_body_bytes: usize,
    verified_token_cache: usize,
    refusal_pause: Duration,
    rate_limit: RateLimit,
    client_ip_header: Option<HeaderName>,
}

impl AuthConfig {
    /// A configuration with the defaults: tokens and sessions live 30 days, sessions slide once
    /// a day, routes under `/api/auth`, passwords of 8 to 128 characters.
    ///
    /// `base_url` is where the auth server is reached (`BETTER_AUTH_URL`); its origin is the
    /// JWT issuer and audience and is always trusted. A path in it other than `/` becomes the
    /// base path.
    pub fn new(secret: impl Into<String>, base_url: &str) -> Result<Self, ConfigError> {
        let secret = Secret::new(secret)?;
        let (origin, path) = parse_url("AUTH_BASE_URL", base_url)?;
        let base_path = match path.trim_end_matches('/') {
            "" => "/api/auth".to_owned(),
            custom => custom.to_owned(),
        };
        Ok(Self {
            secret,
            origin,
            base_path,
            trusted_origins: Vec::new(),
            token_ttl: 30 * DAY,
            session_ttl: 30 * DAY,
            session_update_age: DAY,
            short_session_ttl: DAY,
            fresh_age: DAY,
            password_policy: PasswordPolicy::default(),
            revocation: RevocationCheck::default(),
            max_body_bytes: 64 * 1024,
            verified_token_cache: 10_000,
            refusal_pause: Duration::from_secs(1),
            rate_limit: RateLimit::better_auth(),
            client_ip_header: None,
        })
    }

    /// Reads the configuration from the process environment; see [`AuthConfig::from_lookup`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (a variable name to its value):
    ///
    /// | variable | meaning | default |
    /// | --- | --- | --- |
    /// | `AUTH_SECRET` or `BETTER_AUTH_SECRET` | signing secret, ≥ 32 bytes | required |
    /// | `AUTH_BASE_URL` or `BETTER_AUTH_URL` | public URL of the auth server | required |
    /// | `AUTH_BASE_PATH` | route prefix | `/api/auth` |
    /// | `AUTH_TRUSTED_ORIGINS` or `BETTER_AUTH_TRUSTED_ORIGINS` | comma-separated origins | none |
    /// | `AUTH_TOKEN_TTL` | JWT lifetime (`30d`, `12h`, `15m`, `900s`, `900`) | `30d` |
    /// | `AUTH_SESSION_TTL` | session lifetime | `30d` |
    /// | `AUTH_SESSION_UPDATE_AGE` | how often a session's expiry slides | `1d` |
    /// | `AUTH_SESSION_FRESH_AGE` | how recent a sign-in sensitive calls need (`0` = off) | `1d` |
    /// | `AUTH_PASSWORD_MIN_LENGTH`, `AUTH_PASSWORD_MAX_LENGTH` | password limits | `8`, `128` |
    /// | `AUTH_REVOCATION_CHECK` | `on` / `off`: refuse tokens of ended sessions | `on` |
    /// | `AUTH_REVOCATION_CACHE_TTL` | how long a session check is cached | `30s` |
    /// | `AUTH_RATE_LIMIT` | `on` / `off`: Better Auth's rate limits | `on` in production (`NODE_ENV` or `APP_ENV` = `production`), else `off`, as Better Auth |
    /// | `AUTH_CLIENT_IP_HEADER` | the proxy header with the client's IP (see [`AuthConfig::with_client_ip_header`]) | the socket's address |
    ///
    /// A missing or invalid value is an error that names the variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| lookup(n).filter(|v| !v.trim().is_empty()))
        };
        let secret = get(&["AUTH_SECRET", "BETTER_AUTH_SECRET"]).ok_or(ConfigError::Missing {
            var: "AUTH_SECRET",
            hint: "set AUTH_SECRET (or BETTER_AUTH_SECRET) to at least 32 random bytes, e.g. `openssl rand -base64 32`",
        })?;
        let base_url = get(&["AUTH_BASE_URL", "BETTER_AUTH_URL"]).ok_or(ConfigError::Missing {
            var: "AUTH_BASE_URL",
            hint: "set AUTH_BASE_URL (or BETTER_AUTH_URL) to the server's public URL, e.g. http://localhost:3000",
        })?;
        let mut config = Self::new(secret, base_url.trim())?;
        if let Some(path) = get(&["AUTH_BASE_PATH"]) {
            config = config.with_base_path(&path)?;
        }
        if let Some(list) = get(&["AUTH_TRUSTED_ORIGINS", "BETTER_AUTH_TRUSTED_ORIGINS"]) {
            config = config
                .with_trusted_origins(list.split(',').map(str::trim).filter(|s| !s.is_empty()))?;
        }
        let duration = |var: &'static str| get(&[var]).map(|v| parse_duration(var, &v)).transpose();
        if let Some(ttl) = duration("AUTH_TOKEN_TTL")? {
            config.token_ttl = nonzero("AUTH_TOKEN_TTL", ttl)?;
        }
        if let Some(ttl) = duration("AUTH_SESSION_TTL")? {
            config.session_ttl = nonzero("AUTH_SESSION_TTL", ttl)?;
        }
        if let Some(age) = duration("AUTH_SESSION_UPDATE_AGE")? {
            config.session_update_age = age;
        }
        if let Some(age) = duration("AUTH_SESSION_FRESH_AGE")? {
            config.fresh_age = age;
        }
        let length = |var: &'static str| {
            get(&[var])
                .map(|v| {
                    v.trim().parse::<usize>().map_err(|_| ConfigError::Invalid {
                        var,
                        reason: format!("{v:?} is not a whole number"),
                    })
                })
                .transpose()
        };
        let mut policy = config.password_policy;
        if let Some(min) = length("AUTH_PASSWORD_MIN_LENGTH")? {
            policy.min_length = min;
        }
        if let Some(max) = length("AUTH_PASSWORD_MAX_LENGTH")? {
            policy.max_length = max;
        }
        config = config.with_password_policy(policy)?;
        let check = get(&["AUTH_REVOCATION_CHECK"]);
        let cache_ttl = duration("AUTH_REVOCATION_CACHE_TTL")?;
        config.revocation = match check.as_deref().map(str::trim) {
            None | Some("on" | "true" | "1") => match (config.revocation, cache_ttl) {
                (RevocationCheck::Cached { capacity, .. }, Some(ttl)) => {
                    RevocationCheck::Cached { ttl, capacity }
                }
                (current, _) => current,
            },
            Some("off" | "false" | "0") => RevocationCheck::Off,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    var: "AUTH_REVOCATION_CHECK",
                    reason: format!("{other:?} is neither `on` nor `off`"),
                });
            }
        };
        let production = ["NODE_ENV", "APP_ENV"]
            .iter()
            .any(|var| get(&[var]).is_some_and(|v| v.trim() == "production"));
        let limited = match get(&["AUTH_RATE_LIMIT"]).as_deref().map(str::trim) {
            None => production,
            Some("on" | "true" | "1") => true,
            Some("off" | "false" | "0") => false,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    var: "AUTH_RATE_LIMIT",
                    reason: format!("{other:?} is neither `on` nor `off`"),
                });
            }
        };
        if !limited {
            config.rate_limit = RateLimit::disabled();
        }
        if let Some(header) = get(&["AUTH_CLIENT_IP_HEADER"]) {
            config = config.with_client_ip_header(&header)?;
        }
        Ok(config)
    }

    /// Sets the route prefix (default `/api/auth`).
    pub fn with_base_path(mut self, path: &str) -> Result<Self, ConfigError> {
        let path = path.trim().trim_end_matches('/');
        if !path.starts_with('/') || path.contains("//") || path.contains(['?', '#']) {
            return Err(ConfigError::Invalid {
                var: "AUTH_BASE_PATH",
                reason: format!("{path:?} must be an absolute path such as /api/auth"),
            });
        }
        self.base_path = path.to_owned();
        Ok(self)
    }

    /// Adds origins (besides the base URL's) that may call the API from a browser.
    pub fn with_trusted_origins<I, S>(mut self, origins: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for origin in origins {
            let (origin, path) = parse_url("AUTH_TRUSTED_ORIGINS", origin.as_ref())?;
            if !path.trim_end_matches('/').is_empty() {
                return Err(ConfigError::Invalid {
                    var: "AUTH_TRUSTED_ORIGINS",
                    reason: format!(
                        "{origin}{path} has a path; list origins only (scheme://host[:port])"
                    ),
                });
            }
            if !self.trusted_origins.contains(&origin) {
                self.trusted_origins.push(origin);
            }
        }
        Ok(self)
    }

    /// Sets how long issued JWTs are valid (default 30 days).
    pub fn with_token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Sets how long a session lasts without activity (default 30 days).
    pub fn with_session_ttl(mut self, ttl: Duration) -> Self {
        self.session_ttl = ttl;
        self
    }

    /// Sets how often get-session pushes a session's expiry forward (default 1 day).
    pub fn with_session_update_age(mut self, age: Duration) -> Self {
        self.session_update_age = age;
        self
    }

    /// Sets how recent a sign-in must be for list-sessions (default 1 day; zero disables).
    pub fn with_fresh_age(mut self, age: Duration) -> Self {
        self.fresh_age = age;
        self
    }

    /// Sets the password length limits.
    pub fn with_password_policy(mut self, policy: PasswordPolicy) -> Result<Self, ConfigError> {
        if policy.min_length == 0 || policy.min_length > policy.max_length {
            return Err(ConfigError::Invalid {
                var: "AUTH_PASSWORD_MIN_LENGTH",
                reason: format!(
                    "the limits {}..={} are empty or start at zero",
                    policy.min_length, policy.max_length
                ),
            });
        }
        self.password_policy = policy;
        Ok(self)
    }

    /// Sets whether token verification checks that the session still exists.
    pub fn with_revocation_check(mut self, check: RevocationCheck) -> Self {
        self.revocation = check;
        self
    }

    /// Sets the largest request body the protocol reads (default 64 KiB; larger is 413).
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Sets how many verified tokens the issuer remembers by their exact bytes (default 10 000;
    /// 0 turns the cache off). See `JwtIssuerBuilder::verified_token_cache`.
    pub fn with_verified_token_cache(mut self, capacity: usize) -> Self {
        self.verified_token_cache = capacity;
        self
    }

    /// How many verified tokens the issuer remembers.
    pub fn verified_token_cache(&self) -> usize {
        self.verified_token_cache
    }

    /// The largest request body the protocol reads.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    /// Sets how long the protocol holds a refusal that tells the client to wait before it
    /// sends it: `503 SERVER_BUSY` when password hashing is saturated, `429` over a rate limit
    /// (default 1 s, and never longer than the wait the answer names; zero answers at once). A
    /// client that ignores `Retry-After` and retries at once gets one refusal per pause per
    /// connection, so a storm cannot take the CPU the hashing threads need, nor a database
    /// round trip per request for its counters. Holding an answer costs a timer, not a thread.
    pub fn with_refusal_pause(mut self, pause: Duration) -> Self {
        self.refusal_pause = pause;
        self
    }

    /// How long a refusal is held (see [`AuthConfig::with_refusal_pause`]).
    pub fn refusal_pause(&self) -> Duration {
        self.refusal_pause
    }

    /// Sets the rate limits (default [`RateLimit::better_auth`]: on, Better Auth's production
    /// rules).
    pub fn with_rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// The rate limits.
    pub fn rate_limit(&self) -> &RateLimit {
        &self.rate_limit
    }

    /// Takes the client's IP, for rate limiting, from a header set by a proxy in front of the
    /// server (`x-forwarded-for`, `x-real-ip`, `cf-connecting-ip`) instead of the socket: the
    /// last address in it, the one that proxy saw. Only set this behind such a proxy: a client
    /// that reaches the server directly can write the header itself.
    pub fn with_client_ip_header(mut self, header: &str) -> Result<Self, ConfigError> {
        let name = HeaderName::try_from(header.trim()).map_err(|_| ConfigError::Invalid {
            var: "AUTH_CLIENT_IP_HEADER",
            reason: format!("{header:?} is not a header name"),
        })?;
        self.client_ip_header = Some(name);
        Ok(self)
    }

    /// The header the client's IP is taken from, if not the socket.
    pub fn client_ip_header(&self) -> Option<&HeaderName> {
        self.client_ip_header.as_ref()
    }

    /// Whether cross-origin browser access (CORS) is on: it is when trusted origins besides the
    /// base URL's are configured.
    pub fn cors_enabled(&self) -> bool {
        !self.trusted_origins.is_empty()
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
}

fn nonzero(var: &'static str, d: Duration) -> Result<Duration, ConfigError> {
    if d.is_zero() {
        Err(ConfigError::Invalid {
            var,
            reason: "must be longer than zero".into(),
        })
    } else {
        Ok(d)
    }
}

/// Splits `scheme://authority/path` into a normalised origin and the path.
fn parse_url(var: &'static str, input: &str) -> Result<(String, String), ConfigError> {
    let invalid = |reason: &str| ConfigError::Invalid {
        var,
        reason: format!("{input:?}: {reason}"),
    };
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

/// Parses `30d`, `12h`, `15m`, `900s` or a bare number of seconds.
fn parse_duration(var: &'static str, input: &str) -> Result<Duration, ConfigError> {
    let input = input.trim();
    let (number, unit) = match input.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => input.split_at(at),
        None => (input, "s"),
    };
    let seconds_per = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 0,
    };
    let too_long = || ConfigError::Invalid {
        var,
        reason: format!(
            "{input:?} is longer than the longest lifetime accepted, {}d (100 years)",
            MAX_LIFETIME.as_secs() / 86_400
        ),
    };
    match number.parse::<u64>() {
        Ok(n) if seconds_per > 0 => n
            .checked_mul(seconds_per)
            .map(Duration::from_secs)
            .filter(|d| *d <= MAX_LIFETIME)
            .ok_or_else(too_long),
        Err(_)
            if seconds_per > 0
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Err(too_long())
        }
        _ => Err(ConfigError::Invalid {
            var,
            reason: format!("{input:?} is not a duration; write e.g. 30d, 12h, 15m, 900s or 900"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn defaults_are_thirty_day_tokens_and_sessions() {
        let config = AuthConfig::from_lookup(lookup(&[
            ("BETTER_AUTH_SECRET", SECRET),
            ("BETTER_AUTH_URL", "http://localhost:3000/"),
        ]))
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
    fn reads_every_variable() {
        let config = AuthConfig::from_lookup(lookup(&[
            ("AUTH_SECRET", SECRET),
            ("AUTH_BASE_URL", "HTTPS://Auth.Example.com:443"),
            (
                "AUTH_TRUSTED_ORIGINS",
                "http://localhost:3000, https://app.example.com",
            ),
            ("AUTH_TOKEN_TTL", "15m"),
            ("AUTH_SESSION_TTL", "7d"),
            ("AUTH_SESSION_UPDATE_AGE", "3600"),
            ("AUTH_PASSWORD_MIN_LENGTH", "12"),
            ("AUTH_REVOCATION_CHECK", "off"),
        ]))
        .expect("valid");
        assert_eq!(config.origin(), "https://auth.example.com");
        assert!(config.secure_cookies());
        assert!(config.is_trusted_origin("https://app.example.com"));
        assert!(config.is_trusted_origin("http://localhost:3000"));
        assert!(config.is_trusted_origin("https://auth.example.com"));
        assert!(!config.is_trusted_origin("https://evil.example.com"));
        assert_eq!(config.token_ttl(), Duration::from_secs(900));
        assert_eq!(config.session_ttl(), 7 * DAY);
        assert_eq!(config.session_update_age(), Duration::from_secs(3600));
        assert_eq!(config.password_policy().min_length, 12);
        assert_eq!(config.revocation_check(), RevocationCheck::Off);
    }

    #[test]
    fn errors_name_the_variable() {
        let missing = AuthConfig::from_lookup(lookup(&[("AUTH_BASE_URL", "http://x.io")]));
        assert!(matches!(
            missing,
            Err(ConfigError::Missing {
                var: "AUTH_SECRET",
                ..
            })
        ));
        let no_url = AuthConfig::from_lookup(lookup(&[("AUTH_SECRET", SECRET)]));
        assert!(matches!(
            no_url,
            Err(ConfigError::Missing {
                var: "AUTH_BASE_URL",
                ..
            })
        ));
        let short = AuthConfig::from_lookup(lookup(&[
            ("AUTH_SECRET", "short"),
            ("AUTH_BASE_URL", "http://x.io"),
        ]));
        let message = short.expect_err("short secret").to_string();
        assert!(
            message.contains("AUTH_SECRET") && !message.contains("short\""),
            "{message}"
        );
        for (var, value) in [
            ("AUTH_BASE_URL", "localhost:3000"),
            ("AUTH_TOKEN_TTL", "forever"),
            ("AUTH_TOKEN_TTL", "0"),
            ("AUTH_TRUSTED_ORIGINS", "ftp://files.example.com"),
            ("AUTH_PASSWORD_MIN_LENGTH", "eight"),
            ("AUTH_REVOCATION_CHECK", "maybe"),
        ] {
            let mut vars = vec![("AUTH_SECRET", SECRET), ("AUTH_BASE_URL", "http://x.io")];
            vars.retain(|(k, _)| *k != var);
            vars.push((var, value));
            let err = AuthConfig::from_lookup(lookup(&vars)).expect_err(value);
            assert!(err.to_string().contains(var), "{err} should name {var}");
        }
    }

    #[test]
    fn lifetimes_beyond_a_century_are_refused_at_start_up() {
        // 99999999 days once started a server whose every session had expired at creation.
        for var in [
            "AUTH_SESSION_TTL",
            "AUTH_TOKEN_TTL",
            "AUTH_SESSION_UPDATE_AGE",
        ] {
            for value in ["99999999d", "36501d", "999999999999999999999999"] {
                let err = AuthConfig::from_lookup(lookup(&[
                    ("AUTH_SECRET", SECRET),
                    ("AUTH_BASE_URL", "http://x.io"),
                    (var, value),
                ]))
                .expect_err(value)
                .to_string();
                assert!(err.contains(var) && err.contains("100 years"), "{err}");
            }
        }
        let config = AuthConfig::from_lookup(lookup(&[
            ("AUTH_SECRET", SECRET),
            ("AUTH_BASE_URL", "http://x.io"),
            ("AUTH_SESSION_TTL", "36500d"),
        ]))
        .expect("a century is accepted");
        assert_eq!(config.session_ttl(), MAX_LIFETIME);
    }

    #[test]
    fn secret_debug_is_redacted() {
        let config = AuthConfig::new(SECRET, "http://localhost:3000").expect("valid");
        assert!(!format!("{config:?}").contains(SECRET));
    }
}
