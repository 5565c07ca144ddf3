//! The in-memory session cache: get-session is served from memory, every change made through
//! the `Auth` is seen at once, and a change made behind its back (straight in the store, as
//! another instance without a channel would) within the TTL and no later.

mod common;

use std::time::Duration;

use auth_core::config::{SessionCaching, TwoFactorOptions};
use auth_core::hash::HashPool;
use auth_core::model::UserUpdate;
use auth_core::store::UserStore;
use common::*;

#[tokio::test]
async fn sessions_are_served_from_memory_for_the_ttl_at_most() {
    let h = harness();
    let signed = h.sign_up("cache@example.com").await;
    let token = signed.session.token.clone();
    assert!(h.is_live(&token).await, "read once, kept");

    // Deleted behind the Auth's back: the copy is served until its TTL runs out.
    h.store.delete_session(&token).await.expect("delete");
    assert!(h.is_live(&token).await, "served from memory");
    h.clock.advance(Duration::from_secs(29));
    assert!(h.is_live(&token).await, "still within the TTL");
    h.clock.advance(Duration::from_secs(1));
    assert!(!h.is_live(&token).await, "gone once the TTL is over");
}

#[tokio::test]
async fn without_the_cache_every_lookup_asks_the_store() {
    let config = config_builder()
        .session_caching(SessionCaching::Off)
        .build()
        .expect("config");
    let h = harness_with(config, HashPool::new(2, 64));
    let token = h.sign_up("nocache@example.com").await.session.token;
    assert!(h.is_live(&token).await);
    h.store.delete_session(&token).await.expect("delete");
    assert!(!h.is_live(&token).await);
}

#[tokio::test]
async fn changes_through_the_auth_are_seen_at_once() {
    let config = config_builder()
        .two_factor(TwoFactorOptions::new("Example"))
        .build()
        .expect("config");
    let h = harness_with(config, HashPool::new(2, 64));
    let signed = h.sign_up("seen@example.com").await;
    let token = signed.session.token.clone();
    let other = h
        .sign_in("seen@example.com", PASSWORD)
        .await
        .expect("second session")
        .session
        .token;
    assert_eq!(h.current(&token).await.user.name, "Alice Example");
    assert!(h.is_live(&other).await);

    // A profile change.
    let current = h.current(&token).await;
    h.auth
        .update_user(&current, UserUpdate::default().with_name("Ada"))
        .await
        .expect("update");
    assert_eq!(h.current(&token).await.user.name, "Ada");
    assert_eq!(
        h.current(&other).await.user.name,
        "Ada",
        "every session of the user"
    );

    // The session's expiry slides: the copy follows (no second slide, no stale expiry).
    h.clock.advance(Duration::from_secs(2 * 86_400));
    let slid = h
        .auth
        .get_session(&token, true)
        .await
        .expect("lookup")
        .expect("live");
    assert!(slid.refreshed);
    let again = h
        .auth
        .get_session(&token, true)
        .await
        .expect("lookup")
        .expect("live");
    assert!(!again.refreshed, "slid once");
    assert_eq!(
        again.current.session.expires_at,
        slid.current.session.expires_at
    );

    // Revoking the other session, and signing out.
    let current = h.current(&token).await;
    h.auth
        .revoke_session(&current, &other)
        .await
        .expect("revoke");
    assert!(!h.is_live(&other).await);
    h.auth.sign_out(&token).await.expect("sign out");
    assert!(!h.is_live(&token).await);
}

/// get-session hands out the JWT it issued for the session a moment ago while it describes
/// the user as they are (signing is most of a cached get-session's cost), and a new one as soon
/// as the user changes.
#[tokio::test]
async fn get_session_reuses_its_jwt_until_the_user_changes() {
    use common::wire::{cookie_header, get, json_request, send};
    use serde_json::json;

    let h = harness();
    h.sign_up("jwt@example.com").await;
    let up = send(
        &h.auth,
        json_request(
            "/sign-in/email",
            &json!({"email": "jwt@example.com", "password": PASSWORD}),
            &[],
        ),
    )
    .await;
    let cookie = cookie_header(&up);
    let jwt = |reply: &common::wire::Reply| reply.header("set-auth-jwt").expect("jwt").to_owned();
    let first = jwt(&send(&h.auth, get("/get-session", &[("cookie", &cookie)])).await);
    h.clock.advance(Duration::from_secs(5));
    let second = jwt(&send(&h.auth, get("/get-session", &[("cookie", &cookie)])).await);
    assert_eq!(first, second, "reused within the TTL");

    let session = h
        .auth
        .get_session(&up_token(&up), false)
        .await
        .expect("lookup")
        .expect("live")
        .current;
    h.auth
        .update_user(&session, UserUpdate::default().with_name("Renamed"))
        .await
        .expect("update");
    let third = jwt(&send(&h.auth, get("/get-session", &[("cookie", &cookie)])).await);
    assert_ne!(third, second, "a new one for the changed user");
    let claims = h.auth.verify_token(&third).await.expect("valid");
    assert_eq!(claims.name, "Renamed");

    h.clock.advance(Duration::from_secs(30));
    let fourth = jwt(&send(&h.auth, get("/get-session", &[("cookie", &cookie)])).await);
    assert_ne!(fourth, third, "a new one once the TTL is over");
    h.auth.verify_token(&fourth).await.expect("valid");
}

fn up_token(reply: &common::wire::Reply) -> auth_core::model::SessionToken {
    auth_core::model::SessionToken::new(reply.json()["token"].as_str().expect("token"))
}
