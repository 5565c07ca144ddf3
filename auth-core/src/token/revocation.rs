//! A bounded, time-limited memory of which sessions are still alive, so that checking a token's
//! `sid` costs a store lookup once per session per TTL rather than once per request.

use std::time::Duration;

use quick_cache::sync::Cache;

use crate::model::{SessionId, Timestamp};

#[derive(Clone)]
struct Entry {
    /// `Some(expiry)` while the session exists; `None` once it is known to be gone.
    alive_until: Option<Timestamp>,
    /// By the `Auth`'s clock, which the caller has read already: reading the system's monotonic
    /// clock again would cost as much as the rest of the lookup.
    checked: Timestamp,
}

/// What the cache knows about a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    Alive,
    Gone,
    Unknown,
}

pub(crate) struct RevocationCache {
    entries: Cache<SessionId, Entry>,
    ttl: Duration,
}

impl RevocationCache {
    pub(crate) fn new(capacity: usize, ttl: Duration) -> Self {
        Self {
            entries: Cache::new(capacity.max(1)),
            ttl,
        }
    }

    pub(crate) fn get(&self, session_id: &SessionId, now: Timestamp) -> Known {
        match self.entries.get(session_id) {
            Some(entry) if fresh(entry.checked, now, self.ttl) => match entry.alive_until {
                Some(expiry) if expiry > now => Known::Alive,
                _ => Known::Gone,
            },
            _ => Known::Unknown,
        }
    }

    pub(crate) fn record(
        &self,
        session_id: &SessionId,
        alive_until: Option<Timestamp>,
        now: Timestamp,
    ) {
        self.entries.insert(
            session_id.clone(),
            Entry {
                alive_until,
                checked: now,
            },
        );
    }

    /// Forgets every answer (the invalidation channel had a gap).
    pub(crate) fn clear(&self) {
        self.entries.clear();
    }
}

/// Whether an answer recorded at `checked` is younger than `ttl` at `now`. A clock that stepped
/// back makes an entry stale rather than fresh for longer.
fn fresh(checked: Timestamp, now: Timestamp, ttl: Duration) -> bool {
    let age = now.unix_millis().saturating_sub(checked.unix_millis());
    u128::try_from(age).is_ok_and(|age| age < ttl.as_millis())
}
