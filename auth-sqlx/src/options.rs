//! Pool and start-up settings.

use std::time::Duration;

/// How a store connects and how long it waits.
///
/// ```
/// use std::time::Duration;
/// use auth_sqlx::StoreOptions;
///
/// let options = StoreOptions::default()
///     .max_connections(20)
///     .acquire_timeout(Duration::from_secs(3))
///     .startup_retry(Duration::from_secs(60));
/// assert_eq!(options.max_connections, 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreOptions {
    /// Most connections open at once (default 10).
    pub max_connections: u32,
    /// How long a call waits for a connection before failing with `Unavailable` (default 5 s):
    /// with the database down or the pool exhausted, calls fail within this time, never hang.
    pub acquire_timeout: Duration,
    /// How long [`connect`](crate::PgStore::connect) keeps retrying, with backoff, while the
    /// database cannot be reached (default 30 s: a suspended Neon compute takes seconds to wake).
    pub startup_retry: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
            startup_retry: Duration::from_secs(30),
        }
    }
}

impl StoreOptions {
    /// Sets [`StoreOptions::max_connections`].
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Sets [`StoreOptions::acquire_timeout`].
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// Sets [`StoreOptions::startup_retry`].
    pub fn startup_retry(mut self, window: Duration) -> Self {
        self.startup_retry = window;
        self
    }
}
