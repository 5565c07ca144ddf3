//! A database that is down, or a pool that is exhausted, fails fast with `Unavailable`.

use std::time::{Duration, Instant};

use auth_core::model::UserId;
use auth_core::store::{StoreError, UserStore};
use auth_sqlx::{PgStore, StoreOptions};
use auth_test_harness::postgres::PgServer;

const ACQUIRE: Duration = Duration::from_secs(2);

/// Runs `call`, failing the test if it hangs, and returns its result and how long it took.
fn nobody() -> UserId {
    UserId::new("nobody")
}

async fn bounded<T>(call: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let result = tokio::time::timeout(ACQUIRE * 10, call)
        .await
        .expect("the call hung");
    (result, started.elapsed())
}

#[tokio::test]
async fn with_the_server_stopped_calls_fail_with_unavailable_within_the_acquire_timeout() {
    let server = PgServer::start();
    let db = server.create_database().await;
    let options = StoreOptions::default()
        .acquire_timeout(ACQUIRE)
        .startup_retry(Duration::ZERO);
    let store = PgStore::connect(&db.url, options).await.expect("connect");
    store.migrate().await.expect("migrate");
    assert!(
        store
            .find_user_by_id(&nobody())
            .await
            .expect("works while up")
            .is_none()
    );

    server.stop();
    for _ in 0..3 {
        let (result, took) = bounded(store.find_user_by_id(&nobody())).await;
        assert!(
            matches!(result, Err(StoreError::Unavailable(_))),
            "got {result:?}"
        );
        // The acquire timeout bounds the wait (with a second of slack for a loaded machine).
        assert!(took <= ACQUIRE + Duration::from_secs(1), "took {took:?}");
    }
}

#[tokio::test]
async fn an_unreachable_server_at_start_up_is_unavailable_after_the_retry_window() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    let options = StoreOptions::default()
        .acquire_timeout(Duration::from_millis(500))
        .startup_retry(Duration::from_secs(1));
    let (result, _) = bounded(PgStore::connect(&url, options)).await;
    assert!(
        matches!(result, Err(StoreError::Unavailable(_))),
        "got {result:?}"
    );
}

#[tokio::test]
async fn an_exhausted_pool_is_unavailable_not_a_hang() {
    let db = auth_test_harness::postgres::fresh_database().await;
    let options = StoreOptions::default()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(500));
    let store = PgStore::connect(&db.url, options).await.expect("connect");
    store.migrate().await.expect("migrate");
    let held = store.pool().acquire().await.expect("the only connection");
    let (result, _) = bounded(store.find_user_by_id(&nobody())).await;
    assert!(
        matches!(result, Err(StoreError::Unavailable(_))),
        "got {result:?}"
    );
    drop(held);
    assert!(
        store
            .find_user_by_id(&nobody())
            .await
            .expect("works once the connection is back")
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_the_server_is_found_down_calls_fail_at_once_and_recover_when_it_returns() {
    let server = PgServer::start();
    let db = server.create_database().await;
    let options = StoreOptions::default()
        .acquire_timeout(ACQUIRE)
        .startup_retry(Duration::ZERO);
    let store = std::sync::Arc::new(PgStore::connect(&db.url, options).await.expect("connect"));
    store.migrate().await.expect("migrate");

    server.pause();
    // The first call finds the server gone, within the acquire timeout.
    let (first, _) = bounded(store.find_user_by_id(&nobody())).await;
    assert!(
        matches!(first, Err(StoreError::Unavailable(_))),
        "got {first:?}"
    );

    // One call at a time waits on the database to see whether it is back...
    let probe = tokio::spawn({
        let store = std::sync::Arc::clone(&store);
        async move { store.find_user_by_id(&nobody()).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    // ... and every other is refused at once (well inside the acquire timeout).
    for _ in 0..20 {
        let (result, took) = bounded(store.find_user_by_id(&nobody())).await;
        assert!(
            matches!(result, Err(StoreError::Unavailable(_))),
            "got {result:?}"
        );
        assert!(took < Duration::from_millis(250), "waited {took:?}");
    }

    server.resume();
    let back = Instant::now();
    // Once the server is back, a probe gets an answer within sqlx's reconnect backoff (at most
    // a fifth of the acquire timeout) and opens the way for everyone.
    loop {
        match store.find_user_by_id(&nobody()).await {
            Ok(found) => {
                assert!(found.is_none());
                break;
            }
            Err(StoreError::Unavailable(_)) => {
                assert!(
                    back.elapsed() < ACQUIRE / 5 + Duration::from_secs(1),
                    "still refused {:?} after the server came back",
                    back.elapsed()
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    let _ = probe.await.expect("the probe ran");
    assert!(
        store
            .find_user_by_id(&nobody())
            .await
            .expect("up")
            .is_none()
    );
    server.stop();
}
