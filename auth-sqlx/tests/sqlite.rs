//! SqliteStore: the store behaviour suite (in memory and in a file), migrations, signing keys.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use auth_core::config::AuthConfig;
use auth_core::token::TokenIssuer;
use auth_sqlx::{SqliteStore, StoreOptions};

static FILES: AtomicUsize = AtomicUsize::new(0);

/// A fresh database file under Cargo's scratch folder for tests.
fn fresh_path() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sqlite-tests");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(format!(
        "{}-{}.db",
        std::process::id(),
        FILES.fetch_add(1, Ordering::SeqCst)
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

async fn in_memory() -> SqliteStore {
    let store = SqliteStore::in_memory().await.expect("open");
    store.migrate().await.expect("migrate");
    store
}

async fn in_file() -> SqliteStore {
    let store = SqliteStore::open(fresh_path(), StoreOptions::default())
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    store
}

auth_core::user_store_suite!(sqlite_memory, in_memory());
auth_core::user_store_suite!(sqlite_file, in_file());

fn config() -> AuthConfig {
    AuthConfig::builder(
        "sqlite-test-secret-0123456789abcdef0123",
        "http://localhost:3000",
    )
    .build()
    .expect("config")
}

#[tokio::test]
async fn migrations_run_twice_are_a_no_op() {
    let path = fresh_path();
    let store = SqliteStore::open(&path, StoreOptions::default())
        .await
        .expect("open");
    store.migrate().await.expect("first");
    let schema = |store: SqliteStore| async move {
        let rows: Vec<(String,)> =
            sqlx::query_as(r#"SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"#)
                .fetch_all(store.pool())
                .await
                .expect("schema");
        rows
    };
    let before = schema(store.clone()).await;
    store.migrate().await.expect("second");
    let reopened = SqliteStore::open(&path, StoreOptions::default())
        .await
        .expect("reopen");
    reopened.migrate().await.expect("third, after a restart");
    assert_eq!(schema(reopened.clone()).await, before);
    let ledger: (i64,) = sqlx::query_as(r#"SELECT count(*) FROM "_auth_sqlx_migrations""#)
        .fetch_one(reopened.pool())
        .await
        .expect("ledger");
    assert_eq!(ledger.0, 4);
}

#[tokio::test]
async fn the_signing_key_survives_a_restart() {
    let path = fresh_path();
    let first = SqliteStore::open(&path, StoreOptions::default())
        .await
        .expect("open");
    first.migrate().await.expect("migrate");
    let issuer = first.jwt_issuer(&config()).await.expect("issuer");
    let kid = issuer.jwks().keys[0].kid.clone();
    drop(first);
    let again = SqliteStore::open(&path, StoreOptions::default())
        .await
        .expect("reopen");
    let issuer = again.jwt_issuer(&config()).await.expect("issuer");
    assert_eq!(issuer.jwks().keys.len(), 1);
    assert_eq!(
        issuer.jwks().keys[0].kid,
        kid,
        "the stored key is reused, not replaced"
    );
}

/// `(name, type, notnull, default)` of each column of `table`.
async fn columns(store: &SqliteStore, table: &str) -> Vec<(String, String, i64, Option<String>)> {
    sqlx::query_as(r#"SELECT "name", "type", "notnull", "dflt_value" FROM pragma_table_info($1) ORDER BY "cid""#)
        .bind(table.to_owned())
        .fetch_all(store.pool())
        .await
        .expect("columns")
}

fn column(
    name: &str,
    ty: &str,
    not_null: bool,
    default: Option<&str>,
) -> (String, String, i64, Option<String>) {
    (
        name.to_owned(),
        ty.to_owned(),
        i64::from(not_null),
        default.map(str::to_owned),
    )
}

#[tokio::test]
async fn the_two_factor_schema_is_better_auths_plus_our_counter() {
    let store = in_memory().await;
    assert_eq!(
        columns(&store, "twoFactor").await,
        [
            column("id", "TEXT", true, None),
            column("secret", "TEXT", true, None),
            column("backupCodes", "TEXT", true, None),
            column("userId", "TEXT", true, None),
            column("verified", "INTEGER", false, None),
            column("failedVerificationCount", "INTEGER", false, None),
            column("lockedUntil", "TEXT", false, None),
            column("lastUsedCounter", "INTEGER", false, None),
        ]
    );
    assert!(columns(&store, "user").await.contains(&column(
        "twoFactorEnabled",
        "INTEGER",
        false,
        Some("0")
    )));
    let indexes: Vec<(String,)> = sqlx::query_as(
        r#"SELECT "name" FROM sqlite_master WHERE "type" = 'index' AND "tbl_name" = 'twoFactor' AND "sql" IS NOT NULL ORDER BY 1"#,
    )
    .fetch_all(store.pool())
    .await
    .expect("indexes");
    assert_eq!(
        indexes,
        [
            ("twoFactor_secret_idx".to_owned(),),
            ("twoFactor_userId_idx".to_owned(),)
        ]
    );
    // Deleted with its user.
    sqlx::raw_sql(
        r#"INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
                VALUES ('u1', 'Ada', 'ada@example.com', 0, '2026-11-29T18:49:30.100Z', '2026-11-29T18:49:30.100Z');
           INSERT INTO "twoFactor" ("id", "secret", "backupCodes", "userId", "verified", "failedVerificationCount")
                VALUES ('t1', 'aa', 'bb', 'u1', 0, 0);
           DELETE FROM "user" WHERE "id" = 'u1';"#,
    )
    .execute(store.pool())
    .await
    .expect("rows");
    let left: (i64,) = sqlx::query_as(r#"SELECT count(*) FROM "twoFactor""#)
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(left.0, 0);
}

/// Better Auth's tables for the twoFactor plugin on SQLite (booleans integer, dates `date`), as
/// its migrations create them on an empty database; the other tables come from our 0001.
const BETTER_AUTH_SQLITE_TWO_FACTOR: &str = r#"
create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" integer not null, "image" text, "createdAt" date not null, "updatedAt" date not null, "twoFactorEnabled" integer);
create table "twoFactor" ("id" text not null primary key, "secret" text not null, "backupCodes" text not null, "userId" text not null references "user" ("id") on delete cascade, "verified" integer, "failedVerificationCount" integer, "lockedUntil" date);
create index "twoFactor_secret_idx" on "twoFactor" ("secret");
create index "twoFactor_userId_idx" on "twoFactor" ("userId");
insert into "user" values ('u1', 'Ada', 'ada@example.com', 0, NULL, '2026-11-29T18:49:30.100Z', '2026-11-29T18:49:30.100Z', 1);
insert into "twoFactor" values ('t1', 'aa', 'bb', 'u1', 1, 3, NULL);
"#;

#[tokio::test]
async fn over_better_auths_two_factor_tables_only_the_counter_is_added() {
    let path = fresh_path();
    let store = SqliteStore::open(&path, StoreOptions::default())
        .await
        .expect("open");
    sqlx::raw_sql(BETTER_AUTH_SQLITE_TWO_FACTOR)
        .execute(store.pool())
        .await
        .expect("Better Auth's tables");
    let user_before = columns(&store, "user").await;
    let mut two_factor_before = columns(&store, "twoFactor").await;
    store.migrate().await.expect("first run");
    store.migrate().await.expect("second run");
    assert_eq!(
        columns(&store, "user").await,
        user_before,
        "twoFactorEnabled as Better Auth made it"
    );
    two_factor_before.push(column("lastUsedCounter", "INTEGER", false, None));
    assert_eq!(columns(&store, "twoFactor").await, two_factor_before);
    let row: (String, Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        r#"SELECT t."secret", t."failedVerificationCount", t."lastUsedCounter", u."twoFactorEnabled"
             FROM "twoFactor" t JOIN "user" u ON u."id" = t."userId""#,
    )
    .fetch_one(store.pool())
    .await
    .expect("row");
    assert_eq!(row, ("aa".to_owned(), Some(3), None, Some(1)));
}
