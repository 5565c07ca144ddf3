//! The invalidation channel on PostgreSQL (`LISTEN` / `NOTIFY`): two `Auth`s on one database,
//! each with its listener, see each other's sign-outs in their session and revocation caches at
//! once; a killed listener connection is noticed and replaced, and everything cached before
//! the gap is forgotten; a listener that cannot hear what is sent (as behind a transaction-mode
//! pooler) says so instead of pretending.

use std::sync::Arc;
use std::time::{Duration, Instant};

use auth_core::Auth;
use auth_core::config::AuthConfig;
use auth_core::flows::SignUp;
use auth_core::invalidation::{Invalidation, InvalidationChannel};
use auth_core::model::{ClientInfo, Email, Password, SessionId, SessionToken, UserId};
use auth_core::token::{JwtIssuer, JwtKey};
use auth_sqlx::PgStore;

use crate::common::{options, store_and_url};

fn instance(store: PgStore) -> Auth {
    let config = AuthConfig::builder(
        "pg-invalidation-secret-0123456789abcdef01",
        "http://localhost:3000",
    )
    .build()
    .expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    Auth::builder()
        .config(config)
        .store(Arc::new(store))
        .issuer(issuer)
        .default_hasher()
        .build()
}

async fn until(what: &str, within: Duration, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let started = Instant::now();
    loop {
        if check().await {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "{what} within {within:?}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_outs_reach_the_other_instances_caches_and_a_killed_listener_comes_back() {
    let (store_a, url) = store_and_url().await;
    let pool = store_a.pool().clone();
    let a = instance(store_a);
    let b = instance(PgStore::connect(&url, options()).await.expect("connect"));
    let listeners = [
        a.invalidation_listener()
            .expect("PostgreSQL has a channel")
            .max_backoff(Duration::from_millis(200))
            .spawn(),
        b.invalidation_listener()
            .expect("PostgreSQL has a channel")
            .max_backoff(Duration::from_millis(200))
            .spawn(),
    ];
    until(
        "both listeners connected",
        Duration::from_secs(10),
        async || a.invalidations_connected() && b.invalidations_connected(),
    )
    .await;

    let client = ClientInfo::default();
    let email = Email::parse("ada@example.com").expect("email");
    let signed = a
        .sign_up(
            SignUp::new("Ada", email, Password::new("correct horse battery")),
            &client,
        )
        .await
        .expect("sign-up")
        .signed_in()
        .expect("session");

    // Twice: with the listeners as they started, and after their connections were killed.
    for round in ["first connection", "after pg_terminate_backend"] {
        let token: SessionToken = if round == "first connection" {
            signed.session.token.clone()
        } else {
            a.sign_in(
                auth_core::flows::SignIn::new(
                    Email::parse("ada@example.com").expect("email"),
                    Password::new("correct horse battery"),
                ),
                &client,
            )
            .await
            .expect("sign-in")
            .session
            .token
        };
        // B knows the session and its JWT's session is alive: both cached.
        let current = b
            .get_session(&token, false)
            .await
            .expect("lookup")
            .expect("live on B")
            .current;
        let jwt = b.issue_token(&current).expect("jwt");
        b.verify_token(jwt.expose()).await.expect("valid on B");
        // Signed out through A: B refuses the session and the JWT within milliseconds.
        a.sign_out(&token).await.expect("sign out");
        let lag = until(round, Duration::from_secs(1), async || {
            b.get_session(&token, false)
                .await
                .expect("lookup")
                .is_none()
                && b.verify_token(jwt.expose()).await.is_err()
        })
        .await;
        println!("{round}: B refused the signed-out session after {lag:?}");

        if round == "first connection" {
            let killed: i64 = sqlx::query_scalar(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'auth-invalidation-listener' AND datname = current_database()",
            )
            .fetch_one(&pool)
            .await
            .expect("terminate");
            assert_eq!(killed, 2, "one listener connection per instance");
            until("a listener noticed", Duration::from_secs(5), async || {
                !a.invalidations_connected() || !b.invalidations_connected()
            })
            .await;
            until("both listeners back", Duration::from_secs(10), async || {
                a.invalidations_connected() && b.invalidations_connected()
            })
            .await;
        }
    }
    for listener in listeners {
        listener.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_events_arrive_split_to_fit_and_in_order() {
    let (store, _url) = store_and_url().await;
    let mut subscription = store.subscribe().await.expect("subscribe");
    // More than one payload's worth: 400 session ids of 32 characters.
    let events: Vec<Invalidation> = (0..400)
        .map(|i| Invalidation::Session(SessionId::new(format!("{i:032}"))))
        .chain(std::iter::once(Invalidation::User(UserId::new("u1"))))
        .collect();
    store.publish(&events).await.expect("publish");
    let mut received = Vec::new();
    while received.len() < events.len() {
        let batch = tokio::time::timeout(Duration::from_secs(5), subscription.next())
            .await
            .expect("arrives")
            .expect("connected");
        assert!(
            batch.len() < events.len(),
            "split into several notifications"
        );
        received.extend(batch);
    }
    assert_eq!(received, events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_that_cannot_hear_says_so() {
    // Notifications are per database: listening on another one is what a transaction-mode
    // pooler amounts to, LISTEN accepted and nothing ever delivered.
    let (store, _url) = store_and_url().await;
    let (_, other_url) = store_and_url().await;
    let store = store.listen_on(&other_url).expect("a URL");
    let refused = match store.subscribe().await {
        Ok(_) => panic!("a listener that hears nothing must not be reported as connected"),
        Err(error) => format!("{:?}", error),
    };
    assert!(refused.contains("transaction-mode pooler"), "{refused}");
    // Not a PostgreSQL URL at all: an error at once.
    assert!(
        PgStore::connect(&other_url, options())
            .await
            .expect("connect")
            .listen_on("postgres://host:not-a-port/db")
            .is_err()
    );
}
