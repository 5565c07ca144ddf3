//! Two instances on one database share one rate limit: the counters live in "rateLimit".

use std::time::Duration;

use auth_core::Auth;
use auth_core::config::AuthConfig;
use auth_core::http::{AuthService, ClientAddr};
use auth_core::rate_limit::RateLimit;
use auth_sqlx::PgStore;

use crate::common::{options, store_and_url};

async fn instance(store: PgStore) -> Auth {
    let config = AuthConfig::builder(
        "rate-limit-secret-0123456789abcdef012345",
        "http://127.0.0.1:3000",
    )
    .rate_limit(RateLimit::better_auth())
    .refusal_pause(Duration::ZERO)
    .build()
    .expect("config");
    let issuer = store.jwt_issuer(&config).await.expect("issuer");
    // No rate-limit store named: the builder takes the database store's own.
    Auth::builder()
        .config(config)
        .store(store)
        .default_hasher()
        .issuer(issuer)
        .build()
}

async fn sign_in(auth: &Auth, email: &str) -> http::Response<bytes::Bytes> {
    let body = format!(r#"{{"email":"{email}","password":"whatever123"}}"#);
    let mut request = http::Request::post("/api/auth/sign-in/email")
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
        .expect("request");
    request
        .extensions_mut()
        .insert(ClientAddr("203.0.113.20".parse().expect("ip")));
    AuthService::new(auth).respond(request).await
}

#[tokio::test]
async fn two_instances_share_one_limit() {
    let (store, url) = store_and_url().await;
    let a = instance(store).await;
    let b = instance(PgStore::connect(&url, options()).await.expect("second")).await;
    // Different accounts, one address, alternating instances.
    for (n, auth) in [&a, &b, &a].into_iter().enumerate() {
        let reply = sign_in(auth, &format!("u{n}@example.com")).await;
        assert_eq!(reply.status(), 401, "request {n}");
    }
    let limited = sign_in(&b, "u3@example.com").await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["x-retry-after"], "10");
}
