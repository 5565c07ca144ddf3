//! Which routes are limited, and how: Better Auth's rules by default.

use std::time::Duration;

/// One rule: at most `max` requests per `window` on routes whose path (below the base path)
/// starts with `path_prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    pub(crate) path_prefix: String,
    pub(crate) window: Duration,
    pub(crate) max: u64,
}

/// The rate limits: on or off, a default rule for every auth route, and stricter rules by path.
///
/// [`RateLimit::better_auth`] is Better Auth's production configuration: 100 requests per 10 s
/// on every route, 3 per 10 s on `/sign-in`, `/sign-up`, `/change-password` and
/// `/change-email`, and 3 per minute on the routes that mail (`/request-password-reset`,
/// `/send-verification-email`, `/forget-password…`). Rules added with [`RateLimit::rule`] take precedence over earlier ones; the
/// configuration checks their paths when it is built.
///
/// ```
/// use std::time::Duration;
/// use auth_core::rate_limit::RateLimit;
///
/// let limits = RateLimit::better_auth().rule("/sign-in", Duration::from_secs(60), 10);
/// assert!(limits.is_enabled());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    enabled: bool,
    default: Rule,
    rules: Vec<Rule>,
}

const TEN_SECONDS: Duration = Duration::from_secs(10);
const MINUTE: Duration = Duration::from_secs(60);

/// Routes that send mail: 3 per minute, as Better Auth limits them.
const MAILING: [&str; 3] = [
    "/request-password-reset",
    "/send-verification-email",
    "/forget-password",
];

impl RateLimit {
    /// Better Auth's production rules (see the type's documentation).
    pub fn better_auth() -> Self {
        // `/two-factor/` is the twoFactor plugin's rule (keys are per exact path, as elsewhere).
        let strict = [
            "/sign-in",
            "/sign-up",
            "/change-password",
            "/change-email",
            "/two-factor/",
        ];
        Self {
            enabled: true,
            default: Rule {
                path_prefix: "/".into(),
                window: TEN_SECONDS,
                max: 100,
            },
            rules: strict
                .into_iter()
                .map(|path_prefix| Rule {
                    path_prefix: path_prefix.into(),
                    window: TEN_SECONDS,
                    max: 3,
                })
                .chain(MAILING.into_iter().map(|path_prefix| Rule {
                    path_prefix: path_prefix.into(),
                    window: MINUTE,
                    max: 3,
                }))
                .collect(),
        }
    }

    /// No rate limiting (Better Auth's default outside production).
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::better_auth()
        }
    }

    /// Replaces the rule for routes no other rule names (Better Auth: 100 per 10 s).
    pub fn default_rule(mut self, window: Duration, max: u64) -> Self {
        self.default.window = window;
        self.default.max = max;
        self
    }

    /// Adds a rule for routes whose path below the base path starts with `path_prefix` (such as
    /// `/sign-in`); it wins over the rules before it. A zero `max` or `window` leaves those
    /// routes unlimited.
    pub fn rule(mut self, path_prefix: impl Into<String>, window: Duration, max: u64) -> Self {
        self.rules.push(Rule {
            path_prefix: path_prefix.into(),
            window,
            max,
        });
        self
    }

    /// Whether requests are limited at all.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Why a rule is unusable, if one is: checked once, when the configuration is built.
    pub(crate) fn problem(&self) -> Option<String> {
        self.rules
            .iter()
            .find(|rule| {
                !rule.path_prefix.starts_with('/') || rule.path_prefix.contains(['?', '#'])
            })
            .map(|rule| {
                format!(
                    "the rule for {:?} needs a path below the base path, such as /sign-in",
                    rule.path_prefix
                )
            })
    }

    /// The rule for a route path below the base path, when limiting is on. A zero `max` or
    /// `window` means that route is not limited.
    pub(crate) fn rule_for(&self, path: &str) -> Option<&Rule> {
        if !self.enabled {
            return None;
        }
        let rule = self
            .rules
            .iter()
            .rev()
            .find(|rule| path.starts_with(rule.path_prefix.as_str()))
            .unwrap_or(&self.default);
        (rule.max > 0 && !rule.window.is_zero()).then_some(rule)
    }
}

impl Default for RateLimit {
    /// [`RateLimit::better_auth`].
    fn default() -> Self {
        Self::better_auth()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strict_rules_cover_better_auths_paths_and_later_rules_win() {
        let limits = RateLimit::better_auth();
        assert_eq!(limits.rule_for("/sign-in/email").map(|r| r.max), Some(3));
        assert_eq!(limits.rule_for("/sign-up/email").map(|r| r.max), Some(3));
        assert_eq!(limits.rule_for("/change-password").map(|r| r.max), Some(3));
        assert_eq!(limits.rule_for("/get-session").map(|r| r.max), Some(100));
        assert_eq!(
            limits.rule_for("/two-factor/verify-totp").map(|r| r.max),
            Some(3)
        );
        let custom = limits.rule("/sign-in", Duration::from_secs(60), 10);
        assert_eq!(custom.rule_for("/sign-in/email").map(|r| r.max), Some(10));
        assert_eq!(RateLimit::disabled().rule_for("/sign-in/email"), None);
        let off = RateLimit::better_auth().rule("/ok", TEN_SECONDS, 0);
        assert_eq!(off.rule_for("/ok"), None);
    }

    #[test]
    fn a_rule_without_a_leading_slash_is_a_problem() {
        assert_eq!(RateLimit::better_auth().problem(), None);
        let bad = RateLimit::better_auth().rule("sign-in", TEN_SECONDS, 1);
        assert!(bad.problem().is_some_and(|p| p.contains("\"sign-in\"")));
    }
}
