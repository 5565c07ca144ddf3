//! `PgStore`: PostgreSQL, Neon included.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use auth_core::config::AuthConfig;
use auth_core::model::Timestamp;
use auth_core::store::StoreError;
use auth_core::token::JwtIssuer;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Executor, Row};

use crate::availability::Availability;
use crate::error::classify;
use crate::keys::{KeyPlan, KeyRow, issuer_with_new_key, plan};
use crate::rate_limit::RateLimits;
use crate::rows::{RowAccess, decode_error};
use crate::{StoreOptions, sql};

mod migrate;
mod notify;
mod store;

/// A [`UserStore`](auth_core::store::UserStore) on PostgreSQL, on Better Auth's tables and columns
/// exactly, so it can take over a database that Better Auth created (and the other way round).
///
/// ```no_run
/// use auth_sqlx::{PgStore, StoreOptions};
///
/// # async fn run() -> Result<(), auth_core::store::StoreError> {
/// // DATABASE_URL, e.g. Neon's: postgres://user:pass@ep-x.neon.tech/db?sslmode=require
/// let store = PgStore::connect(&std::env::var("DATABASE_URL").unwrap_or_default(), StoreOptions::default()).await?;
/// store.migrate().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PgStore {
    pool: PgPool,
    /// Fails calls fast while the server is unreachable.
    availability: Arc<Availability>,
    /// The rate-limit counters, in the same database behind the same gate.
    rate_limits: Arc<RateLimits<PgPool>>,
    /// Whether `"account"` has Better Auth's later `"issuer"` column, which is NOT NULL there.
    account_has_issuer: AtomicBool,
    /// Where the invalidation listener connects.
    listen: notify::ListenTarget,
}

impl PgStore {
    /// Connects to `url` (TLS as its `sslmode` says, through rustls), retrying with backoff for
    /// [`StoreOptions::startup_retry`] while the server cannot be reached.
    ///
    /// Errors: `Unavailable` when the server stayed unreachable; `Other` for a bad URL or a
    /// refused login (retrying cannot fix those). The URL never reaches a log.
    pub async fn connect(url: &str, options: StoreOptions) -> Result<Self, StoreError> {
        let connect: PgConnectOptions = url
            .parse()
            .map_err(|e: sqlx::Error| StoreError::Other(Box::new(NotAPostgresUrl(e))))?;
        let pool_options = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout);
        let deadline = Instant::now() + options.startup_retry;
        let mut delay = Duration::from_millis(100);
        let pool = loop {
            let attempt = pool_options.clone().connect_with(connect.clone()).await;
            match attempt.map_err(startup_error) {
                Ok(pool) => break pool,
                Err(StoreError::Unavailable(cause)) if Instant::now() + delay < deadline => {
                    tracing::warn!(error = %cause, retry_in_ms = delay.as_millis() as u64, "database not reachable yet");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
                Err(other) => return Err(other),
            }
        };
        let store = Self::from_pool(pool);
        store.detect_columns().await?;
        Ok(store)
    }

    /// Connects to `DATABASE_URL`; see [`PgStore::connect`].
    pub async fn from_env(options: StoreOptions) -> Result<Self, StoreError> {
        let url = std::env::var("DATABASE_URL").map_err(|_| {
            StoreError::Other(
                "DATABASE_URL is not set: set it to your PostgreSQL (Neon) URL".into(),
            )
        })?;
        Self::connect(&url, options).await
    }

    /// Wraps an existing pool (its settings are the caller's).
    pub fn from_pool(pool: PgPool) -> Self {
        let availability = Arc::new(Availability::new());
        Self {
            listen: notify::ListenTarget::for_store(&pool.connect_options()),
            rate_limits: Arc::new(RateLimits::new(pool.clone(), Arc::clone(&availability))),
            pool,
            availability,
            account_has_issuer: AtomicBool::new(false),
        }
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The invalidation channel (`LISTEN` / `NOTIFY`), for the macro-made `UserStore`.
    pub(crate) fn channel(&self) -> Option<&dyn auth_core::invalidation::InvalidationChannel> {
        Some(self)
    }

    /// Creates Better Auth's tables and indexes where they are missing. Idempotent: run it at
    /// every start; on a database Better Auth created, it leaves tables and rows as they are.
    /// Concurrent runs from several instances are serialised by an advisory lock.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrate::run(&self.pool).await?;
        self.detect_columns().await
    }

    async fn detect_columns(&self) -> Result<(), StoreError> {
        let has_issuer: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'account' AND column_name = 'issuer')",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(classify)?;
        self.account_has_issuer.store(has_issuer, Ordering::Relaxed);
        Ok(())
    }

    pub(crate) fn insert_credential_sql(&self) -> &'static str {
        if self.account_has_issuer.load(Ordering::Relaxed) {
            sql::INSERT_CREDENTIAL_WITH_ISSUER
        } else {
            sql::INSERT_CREDENTIAL
        }
    }

    pub(crate) fn insert_account_sql(&self) -> &'static str {
        if self.account_has_issuer.load(Ordering::Relaxed) {
            sql::INSERT_ACCOUNT_WITH_ISSUER
        } else {
            sql::INSERT_ACCOUNT
        }
    }

    /// A link of a provider account takes an advisory lock on it first (see
    /// [`sql::LOCK_PROVIDER_ACCOUNT_POSTGRES`]), so that two concurrent links cannot both find it
    /// free.
    pub(crate) fn lock_provider_account_sql(&self) -> Option<&'static str> {
        Some(sql::LOCK_PROVIDER_ACCOUNT_POSTGRES)
    }

    /// A transaction that writes: a plain `BEGIN` (rows are locked as they are written).
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        self.pool.begin().await.map_err(classify)
    }

    pub(crate) fn lock_user_sql(&self) -> &'static str {
        sql::LOCK_USER_POSTGRES
    }

    pub(crate) fn claim_mail_sql(&self) -> &'static str {
        sql::CLAIM_MAIL_POSTGRES
    }

    /// The token issuer for this deployment, from the `"jwks"` table: the newest key this secret
    /// can decrypt signs, older ones keep verifying. When there is none, an Ed25519 key is
    /// generated and stored (encrypted as Better Auth does); an advisory lock makes concurrent
    /// first starts agree on one key.
    pub async fn jwt_issuer(&self, config: &AuthConfig) -> Result<JwtIssuer, StoreError> {
        let now = Timestamp::now();
        let mut tx = self.pool.begin().await.map_err(classify)?;
        tx.execute("SELECT pg_advisory_xact_lock(7305532111)")
            .await
            .map_err(classify)?;
        let rows: Vec<KeyRow> = sqlx::query(sql::SELECT_KEYS)
            .fetch_all(&mut *tx)
            .await
            .map_err(classify)?
            .iter()
            .map(key_row)
            .collect::<Result<_, _>>()?;
        let row = match plan(config, &rows, now)? {
            KeyPlan::Ready(issuer) => {
                tx.commit().await.map_err(classify)?;
                return Ok(*issuer);
            }
            KeyPlan::Create(row) => row,
        };
        sqlx::query(sql::INSERT_KEY)
            .bind(&row.id)
            .bind(&row.public_key)
            .bind(&row.private_key)
            .bind(row.created_at.as_offset())
            .bind(&row.alg)
            .bind(&row.crv)
            .execute(&mut *tx)
            .await
            .map_err(classify)?;
        tx.commit().await.map_err(classify)?;
        issuer_with_new_key(config, row, rows, now)
    }
}

/// The connection URL does not parse (its text is not repeated: it may hold a password).
#[derive(Debug, thiserror::Error)]
#[error("DATABASE_URL is not a PostgreSQL URL")]
struct NotAPostgresUrl(#[source] sqlx::Error);

/// Like [`classify`], except that a certificate which does not verify (rustls reports it as
/// invalid data) is a configuration error, not worth retrying.
fn startup_error(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Tls(_) => StoreError::Other(Box::new(error)),
        sqlx::Error::Io(ref io) if io.kind() == std::io::ErrorKind::InvalidData => {
            StoreError::Other(Box::new(error))
        }
        other => classify(other),
    }
}

fn key_row(row: &PgRow) -> Result<KeyRow, StoreError> {
    Ok(KeyRow {
        id: row.text("id")?,
        public_key: row.text("publicKey")?,
        private_key: row.text("privateKey")?,
        created_at: row.time("createdAt")?,
        expires_at: row
            .try_get::<Option<time::OffsetDateTime>, _>("expiresAt")
            .map_err(|e| decode_error("expiresAt", e))?
            .map(Timestamp::from_offset),
        alg: row.opt_text("alg")?,
        crv: row.opt_text("crv")?,
    })
}

impl RowAccess for PgRow {
    fn opt_flag(&self, column: &str) -> Result<Option<bool>, StoreError> {
        self.try_get(column).map_err(|e| decode_error(column, e))
    }

    fn opt_int(&self, column: &str) -> Result<Option<i32>, StoreError> {
        self.try_get(column).map_err(|e| decode_error(column, e))
    }

    fn opt_bigint(&self, column: &str) -> Result<Option<i64>, StoreError> {
        self.try_get(column).map_err(|e| decode_error(column, e))
    }

    fn text(&self, column: &str) -> Result<String, StoreError> {
        self.try_get(column).map_err(|e| decode_error(column, e))
    }

    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        self.try_get(column).map_err(|e| decode_error(column, e))
    }

    fn flag(&self, column: &str) -> Result<bool, StoreError> {
        self.try_get(column).map_err(|e| decode_error(column, e))
    }

    fn int(&self, column: &str) -> Result<i32, StoreError> {
        self.try_get(column).map_err(|e| decode_error(column, e))
    }

    fn time(&self, column: &str) -> Result<Timestamp, StoreError> {
        self.try_get::<time::OffsetDateTime, _>(column)
            .map(Timestamp::from_offset)
            .map_err(|e| decode_error(column, e))
    }

    fn opt_time(&self, column: &str) -> Result<Option<Timestamp>, StoreError> {
        self.try_get::<Option<time::OffsetDateTime>, _>(column)
            .map(|at| at.map(Timestamp::from_offset))
            .map_err(|e| decode_error(column, e))
    }
}
