//! `RateLimitStore` for both drivers, in Better Auth's `rateLimit` table: one atomic upsert per
//! counted request, so every instance on the database shares the limits.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::availability::Availability;

/// Counters on a store's pool (`P` is the driver's pool); what a store's
/// `UserStore::rate_limit_store` hands to `Auth`.
#[derive(Debug)]
pub(crate) struct RateLimits<P> {
    pub(crate) pool: P,
    /// Counted hits, to sweep old counters now and then.
    pub(crate) hits: AtomicU64,
    /// The store's gate: counting a hit needs the database as much as a sign-in does.
    pub(crate) availability: Arc<Availability>,
}

impl<P> RateLimits<P> {
    pub(crate) fn new(pool: P, availability: Arc<Availability>) -> Self {
        Self {
            pool,
            hits: AtomicU64::new(0),
            availability,
        }
    }
}

/// A new `"rateLimit"` row's id: 32 characters `[A-Za-z0-9]`, as Better Auth's ids.
pub(crate) fn row_id() -> String {
    use rand::Rng;
    rand::rngs::OsRng
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// Implements `RateLimitStore` for `RateLimits<$pool>`.
macro_rules! impl_rate_limit_store {
    ($pool:ty) => {
        #[async_trait]
        impl RateLimitStore for crate::rate_limit::RateLimits<$pool> {
            async fn hit(
                &self,
                key: &str,
                window: Duration,
                now: Timestamp,
            ) -> Result<Hit, StoreError> {
                self.availability.run(async {
                    let now_ms = now.unix_millis();
                    let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
                    let row = sqlx::query(sql::HIT_RATE_LIMIT)
                        .bind(crate::rate_limit::row_id())
                        .bind(key)
                        .bind(now_ms)
                        .bind(window_ms)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(classify)?;
                    let count: i64 = row.try_get::<i64, _>(0).or_else(|_| {
                        row.try_get::<i32, _>(0).map(i64::from)
                    }).map_err(classify)?;
                    let start: i64 = row.try_get(1).map_err(classify)?;
                    // Now and then, counters of windows long over go: they would only be reset.
                    if self
                        .hits
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                        % 4096
                        == 4095
                    {
                        let day_ago = now_ms.saturating_sub(86_400_000).min(now_ms.saturating_sub(window_ms));
                        if let Err(error) = sqlx::query(sql::DELETE_OLD_RATE_LIMITS)
                            .bind(day_ago)
                            .execute(&self.pool)
                            .await
                        {
                            tracing::warn!(%error, "could not delete old rate-limit counters");
                        }
                    }
                    Ok(Hit::new(
                        u64::try_from(count).unwrap_or(0),
                        Timestamp::from_unix_millis(start).unwrap_or(now),
                    ))
                }).await
            }
        }
    };
}

pub(crate) use impl_rate_limit_store;
