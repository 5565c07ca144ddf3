//! Rate limiting: the [`RateLimitStore`] trait (counters that several server instances can
//! share), the rules ([`RateLimit`], Better Auth's by default) and an in-memory store.
//!
//! The protocol counts each request to a limited route twice: under the client's IP and,
//! where the route names one, under the account (the email of a sign-in or sign-up, the user
//! of a password change), so that neither one address nor many addresses against one account
//! get more than the rule allows. Over the limit the answer is Better Auth's `429` with
//! `x-retry-after`.

mod memory;
mod rules;

use std::time::Duration;

use async_trait::async_trait;

pub use self::memory::MemoryRateLimits;
pub use self::rules::{RateLimit, RateLimitRule};
use crate::model::Timestamp;
use crate::store::StoreError;

/// One request counted: how many requests the key has had in its current window (this one
/// included), and when that window began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Requests in the current window, this one included.
    pub count: u64,
    /// When the current window began.
    pub window_start: Timestamp,
}

/// Where the request counters live. Instances that share a store share the limits (auth-sqlx's
/// stores keep them in Better Auth's `rateLimit` table).
#[async_trait]
pub trait RateLimitStore: Send + Sync + 'static {
    /// Counts one request for `key` at `now`, in fixed windows of `window`: a key whose window
    /// began `window` or longer ago (or that was never seen) starts a new window with a count
    /// of 1. The count and the window start must be updated atomically: concurrent requests
    /// each see a distinct count.
    async fn hit(&self, key: &str, window: Duration, now: Timestamp) -> Result<Hit, StoreError>;
}

/// What a rule decides for one counted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Allowed,
    /// Over the limit; retry after this long (whole seconds, at least one).
    Limited(Duration),
}

impl Hit {
    /// The decision for this hit under a rule of `max` requests per `window`.
    pub(crate) fn decide(self, max: u64, window: Duration, now: Timestamp) -> Decision {
        if self.count <= max {
            return Decision::Allowed;
        }
        let elapsed = now
            .unix_millis()
            .saturating_sub(self.window_start.unix_millis());
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        let left_ms = window_ms.saturating_sub(elapsed).max(0);
        // Whole seconds, rounded up, at least one: as Better Auth's `x-retry-after`.
        let secs = u64::try_from(left_ms.saturating_add(999) / 1000).unwrap_or(0);
        Decision::Limited(Duration::from_secs(secs.max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_the_limit_says_how_long_is_left_in_whole_seconds() {
        let start = Timestamp::from_unix_millis(1_000_000).expect("time");
        let window = Duration::from_secs(10);
        let hit = |count| Hit {
            count,
            window_start: start,
        };
        assert_eq!(hit(3).decide(3, window, start), Decision::Allowed);
        assert_eq!(
            hit(4).decide(3, window, start),
            Decision::Limited(Duration::from_secs(10))
        );
        let later = Timestamp::from_unix_millis(1_000_000 + 2_500).expect("time");
        assert_eq!(
            hit(4).decide(3, window, later),
            Decision::Limited(Duration::from_secs(8))
        );
        let past = Timestamp::from_unix_millis(1_000_000 + 60_000).expect("time");
        assert_eq!(
            hit(4).decide(3, window, past),
            Decision::Limited(Duration::from_secs(1))
        );
    }
}
