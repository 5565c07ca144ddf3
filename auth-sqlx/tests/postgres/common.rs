//! Shared helpers for the PostgreSQL tests.

use std::time::Duration;

use auth_sqlx::{PgStore, StoreOptions};
use sqlx::postgres::PgPool;
use sqlx::{Connection, Executor};

/// The schema Better Auth 1.7.25 created (pg_dump --schema-only), recorded in
/// auth-sqlx/tests/fixtures/better-auth-1.7.25-schema.sql.
pub const BETTER_AUTH_SCHEMA: &str = include_str!("../fixtures/better-auth-1.7.25-schema.sql");

pub fn options() -> StoreOptions {
    StoreOptions::default().acquire_timeout(Duration::from_secs(10))
}

/// A migrated store on a fresh database.
pub async fn store() -> PgStore {
    store_and_url().await.0
}

/// A migrated store on a fresh database, and that database's URL (for a second instance).
pub async fn store_and_url() -> (PgStore, String) {
    let db = auth_test_harness::postgres::fresh_database().await;
    let store = PgStore::connect(&db.url, options()).await.expect("connect");
    store.migrate().await.expect("migrate");
    (store, db.url)
}

/// A fresh database with Better Auth's own schema loaded, and a store on it (not migrated).
pub async fn better_auth_database() -> PgStore {
    let db = auth_test_harness::postgres::fresh_database().await;
    // The dump sets search_path to '' for its session: load it on a connection of its own.
    let mut conn = sqlx::postgres::PgConnection::connect(&db.url)
        .await
        .expect("connect");
    conn.execute(BETTER_AUTH_SCHEMA)
        .await
        .expect("load Better Auth's schema");
    conn.close().await.expect("close");
    PgStore::connect(&db.url, options()).await.expect("connect")
}

/// The public schema's tables, columns, indexes and constraints, in a stable order (our own
/// migration ledger left out).
pub async fn catalog(pool: &PgPool) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        r#"
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable
               || ' default=' || coalesce(column_default, '-')
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_auth_sqlx_migrations'
        UNION ALL
        SELECT 'index ' || indexdef FROM pg_indexes
         WHERE schemaname = 'public' AND tablename <> '_auth_sqlx_migrations'
        UNION ALL
        SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
          FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE '%_auth_sqlx_migrations%'
        ORDER BY 1
        "#,
    )
    .fetch_all(pool)
    .await
    .expect("catalog");
    rows.into_iter().map(|(line,)| line).collect()
}

pub async fn count(pool: &PgPool, table: &'static str) -> i64 {
    let sql = match table {
        "user" => r#"SELECT count(*) FROM "user""#,
        "account" => r#"SELECT count(*) FROM "account""#,
        "session" => r#"SELECT count(*) FROM "session""#,
        "jwks" => r#"SELECT count(*) FROM "jwks""#,
        other => panic!("no count query for {other}"),
    };
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("count")
}
