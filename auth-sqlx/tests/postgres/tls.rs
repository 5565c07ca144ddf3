//! TLS as Neon needs it (`sslmode=require`, through rustls), and certificate verification.

use auth_core::store::{StoreError, UserStore};
use auth_sqlx::PgStore;
use auth_test_harness::postgres::PgServer;

use crate::common::options;

#[tokio::test]
async fn sslmode_require_and_verify_full_connect_over_tls() {
    let server = PgServer::start();
    let certificate = server
        .tls_certificate()
        .expect("the throwaway cluster serves TLS (it needs `openssl` to make its certificate: install openssl)");
    let db = server.create_database().await;

    for (mode, extra) in [
        ("require", String::new()),
        (
            "verify-full",
            format!("&sslrootcert={}", certificate.display()),
        ),
    ] {
        let url = format!("{}?sslmode={mode}{extra}", db.url);
        let store = PgStore::connect(&url, options())
            .await
            .unwrap_or_else(|e| panic!("sslmode={mode}: {e}"));
        let on_tls: bool =
            sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .fetch_one(store.pool())
                .await
                .expect("pg_stat_ssl");
        assert!(on_tls, "sslmode={mode} must use TLS");
        store.migrate().await.expect("migrate over TLS");
        assert!(
            store
                .find_user_by_id(&auth_core::model::UserId::new("nobody"))
                .await
                .expect("query over TLS")
                .is_none()
        );
    }

    // A certificate no trusted root vouches for is refused at once, not retried as "unavailable".
    let url = format!("{}?sslmode=verify-full", db.url);
    let refused = PgStore::connect(&url, options()).await;
    assert!(
        matches!(refused, Err(StoreError::Other(_))),
        "got {refused:?}"
    );
}
