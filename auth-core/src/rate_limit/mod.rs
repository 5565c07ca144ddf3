//! Rate limiting rules: [`RateLimit`], Better Auth's by default, and what a rule decides for a
//! counted request. The counters live in a [`RateLimitStore`](crate::store::RateLimitStore).
//!
//! The protocol counts each request to a limited route twice: under the client's IP and,
//! where the route names one, under the account (the email of a sign-in or sign-up, the user
//! of a password change), so that neither one address nor many addresses against one account
//! get more than the rule allows. Over the limit the answer is Better Auth's `429` with
//! `x-retry-after`.

mod rules;

use std::time::Duration;

pub use self::rules::RateLimit;
use crate::model::Timestamp;
use crate::store::Hit;

/// What a rule decides for one counted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Allowed,
    /// Over the limit; retry after this long (whole seconds, at least one).
    Limited(Duration),
}

/// The decision for `hit` under a rule of `max` requests per `window`.
pub(crate) fn decide(hit: Hit, max: u64, window: Duration, now: Timestamp) -> Decision {
    if hit.count <= max {
        return Decision::Allowed;
    }
    let elapsed = now
        .unix_millis()
        .saturating_sub(hit.window_start.unix_millis());
    let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
    let left_ms = window_ms.saturating_sub(elapsed).max(0);
    // Whole seconds, rounded up, at least one: as Better Auth's `x-retry-after`.
    let secs = u64::try_from(left_ms.saturating_add(999) / 1000).unwrap_or(0);
    Decision::Limited(Duration::from_secs(secs.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_the_limit_says_how_long_is_left_in_whole_seconds() {
        let start = Timestamp::from_unix_millis(1_000_000).expect("time");
        let window = Duration::from_secs(10);
        let hit = |count| Hit::new(count, start);
        assert_eq!(decide(hit(3), 3, window, start), Decision::Allowed);
        assert_eq!(
            decide(hit(4), 3, window, start),
            Decision::Limited(Duration::from_secs(10))
        );
        let later = Timestamp::from_unix_millis(1_000_000 + 2_500).expect("time");
        assert_eq!(
            decide(hit(4), 3, window, later),
            Decision::Limited(Duration::from_secs(8))
        );
        let past = Timestamp::from_unix_millis(1_000_000 + 60_000).expect("time");
        assert_eq!(
            decide(hit(4), 3, window, past),
            Decision::Limited(Duration::from_secs(1))
        );
    }
}
