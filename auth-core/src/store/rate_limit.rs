//! The `RateLimitStore` trait: request counters that several server instances can share.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::StoreError;
use crate::model::Timestamp;

/// One request counted: how many requests the key has had in its current window (this one
/// included), and when that window began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Hit {
    /// Requests in the current window, this one included.
    pub count: u64,
    /// When the current window began.
    pub window_start: Timestamp,
}

impl Hit {
    /// The `count`th request of a window that began at `window_start`.
    pub fn new(count: u64, window_start: Timestamp) -> Self {
        Self {
            count,
            window_start,
        }
    }
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

#[async_trait]
impl<S: RateLimitStore + ?Sized> RateLimitStore for Arc<S> {
    async fn hit(&self, key: &str, window: Duration, now: Timestamp) -> Result<Hit, StoreError> {
        (**self).hit(key, window, now).await
    }
}
