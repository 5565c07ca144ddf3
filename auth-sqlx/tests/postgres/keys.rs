//! Signing keys persist in "jwks", encrypted as Better Auth encrypts them.

use auth_core::config::AuthConfig;
use auth_core::token::TokenIssuer;
use auth_sqlx::PgStore;
use auth_sqlx::keys::decrypt_private_key;

use crate::common::{count, options, store, store_and_url};

fn config(secret: &str) -> AuthConfig {
    AuthConfig::builder(secret, "http://localhost:3000")
        .build()
        .expect("config")
}

const SECRET: &str = "pg-key-secret-0123456789abcdef0123456789";

#[tokio::test]
async fn the_first_start_makes_one_key_and_a_restart_reuses_it() {
    let (store, url) = store_and_url().await;
    let issuer = store.jwt_issuer(&config(SECRET)).await.expect("issuer");
    let kid = issuer.jwks().keys[0].kid.clone();
    assert_eq!(count(store.pool(), "jwks").await, 1);
    let (public, private, alg, crv): (String, String, Option<String>, Option<String>) =
        sqlx::query_as(r#"SELECT "publicKey", "privateKey", "alg", "crv" FROM "jwks""#)
            .fetch_one(store.pool())
            .await
            .expect("row");
    assert_eq!(
        (alg.as_deref(), crv.as_deref()),
        (Some("EdDSA"), Some("Ed25519"))
    );
    assert!(public.contains("\"kty\":\"OKP\"") && !public.contains("\"d\""));
    assert!(
        private.starts_with('"'),
        "a JSON string of hex, as Better Auth writes it"
    );
    let jwk: serde_json::Value =
        serde_json::from_str(&decrypt_private_key(SECRET.as_bytes(), &private).expect("decrypts"))
            .expect("jwk");
    assert_eq!(
        jwk["x"],
        issuer.jwks().keys[0].x.clone().expect("x").as_str()
    );
    assert!(jwk["d"].is_string());

    // Another instance (or a restart) signs with the same key.
    let other = PgStore::connect(&url, options())
        .await
        .expect("second instance");
    let again = other.jwt_issuer(&config(SECRET)).await.expect("issuer");
    assert_eq!(again.jwks().keys.len(), 1);
    assert_eq!(again.jwks().keys[0].kid, kid);
}

#[tokio::test]
async fn concurrent_first_starts_agree_on_one_key() {
    let (store, url) = store_and_url().await;
    let other = PgStore::connect(&url, options())
        .await
        .expect("second instance");
    let config = config(SECRET);
    let (a, b) = tokio::join!(store.jwt_issuer(&config), other.jwt_issuer(&config));
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a.jwks().keys[0].kid, b.jwks().keys[0].kid);
    assert_eq!(count(store.pool(), "jwks").await, 1);
}

#[tokio::test]
async fn with_another_secret_old_keys_still_verify_and_a_new_one_signs() {
    let store = store().await;
    let old = store.jwt_issuer(&config(SECRET)).await.expect("issuer");
    let old_kid = old.jwks().keys[0].kid.clone();
    let rotated = store
        .jwt_issuer(&config("a-new-secret-0123456789abcdef0123456789"))
        .await
        .expect("issuer");
    let kids: Vec<&str> = rotated.jwks().keys.iter().map(|k| k.kid.as_str()).collect();
    assert_eq!(kids.len(), 2);
    assert_eq!(
        kids[1], old_kid,
        "the old key stays published for verification"
    );
    assert_ne!(kids[0], old_kid, "a new key signs");
}
