//! The embedded PostgreSQL migrations and their runner.

use sqlx::postgres::PgPool;
use sqlx::{Executor, Row};

use auth_core::store::StoreError;

use crate::error::classify;

/// `(version, name, SQL)`, in order; each script is idempotent on its own as well.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "better_auth_schema",
        include_str!("../../migrations/postgres/0001_better_auth_schema.sql"),
    ),
    (
        2,
        "rate_limit",
        include_str!("../../migrations/postgres/0002_rate_limit.sql"),
    ),
    (
        3,
        "mail_outbox",
        include_str!("../../migrations/postgres/0003_mail_outbox.sql"),
    ),
    (
        4,
        "two_factor",
        include_str!("../../migrations/postgres/0004_two_factor.sql"),
    ),
];

const LEDGER: &str = r#"CREATE TABLE IF NOT EXISTS "_auth_sqlx_migrations" ("version" bigint PRIMARY KEY, "name" text NOT NULL, "appliedAt" timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP)"#;

/// Applies the migrations not yet recorded, in one transaction, under an advisory lock.
pub(super) async fn run(pool: &PgPool) -> Result<(), StoreError> {
    let mut tx = pool.begin().await.map_err(classify)?;
    tx.execute("SELECT pg_advisory_xact_lock(7305532110)")
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
        sqlx::query(r#"INSERT INTO "_auth_sqlx_migrations" ("version", "name") VALUES ($1, $2)"#)
            .bind(version)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(classify)?;
        tracing::info!(version, name, "applied migration");
    }
    tx.commit().await.map_err(classify)
}
