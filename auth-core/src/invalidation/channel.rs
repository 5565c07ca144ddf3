//! [`InvalidationChannel`]: how instances that share a database tell each other what changed.

use async_trait::async_trait;

use super::Invalidation;
use crate::store::StoreError;

/// A broadcast channel between the instances that share a store: every instance publishes what
/// its writes invalidated and hears what the others' did. auth-sqlx's PostgreSQL store provides
/// one (`LISTEN`/`NOTIFY`); a store that only one process uses (SQLite, memory) needs none.
#[async_trait]
pub trait InvalidationChannel: Send + Sync + 'static {
    /// Tells every listening instance (this one included) about `events`. Best effort: an
    /// instance that misses them forgets its copies within the caches' TTL anyway.
    async fn publish(&self, events: &[Invalidation]) -> Result<(), StoreError>;

    /// Starts listening. When this returns, the subscription is connected and has shown that it
    /// receives (a notification went round); events published from then on arrive.
    async fn subscribe(&self) -> Result<Box<dyn Subscription>, StoreError>;
}

/// A live subscription to an [`InvalidationChannel`].
#[async_trait]
pub trait Subscription: Send {
    /// The next events. An error means the connection was lost, and events published meanwhile
    /// may be lost with it: subscribe again, and treat every copy made before as stale.
    async fn next(&mut self) -> Result<Vec<Invalidation>, StoreError>;
}
