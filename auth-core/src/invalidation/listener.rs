//! [`InvalidationListener`]: the task that hears the other instances' invalidations and applies
//! them to this instance's caches, reconnecting with backoff when the channel drops.

use std::time::Duration;

use std::sync::atomic::Ordering;

use crate::Auth;
use crate::error::Chain;

/// Listens on the store's [`InvalidationChannel`](super::InvalidationChannel) for as long as it
/// runs; from [`Auth::invalidation_listener`].
///
/// While it is connected, a sign-out, revocation, password change or user update made through
/// another instance reaches this one's caches within milliseconds. While it is not (the database
/// restarted, the network dropped), it says so in the log and the caches fall back to their TTL;
/// it reconnects with backoff, and on reconnecting forgets every copy made before, since events
/// of the gap may be lost.
#[derive(Debug)]
#[must_use = "a listener does nothing until it is run or spawned"]
pub struct InvalidationListener {
    auth: Auth,
    max_backoff: Duration,
}

impl Auth {
    /// The listener that keeps this instance's caches right when several instances share the
    /// store; `None` when the store has no channel (SQLite, memory: one process, nothing to
    /// hear). Run it for the life of the server: `auth.invalidation_listener().map(|l| l.spawn())`.
    pub fn invalidation_listener(&self) -> Option<InvalidationListener> {
        self.store().invalidation_channel()?;
        Some(InvalidationListener {
            auth: self.clone(),
            max_backoff: Duration::from_secs(30),
        })
    }
}

impl Auth {
    /// Whether this instance's invalidation listener is connected: other instances' changes
    /// reach its caches within milliseconds. `false` before it first connects, while it is
    /// reconnecting, and without a listener: changes made elsewhere are then seen within the
    /// caches' TTL. For a health check.
    pub fn invalidations_connected(&self) -> bool {
        self.inner.caches.listening.load(Ordering::SeqCst)
    }
}

impl InvalidationListener {
    /// The longest wait between two attempts to reconnect (default 30 s; the first is at once,
    /// then 0.25 s, doubling).
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.max_backoff = max.max(Duration::from_millis(10));
        self
    }

    /// Listens until the task is dropped.
    pub async fn run(self) {
        let Some(channel) = self.auth.store().invalidation_channel() else {
            return;
        };
        let caches = &self.auth.inner.caches;
        let mut backoff = Duration::ZERO;
        let mut was_connected = true;
        loop {
            if !backoff.is_zero() {
                tokio::time::sleep(backoff).await;
            }
            let mut subscription = match channel.subscribe().await {
                Ok(subscription) => subscription,
                Err(error) => {
                    if was_connected {
                        tracing::error!(
                            error = %Chain(&error),
                            "invalidation listener cannot connect; cached sessions and revocations fall back to their TTL until it does"
                        );
                    } else {
                        tracing::debug!(error = %Chain(&error), "invalidation listener: still cannot connect");
                    }
                    was_connected = false;
                    backoff = next_backoff(backoff, self.max_backoff);
                    continue;
                }
            };
            // Whatever happened before is unknown: copies made until now are stale.
            caches.stale_all(self.auth.now());
            caches.listening.store(true, Ordering::SeqCst);
            tracing::info!("invalidation listener connected");
            was_connected = true;
            backoff = Duration::ZERO;
            loop {
                match subscription.next().await {
                    Ok(events) => caches.apply(&events, self.auth.now()),
                    Err(error) => {
                        caches.listening.store(false, Ordering::SeqCst);
                        tracing::warn!(
                            error = %Chain(&error),
                            "invalidation listener disconnected; cached sessions and revocations fall back to their TTL until it reconnects"
                        );
                        break;
                    }
                }
            }
            // Copies made while events could not arrive.
            caches.stale_all(self.auth.now());
            backoff = next_backoff(backoff, self.max_backoff);
        }
    }

    /// Runs the listener on the current Tokio runtime.
    ///
    /// (When the task is aborted the flag stays as it was; [`Auth::invalidations_connected`]
    /// is for a listener that runs for the life of the server.)
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.run())
    }
}

fn next_backoff(current: Duration, max: Duration) -> Duration {
    if current.is_zero() {
        Duration::from_millis(250).min(max)
    } else {
        (current * 2).min(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_ceiling() {
        let max = Duration::from_secs(2);
        let steps: Vec<Duration> =
            std::iter::successors(Some(Duration::ZERO), |d| Some(next_backoff(*d, max)))
                .take(6)
                .collect();
        assert_eq!(
            steps,
            [0, 250, 500, 1000, 2000, 2000].map(Duration::from_millis)
        );
    }
}
