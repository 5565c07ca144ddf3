//! `MemoryRateLimits`: request counters in this process (one instance, or tests).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;

use super::{Hit, RateLimitStore, StoreError};
use crate::model::Timestamp;

/// Counters in a map behind a mutex (held for a lookup, never across an await). Windows that
/// have ended are swept out as the map grows, so memory follows the request rate, not the
/// number of addresses ever seen. Counters are never evicted early: evicting one would reset
/// an attacker's count.
#[derive(Debug, Default)]
pub struct MemoryRateLimits {
    inner: Mutex<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    entries: HashMap<String, Entry>,
    /// Sweep ended windows once the map reaches this size.
    sweep_at: usize,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    hit: Hit,
    ends: Timestamp,
}

impl MemoryRateLimits {
    /// An empty set of counters.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl RateLimitStore for MemoryRateLimits {
    async fn hit(&self, key: &str, window: Duration, now: Timestamp) -> Result<Hit, StoreError> {
        let mut counters = match self.inner.lock() {
            Ok(guard) => guard,
            // A panic elsewhere cannot leave a counter half-written: use it as it is.
            Err(poisoned) => poisoned.into_inner(),
        };
        let fresh = Entry {
            hit: Hit::new(1, now),
            ends: now + window,
        };
        let hit = match counters.entries.get_mut(key) {
            Some(entry) if entry.ends > now => {
                entry.hit.count = entry.hit.count.saturating_add(1);
                entry.hit
            }
            Some(entry) => {
                *entry = fresh;
                fresh.hit
            }
            None => {
                if counters.entries.len() >= counters.sweep_at {
                    counters.entries.retain(|_, entry| entry.ends > now);
                    counters.sweep_at = (counters.entries.len() * 2).max(1024);
                }
                counters.entries.insert(key.to_owned(), fresh);
                fresh.hit
            }
        };
        Ok(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_within_a_window_and_starts_again_after_it() {
        let limits = MemoryRateLimits::new();
        let window = Duration::from_secs(10);
        let t0 = Timestamp::from_unix_millis(1_000_000).expect("time");
        for expected in 1..=4 {
            let hit = limits
                .hit("ip|/sign-in/email", window, t0)
                .await
                .expect("hit");
            assert_eq!((hit.count, hit.window_start), (expected, t0));
        }
        let other = limits
            .hit("ip2|/sign-in/email", window, t0)
            .await
            .expect("hit");
        assert_eq!(other.count, 1);
        let t1 = t0 + window;
        let hit = limits
            .hit("ip|/sign-in/email", window, t1)
            .await
            .expect("hit");
        assert_eq!((hit.count, hit.window_start), (1, t1));
    }

    #[tokio::test]
    async fn ended_windows_are_swept_as_the_map_grows() {
        let limits = MemoryRateLimits::new();
        let window = Duration::from_secs(1);
        let t0 = Timestamp::from_unix_millis(1_000_000).expect("time");
        for n in 0..1_500 {
            limits.hit(&format!("k{n}"), window, t0).await.expect("hit");
        }
        // The map outgrows its next sweep mark while these are added, and the 1 500 ended
        // windows go.
        let later = t0 + Duration::from_secs(5);
        for n in 0..600 {
            limits
                .hit(&format!("new{n}"), window, later)
                .await
                .expect("hit");
        }
        let len = limits.inner.lock().expect("lock").entries.len();
        assert_eq!(len, 600);
    }
}
