//! Reading the configuration from environment variables into an [`AuthConfigBuilder`]: parsing
//! only; the builder checks the values, naming the variable a bad one came from.

use std::time::Duration;

use http::HeaderName;

use super::{
    AccountLinking, AuthConfigBuilder, ConfigError, EmailFlows, MAX_LIFETIME, RevocationCheck,
    SessionCaching, Setting, TwoFactorOptions,
};
use crate::model::PasswordPolicy;
use crate::rate_limit::RateLimit;

impl AuthConfigBuilder {
    /// Reads the process environment; see [`AuthConfigBuilder::from_lookup`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (a variable name to its value), to adjust in
    /// code before [`build`](Self::build):
    ///
    /// | variable | meaning | default |
    /// | --- | --- | --- |
    /// | `AUTH_SECRET` or `BETTER_AUTH_SECRET` | signing secret, ≥ 32 bytes | required |
    /// | `AUTH_BASE_URL` or `BETTER_AUTH_URL` | public URL of the auth server | required |
    /// | `AUTH_BASE_PATH` | route prefix | `/api/auth` |
    /// | `AUTH_TRUSTED_ORIGINS` or `BETTER_AUTH_TRUSTED_ORIGINS` | comma-separated origins | none |
    /// | `AUTH_TOKEN_TTL` | JWT lifetime (`30d`, `12h`, `15m`, `900s`, `900`; at most `36500d`) | `30d` |
    /// | `AUTH_SESSION_TTL` | session lifetime | `30d` |
    /// | `AUTH_SESSION_UPDATE_AGE` | how often a session's expiry slides | `1d` |
    /// | `AUTH_SESSION_FRESH_AGE` | how recent a sign-in sensitive calls need (`0` = off) | `1d` |
    /// | `AUTH_PASSWORD_MIN_LENGTH`, `AUTH_PASSWORD_MAX_LENGTH` | password limits | `8`, `128` |
    /// | `AUTH_REVOCATION_CHECK` | `on` / `off`: refuse tokens of ended sessions | `on` |
    /// | `AUTH_REVOCATION_CACHE_TTL` | how long a session check is cached | `30s` |
    /// | `AUTH_SESSION_CACHE` | `on` / `off`: serve sessions found by token (get-session, cookies) from memory | `on` |
    /// | `AUTH_SESSION_CACHE_TTL` | how long a cached session is served without news from the invalidation channel | `30s` |
    /// | `AUTH_RATE_LIMIT` | `on` / `off`: Better Auth's rate limits | `on` in production (`NODE_ENV` or `APP_ENV` = `production`), else `off`, as Better Auth |
    /// | `AUTH_CLIENT_IP_HEADER` | the proxy header with the client's IP (see [`AuthConfigBuilder::client_ip_header`]) | the socket's address |
    /// | `AUTH_REQUIRE_EMAIL_VERIFICATION` | `on` / `off`: sign-in waits for a verified email | `off` |
    /// | `AUTH_EMAIL_SEND_ON_SIGN_UP` | `on` / `off`: mail a verification link at sign-up | as the line above |
    /// | `AUTH_EMAIL_SEND_ON_SIGN_IN` | `on` / `off`: mail a new link when an unverified user signs in | `off` |
    /// | `AUTH_AUTO_SIGN_IN_AFTER_VERIFICATION` | `on` / `off` | `off` |
    /// | `AUTH_EMAIL_VERIFICATION_TTL` | how long a verification link works | `1h` |
    /// | `AUTH_PASSWORD_RESET` | `on` / `off` (it also needs a mailer) | `on` |
    /// | `AUTH_RESET_TOKEN_TTL` | how long a reset link works | `1h` |
    /// | `AUTH_REVOKE_SESSIONS_ON_RESET` | `on` / `off`: a reset signs the user out everywhere | `on` |
    /// | `AUTH_CHANGE_EMAIL` | `on` / `off`: users may change their email | `off` |
    /// | `AUTH_CHANGE_EMAIL_CONFIRMATION` | `on` / `off`: the current address approves first | `off` |
    /// | `AUTH_DELETE_USER` | `on` / `off`: users may delete their account | `off` |
    /// | `AUTH_DELETE_USER_CONFIRMATION` | `on` / `off`: deletion by a mailed link | `off` |
    /// | `AUTH_TWO_FACTOR` | `on` / `off`: two-factor authentication (see [`TwoFactorOptions`]) | `off` |
    /// | `AUTH_TWO_FACTOR_ISSUER` | the name authenticator apps show | the base URL's host |
    /// | `AUTH_TWO_FACTOR_PAGE` | the front end's page that finishes a social sign-in with the second factor | none |
    /// | `AUTH_TRUSTED_PROVIDERS` | comma-separated social providers whose accounts link to a user with the same (verified) email even when they do not vouch for it (see [`AccountLinking`]) | none |
    ///
    /// A missing required variable, or a value that does not parse, is an error that names the
    /// variable; so are the builder's own checks of a value read here.
    ///
    /// ```
    /// use auth_core::config::AuthConfigBuilder;
    ///
    /// let vars = [("AUTH_SECRET", "0123456789abcdef0123456789abcdef"), ("AUTH_BASE_URL", "http://localhost:3000"), ("AUTH_SESSION_TTL", "0")];
    /// let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    /// let error = AuthConfigBuilder::from_lookup(lookup)?.build().unwrap_err();
    /// assert_eq!(error.to_string(), "AUTH_SESSION_TTL is invalid: it must be longer than zero");
    /// # Ok::<(), auth_core::config::ConfigError>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env { lookup: &lookup };
        let (secret, secret_var) = env
            .first(&["AUTH_SECRET", "BETTER_AUTH_SECRET"])
            .ok_or(ConfigError::MissingVar {
                var: "AUTH_SECRET",
                hint: "set AUTH_SECRET (or BETTER_AUTH_SECRET) to at least 32 random bytes, e.g. `openssl rand -base64 32`",
            })?;
        let (base_url, url_var) = env
            .first(&["AUTH_BASE_URL", "BETTER_AUTH_URL"])
            .ok_or(ConfigError::MissingVar {
                var: "AUTH_BASE_URL",
                hint: "set AUTH_BASE_URL (or BETTER_AUTH_URL) to the server's public URL, e.g. http://localhost:3000",
            })?;
        let base_url = base_url.trim().to_owned();
        let mut builder = Self::new(secret, base_url.clone())
            .sourced_from(Setting::Secret, secret_var)
            .sourced_from(Setting::BaseUrl, url_var);
        if let Some(path) = env.get("AUTH_BASE_PATH") {
            builder = builder
                .base_path(path)
                .sourced_from(Setting::BasePath, "AUTH_BASE_PATH");
        }
        if let Some((list, var)) =
            env.first(&["AUTH_TRUSTED_ORIGINS", "BETTER_AUTH_TRUSTED_ORIGINS"])
        {
            let origins: Vec<String> = list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            builder = builder
                .trusted_origins(origins)
                .sourced_from(Setting::TrustedOrigins, var);
        }
        if let Some(ttl) = env.duration(Setting::TokenTtl, "AUTH_TOKEN_TTL")? {
            builder = builder
                .token_ttl(ttl)
                .sourced_from(Setting::TokenTtl, "AUTH_TOKEN_TTL");
        }
        if let Some(ttl) = env.duration(Setting::SessionTtl, "AUTH_SESSION_TTL")? {
            builder = builder
                .session_ttl(ttl)
                .sourced_from(Setting::SessionTtl, "AUTH_SESSION_TTL");
        }
        if let Some(age) = env.duration(Setting::SessionUpdateAge, "AUTH_SESSION_UPDATE_AGE")? {
            builder = builder
                .session_update_age(age)
                .sourced_from(Setting::SessionUpdateAge, "AUTH_SESSION_UPDATE_AGE");
        }
        if let Some(age) = env.duration(Setting::FreshAge, "AUTH_SESSION_FRESH_AGE")? {
            builder = builder
                .fresh_age(age)
                .sourced_from(Setting::FreshAge, "AUTH_SESSION_FRESH_AGE");
        }
        let min = env.number(Setting::PasswordPolicy, "AUTH_PASSWORD_MIN_LENGTH")?;
        let max = env.number(Setting::PasswordPolicy, "AUTH_PASSWORD_MAX_LENGTH")?;
        if min.is_some() || max.is_some() {
            let default = PasswordPolicy::default();
            let var = if min.is_some() {
                "AUTH_PASSWORD_MIN_LENGTH"
            } else {
                "AUTH_PASSWORD_MAX_LENGTH"
            };
            builder = builder
                .password_policy(PasswordPolicy::new(
                    min.unwrap_or(default.min_length),
                    max.unwrap_or(default.max_length),
                ))
                .sourced_from(Setting::PasswordPolicy, var);
        }
        let check = env.switch(Setting::RevocationCheck, "AUTH_REVOCATION_CHECK")?;
        let cache_ttl = env.duration(Setting::RevocationCheck, "AUTH_REVOCATION_CACHE_TTL")?;
        match (check, cache_ttl) {
            (Some(false), _) => {
                builder = builder
                    .revocation_check(RevocationCheck::Off)
                    .sourced_from(Setting::RevocationCheck, "AUTH_REVOCATION_CHECK");
            }
            (_, Some(ttl)) => {
                let capacity = match RevocationCheck::default() {
                    RevocationCheck::Cached { capacity, .. } => capacity,
                    RevocationCheck::Off => 0,
                };
                builder = builder
                    .revocation_check(RevocationCheck::Cached { ttl, capacity })
                    .sourced_from(Setting::RevocationCheck, "AUTH_REVOCATION_CACHE_TTL");
            }
            _ => {}
        }
        let caching = env.switch(Setting::SessionCaching, "AUTH_SESSION_CACHE")?;
        let caching_ttl = env.duration(Setting::SessionCaching, "AUTH_SESSION_CACHE_TTL")?;
        match (caching, caching_ttl) {
            (Some(false), _) => {
                builder = builder
                    .session_caching(SessionCaching::Off)
                    .sourced_from(Setting::SessionCaching, "AUTH_SESSION_CACHE");
            }
            (_, Some(ttl)) => {
                let capacity = match SessionCaching::default() {
                    SessionCaching::Cached { capacity, .. } => capacity,
                    SessionCaching::Off => 0,
                };
                builder = builder
                    .session_caching(SessionCaching::Cached { ttl, capacity })
                    .sourced_from(Setting::SessionCaching, "AUTH_SESSION_CACHE_TTL");
            }
            _ => {}
        }
        let production = ["NODE_ENV", "APP_ENV"]
            .iter()
            .any(|var| env.get(var).is_some_and(|v| v.trim() == "production"));
        let limited = env
            .switch(Setting::RateLimit, "AUTH_RATE_LIMIT")?
            .unwrap_or(production);
        if !limited {
            builder = builder.rate_limit(RateLimit::disabled());
        }
        if let Some(header) = env.get("AUTH_CLIENT_IP_HEADER") {
            let name = HeaderName::try_from(header.trim()).map_err(|_| ConfigError::Invalid {
                setting: Setting::ClientIpHeader,
                var: Some("AUTH_CLIENT_IP_HEADER"),
                reason: format!("{header:?} is not a header name"),
            })?;
            builder = builder
                .client_ip_header(name)
                .sourced_from(Setting::ClientIpHeader, "AUTH_CLIENT_IP_HEADER");
        }
        if let Some(flows) = email_flows(&env)? {
            builder = builder.email_flows(flows);
        }
        if env.switch(Setting::TwoFactor, "AUTH_TWO_FACTOR")? == Some(true) {
            // The authenticator app's label: the named issuer, else the server's host name.
            let issuer = env
                .get("AUTH_TWO_FACTOR_ISSUER")
                .unwrap_or_else(|| host_of(&base_url));
            let mut options = TwoFactorOptions::new(issuer.trim());
            if let Some(page) = env.get("AUTH_TWO_FACTOR_PAGE") {
                options = options.challenge_page(page.trim());
            }
            builder = builder
                .two_factor(options)
                .sourced_from(Setting::TwoFactor, "AUTH_TWO_FACTOR");
        }
        if let Some(list) = env.get("AUTH_TRUSTED_PROVIDERS") {
            let providers: Vec<&str> = list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            builder =
                builder.account_linking(AccountLinking::default().trusted_providers(providers));
        }
        Ok(builder)
    }
}

/// The email flows' variables; `None` when none is set.
fn email_flows(env: &Env<'_>) -> Result<Option<EmailFlows>, ConfigError> {
    let setting = Setting::EmailFlows;
    let mut flows = EmailFlows::new();
    let mut any = false;
    type Switch = fn(EmailFlows, bool) -> EmailFlows;
    let switches: [(&'static str, Switch); 9] = [
        (
            "AUTH_REQUIRE_EMAIL_VERIFICATION",
            EmailFlows::require_verification,
        ),
        ("AUTH_EMAIL_SEND_ON_SIGN_UP", EmailFlows::send_on_sign_up),
        ("AUTH_EMAIL_SEND_ON_SIGN_IN", EmailFlows::send_on_sign_in),
        (
            "AUTH_AUTO_SIGN_IN_AFTER_VERIFICATION",
            EmailFlows::auto_sign_in_after_verification,
        ),
        ("AUTH_PASSWORD_RESET", EmailFlows::password_reset),
        (
            "AUTH_REVOKE_SESSIONS_ON_RESET",
            EmailFlows::revoke_sessions_on_reset,
        ),
        ("AUTH_CHANGE_EMAIL", EmailFlows::change_email),
        (
            "AUTH_CHANGE_EMAIL_CONFIRMATION",
            EmailFlows::confirm_change_with_current_email,
        ),
        ("AUTH_DELETE_USER", EmailFlows::delete_user),
    ];
    for (var, set) in switches {
        if let Some(on) = env.switch(setting, var)? {
            flows = set(flows, on);
            any = true;
        }
    }
    if let Some(on) = env.switch(setting, "AUTH_DELETE_USER_CONFIRMATION")? {
        flows = flows.confirm_delete_by_email(on);
        any = true;
    }
    type Lifetime = fn(EmailFlows, Duration) -> EmailFlows;
    let lifetimes: [(&'static str, Lifetime); 2] = [
        ("AUTH_EMAIL_VERIFICATION_TTL", EmailFlows::verification_ttl),
        ("AUTH_RESET_TOKEN_TTL", EmailFlows::reset_token_ttl),
    ];
    for (var, set) in lifetimes {
        if let Some(ttl) = env.duration(setting, var)? {
            if ttl.is_zero() {
                return Err(ConfigError::Invalid {
                    setting,
                    var: Some(var),
                    reason: "it must be longer than zero".into(),
                });
            }
            flows = set(flows, ttl);
            any = true;
        }
    }
    Ok(any.then_some(flows))
}

/// The variables, blank ones counting as unset.
struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Env<'_> {
    fn get(&self, var: &str) -> Option<String> {
        (self.lookup)(var).filter(|v| !v.trim().is_empty())
    }

    /// The first of `vars` that is set, and which one it was.
    fn first(&self, vars: &[&'static str]) -> Option<(String, &'static str)> {
        vars.iter()
            .find_map(|var| self.get(var).map(|value| (value, *var)))
    }

    fn invalid(setting: Setting, var: &'static str, reason: String) -> ConfigError {
        ConfigError::Invalid {
            setting,
            var: Some(var),
            reason,
        }
    }

    fn duration(
        &self,
        setting: Setting,
        var: &'static str,
    ) -> Result<Option<Duration>, ConfigError> {
        self.get(var)
            .map(|v| parse_duration(&v).map_err(|reason| Self::invalid(setting, var, reason)))
            .transpose()
    }

    fn number(&self, setting: Setting, var: &'static str) -> Result<Option<usize>, ConfigError> {
        self.get(var)
            .map(|v| {
                v.trim().parse::<usize>().map_err(|_| {
                    Self::invalid(setting, var, format!("{v:?} is not a whole number"))
                })
            })
            .transpose()
    }

    fn switch(&self, setting: Setting, var: &'static str) -> Result<Option<bool>, ConfigError> {
        self.get(var)
            .map(|v| match v.trim() {
                "on" | "true" | "1" => Ok(true),
                "off" | "false" | "0" => Ok(false),
                other => Err(Self::invalid(
                    setting,
                    var,
                    format!("{other:?} is neither `on` nor `off`"),
                )),
            })
            .transpose()
    }
}

/// Parses `30d`, `12h`, `15m`, `900s` or a bare number of seconds. A number too large to hold
/// is refused here; one too long for a lifetime, by the builder.
fn parse_duration(input: &str) -> Result<Duration, String> {
    let input = input.trim();
    let (number, unit) = match input.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => input.split_at(at),
        None => (input, "s"),
    };
    let seconds_per: u64 = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 0,
    };
    let not_a_duration =
        || format!("{input:?} is not a duration; write e.g. 30d, 12h, 15m, 900s or 900");
    if seconds_per == 0 || number.is_empty() {
        return Err(not_a_duration());
    }
    let too_long = || {
        format!(
            "{input:?} is longer than the longest lifetime accepted, {}d (100 years)",
            MAX_LIFETIME.as_secs() / 86_400
        )
    };
    let n: u64 = number.parse().map_err(|_| too_long())?;
    n.checked_mul(seconds_per)
        .map(Duration::from_secs)
        .ok_or_else(too_long)
}

/// The host of a URL such as `https://app.example.com:8443/api`: `app.example.com`.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = match host.rsplit_once(':') {
        Some((name, port)) if !name.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    host.to_owned()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const DAY: Duration = Duration::from_secs(86_400);

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn build(vars: &[(&str, &str)]) -> Result<super::super::AuthConfig, ConfigError> {
        AuthConfigBuilder::from_lookup(lookup(vars))?.build()
    }

    #[test]
    fn reads_every_variable() {
        let config = build(&[
            ("BETTER_AUTH_SECRET", SECRET),
            ("BETTER_AUTH_URL", "HTTPS://Auth.Example.com:443"),
            (
                "AUTH_TRUSTED_ORIGINS",
                "http://localhost:3000, https://app.example.com",
            ),
            ("AUTH_TOKEN_TTL", "15m"),
            ("AUTH_SESSION_TTL", "7d"),
            ("AUTH_SESSION_UPDATE_AGE", "3600"),
            ("AUTH_PASSWORD_MIN_LENGTH", "12"),
            ("AUTH_REVOCATION_CHECK", "off"),
            ("AUTH_RATE_LIMIT", "on"),
            ("AUTH_CLIENT_IP_HEADER", "x-forwarded-for"),
        ])
        .expect("valid");
        assert_eq!(config.origin(), "https://auth.example.com");
        assert!(config.is_trusted_origin("https://app.example.com"));
        assert!(config.is_trusted_origin("http://localhost:3000"));
        assert_eq!(config.token_ttl(), Duration::from_secs(900));
        assert_eq!(config.session_ttl(), 7 * DAY);
        assert_eq!(config.session_update_age(), Duration::from_secs(3600));
        assert_eq!(config.password_policy().min_length, 12);
        assert_eq!(config.revocation_check(), RevocationCheck::Off);
        assert!(config.rate_limit().is_enabled());
        assert_eq!(
            config.client_ip_header().map(HeaderName::as_str),
            Some("x-forwarded-for")
        );
        let production = build(&[
            ("AUTH_SECRET", SECRET),
            ("AUTH_BASE_URL", "http://x.io"),
            ("NODE_ENV", "production"),
        ])
        .expect("valid");
        assert!(production.rate_limit().is_enabled());
        let development =
            build(&[("AUTH_SECRET", SECRET), ("AUTH_BASE_URL", "http://x.io")]).expect("valid");
        assert!(!development.rate_limit().is_enabled());
    }

    #[test]
    fn errors_name_the_variable() {
        let missing = build(&[("AUTH_BASE_URL", "http://x.io")]);
        assert!(matches!(
            missing,
            Err(ConfigError::MissingVar {
                var: "AUTH_SECRET",
                ..
            })
        ));
        let no_url = build(&[("AUTH_SECRET", SECRET)]);
        assert!(matches!(
            no_url,
            Err(ConfigError::MissingVar {
                var: "AUTH_BASE_URL",
                ..
            })
        ));
        let short = build(&[
            ("BETTER_AUTH_SECRET", "short"),
            ("AUTH_BASE_URL", "http://x.io"),
        ]);
        let message = short.expect_err("short secret").to_string();
        assert!(
            message.starts_with("BETTER_AUTH_SECRET is invalid") && !message.contains("short\""),
            "{message}"
        );
        for (var, value) in [
            ("AUTH_BASE_URL", "localhost:3000"),
            ("AUTH_BASE_PATH", "api"),
            ("AUTH_TOKEN_TTL", "forever"),
            ("AUTH_TOKEN_TTL", "0"),
            ("AUTH_SESSION_TTL", "0"),
            ("AUTH_TRUSTED_ORIGINS", "ftp://files.example.com"),
            ("AUTH_PASSWORD_MIN_LENGTH", "eight"),
            ("AUTH_PASSWORD_MIN_LENGTH", "0"),
            ("AUTH_REVOCATION_CHECK", "maybe"),
            ("AUTH_RATE_LIMIT", "sometimes"),
            ("AUTH_CLIENT_IP_HEADER", "not a header"),
        ] {
            let mut vars = vec![("AUTH_SECRET", SECRET), ("AUTH_BASE_URL", "http://x.io")];
            vars.retain(|(k, _)| *k != var);
            vars.push((var, value));
            let err = build(&vars).expect_err(value);
            assert!(
                err.to_string().starts_with(&format!("{var} is invalid")),
                "{err} should name {var}"
            );
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
                let err = build(&[
                    ("AUTH_SECRET", SECRET),
                    ("AUTH_BASE_URL", "http://x.io"),
                    (var, value),
                ])
                .expect_err(value)
                .to_string();
                assert!(err.contains(var) && err.contains("100 years"), "{err}");
            }
        }
        let config = build(&[
            ("AUTH_SECRET", SECRET),
            ("AUTH_BASE_URL", "http://x.io"),
            ("AUTH_SESSION_TTL", "36500d"),
        ])
        .expect("a century is accepted");
        assert_eq!(config.session_ttl(), MAX_LIFETIME);
    }

    #[test]
    fn a_value_set_in_code_after_the_environment_is_named_as_a_setting() {
        let error = AuthConfigBuilder::from_lookup(lookup(&[
            ("AUTH_SECRET", SECRET),
            ("AUTH_BASE_URL", "http://x.io"),
            ("AUTH_TOKEN_TTL", "1d"),
        ]))
        .expect("parsed")
        .token_ttl(Duration::ZERO)
        .build()
        .expect_err("zero");
        assert_eq!(
            error.to_string(),
            "token_ttl is invalid: it must be longer than zero"
        );
    }

    #[test]
    fn two_factor_is_switched_on_with_the_hosts_name_as_issuer() {
        let base = [
            ("AUTH_SECRET", SECRET),
            ("AUTH_BASE_URL", "https://app.example.com:8443/x"),
        ];
        let off = AuthConfigBuilder::from_lookup(lookup(&base))
            .and_then(AuthConfigBuilder::build)
            .expect("config");
        assert!(off.two_factor().is_none());
        let on = [&base[..], &[("AUTH_TWO_FACTOR", "on")]].concat();
        let config = AuthConfigBuilder::from_lookup(lookup(&on))
            .and_then(AuthConfigBuilder::build)
            .expect("config");
        let options = config.two_factor().expect("on");
        assert_eq!(options.issuer(), "app.example.com");
        assert_eq!(options.challenge_page_url(), None);
        let named = [
            &on[..],
            &[
                ("AUTH_TWO_FACTOR_ISSUER", "Acme Corp"),
                ("AUTH_TWO_FACTOR_PAGE", "/two-factor"),
            ],
        ]
        .concat();
        let config = AuthConfigBuilder::from_lookup(lookup(&named))
            .and_then(AuthConfigBuilder::build)
            .expect("config");
        let options = config.two_factor().expect("on");
        assert_eq!(options.issuer(), "Acme Corp");
        assert_eq!(options.challenge_page_url(), Some("/two-factor"));
        assert_eq!(host_of("http://user@[::1]:3000/"), "[::1]");
        assert_eq!(host_of("localhost"), "localhost");
    }
}
