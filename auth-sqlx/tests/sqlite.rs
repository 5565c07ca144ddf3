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
    assert_eq!(ledger.0, 3);
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
