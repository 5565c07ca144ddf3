//! Every flow, end to end, against MemoryStore.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use auth_core::AuthError;
use auth_core::config::RevocationCheck;
use auth_core::flows::ChangePassword;
use auth_core::hash::{Argon2Hasher, Argon2Params, HashPool, PasswordHasher};
use auth_core::http::ProtocolError;
use auth_core::model::{
    AccountId, CredentialAccount, Password, SessionToken, User, UserId, UserUpdate,
};
use auth_core::store::UserStore;
use auth_core::token::TokenError;
use common::*;

const DAY: Duration = Duration::from_secs(86_400);

/// The account row recorded from a real Better Auth 1.7.25 server
/// (tests/conformance/fixtures/better-auth-1.7.25-transcripts.md, "Stored rows"); its password
/// is "correct horse battery".
const RECORDED_SCRYPT: &str = "7f7ab9ab7a57f9b073ed2264aed8dc25:b18719cee76219a3111280669b0f175f5cbbabc79747f99585fa01c26bfa98cff0f1346eff35bd044656e07f5c6aadbde91bd07c5c9aa09f4c8ae86a010b9fb8";

async fn insert_user_with_hash(h: &Harness, address: &str, hash: &str) -> User {
    let now = h.auth.now();
    let user = User::new(UserId::generate(), "Alice Example", address, now);
    let account = CredentialAccount::new(
        AccountId::generate(),
        user.id.clone(),
        Some(hash.into()),
        now,
    );
    h.store.create_user(&user, &account).await.expect("insert");
    user
}

async fn stored_hash(h: &Harness, user_id: &UserId) -> String {
    h.store
        .find_credential(user_id)
        .await
        .expect("lookup")
        .and_then(|c| c.password_hash)
        .expect("hash")
}

// ---- secrets stay out of Debug ------------------------------------------------------------

#[tokio::test]
async fn debug_output_never_shows_a_session_token() {
    let h = harness();
    let signed = h.sign_up("debug@example.com").await;
    let token = signed.session.token.clone();
    let lookup = h
        .auth
        .get_session(&token, true)
        .await
        .expect("lookup")
        .expect("session");
    let changed = h
        .auth
        .change_password(
            &lookup.current,
            ChangePassword::new(
                Password::new(PASSWORD),
                Password::new("another long password"),
            )
            .revoke_other_sessions(true),
            &client(),
        )
        .await
        .expect("change");
    let new_token = changed
        .new_session
        .as_ref()
        .expect("new session")
        .token
        .clone();
    for printed in [
        format!("{signed:?}"),
        format!("{:?}", signed.session),
        format!("{lookup:?}"),
        format!("{:?}", lookup.current),
        format!("{changed:?}"),
    ] {
        assert!(!printed.contains(token.expose()), "{printed}");
        assert!(!printed.contains(new_token.expose()), "{printed}");
        assert!(printed.contains("<redacted>"), "{printed}");
    }
}

// ---- sign-up -----------------------------------------------------------------------------

#[tokio::test]
async fn sign_up_creates_user_credential_and_session() {
    let h = harness();
    let signed = h
        .auth
        .sign_up(sign_up_input("  Alice@Example.COM ", PASSWORD), &client())
        .await
        .expect("sign-up")
        .signed_in()
        .expect("signed in: no verification required");
    assert_eq!(signed.user.email, "alice@example.com");
    assert!(!signed.user.email_verified);
    assert_eq!(signed.user.id.as_str().len(), 32);
    assert_eq!(signed.session.token.expose().len(), 32);
    assert!(
        signed
            .session
            .token
            .expose()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
    );
    assert_eq!(signed.session.expires_at, h.auth.now() + 30 * DAY);
    assert_eq!(signed.session.ip_address.as_deref(), Some("203.0.113.9"));
    assert!(
        stored_hash(&h, &signed.user.id)
            .await
            .starts_with("$argon2id$")
    );
    let found = h
        .auth
        .get_session(&signed.session.token, true)
        .await
        .expect("lookup")
        .expect("session");
    assert_eq!(found.current.user, signed.user);
}

#[tokio::test]
async fn the_same_email_in_another_case_is_refused() {
    let h = harness();
    h.sign_up("alice@example.com").await;
    let again = h
        .auth
        .sign_up(
            sign_up_input("ALICE@Example.com", "another password"),
            &client(),
        )
        .await;
    let error = again.expect_err("duplicate");
    assert!(matches!(error, AuthError::UserAlreadyExists));
    assert_eq!(error.code(), "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    assert_eq!(ProtocolError::from(error).status().as_u16(), 422);
}

#[tokio::test]
async fn password_length_is_checked_on_sign_up_and_nothing_is_stored() {
    let h = harness();
    let short = h
        .auth
        .sign_up(sign_up_input("a@example.com", "1234567"), &client())
        .await;
    assert!(matches!(short, Err(AuthError::PasswordTooShort)));
    let long = h
        .auth
        .sign_up(sign_up_input("a@example.com", &"x".repeat(129)), &client())
        .await;
    assert!(matches!(long, Err(AuthError::PasswordTooLong)));
    assert!(
        h.store
            .find_user_by_email(&email("a@example.com"))
            .await
            .expect("lookup")
            .is_none()
    );
    assert_eq!(
        h.hasher.hashes.load(Ordering::SeqCst),
        0,
        "nothing was hashed"
    );
}

#[tokio::test]
async fn long_and_unicode_passwords_are_kept_whole_never_truncated() {
    let h = harness();
    // 128 UTF-16 units (the policy counts as Better Auth's JavaScript does), none of them ASCII
    // letters only.
    let password: String = "pässwörd 密码 ".repeat(12).chars().take(128).collect();
    h.auth
        .sign_up(sign_up_input("long@example.com", &password), &client())
        .await
        .expect("128 characters are accepted");
    let prefix: String = password.chars().take(127).collect();
    let refused = h
        .auth
        .sign_in(sign_in_input("long@example.com", &prefix), &client())
        .await;
    assert!(matches!(refused, Err(AuthError::InvalidEmailOrPassword)));
    h.auth
        .sign_in(sign_in_input("long@example.com", &password), &client())
        .await
        .expect("the whole password signs in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_sign_ups_of_one_email_make_one_user() {
    let h = Arc::new(harness());
    let mut tasks = Vec::new();
    for i in 0..100 {
        let h = Arc::clone(&h);
        tasks.push(tokio::spawn(async move {
            let address = if i % 2 == 0 {
                "race@example.com"
            } else {
                "RACE@example.com"
            };
            h.auth
                .sign_up(sign_up_input(address, PASSWORD), &client())
                .await
        }));
    }
    let mut ok = Vec::new();
    for task in tasks {
        match task.await.expect("join") {
            Ok(signed) => ok.push(signed.user.id),
            Err(AuthError::UserAlreadyExists) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(ok.len(), 1, "exactly one sign-up wins");
    let user = h
        .store
        .find_user_by_email(&email("race@example.com"))
        .await
        .expect("lookup")
        .expect("user");
    assert_eq!(user.id, ok[0]);
}

#[tokio::test]
async fn a_full_hashing_queue_is_overloaded_not_a_hang() {
    // One hashing thread kept busy, and its one waiting slot taken.
    let h = harness_with(config(), HashPool::new(1, 1));
    let (release, blocked) = std::sync::mpsc::channel::<()>();
    let (started_tx, started) = std::sync::mpsc::channel::<()>();
    let busy = h
        .hasher
        .inner
        .pool()
        .submit(move || {
            let _ = started_tx.send(());
            let _ = blocked.recv();
        })
        .expect("the thread is free");
    tokio::task::spawn_blocking(move || started.recv())
        .await
        .expect("join")
        .expect("busy");
    let queued = h
        .hasher
        .inner
        .pool()
        .submit(|| ())
        .expect("the queue has one slot");
    let error = h
        .auth
        .sign_up(sign_up_input("a@example.com", PASSWORD), &client())
        .await
        .expect_err("overloaded");
    assert!(matches!(error, AuthError::Overloaded));
    let refused = ProtocolError::from(error);
    assert_eq!(refused.status().as_u16(), 503);
    assert!(refused.retry_after().is_some());
    release.send(()).expect("release");
    busy.await.expect("busy job finished");
    queued.await.expect("queued job finished");
    h.auth
        .sign_up(sign_up_input("a@example.com", PASSWORD), &client())
        .await
        .expect("accepted again");
}

#[tokio::test]
async fn a_saturated_hasher_refuses_before_the_store_is_asked() {
    // One thread and one queue place: two flows' worth of room, both taken.
    let h = harness_with(config(), HashPool::new(1, 1));
    h.auth
        .sign_up(sign_up_input("ada@example.com", PASSWORD), &client())
        .await
        .expect("signed up");
    let first = h.hasher.admit().expect("room for one");
    let second = h.hasher.admit().expect("room for two");
    let before = (
        h.hasher.hashes.load(Ordering::SeqCst),
        h.hasher.verifies.load(Ordering::SeqCst),
        h.hasher.dummies.load(Ordering::SeqCst),
    );
    for attempt in [
        h.auth
            .sign_in(sign_in_input("nobody@example.com", PASSWORD), &client())
            .await
            .map(drop),
        h.auth
            .sign_in(sign_in_input("ada@example.com", PASSWORD), &client())
            .await
            .map(drop),
        h.auth
            .sign_up(sign_up_input("eve@example.com", PASSWORD), &client())
            .await
            .map(drop),
    ] {
        let error = attempt.expect_err("overloaded");
        assert!(matches!(error, AuthError::Overloaded), "{error:?}");
        assert!(ProtocolError::from(error).retry_after().is_some());
    }
    // Refused before the lookup: an unknown email would otherwise have cost a dummy hash.
    let after = (
        h.hasher.hashes.load(Ordering::SeqCst),
        h.hasher.verifies.load(Ordering::SeqCst),
        h.hasher.dummies.load(Ordering::SeqCst),
    );
    assert_eq!(before, after);
    drop((first, second));
    h.auth
        .sign_in(sign_in_input("ada@example.com", PASSWORD), &client())
        .await
        .expect("room again");
}

// ---- sign-in -----------------------------------------------------------------------------

#[tokio::test]
async fn sign_in_with_the_right_password_creates_a_session() {
    let h = harness();
    let up = h.sign_up("alice@example.com").await;
    let signed = h
        .sign_in("ALICE@example.com", PASSWORD)
        .await
        .expect("sign-in");
    assert_eq!(signed.user, up.user);
    assert_ne!(signed.session.token, up.session.token);
    assert!(h.is_live(&signed.session.token).await);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let h = harness();
    h.sign_up("alice@example.com").await;
    let wrong = h
        .sign_in("alice@example.com", "not the password")
        .await
        .expect_err("wrong password");
    let unknown = h
        .sign_in("nobody@example.com", PASSWORD)
        .await
        .expect_err("unknown email");
    for error in [wrong, unknown] {
        assert!(matches!(error, AuthError::InvalidEmailOrPassword));
        assert_eq!(error.code(), "INVALID_EMAIL_OR_PASSWORD");
        assert_eq!(error.message(), "Invalid email or password");
        assert_eq!(ProtocolError::from(error).status().as_u16(), 401);
    }
    // The unknown email still cost one hash.
    assert_eq!(h.hasher.dummies.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn remember_me_off_gives_a_one_day_session() {
    let h = harness();
    h.sign_up("alice@example.com").await;
    let input = sign_in_input("alice@example.com", PASSWORD).remember_me(false);
    let signed = h.auth.sign_in(input, &client()).await.expect("sign-in");
    assert!(!signed.remember_me);
    assert_eq!(signed.session.expires_at, h.auth.now() + DAY);
}

#[tokio::test]
async fn the_recorded_better_auth_scrypt_hash_signs_in_and_becomes_argon2id() {
    let h = harness();
    let user = insert_user_with_hash(&h, "alice.mww4l1jd@example.com", RECORDED_SCRYPT).await;
    let wrong = h
        .sign_in("alice.mww4l1jd@example.com", "correct horse")
        .await;
    assert!(matches!(wrong, Err(AuthError::InvalidEmailOrPassword)));
    assert_eq!(
        stored_hash(&h, &user.id).await,
        RECORDED_SCRYPT,
        "a failed sign-in changes nothing"
    );
    h.sign_in("alice.mww4l1jd@example.com", PASSWORD)
        .await
        .expect("recorded password works");
    let upgraded = stored_hash(&h, &user.id).await;
    assert!(upgraded.starts_with("$argon2id$v=19$"), "{upgraded}");
    h.sign_in("alice.mww4l1jd@example.com", PASSWORD)
        .await
        .expect("and still works");
    assert_eq!(
        stored_hash(&h, &user.id).await,
        upgraded,
        "an up-to-date hash is left alone"
    );
}

#[tokio::test]
async fn a_weaker_argon2_hash_is_upgraded_at_sign_in() {
    let h = harness();
    let weaker = Argon2Hasher::new(Argon2Params::new(32, 1, 1), HashPool::new(1, 1))
        .expect("hasher")
        .hash(&Password::new(PASSWORD))
        .await
        .expect("hash");
    let user = insert_user_with_hash(&h, "weak@example.com", &weaker).await;
    h.sign_in("weak@example.com", PASSWORD)
        .await
        .expect("sign-in");
    let upgraded = stored_hash(&h, &user.id).await;
    assert!(upgraded.contains("m=64,t=1,p=1"), "{upgraded}");
}

// ---- sign-out and sessions ---------------------------------------------------------------

#[tokio::test]
async fn sign_out_ends_the_session_and_is_idempotent() {
    let h = harness();
    let signed = h.sign_up("alice@example.com").await;
    h.auth
        .sign_out(&signed.session.token)
        .await
        .expect("sign-out");
    assert!(!h.is_live(&signed.session.token).await);
    h.auth
        .sign_out(&signed.session.token)
        .await
        .expect("twice is fine");
    h.auth
        .sign_out(&SessionToken::new("no-such-token"))
        .await
        .expect("unknown is fine");
}

#[tokio::test]
async fn sessions_slide_once_the_update_age_has_passed() {
    let h = harness();
    let signed = h.sign_up("alice@example.com").await;
    let token = &signed.session.token;
    let first_expiry = signed.session.expires_at;

    h.clock.advance(12 * Duration::from_secs(3600));
    let early = h
        .auth
        .get_session(token, true)
        .await
        .expect("lookup")
        .expect("valid");
    assert!(!early.refreshed);
    assert_eq!(early.current.session.expires_at, first_expiry);

    h.clock.advance(12 * Duration::from_secs(3600));
    let not_allowed = h
        .auth
        .get_session(token, false)
        .await
        .expect("lookup")
        .expect("valid");
    assert!(
        !not_allowed.refreshed,
        "refresh off (remember me off) never slides"
    );

    let due = h
        .auth
        .get_session(token, true)
        .await
        .expect("lookup")
        .expect("valid");
    assert!(due.refreshed);
    assert_eq!(due.current.session.expires_at, h.auth.now() + 30 * DAY);
    assert_eq!(due.current.session.updated_at, h.auth.now());
    let stored = h
        .store
        .find_session_by_id(&signed.session.id)
        .await
        .expect("lookup")
        .expect("row");
    assert_eq!(
        stored.expires_at,
        h.auth.now() + 30 * DAY,
        "the store was updated"
    );
    assert_eq!(stored.token, *token, "the token stays the same");
}

#[tokio::test]
async fn an_expired_session_is_gone_and_deleted() {
    let h = harness();
    let signed = h.sign_up("alice@example.com").await;
    h.clock.advance(30 * DAY);
    assert!(!h.is_live(&signed.session.token).await);
    assert!(
        h.store
            .find_session_by_id(&signed.session.id)
            .await
            .expect("lookup")
            .is_none()
    );
}

#[tokio::test]
async fn list_sessions_needs_a_fresh_session() {
    let h = harness();
    let first = h.sign_up("alice@example.com").await;
    h.clock.advance(Duration::from_secs(60));
    let second = h
        .sign_in("alice@example.com", PASSWORD)
        .await
        .expect("sign-in");
    let current = h.current(&second.session.token).await;
    let listed = h.auth.list_sessions(&current).await.expect("list");
    let ids: Vec<&str> = listed.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [first.session.id.as_str(), second.session.id.as_str()]);

    h.clock.advance(DAY);
    let stale = h.current(&second.session.token).await;
    let error = h.auth.list_sessions(&stale).await.expect_err("not fresh");
    assert!(matches!(error, AuthError::SessionNotFresh));
    assert_eq!(ProtocolError::from(error).status().as_u16(), 403);
}

#[tokio::test]
async fn revoke_session_only_touches_the_callers_own_sessions() {
    let h = harness();
    let alice = h.sign_up("alice@example.com").await;
    let alice_other = h
        .sign_in("alice@example.com", PASSWORD)
        .await
        .expect("sign-in");
    let bob = h.sign_up("bob@example.com").await;
    let current = h.current(&alice.session.token).await;

    h.auth
        .revoke_session(&current, &bob.session.token)
        .await
        .expect("no error either way");
    assert!(h.is_live(&bob.session.token).await, "bob keeps his");

    h.auth
        .revoke_session(&current, &alice_other.session.token)
        .await
        .expect("revoke");
    assert!(!h.is_live(&alice_other.session.token).await);
    assert!(h.is_live(&alice.session.token).await);
}

#[tokio::test]
async fn revoke_other_sessions_keeps_the_current_one_and_revoke_sessions_ends_all() {
    let h = harness();
    let a = h.sign_up("alice@example.com").await;
    let b = h
        .sign_in("alice@example.com", PASSWORD)
        .await
        .expect("sign-in");
    let c = h
        .sign_in("alice@example.com", PASSWORD)
        .await
        .expect("sign-in");
    let bob = h.sign_up("bob@example.com").await;
    let current = h.current(&b.session.token).await;

    h.auth
        .revoke_other_sessions(&current)
        .await
        .expect("revoke others");
    assert!(!h.is_live(&a.session.token).await);
    assert!(!h.is_live(&c.session.token).await);
    assert!(h.is_live(&b.session.token).await);

    h.auth.revoke_sessions(&current).await.expect("revoke all");
    assert!(!h.is_live(&b.session.token).await);
    assert!(h.is_live(&bob.session.token).await);
}

#[tokio::test]
async fn purge_removes_expired_sessions() {
    let h = harness();
    let input = sign_in_input("alice@example.com", PASSWORD).remember_me(false);
    h.sign_up("alice@example.com").await;
    let short = h.auth.sign_in(input, &client()).await.expect("sign-in");
    h.clock.advance(2 * DAY);
    assert_eq!(h.auth.purge_expired_sessions().await.expect("purge"), 1);
    assert!(
        h.store
            .find_session_by_id(&short.session.id)
            .await
            .expect("lookup")
            .is_none()
    );
}

// ---- tokens ------------------------------------------------------------------------------

#[tokio::test]
async fn a_token_carries_the_user_and_session_and_lives_thirty_days() {
    let h = harness();
    let signed = h.sign_up("alice@example.com").await;
    let current = h.current(&signed.session.token).await;
    let jwt = h.auth.issue_token(&current).expect("token");
    let claims = h.auth.verify_token(jwt.expose()).await.expect("valid");
    assert_eq!(claims.sub, signed.user.id);
    assert_eq!(claims.user(), signed.user);
    assert_eq!(claims.sid.as_ref(), Some(&signed.session.id));
    assert_eq!(claims.iss, "http://localhost:3000");
    assert_eq!(claims.aud, "http://localhost:3000");
    assert_eq!(claims.exp - claims.iat, 30 * 86_400);
    h.clock.advance(29 * DAY);
    // The session must still be alive for the revocation check: keep it sliding.
    h.auth
        .get_session(&signed.session.token, true)
        .await
        .expect("lookup")
        .expect("valid");
    h.auth
        .verify_token(jwt.expose())
        .await
        .expect("valid on day 29");
    h.clock.advance(2 * DAY);
    let expired = h
        .auth
        .verify_token(jwt.expose())
        .await
        .expect_err("expired on day 31");
    assert!(matches!(
        expired,
        AuthError::InvalidToken(TokenError::Expired)
    ));
    assert_eq!(expired.code(), "TOKEN_EXPIRED");
    assert_eq!(ProtocolError::from(expired).status().as_u16(), 401);
}

#[tokio::test]
async fn a_token_of_a_revoked_session_is_refused_in_checking_mode() {
    let h = harness();
    let signed = h.sign_up("alice@example.com").await;
    let current = h.current(&signed.session.token).await;
    let jwt = h.auth.issue_token(&current).expect("token");
    h.auth
        .verify_token(jwt.expose())
        .await
        .expect("valid while signed in");
    h.auth
        .sign_out(&signed.session.token)
        .await
        .expect("sign-out");
    let error = h
        .auth
        .verify_token(jwt.expose())
        .await
        .expect_err("revoked");
    assert!(matches!(
        error,
        AuthError::InvalidToken(TokenError::Revoked)
    ));

    // Revoking all sessions kills their tokens too.
    let again = h
        .sign_in("alice@example.com", PASSWORD)
        .await
        .expect("sign-in");
    let current = h.current(&again.session.token).await;
    let jwt = h.auth.issue_token(&current).expect("token");
    h.auth.verify_token(jwt.expose()).await.expect("valid");
    h.auth.revoke_sessions(&current).await.expect("revoke");
    assert!(matches!(
        h.auth.verify_token(jwt.expose()).await,
        Err(AuthError::InvalidToken(TokenError::Revoked))
    ));
}

#[tokio::test]
async fn revocations_made_elsewhere_are_seen_after_the_cache_ttl() {
    // A TTL of zero checks the store every time: a session deleted by another instance (here,
    // straight in the store) is refused at once.
    let config = config_builder()
        .revocation_check(RevocationCheck::Cached {
            ttl: Duration::ZERO,
            capacity: 16,
        })
        .build()
        .expect("config");
    let h = harness_with(config, HashPool::new(1, 16));
    let signed = h.sign_up("alice@example.com").await;
    let current = h.current(&signed.session.token).await;
    let jwt = h.auth.issue_token(&current).expect("token");
    h.auth.verify_token(jwt.expose()).await.expect("valid");
    h.store
        .delete_session(&signed.session.token)
        .await
        .expect("delete elsewhere");
    assert!(matches!(
        h.auth.verify_token(jwt.expose()).await,
        Err(AuthError::InvalidToken(TokenError::Revoked))
    ));

    // A long TTL serves the cached answer without asking the store.
    let h = harness();
    let signed = h.sign_up("alice@example.com").await;
    let current = h.current(&signed.session.token).await;
    let jwt = h.auth.issue_token(&current).expect("token");
    h.auth
        .verify_token(jwt.expose())
        .await
        .expect("valid, now cached");
    h.store
        .delete_session(&signed.session.token)
        .await
        .expect("delete elsewhere");
    h.auth
        .verify_token(jwt.expose())
        .await
        .expect("still cached as alive within the TTL");
}

#[tokio::test]
async fn without_the_check_tokens_are_stateless() {
    let h = harness_with(
        config_builder()
            .revocation_check(RevocationCheck::Off)
            .build()
            .expect("config"),
        HashPool::new(1, 16),
    );
    let signed = h.sign_up("alice@example.com").await;
    let current = h.current(&signed.session.token).await;
    let jwt = h.auth.issue_token(&current).expect("token");
    h.auth
        .sign_out(&signed.session.token)
        .await
        .expect("sign-out");
    h.auth
        .verify_token(jwt.expose())
        .await
        .expect("still valid until exp, as in Better Auth");
}

// ---- password and profile ----------------------------------------------------------------

fn change(current: &str, new: &str, revoke: bool) -> ChangePassword {
    ChangePassword::new(Password::new(current), Password::new(new)).revoke_other_sessions(revoke)
}

#[tokio::test]
async fn change_password_checks_the_current_one_and_the_policy() {
    let h = harness();
    let signed = h.sign_up("alice@example.com").await;
    let current = h.current(&signed.session.token).await;
    let wrong = h
        .auth
        .change_password(
            &current,
            change("nope nope nope", "new password 1", false),
            &client(),
        )
        .await;
    let wrong = wrong.expect_err("wrong current password");
    assert!(matches!(wrong, AuthError::InvalidPassword));
    assert_eq!(wrong.code(), "INVALID_PASSWORD");
    assert_eq!(ProtocolError::from(wrong).status().as_u16(), 400);
    let short = h
        .auth
        .change_password(&current, change(PASSWORD, "short", false), &client())
        .await;
    assert!(matches!(short, Err(AuthError::PasswordTooShort)));

    let changed = h
        .auth
        .change_password(
            &current,
            change(PASSWORD, "new password 1", false),
            &client(),
        )
        .await;
    let changed = changed.expect("changed");
    assert!(changed.new_session.is_none());
    assert!(matches!(
        h.sign_in("alice@example.com", PASSWORD).await,
        Err(AuthError::InvalidEmailOrPassword)
    ));
    h.sign_in("alice@example.com", "new password 1")
        .await
        .expect("new password works");
    assert!(h.is_live(&signed.session.token).await, "sessions kept");
}

#[tokio::test]
async fn change_password_can_revoke_every_other_session() {
    let h = harness();
    let a = h.sign_up("alice@example.com").await;
    let b = h
        .sign_in("alice@example.com", PASSWORD)
        .await
        .expect("sign-in");
    let current = h.current(&a.session.token).await;
    let changed = h
        .auth
        .change_password(
            &current,
            change(PASSWORD, "new password 1", true),
            &client(),
        )
        .await;
    let fresh = changed
        .expect("changed")
        .new_session
        .expect("a new session");
    assert!(!h.is_live(&a.session.token).await);
    assert!(!h.is_live(&b.session.token).await);
    assert!(h.is_live(&fresh.token).await);
}

#[tokio::test]
async fn update_user_changes_the_profile() {
    let h = harness();
    let signed = h.sign_up("alice@example.com").await;
    let current = h.current(&signed.session.token).await;
    h.clock.advance(Duration::from_secs(5));
    let update = UserUpdate::default()
        .with_name("Alice B.")
        .with_image(Some("https://img.example/a.png".into()));
    let user = h.auth.update_user(&current, update).await.expect("update");
    assert_eq!(user.name, "Alice B.");
    assert_eq!(user.image.as_deref(), Some("https://img.example/a.png"));
    assert_eq!(user.updated_at, h.auth.now());
    let empty = h
        .auth
        .update_user(&current, UserUpdate::default())
        .await
        .expect_err("nothing to update");
    assert!(matches!(empty, AuthError::NoFieldsToUpdate));
    assert_eq!(ProtocolError::from(empty).status().as_u16(), 400);
}
