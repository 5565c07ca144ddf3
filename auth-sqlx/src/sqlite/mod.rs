//! `SqliteStore`: an embedded database in one file.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use auth_core::config::AuthConfig;
use auth_core::model::Timestamp;
use auth_core::store::StoreError;
use auth_core::token::JwtIssuer;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Executor, Row};

use crate::availability::Availability;
use crate::error::classify;
use crate::keys::{KeyPlan, KeyRow, issuer_with_new_key, plan};
use crate::rate_limit::RateLimits;
use crate::rows::{RowAccess, decode_error};
use crate::{StoreOptions, sql};

mod store;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "better_auth_schema",
        include_str!("../../migrations/sqlite/0001_better_auth_schema.sql"),
    ),
    (
        2,
        "rate_limit",
        include_str!("../../migrations/sqlite/0002_rate_limit.sql"),
    ),
    (
        3,
        "mail_outbox",
        include_str!("../../migrations/sqlite/0003_mail_outbox.sql"),
    ),
    (
        4,
        "two_factor",
        include_str!("../../migrations/sqlite/0004_two_factor.sql"),
    ),
];

/// Columns a migration adds where they are missing, after its script (SQLite has no `ADD COLUMN
/// IF NOT EXISTS`): `(version, table, column, statement)`. Better Auth may have created them.
const ADDED_COLUMNS: &[(i64, &str, &str, &str)] = &[
    (
        4,
        "user",
        "twoFactorEnabled",
        r#"ALTER TABLE "user" ADD COLUMN "twoFactorEnabled" integer DEFAULT 0"#,
    ),
    (
        4,
        "twoFactor",
        "lastUsedCounter",
        r#"ALTER TABLE "twoFactor" ADD COLUMN "lastUsedCounter" integer"#,
    ),
];

const LEDGER: &str = r#"CREATE TABLE IF NOT EXISTS "_auth_sqlx_migrations" ("version" integer PRIMARY KEY, "name" text NOT NULL, "appliedAt" text NOT NULL)"#;

/// A [`UserStore`](auth_core::store::UserStore) in an SQLite file: the same tables and columns as
/// Better Auth's, nothing to install or run. Write-ahead logging lets readers and the one writer
/// proceed together; writers queue for up to [`StoreOptions::acquire_timeout`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), auth_core::store::StoreError> {
/// let store = auth_sqlx::SqliteStore::in_memory().await?;
/// store.migrate().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    availability: Arc<Availability>,
    rate_limits: Arc<RateLimits<SqlitePool>>,
}

impl SqliteStore {
    /// No invalidation channel: one process uses the file, and its writes invalidate its own
    /// caches directly.
    pub(crate) fn channel(&self) -> Option<&dyn auth_core::invalidation::InvalidationChannel> {
        None
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path`.
    pub async fn open(path: impl AsRef<Path>, options: StoreOptions) -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.acquire_timeout);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(classify)?;
        Ok(Self::with_pool(pool))
    }

    /// A private in-memory database (one connection; gone when the store is dropped).
    pub async fn in_memory() -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(classify)?
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(connect)
            .await
            .map_err(classify)?;
        Ok(Self::with_pool(pool))
    }

    fn with_pool(pool: SqlitePool) -> Self {
        let availability = Arc::new(Availability::never_down());
        Self {
            rate_limits: Arc::new(RateLimits::new(pool.clone(), Arc::clone(&availability))),
            pool,
            availability,
        }
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Creates the tables and indexes where they are missing; idempotent.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(classify)?;
        tx.execute(LEDGER).await.map_err(classify)?;
        let applied: Vec<i64> = sqlx::query(r#"SELECT "version" FROM "_auth_sqlx_migrations""#)
            .fetch_all(&mut *tx)
            .await
            .map_err(classify)?
            .iter()
            .map(|row| row.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()
            .map_err(classify)?;
        for (version, name, script) in MIGRATIONS {
            if applied.contains(version) {
                continue;
            }
            sqlx::raw_sql(*script)
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            for (_, table, column, statement) in ADDED_COLUMNS.iter().filter(|c| c.0 == *version) {
                let present: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM pragma_table_info($1) WHERE \"name\" = $2",
                )
                .bind(*table)
                .bind(*column)
                .fetch_one(&mut *tx)
                .await
                .map_err(classify)?;
                if present == 0 {
                    sqlx::raw_sql(*statement)
                        .execute(&mut *tx)
                        .await
                        .map_err(classify)?;
                }
            }
            sqlx::query(r#"INSERT INTO "_auth_sqlx_migrations" ("version", "name", "appliedAt") VALUES ($1, $2, $3)"#)
                .bind(version)
                .bind(name)
                .bind(Timestamp::now().to_string())
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            tracing::info!(version, name, "applied migration");
        }
        tx.commit().await.map_err(classify)
    }

    /// The token issuer from the `"jwks"` table, generating and storing an Ed25519 key when there
    /// is none; see [`PgStore::jwt_issuer`](crate::PgStore::jwt_issuer) for the rules.
    pub async fn jwt_issuer(&self, config: &AuthConfig) -> Result<JwtIssuer, StoreError> {
        let now = Timestamp::now();
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
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
            .bind(row.created_at.to_string())
            .bind(&row.alg)
            .bind(&row.crv)
            .execute(&mut *tx)
            .await
            .map_err(classify)?;
        tx.commit().await.map_err(classify)?;
        issuer_with_new_key(config, row, rows, now)
    }

    pub(crate) fn insert_credential_sql(&self) -> &'static str {
        sql::INSERT_CREDENTIAL
    }

    pub(crate) fn insert_account_sql(&self) -> &'static str {
        sql::INSERT_ACCOUNT
    }

    /// None needed: a writing transaction holds the database's write lock from its start
    /// (`BEGIN IMMEDIATE`), so a link's check and insert are never interleaved with another's.
    pub(crate) fn lock_provider_account_sql(&self) -> Option<&'static str> {
        None
    }

    /// A transaction that writes: `BEGIN IMMEDIATE` takes the write lock at once (waiting for it
    /// up to the busy timeout), so a transaction that reads before it writes cannot fail with
    /// `SQLITE_BUSY` when another connection wrote in between.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(classify)
    }

    pub(crate) fn lock_user_sql(&self) -> &'static str {
        sql::LOCK_USER_SQLITE
    }

    pub(crate) fn claim_mail_sql(&self) -> &'static str {
        sql::CLAIM_MAIL_SQLITE
    }
}

fn key_row(row: &SqliteRow) -> Result<KeyRow, StoreError> {
    let expires_at: Option<String> = row.opt_text("expiresAt")?;
    Ok(KeyRow {
        id: row.text("id")?,
        public_key: row.text("publicKey")?,
        private_key: row.text("privateKey")?,
        created_at: row.time("createdAt")?,
        expires_at: expires_at
            .map(|t| Timestamp::parse(&t).map_err(|e| decode_error("expiresAt", e)))
            .transpose()?,
        alg: row.opt_text("alg")?,
        crv: row.opt_text("crv")?,
    })
}

impl RowAccess for SqliteRow {
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
        let text: String = self.try_get(column).map_err(|e| decode_error(column, e))?;
        Timestamp::parse(&text).map_err(|e| decode_error(column, e))
    }

    fn opt_time(&self, column: &str) -> Result<Option<Timestamp>, StoreError> {
        let text: Option<String> = self.try_get(column).map_err(|e| decode_error(column, e))?;
        text.map(|t| Timestamp::parse(&t).map_err(|e| decode_error(column, e)))
            .transpose()
    }
}
