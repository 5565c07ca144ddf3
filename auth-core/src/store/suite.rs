//! The store behaviour suite: written once, run against every [`UserStore`].
//!
//! A store crate runs it with [`user_store_suite!`](crate::user_store_suite), giving an
//! expression that makes a fresh, empty store for each test:
//!
//! ```no_run
//! auth_core::user_store_suite!(memory, async { auth_core::store::MemoryStore::new() });
//! ```

use std::sync::Arc;
use std::time::Duration;

use super::{Hit, MemoryRateLimits, StoreError, UserStore};
use crate::mail::{Delivery, MailClaim, MailKind, Message, OutboundMail, QueuedMail};
use crate::model::{
    Account, AccountId, CredentialAccount, Email, Session, SessionId, SessionToken, Timestamp,
    TwoFactor, TwoFactorState, Unlinked, User, UserId, UserUpdate, Verification,
};
use crate::two_factor::TRUSTED_DEVICE_PREFIX;

/// Generates one `#[tokio::test]` per behaviour in a module named `$name`, each on a fresh
/// store made by `$make` (an expression evaluating to a future of a store).
#[macro_export]
macro_rules! user_store_suite {
    ($name:ident, $make:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $crate::user_store_suite!(@tests $make;
                create_and_find_user,
                duplicate_email_is_refused_and_leaves_no_rows,
                concurrent_sign_ups_of_one_email_make_one_user,
                update_user_changes_only_given_fields,
                password_hash_is_replaced,
                session_lifecycle,
                delete_user_sessions_keeps_one,
                list_sessions_skips_expired_and_foreign,
                delete_expired_sessions_removes_only_expired,
                timestamps_round_trip_to_the_millisecond,
                rate_limits_count_in_windows,
                concurrent_rate_limit_hits_each_count_once,
                create_user_with_is_all_or_nothing,
                mark_email_verified_sets_the_flag,
                change_email_refuses_a_taken_address_and_commits_its_mail,
                find_verification_skips_expired_and_returns_newest,
                reset_password_consumes_its_row_once,
                reset_password_refuses_foreign_expired_and_orphan_rows,
                reset_password_deletes_only_the_users_reset_rows,
                reset_password_ends_sessions_only_when_asked,
                delete_user_removes_everything_of_theirs,
                delete_user_with_a_token_needs_the_users_live_row,
                delete_expired_verifications_removes_only_expired,
                claimed_mail_is_leased_and_round_trips,
                concurrent_claims_never_share_a_mail,
                finish_mail_needs_the_current_claim,
                retried_mail_is_due_again_at_its_time,
                failed_mail_stays_out_of_claims_and_is_counted,
                social_sign_up_creates_user_account_and_session,
                social_sign_up_that_fails_writes_nothing,
                accounts_are_found_by_provider_and_listed_oldest_first,
                link_account_refuses_a_provider_account_linked_already,
                concurrent_links_of_one_provider_account_make_one,
                update_account_stores_the_tokens_and_nothing_else,
                unlink_account_keeps_the_last_account,
                concurrent_unlinks_never_remove_the_last_account,
                verification_rows_without_mail_are_consumed_once,
                concurrent_consumes_take_a_row_once,
                delete_user_removes_their_provider_accounts,
                two_factor_is_off_for_a_user_without_it,
                put_two_factor_inserts_then_replaces_while_unverified,
                enable_two_factor_marks_the_row_verified_and_the_user_enabled,
                disable_two_factor_turns_it_off_and_deletes_the_rows,
                set_two_factor_enabled_flips_only_the_flag,
                swap_backup_codes_is_conditional,
                concurrent_backup_code_swaps_let_one_win,
                totp_counters_are_used_once_and_in_order,
                concurrent_uses_of_one_totp_counter_accept_one,
                two_factor_failures_count_and_lock,
                clear_two_factor_failures_resets_count_and_lock,
                concurrent_two_factor_failures_are_counted_exactly,
                delete_user_removes_their_two_factor_rows,
            );
        }
    };
    (@tests $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let store = ::std::sync::Arc::new($make.await);
                $crate::store::suite::$case(store).await;
            }
        )*
    };
}

fn at(millis: i64) -> Timestamp {
    // 2026-11-25T12:00:00.000Z plus `millis`.
    Timestamp::from_unix_millis(1_795_608_000_000 + millis).unwrap_or_else(Timestamp::now)
}

/// A new user as a store reads it back: `twoFactorEnabled` is a column, false until set.
fn user(email: &str) -> User {
    let mut user = User::new(UserId::generate(), "Alice Example", email, at(1));
    user.two_factor_enabled = Some(false);
    user
}

fn credential(user: &User, hash: &str) -> CredentialAccount {
    CredentialAccount::new(
        AccountId::generate(),
        user.id.clone(),
        Some(hash.into()),
        user.created_at,
    )
}

fn session(user: &User, created: i64, expires: i64) -> Session {
    let mut session = Session::new(
        SessionId::generate(),
        SessionToken::generate(),
        user.id.clone(),
        at(created),
        at(expires),
    );
    session.ip_address = Some("203.0.113.7".into());
    session.user_agent = Some("suite/1.0".into());
    session
}

fn mail(to: &str, kind: MailKind, created: i64) -> OutboundMail {
    let link = format!("https://app.example/{kind}?token={}", UserId::generate());
    let message = Message::new(
        kind,
        to,
        "Vérifiez votre adresse",
        format!("Open {link}\n"),
        format!("<p><a href=\"{link}\">Open</a></p>"),
        link,
    );
    OutboundMail::new(message, at(created))
}

fn verification(identifier: &str, owner: &UserId, created: i64, expires: i64) -> Verification {
    Verification::new(identifier.to_owned(), owner, at(created), at(expires))
}

/// Stores a verification row (with its mail) for `owner`.
async fn new_verification<S: UserStore + ?Sized>(
    store: &S,
    identifier: &str,
    owner: &UserId,
    created: i64,
    expires: i64,
) -> Verification {
    let v = verification(identifier, owner, created, expires);
    store
        .create_verification(
            &v,
            &mail("owner@example.com", MailKind::ResetPassword, created),
        )
        .await
        .expect("create verification");
    v
}

async fn is_live<S: UserStore + ?Sized>(store: &S, identifier: &str, now: i64) -> bool {
    store
        .find_verification(identifier, at(now))
        .await
        .expect("find verification")
        .is_some()
}

async fn has_session<S: UserStore + ?Sized>(store: &S, session: &Session) -> bool {
    store
        .find_session_by_id(&session.id)
        .await
        .expect("lookup")
        .is_some()
}

async fn hash_of<S: UserStore + ?Sized>(store: &S, user: &UserId) -> Option<String> {
    store
        .find_credential(user)
        .await
        .expect("lookup")
        .and_then(|account| account.password_hash)
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

fn ids(claimed: &[QueuedMail]) -> Vec<&str> {
    claimed.iter().map(|m| m.claim.mail_id.as_str()).collect()
}

const LEASE: Duration = Duration::from_secs(60);

fn email(s: &str) -> Email {
    Email::parse(s).unwrap_or_else(|_| panic!("test email {s} is valid"))
}

async fn new_user<S: UserStore + ?Sized>(store: &S, address: &str) -> User {
    let u = user(address);
    store
        .create_user(&u, &credential(&u, "hash-1"))
        .await
        .expect("create user");
    u
}

/// Users are found by id, by email and with their credential.
pub async fn create_and_find_user<S: UserStore + ?Sized>(store: Arc<S>) {
    let u = new_user(&*store, "alice@example.com").await;
    assert_eq!(
        store.find_user_by_id(&u.id).await.expect("by id"),
        Some(u.clone())
    );
    assert_eq!(
        store
            .find_user_by_email(&email("alice@example.com"))
            .await
            .expect("by email"),
        Some(u.clone())
    );
    let found = store
        .find_user_with_credential(&email("alice@example.com"))
        .await
        .expect("with credential");
    let found = found.expect("present");
    assert_eq!(found.user, u);
    let account = found.credential.expect("credential present");
    assert_eq!(account.user_id, u.id);
    assert_eq!(account.password_hash.as_deref(), Some("hash-1"));
    assert_eq!(
        store.find_credential(&u.id).await.expect("credential"),
        Some(account)
    );
    assert_eq!(
        store
            .find_user_by_id(&UserId::new("missing"))
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(
        store
            .find_user_by_email(&email("bob@example.com"))
            .await
            .expect("lookup"),
        None
    );
    assert!(
        store
            .find_user_with_credential(&email("bob@example.com"))
            .await
            .expect("lookup")
            .is_none()
    );
}

/// A second user with a taken email is `EmailTaken`, and leaves neither row behind.
pub async fn duplicate_email_is_refused_and_leaves_no_rows<S: UserStore + ?Sized>(store: Arc<S>) {
    let first = new_user(&*store, "alice@example.com").await;
    let second = user("alice@example.com");
    let result = store
        .create_user(&second, &credential(&second, "hash-2"))
        .await;
    assert!(
        matches!(result, Err(StoreError::EmailTaken)),
        "got {result:?}"
    );
    assert_eq!(
        store.find_user_by_id(&second.id).await.expect("lookup"),
        None
    );
    assert_eq!(
        store.find_credential(&second.id).await.expect("lookup"),
        None
    );
    let kept = store
        .find_credential(&first.id)
        .await
        .expect("lookup")
        .expect("first account");
    assert_eq!(kept.password_hash.as_deref(), Some("hash-1"));
}

/// 50 concurrent creations of one email: exactly one succeeds, the rest are `EmailTaken`.
pub async fn concurrent_sign_ups_of_one_email_make_one_user<S: UserStore + ?Sized>(store: Arc<S>) {
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let u = user("race@example.com");
            store
                .create_user(&u, &credential(&u, "hash"))
                .await
                .map(|()| u.id)
        }));
    }
    let mut created = Vec::new();
    for task in tasks {
        match task.await.expect("task ran") {
            Ok(id) => created.push(id),
            Err(StoreError::EmailTaken) => {}
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!(created.len(), 1, "exactly one creation succeeds");
    let found = store
        .find_user_by_email(&email("race@example.com"))
        .await
        .expect("lookup")
        .expect("one user");
    assert_eq!(found.id, created[0]);
    assert!(
        store
            .find_credential(&found.id)
            .await
            .expect("lookup")
            .is_some()
    );
}

/// `update_user` writes the given fields and `updatedAt`, nothing else.
pub async fn update_user_changes_only_given_fields<S: UserStore + ?Sized>(store: Arc<S>) {
    let u = new_user(&*store, "alice@example.com").await;
    let update = UserUpdate::default()
        .with_name("Alice B.")
        .with_image(Some("https://img.example/a.png".into()));
    let updated = store
        .update_user(&u.id, &update, at(5_000))
        .await
        .expect("update")
        .expect("user exists");
    assert_eq!(updated.name, "Alice B.");
    assert_eq!(updated.image.as_deref(), Some("https://img.example/a.png"));
    assert_eq!(updated.updated_at, at(5_000));
    assert_eq!(updated.created_at, u.created_at);
    assert_eq!(updated.email, u.email);
    let clear = UserUpdate::default().with_image(None);
    let cleared = store
        .update_user(&u.id, &clear, at(6_000))
        .await
        .expect("update")
        .expect("user exists");
    assert_eq!(cleared.name, "Alice B.");
    assert_eq!(cleared.image, None);
    assert_eq!(
        store.find_user_by_id(&u.id).await.expect("lookup"),
        Some(cleared)
    );
    assert_eq!(
        store
            .update_user(&UserId::new("missing"), &update, at(7_000))
            .await
            .expect("update"),
        None
    );
}

/// `set_password_hash` replaces the hash of an existing credential only.
pub async fn password_hash_is_replaced<S: UserStore + ?Sized>(store: Arc<S>) {
    let u = new_user(&*store, "alice@example.com").await;
    assert!(
        store
            .set_password_hash(&u.id, "hash-2", at(9_000))
            .await
            .expect("set")
    );
    let account = store
        .find_credential(&u.id)
        .await
        .expect("lookup")
        .expect("account");
    assert_eq!(account.password_hash.as_deref(), Some("hash-2"));
    assert_eq!(account.updated_at, at(9_000));
    assert!(
        !store
            .set_password_hash(&UserId::new("missing"), "hash-3", at(9_000))
            .await
            .expect("set")
    );
}

/// Sessions are created, found by token (with their user) and by id, extended and deleted.
pub async fn session_lifecycle<S: UserStore + ?Sized>(store: Arc<S>) {
    let u = new_user(&*store, "alice@example.com").await;
    let s = session(&u, 10, 60_000);
    store.create_session(&s).await.expect("create session");
    let found = store
        .find_session(&s.token)
        .await
        .expect("lookup")
        .expect("present");
    assert_eq!(found.session, s);
    assert_eq!(found.user, u);
    assert_eq!(
        store.find_session_by_id(&s.id).await.expect("lookup"),
        Some(s.clone())
    );
    store
        .extend_session(&s.id, at(120_000), at(30_000))
        .await
        .expect("extend");
    let extended = store
        .find_session(&s.token)
        .await
        .expect("lookup")
        .expect("present")
        .session;
    assert_eq!(extended.expires_at, at(120_000));
    assert_eq!(extended.updated_at, at(30_000));
    assert_eq!(extended.token, s.token);
    assert_eq!(
        store.delete_session(&s.token).await.expect("delete"),
        Some(s.id.clone())
    );
    assert!(
        store
            .find_session(&s.token)
            .await
            .expect("lookup")
            .is_none()
    );
    assert_eq!(store.find_session_by_id(&s.id).await.expect("lookup"), None);
    assert_eq!(
        store.delete_session(&s.token).await.expect("delete again"),
        None
    );
    assert!(
        store
            .find_session(&SessionToken::new("no-such-token"))
            .await
            .expect("lookup")
            .is_none()
    );
    // Missing client facts stay missing.
    let mut bare = session(&u, 20, 60_000);
    bare.ip_address = None;
    bare.user_agent = None;
    store
        .create_session(&bare)
        .await
        .expect("create bare session");
    assert_eq!(
        store.find_session_by_id(&bare.id).await.expect("lookup"),
        Some(bare)
    );
}

/// `delete_user_sessions` removes the user's sessions but the kept one, and no one else's.
pub async fn delete_user_sessions_keeps_one<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let a: Vec<Session> = (0..3).map(|i| session(&alice, i, 60_000)).collect();
    let b = session(&bob, 0, 60_000);
    for s in a.iter().chain([&b]) {
        store.create_session(s).await.expect("create");
    }
    let mut deleted = store
        .delete_user_sessions(&alice.id, Some(&a[1].id))
        .await
        .expect("delete");
    deleted.sort();
    let mut expected = vec![a[0].id.clone(), a[2].id.clone()];
    expected.sort();
    assert_eq!(deleted, expected);
    assert!(
        store
            .find_session(&a[1].token)
            .await
            .expect("lookup")
            .is_some()
    );
    assert!(
        store
            .find_session(&b.token)
            .await
            .expect("lookup")
            .is_some()
    );
    let all = store
        .delete_user_sessions(&alice.id, None)
        .await
        .expect("delete all");
    assert_eq!(all, vec![a[1].id.clone()]);
    assert!(
        store
            .find_session(&b.token)
            .await
            .expect("lookup")
            .is_some()
    );
}

/// `list_sessions` gives the user's unexpired sessions, oldest first.
pub async fn list_sessions_skips_expired_and_foreign<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let newer = session(&alice, 2_000, 90_000);
    let older = session(&alice, 1_000, 90_000);
    let expired = session(&alice, 0, 5_000);
    let foreign = session(&bob, 0, 90_000);
    for s in [&newer, &older, &expired, &foreign] {
        store.create_session(s).await.expect("create");
    }
    let listed = store
        .list_sessions(&alice.id, at(10_000))
        .await
        .expect("list");
    assert_eq!(listed, vec![older, newer]);
}

/// `delete_expired_sessions` deletes exactly the expired rows.
pub async fn delete_expired_sessions_removes_only_expired<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let live = session(&alice, 0, 90_000);
    let dead = session(&alice, 0, 5_000);
    let just_expired = session(&alice, 0, 10_000);
    for s in [&live, &dead, &just_expired] {
        store.create_session(s).await.expect("create");
    }
    assert_eq!(
        store
            .delete_expired_sessions(at(10_000))
            .await
            .expect("sweep"),
        2
    );
    assert!(
        store
            .find_session(&live.token)
            .await
            .expect("lookup")
            .is_some()
    );
    assert!(
        store
            .find_session(&dead.token)
            .await
            .expect("lookup")
            .is_none()
    );
    assert!(
        store
            .find_session(&just_expired.token)
            .await
            .expect("lookup")
            .is_none()
    );
}

/// Times read back are the times written, to the millisecond.
pub async fn timestamps_round_trip_to_the_millisecond<S: UserStore + ?Sized>(store: Arc<S>) {
    let mut u = user("time@example.com");
    u.created_at = at(123);
    u.updated_at = at(999);
    store
        .create_user(&u, &credential(&u, "h"))
        .await
        .expect("create");
    assert_eq!(
        store.find_user_by_id(&u.id).await.expect("lookup"),
        Some(u.clone())
    );
    let mut s = session(&u, 1, 2);
    s.expires_at = at(1) + Duration::from_millis(86_400_001);
    store.create_session(&s).await.expect("create");
    assert_eq!(
        store.find_session_by_id(&s.id).await.expect("lookup"),
        Some(s)
    );
}

/// The store's rate-limit counters, as `Auth` picks them: its own, else memory.
struct Counters<S: ?Sized> {
    store: Arc<S>,
    memory: MemoryRateLimits,
}

impl<S: UserStore + ?Sized> Counters<S> {
    fn of(store: Arc<S>) -> Arc<Self> {
        Arc::new(Self {
            store,
            memory: MemoryRateLimits::new(),
        })
    }

    async fn hit(&self, key: &str, window: Duration, now: Timestamp) -> Result<Hit, StoreError> {
        let counters = self.store.rate_limit_store().unwrap_or(&self.memory);
        counters.hit(key, window, now).await
    }
}

/// Counts within a window, per key, and starts again once the window is over.
pub async fn rate_limits_count_in_windows<S: UserStore + ?Sized>(store: Arc<S>) {
    let limits = Counters::of(store);
    let window = Duration::from_secs(10);
    let key = format!("203.0.113.5|/sign-in/email|{}", UserId::generate());
    for expected in 1..=4 {
        let hit = limits.hit(&key, window, at(0)).await.expect("hit");
        assert_eq!((hit.count, hit.window_start), (expected, at(0)));
    }
    let later = limits.hit(&key, window, at(9_999)).await.expect("hit");
    assert_eq!((later.count, later.window_start), (5, at(0)));
    let other = limits
        .hit(&format!("{key}-other"), window, at(0))
        .await
        .expect("hit");
    assert_eq!(other.count, 1);
    let next = limits.hit(&key, window, at(10_000)).await.expect("hit");
    assert_eq!((next.count, next.window_start), (1, at(10_000)));
}

/// Concurrent hits on one key each get their own count: none is lost, none counted twice.
pub async fn concurrent_rate_limit_hits_each_count_once<S: UserStore + ?Sized>(store: Arc<S>) {
    let limits = Counters::of(store);
    let key = format!("user:{}|/change-password", UserId::generate());
    let hits = (0..40).map(|_| {
        let limits = Arc::clone(&limits);
        let key = key.clone();
        tokio::spawn(async move { limits.hit(&key, Duration::from_secs(60), at(0)).await })
    });
    let mut counts = Vec::new();
    for hit in hits {
        counts.push(hit.await.expect("join").expect("hit").count);
    }
    counts.sort_unstable();
    assert_eq!(counts, (1..=40).collect::<Vec<u64>>());
}

/// `create_user_with` writes the user, the credential, the session and the mail, or none of them.
pub async fn create_user_with_is_all_or_nothing<S: UserStore + ?Sized>(store: Arc<S>) {
    new_user(&*store, "alice@example.com").await;
    let second = user("alice@example.com");
    let s = session(&second, 0, 60_000);
    let m = mail("alice@example.com", MailKind::VerifyEmail, 0);
    let result = store
        .create_user_with(&second, &credential(&second, "h"), Some(&s), Some(&m))
        .await;
    assert!(
        matches!(result, Err(StoreError::EmailTaken)),
        "got {result:?}"
    );
    assert_eq!(
        store.find_user_by_id(&second.id).await.expect("lookup"),
        None
    );
    assert!(
        !has_session(&*store, &s).await,
        "no session for a refused sign-up"
    );
    assert_eq!(store.outbox_len().await.expect("len"), (0, 0), "no mail");

    let bob = user("bob@example.com");
    let s = session(&bob, 0, 60_000);
    let m = mail("bob@example.com", MailKind::VerifyEmail, 0);
    store
        .create_user_with(&bob, &credential(&bob, "h"), Some(&s), Some(&m))
        .await
        .expect("sign-up");
    let found = store
        .find_session(&s.token)
        .await
        .expect("lookup")
        .expect("session");
    assert_eq!(found.user, bob);
    assert_eq!(hash_of(&*store, &bob.id).await.as_deref(), Some("h"));
    assert_eq!(store.outbox_len().await.expect("len"), (1, 0));
    let claimed = store.claim_mail(at(1_000), LEASE, 10).await.expect("claim");
    assert_eq!(ids(&claimed), [m.id.as_str()]);
    assert_eq!(claimed[0].message, m.message);

    // Neither a session nor a mail: the user and the credential alone.
    let carol = user("carol@example.com");
    store
        .create_user_with(&carol, &credential(&carol, "h"), None, None)
        .await
        .expect("sign-up");
    assert!(hash_of(&*store, &carol.id).await.is_some());
    assert!(
        store
            .list_sessions(&carol.id, at(0))
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(store.outbox_len().await.expect("len"), (1, 0));

    // A session for someone else is refused before anything is written.
    let dave = user("dave@example.com");
    let foreign = session(&bob, 0, 60_000);
    let m = mail("dave@example.com", MailKind::VerifyEmail, 0);
    assert!(
        store
            .create_user_with(&dave, &credential(&dave, "h"), Some(&foreign), Some(&m))
            .await
            .is_err()
    );
    assert_eq!(store.find_user_by_id(&dave.id).await.expect("lookup"), None);
    assert!(!has_session(&*store, &foreign).await);
    assert_eq!(store.outbox_len().await.expect("len"), (1, 0));
}

/// `mark_email_verified` sets the flag and `updatedAt`, and nothing else.
pub async fn mark_email_verified_sets_the_flag<S: UserStore + ?Sized>(store: Arc<S>) {
    let u = new_user(&*store, "alice@example.com").await;
    assert!(!u.email_verified);
    let verified = store
        .mark_email_verified(&u.id, at(5_000))
        .await
        .expect("mark")
        .expect("user exists");
    let mut expected = u.clone();
    expected.email_verified = true;
    expected.updated_at = at(5_000);
    assert_eq!(verified, expected);
    assert_eq!(
        store.find_user_by_id(&u.id).await.expect("lookup"),
        Some(expected)
    );
    assert_eq!(
        store
            .mark_email_verified(&UserId::new("missing"), at(5_000))
            .await
            .expect("mark"),
        None
    );
}

/// `change_email` to a taken address is `EmailTaken` and writes nothing (no mail either); to a
/// free one it moves the user and commits the mail.
pub async fn change_email_refuses_a_taken_address_and_commits_its_mail<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let m = mail("bob@example.com", MailKind::ChangeEmailVerification, 0);
    let result = store
        .change_email(
            &alice.id,
            &email("bob@example.com"),
            true,
            at(5_000),
            Some(&m),
        )
        .await;
    assert!(
        matches!(result, Err(StoreError::EmailTaken)),
        "got {result:?}"
    );
    assert_eq!(
        store.find_user_by_id(&alice.id).await.expect("lookup"),
        Some(alice.clone())
    );
    assert_eq!(
        store.find_user_by_id(&bob.id).await.expect("lookup"),
        Some(bob.clone())
    );
    assert_eq!(store.outbox_len().await.expect("len"), (0, 0), "no mail");

    let m = mail(
        "alice.new@example.com",
        MailKind::ChangeEmailVerification,
        0,
    );
    let changed = store
        .change_email(
            &alice.id,
            &email("alice.new@example.com"),
            false,
            at(6_000),
            Some(&m),
        )
        .await
        .expect("change")
        .expect("user exists");
    let mut expected = alice.clone();
    expected.email = "alice.new@example.com".into();
    expected.updated_at = at(6_000);
    assert_eq!(changed, expected);
    assert_eq!(
        store
            .find_user_by_email(&email("alice.new@example.com"))
            .await
            .expect("lookup"),
        Some(expected)
    );
    assert_eq!(
        store
            .find_user_by_email(&email("alice@example.com"))
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(store.outbox_len().await.expect("len"), (1, 0));
    // The old address is free again.
    new_user(&*store, "alice@example.com").await;

    // Without a mail, and verified.
    let changed = store
        .change_email(
            &alice.id,
            &email("alice.third@example.com"),
            true,
            at(7_000),
            None,
        )
        .await
        .expect("change")
        .expect("user exists");
    assert!(changed.email_verified);
    assert_eq!(changed.email, "alice.third@example.com");
    assert_eq!(store.outbox_len().await.expect("len"), (1, 0));

    // No such user: nothing written, no mail.
    let m = mail("x@example.com", MailKind::ChangeEmailVerification, 0);
    assert_eq!(
        store
            .change_email(
                &UserId::new("missing"),
                &email("x@example.com"),
                false,
                at(8_000),
                Some(&m)
            )
            .await
            .expect("change"),
        None
    );
    assert_eq!(store.outbox_len().await.expect("len"), (1, 0));
}

/// `find_verification` answers the newest live row with the identifier.
pub async fn find_verification_skips_expired_and_returns_newest<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let older = new_verification(&*store, "reset-password:t", &alice.id, 0, 90_000).await;
    let newer = new_verification(&*store, "reset-password:t", &alice.id, 1_000, 60_000).await;
    let short = new_verification(&*store, "reset-password:t", &alice.id, 2_000, 5_000).await;
    new_verification(&*store, "reset-password:other", &alice.id, 3_000, 90_000).await;
    let find = |now: i64| {
        let store = Arc::clone(&store);
        async move {
            store
                .find_verification("reset-password:t", at(now))
                .await
                .expect("find")
        }
    };
    // Whole rows compared: every field reads back as written.
    assert_eq!(find(4_999).await, Some(short), "the newest");
    assert_eq!(find(5_000).await, Some(newer), "the newest unexpired");
    assert_eq!(find(60_000).await, Some(older), "the only one left");
    assert_eq!(find(90_000).await, None, "all expired");
    assert_eq!(
        store
            .find_verification("reset-password:missing", at(0))
            .await
            .expect("find"),
        None
    );
    assert!(
        is_live(&*store, "reset-password:t", 4_999).await,
        "finding takes nothing"
    );
}

/// A reset takes its row: the hash is replaced (in the same account) and the row works once.
pub async fn reset_password_consumes_its_row_once<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let s = session(&alice, 0, 600_000);
    store.create_session(&s).await.expect("session");
    let before = store
        .find_credential(&alice.id)
        .await
        .expect("lookup")
        .expect("account");
    new_verification(&*store, "reset-password:t1", &alice.id, 0, 60_000).await;
    let ended = store
        .reset_password(
            "reset-password:t1",
            &credential(&alice, "hash-new"),
            false,
            at(1_000),
        )
        .await
        .expect("reset");
    assert_eq!(ended, Some(Vec::new()));
    let after = store
        .find_credential(&alice.id)
        .await
        .expect("lookup")
        .expect("account");
    assert_eq!(after.id, before.id, "the same account row");
    assert_eq!(after.password_hash.as_deref(), Some("hash-new"));
    assert_eq!(after.updated_at, at(1_000));
    assert!(has_session(&*store, &s).await, "sessions stay unless asked");
    assert!(!is_live(&*store, "reset-password:t1", 1_000).await);
    let again = store
        .reset_password(
            "reset-password:t1",
            &credential(&alice, "hash-again"),
            true,
            at(2_000),
        )
        .await
        .expect("reset");
    assert_eq!(again, None, "a row works once");
    assert_eq!(
        hash_of(&*store, &alice.id).await.as_deref(),
        Some("hash-new")
    );
    assert!(has_session(&*store, &s).await);
}

/// A reset with another user's row, an expired row, a missing row or for a missing user is
/// `None`, writes nothing, and leaves the row usable by its owner.
pub async fn reset_password_refuses_foreign_expired_and_orphan_rows<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let s = session(&alice, 0, 600_000);
    store.create_session(&s).await.expect("session");
    new_verification(&*store, "reset-password:bob", &bob.id, 0, 60_000).await;
    new_verification(&*store, "reset-password:old", &alice.id, 0, 5_000).await;
    let attempt = |identifier: &'static str, owner: User, now: i64| {
        let store = Arc::clone(&store);
        async move {
            store
                .reset_password(identifier, &credential(&owner, "evil"), true, at(now))
                .await
                .expect("reset")
        }
    };
    assert_eq!(
        attempt("reset-password:bob", alice.clone(), 1_000).await,
        None
    );
    assert_eq!(
        attempt("reset-password:old", alice.clone(), 5_000).await,
        None
    );
    assert_eq!(
        attempt("reset-password:missing", alice.clone(), 1_000).await,
        None
    );
    assert_eq!(hash_of(&*store, &alice.id).await.as_deref(), Some("hash-1"));
    assert!(has_session(&*store, &s).await);
    // A row whose user is gone (rows have no foreign key) resets nothing and stays.
    let ghost = user("ghost@example.com");
    new_verification(&*store, "reset-password:ghost", &ghost.id, 0, 60_000).await;
    assert_eq!(
        attempt("reset-password:ghost", ghost.clone(), 1_000).await,
        None
    );
    assert!(is_live(&*store, "reset-password:ghost", 1_000).await);
    assert_eq!(
        store.find_user_by_id(&ghost.id).await.expect("lookup"),
        None
    );
    // Bob's row still works for Bob.
    assert!(is_live(&*store, "reset-password:bob", 1_000).await);
    assert_eq!(
        store
            .reset_password(
                "reset-password:bob",
                &credential(&bob, "hash-bob"),
                false,
                at(1_000)
            )
            .await
            .expect("reset"),
        Some(Vec::new())
    );
    assert_eq!(hash_of(&*store, &bob.id).await.as_deref(), Some("hash-bob"));
}

/// A reset deletes the user's other reset rows, and no other row.
pub async fn reset_password_deletes_only_the_users_reset_rows<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    new_verification(&*store, "reset-password:a1", &alice.id, 0, 60_000).await;
    new_verification(&*store, "reset-password:a2", &alice.id, 100, 60_000).await;
    new_verification(&*store, "delete-account-a3", &alice.id, 200, 60_000).await;
    new_verification(&*store, "reset-password:b1", &bob.id, 300, 60_000).await;
    assert!(
        store
            .reset_password(
                "reset-password:a1",
                &credential(&alice, "hash-new"),
                false,
                at(1_000)
            )
            .await
            .expect("reset")
            .is_some()
    );
    assert!(!is_live(&*store, "reset-password:a1", 1_000).await);
    assert!(
        !is_live(&*store, "reset-password:a2", 1_000).await,
        "the user's other reset link stops working"
    );
    assert!(is_live(&*store, "delete-account-a3", 1_000).await);
    assert!(is_live(&*store, "reset-password:b1", 1_000).await);
}

/// With `end_sessions`, a reset deletes all the user's sessions and returns their ids; without,
/// none.
pub async fn reset_password_ends_sessions_only_when_asked<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let mine: Vec<Session> = (0..3).map(|i| session(&alice, i, 600_000)).collect();
    let theirs = session(&bob, 0, 600_000);
    for s in mine.iter().chain([&theirs]) {
        store.create_session(s).await.expect("session");
    }
    new_verification(&*store, "reset-password:r1", &alice.id, 0, 60_000).await;
    let kept = store
        .reset_password(
            "reset-password:r1",
            &credential(&alice, "h2"),
            false,
            at(1_000),
        )
        .await
        .expect("reset");
    assert_eq!(kept, Some(Vec::new()));
    for s in &mine {
        assert!(has_session(&*store, s).await);
    }
    new_verification(&*store, "reset-password:r2", &alice.id, 2_000, 60_000).await;
    let ended = store
        .reset_password(
            "reset-password:r2",
            &credential(&alice, "h3"),
            true,
            at(3_000),
        )
        .await
        .expect("reset")
        .expect("row taken");
    assert_eq!(
        sorted(ended),
        sorted(mine.iter().map(|s| s.id.clone()).collect())
    );
    for s in &mine {
        assert!(!has_session(&*store, s).await);
    }
    assert!(has_session(&*store, &theirs).await);
    assert_eq!(hash_of(&*store, &alice.id).await.as_deref(), Some("h3"));
}

/// `delete_user` removes the user, their sessions (returning their ids), their credential and
/// their verification rows; other users keep theirs, and the email is free again.
pub async fn delete_user_removes_everything_of_theirs<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let mine: Vec<Session> = (0..2).map(|i| session(&alice, i, 600_000)).collect();
    let theirs = session(&bob, 0, 600_000);
    for s in mine.iter().chain([&theirs]) {
        store.create_session(s).await.expect("session");
    }
    new_verification(&*store, "reset-password:a", &alice.id, 0, 60_000).await;
    new_verification(&*store, "delete-account-a", &alice.id, 0, 60_000).await;
    new_verification(&*store, "reset-password:b", &bob.id, 0, 60_000).await;
    let ended = store
        .delete_user(&alice.id, None, at(1_000))
        .await
        .expect("delete")
        .expect("user existed");
    assert_eq!(
        sorted(ended),
        sorted(mine.iter().map(|s| s.id.clone()).collect())
    );
    assert_eq!(
        store.find_user_by_id(&alice.id).await.expect("lookup"),
        None
    );
    assert_eq!(
        store.find_credential(&alice.id).await.expect("lookup"),
        None
    );
    for s in &mine {
        assert!(!has_session(&*store, s).await);
    }
    assert!(!is_live(&*store, "reset-password:a", 1_000).await);
    assert!(!is_live(&*store, "delete-account-a", 1_000).await);
    assert!(has_session(&*store, &theirs).await);
    assert!(is_live(&*store, "reset-password:b", 1_000).await);
    assert_eq!(hash_of(&*store, &bob.id).await.as_deref(), Some("hash-1"));
    // The address can sign up again.
    new_user(&*store, "alice@example.com").await;
    assert_eq!(
        store
            .delete_user(&alice.id, None, at(2_000))
            .await
            .expect("delete"),
        None,
        "gone already"
    );
}

/// With a token, `delete_user` needs that row to be the user's and live; a refused attempt
/// leaves the row usable by its owner.
pub async fn delete_user_with_a_token_needs_the_users_live_row<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let s = session(&alice, 0, 600_000);
    store.create_session(&s).await.expect("session");
    new_verification(&*store, "delete-account-bob", &bob.id, 0, 60_000).await;
    new_verification(&*store, "delete-account-old", &alice.id, 0, 5_000).await;
    for (token, now) in [
        ("delete-account-bob", 1_000),
        ("delete-account-old", 5_000),
        ("delete-account-missing", 1_000),
    ] {
        assert_eq!(
            store
                .delete_user(&alice.id, Some(token), at(now))
                .await
                .expect("delete"),
            None,
            "{token}"
        );
    }
    assert_eq!(
        store.find_user_by_id(&alice.id).await.expect("lookup"),
        Some(alice.clone())
    );
    assert!(has_session(&*store, &s).await);
    assert!(hash_of(&*store, &alice.id).await.is_some());
    assert!(is_live(&*store, "delete-account-bob", 1_000).await);
    // Bob's row deletes Bob.
    assert_eq!(
        store
            .delete_user(&bob.id, Some("delete-account-bob"), at(1_000))
            .await
            .expect("delete"),
        Some(Vec::new())
    );
    assert_eq!(store.find_user_by_id(&bob.id).await.expect("lookup"), None);
    // And Alice's own live row deletes Alice.
    new_verification(&*store, "delete-account-alice", &alice.id, 0, 60_000).await;
    assert_eq!(
        store
            .delete_user(&alice.id, Some("delete-account-alice"), at(1_000))
            .await
            .expect("delete"),
        Some(vec![s.id.clone()])
    );
    assert_eq!(
        store.find_user_by_id(&alice.id).await.expect("lookup"),
        None
    );
    assert!(!is_live(&*store, "delete-account-alice", 1_000).await);
    assert_eq!(
        store
            .delete_user(&UserId::new("missing"), None, at(0))
            .await
            .expect("delete"),
        None
    );
}

/// `delete_expired_verifications` deletes exactly the expired rows.
pub async fn delete_expired_verifications_removes_only_expired<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    new_verification(&*store, "reset-password:live", &alice.id, 0, 90_000).await;
    new_verification(&*store, "reset-password:dead", &alice.id, 0, 5_000).await;
    new_verification(&*store, "delete-account-just", &alice.id, 0, 10_000).await;
    assert_eq!(
        store
            .delete_expired_verifications(at(10_000))
            .await
            .expect("sweep"),
        2
    );
    assert!(is_live(&*store, "reset-password:live", 0).await);
    assert!(!is_live(&*store, "reset-password:dead", 0).await);
    assert!(!is_live(&*store, "delete-account-just", 0).await);
}

/// A claimed mail reads back as it was queued, and no claim gets it again before its lease
/// ends; after, the next one does (another attempt, another token).
pub async fn claimed_mail_is_leased_and_round_trips<S: UserStore + ?Sized>(store: Arc<S>) {
    let kinds = [
        MailKind::VerifyEmail,
        MailKind::ChangeEmailConfirmation,
        MailKind::ChangeEmailVerification,
        MailKind::ResetPassword,
        MailKind::DeleteAccount,
    ];
    let queued: Vec<OutboundMail> = kinds
        .iter()
        .zip(0..)
        .map(|(kind, i)| mail(&format!("user{i}@example.com"), *kind, i))
        .collect();
    for m in &queued {
        store.enqueue_mail(m).await.expect("enqueue");
    }
    assert_eq!(store.outbox_len().await.expect("len"), (5, 0));
    assert!(
        store
            .claim_mail(at(1_000), LEASE, 0)
            .await
            .expect("claim")
            .is_empty()
    );
    let first = store.claim_mail(at(1_000), LEASE, 2).await.expect("claim");
    let rest = store.claim_mail(at(2_000), LEASE, 10).await.expect("claim");
    let claimed: Vec<&QueuedMail> = first.iter().chain(&rest).collect();
    assert_eq!(claimed.len(), 5, "oldest first, each once");
    for (got, sent) in claimed.iter().zip(&queued) {
        assert_eq!(got.claim.mail_id, sent.id);
        assert_eq!(got.message, sent.message);
        assert_eq!(got.created_at, sent.created_at);
        assert_eq!(got.attempts, 1);
    }
    for now in [3_000, 60_999] {
        assert!(
            store
                .claim_mail(at(now), LEASE, 10)
                .await
                .expect("claim")
                .is_empty(),
            "all held at {now}"
        );
    }
    let again = store
        .claim_mail(at(61_000), LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(
        ids(&again),
        ids(&first),
        "the first lease ran out, not the second"
    );
    for (got, before) in again.iter().zip(&first) {
        assert_eq!(got.attempts, 2);
        assert_ne!(got.claim.token, before.claim.token, "a new claim");
    }
    assert_eq!(store.outbox_len().await.expect("len"), (5, 0));
}

/// Claimers racing over one outbox never get the same mail: 8 of them over 50 mails claim each
/// exactly once.
pub async fn concurrent_claims_never_share_a_mail<S: UserStore + ?Sized>(store: Arc<S>) {
    let mut queued = Vec::new();
    for i in 0..50 {
        let m = mail(&format!("user{i}@example.com"), MailKind::VerifyEmail, i);
        store.enqueue_mail(&m).await.expect("enqueue");
        queued.push(m.id);
    }
    let claimers: Vec<_> = (0..8)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut got = Vec::new();
                loop {
                    let batch = store.claim_mail(at(10_000), LEASE, 3).await.expect("claim");
                    if batch.is_empty() {
                        return got;
                    }
                    got.extend(batch);
                }
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for claimer in claimers {
        claimed.extend(claimer.await.expect("claimer ran"));
    }
    assert!(claimed.iter().all(|m| m.attempts == 1), "claimed once each");
    let tokens: std::collections::HashSet<&str> =
        claimed.iter().map(|m| m.claim.token.as_str()).collect();
    assert_eq!(tokens.len(), claimed.len(), "every claim has its own token");
    let claimed: Vec<String> = claimed.into_iter().map(|m| m.claim.mail_id).collect();
    assert_eq!(sorted(claimed), sorted(queued), "each mail exactly once");
}

/// Only the current claim completes a delivery: a made-up one, one used already, or one whose
/// lease ran out and another worker took the mail, are `false` and change nothing.
pub async fn finish_mail_needs_the_current_claim<S: UserStore + ?Sized>(store: Arc<S>) {
    let queued: Vec<OutboundMail> = (0..3)
        .map(|i| mail("alice@example.com", MailKind::VerifyEmail, i))
        .collect();
    for m in &queued {
        store.enqueue_mail(m).await.expect("enqueue");
    }
    let claimed = store.claim_mail(at(1_000), LEASE, 10).await.expect("claim");
    assert_eq!(claimed.len(), 3);
    let made_up = MailClaim::with_token(queued[0].id.clone(), "not-the-claim");
    assert!(
        !store
            .finish_mail(&made_up, &Delivery::Sent)
            .await
            .expect("finish")
    );
    assert_eq!(store.outbox_len().await.expect("len"), (3, 0));
    assert!(
        store
            .finish_mail(&claimed[0].claim, &Delivery::Sent)
            .await
            .expect("finish")
    );
    assert_eq!(
        store.outbox_len().await.expect("len"),
        (2, 0),
        "sent mail leaves"
    );
    assert!(
        !store
            .finish_mail(&claimed[0].claim, &Delivery::Sent)
            .await
            .expect("finish"),
        "used already"
    );
    // The leases run out; another worker takes the mails.
    let retaken = store
        .claim_mail(at(61_000), LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(
        ids(&retaken),
        [queued[1].id.as_str(), queued[2].id.as_str()]
    );
    let failed = Delivery::Failed {
        at: Timestamp::now(),
        error: "stale".into(),
    };
    for stale in &claimed[1..] {
        assert!(
            !store
                .finish_mail(&stale.claim, &Delivery::Sent)
                .await
                .expect("finish")
        );
        assert!(
            !store
                .finish_mail(&stale.claim, &failed)
                .await
                .expect("finish")
        );
    }
    assert_eq!(store.outbox_len().await.expect("len"), (2, 0));
    assert!(
        store
            .finish_mail(&retaken[0].claim, &Delivery::Sent)
            .await
            .expect("finish")
    );
    assert_eq!(store.outbox_len().await.expect("len"), (1, 0));
}

/// A retried mail is released at once but due only at its time, and its old claim is void.
pub async fn retried_mail_is_due_again_at_its_time<S: UserStore + ?Sized>(store: Arc<S>) {
    let m = mail("alice@example.com", MailKind::ResetPassword, 0);
    store.enqueue_mail(&m).await.expect("enqueue");
    let first = store.claim_mail(at(1_000), LEASE, 10).await.expect("claim");
    assert_eq!(ids(&first), [m.id.as_str()]);
    let retry = Delivery::Retry {
        at: at(30_000),
        error: "421 try again later".into(),
    };
    assert!(
        store
            .finish_mail(&first[0].claim, &retry)
            .await
            .expect("finish")
    );
    assert!(
        store
            .claim_mail(at(29_999), LEASE, 10)
            .await
            .expect("claim")
            .is_empty(),
        "not due yet"
    );
    let second = store
        .claim_mail(at(30_000), LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(ids(&second), [m.id.as_str()]);
    assert_eq!(second[0].attempts, 2);
    assert_eq!(second[0].message, m.message);
    assert!(
        !store
            .finish_mail(&first[0].claim, &Delivery::Sent)
            .await
            .expect("finish"),
        "the old claim is void"
    );
    assert_eq!(store.outbox_len().await.expect("len"), (1, 0));
    assert!(
        store
            .finish_mail(&second[0].claim, &Delivery::Sent)
            .await
            .expect("finish")
    );
    assert_eq!(store.outbox_len().await.expect("len"), (0, 0));
}

/// A failed mail stays in the outbox, counted as failed, and no claim ever gets it again.
pub async fn failed_mail_stays_out_of_claims_and_is_counted<S: UserStore + ?Sized>(store: Arc<S>) {
    let doomed = mail("nobody@example.com", MailKind::VerifyEmail, 0);
    let fine = mail("alice@example.com", MailKind::VerifyEmail, 1);
    for m in [&doomed, &fine] {
        store.enqueue_mail(m).await.expect("enqueue");
    }
    let claimed = store.claim_mail(at(1_000), LEASE, 10).await.expect("claim");
    assert_eq!(ids(&claimed), [doomed.id.as_str(), fine.id.as_str()]);
    let failed = Delivery::Failed {
        at: Timestamp::now(),
        error: "550 no such user".into(),
    };
    assert!(
        store
            .finish_mail(&claimed[0].claim, &failed)
            .await
            .expect("finish")
    );
    assert_eq!(store.outbox_len().await.expect("len"), (2, 1));
    let later = store
        .claim_mail(at(10_000_000), LEASE, 10)
        .await
        .expect("claim");
    assert_eq!(
        ids(&later),
        [fine.id.as_str()],
        "the failed one never again"
    );
    assert!(
        !store
            .finish_mail(&claimed[0].claim, &Delivery::Sent)
            .await
            .expect("finish"),
        "its claim ended with the failure"
    );
    assert_eq!(store.outbox_len().await.expect("len"), (2, 1));
}

/// An account of `provider` for `user`, created at `created`, with every token and time set.
fn provider_account(user: &User, provider: &str, account_id: &str, created: i64) -> Account {
    let mut account = Account::new(user.id.clone(), provider, account_id, at(created));
    account.access_token = Some(format!("{provider}-access-{account_id}"));
    account.refresh_token = Some(format!("{provider}-refresh-{account_id}"));
    account.id_token = Some(format!("eyJhbGciOiJSUzI1NiJ9.{account_id}.sig"));
    account.access_token_expires_at = Some(at(created + 3_600_000));
    account.refresh_token_expires_at = Some(at(created) + Duration::from_millis(86_400_001));
    account.scope = Some("read:user,user:email".into());
    account
}

/// The user's credential account as `list_accounts` shows it: provider `credential`, the user
/// id as its account id, no tokens.
async fn credential_listed<S: UserStore + ?Sized>(store: &S, user: &User) -> Account {
    let c = store
        .find_credential(&user.id)
        .await
        .expect("lookup")
        .expect("credential");
    let mut account = Account::new(
        user.id.clone(),
        "credential",
        user.id.as_str(),
        c.created_at,
    );
    account.id = c.id;
    account.updated_at = c.updated_at;
    account
}

async fn link<S: UserStore + ?Sized>(store: &S, account: &Account) -> bool {
    store.link_account(account).await.expect("link")
}

async fn accounts_of<S: UserStore + ?Sized>(store: &S, user: &UserId) -> Vec<Account> {
    store.list_accounts(user).await.expect("list accounts")
}

async fn find_account<S: UserStore + ?Sized>(
    store: &S,
    provider: &str,
    account_id: &str,
) -> Option<Account> {
    store
        .find_account(provider, account_id)
        .await
        .expect("find account")
}

async fn unlink<S: UserStore + ?Sized>(store: &S, user: &UserId, id: &AccountId) -> Unlinked {
    store.unlink_account(user, id).await.expect("unlink")
}

/// A social sign-up writes the user, the provider account (every token and time as given) and
/// the first session; the user has no credential account.
pub async fn social_sign_up_creates_user_account_and_session<S: UserStore + ?Sized>(store: Arc<S>) {
    let mut u = user("alice@example.com");
    u.email_verified = true;
    u.image = Some("https://avatars.example/1001".into());
    let account = provider_account(&u, "github", "1001", 1);
    let s = session(&u, 1, 600_000);
    store
        .create_social_user(&u, &account, &s)
        .await
        .expect("social sign-up");
    assert_eq!(
        store.find_user_by_id(&u.id).await.expect("lookup"),
        Some(u.clone())
    );
    let found = store
        .find_session(&s.token)
        .await
        .expect("lookup")
        .expect("session");
    assert_eq!(found.session, s);
    assert_eq!(found.user, u);
    assert_eq!(
        find_account(&*store, "github", "1001").await,
        Some(account.clone())
    );
    assert_eq!(accounts_of(&*store, &u.id).await, vec![account]);
    assert_eq!(store.find_credential(&u.id).await.expect("lookup"), None);
    let with = store
        .find_user_with_credential(&email("alice@example.com"))
        .await
        .expect("lookup")
        .expect("user");
    assert_eq!(with.user, u);
    assert_eq!(with.credential, None, "no password to sign in with");
}

/// A social sign-up with a taken email is `EmailTaken`; one whose account or session is for
/// another user is refused. Either way no user, account or session is left behind.
pub async fn social_sign_up_that_fails_writes_nothing<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let alice_credential = credential_listed(&*store, &alice).await;
    let second = user("alice@example.com");
    let account = provider_account(&second, "github", "1001", 10);
    let s = session(&second, 10, 600_000);
    let result = store.create_social_user(&second, &account, &s).await;
    assert!(
        matches!(result, Err(StoreError::EmailTaken)),
        "got {result:?}"
    );
    assert_eq!(
        store.find_user_by_id(&second.id).await.expect("lookup"),
        None
    );
    assert_eq!(find_account(&*store, "github", "1001").await, None);
    assert!(accounts_of(&*store, &second.id).await.is_empty());
    assert!(!has_session(&*store, &s).await);
    assert_eq!(
        accounts_of(&*store, &alice.id).await,
        vec![alice_credential.clone()],
        "the owner of the address keeps what they had"
    );

    let carol = user("carol@example.com");
    let own_session = session(&carol, 10, 600_000);
    let foreign_account = provider_account(&alice, "github", "2002", 10);
    let foreign_session = session(&alice, 10, 600_000);
    let own_account = provider_account(&carol, "github", "2002", 10);
    for (account, s) in [
        (&foreign_account, &own_session),
        (&own_account, &foreign_session),
    ] {
        assert!(
            store.create_social_user(&carol, account, s).await.is_err(),
            "an account or session of another user"
        );
        assert_eq!(
            store.find_user_by_id(&carol.id).await.expect("lookup"),
            None
        );
        assert_eq!(find_account(&*store, "github", "2002").await, None);
        assert!(!has_session(&*store, s).await);
    }
    assert_eq!(
        accounts_of(&*store, &alice.id).await,
        vec![alice_credential]
    );
    assert!(
        store
            .list_sessions(&alice.id, at(0))
            .await
            .expect("list")
            .is_empty()
    );
}

/// `find_account` finds any provider's account (the credential one too) by the provider's
/// account id, the oldest when several hold it; `list_accounts` gives all the user's accounts,
/// the credential one included, oldest first.
pub async fn accounts_are_found_by_provider_and_listed_oldest_first<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let google = provider_account(&alice, "google", "g-1", 2_000);
    let github = provider_account(&alice, "github", "1001", 1_000);
    let mut bare = Account::new(bob.id.clone(), "github", "1002", at(3_000));
    bare.updated_at = at(4_000);
    for account in [&google, &github, &bare] {
        assert!(link(&*store, account).await);
    }
    let alice_credential = credential_listed(&*store, &alice).await;
    assert_eq!(
        accounts_of(&*store, &alice.id).await,
        vec![alice_credential.clone(), github.clone(), google.clone()]
    );
    assert_eq!(
        accounts_of(&*store, &bob.id).await,
        vec![credential_listed(&*store, &bob).await, bare.clone()]
    );
    assert_eq!(find_account(&*store, "github", "1001").await, Some(github));
    assert_eq!(find_account(&*store, "google", "g-1").await, Some(google));
    assert_eq!(
        find_account(&*store, "github", "1002").await,
        Some(bare),
        "no tokens stay no tokens"
    );
    assert_eq!(find_account(&*store, "github", "g-1").await, None);
    assert_eq!(find_account(&*store, "google", "1001").await, None);
    assert_eq!(
        find_account(&*store, "credential", alice.id.as_str()).await,
        Some(alice_credential)
    );
    assert!(
        accounts_of(&*store, &UserId::new("missing"))
            .await
            .is_empty()
    );

    // Two users holding one provider account (a database Better Auth wrote may): the oldest
    // row answers, whichever was written first.
    let carol = user("carol@example.com");
    let newer = provider_account(&carol, "github", "shared", 6_000);
    store
        .create_social_user(&carol, &newer, &session(&carol, 6_000, 600_000))
        .await
        .expect("social sign-up");
    let dave = user("dave@example.com");
    let older = provider_account(&dave, "github", "shared", 5_000);
    store
        .create_social_user(&dave, &older, &session(&dave, 5_000, 600_000))
        .await
        .expect("social sign-up");
    assert_eq!(find_account(&*store, "github", "shared").await, Some(older));
}

/// `link_account` links a provider account once: linked already (to the same user or another)
/// is `false` and writes nothing; another account of the same provider, or the same id at
/// another provider, links; an account of a user who does not exist is an error.
pub async fn link_account_refuses_a_provider_account_linked_already<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let github = provider_account(&alice, "github", "1001", 1_000);
    assert!(link(&*store, &github).await);
    assert!(
        !link(&*store, &provider_account(&alice, "github", "1001", 2_000)).await,
        "linked to her already"
    );
    assert!(
        !link(&*store, &provider_account(&bob, "github", "1001", 2_000)).await,
        "linked to someone else"
    );
    assert_eq!(
        find_account(&*store, "github", "1001").await,
        Some(github.clone())
    );
    let alice_credential = credential_listed(&*store, &alice).await;
    let bob_credential = credential_listed(&*store, &bob).await;
    assert_eq!(
        accounts_of(&*store, &alice.id).await,
        vec![alice_credential.clone(), github.clone()]
    );
    assert_eq!(
        accounts_of(&*store, &bob.id).await,
        vec![bob_credential.clone()]
    );
    let second_github = provider_account(&alice, "github", "1002", 3_000);
    assert!(
        link(&*store, &second_github).await,
        "a user may hold several accounts of one provider"
    );
    let gitlab = provider_account(&bob, "gitlab", "1001", 3_000);
    assert!(
        link(&*store, &gitlab).await,
        "the same id at another provider"
    );
    assert_eq!(
        accounts_of(&*store, &alice.id).await,
        vec![alice_credential, github, second_github]
    );
    assert_eq!(
        accounts_of(&*store, &bob.id).await,
        vec![bob_credential, gitlab]
    );
    // As the foreign key does in SQL stores.
    let ghost = user("ghost@example.com");
    assert!(
        store
            .link_account(&provider_account(&ghost, "github", "2001", 0))
            .await
            .is_err(),
        "no such user"
    );
    assert_eq!(find_account(&*store, "github", "2001").await, None);
}

/// 8 concurrent links of one provider account (to two users), released at once: exactly one
/// succeeds (several rounds, to give the race a chance).
pub async fn concurrent_links_of_one_provider_account_make_one<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    for round in 0..4 {
        let race_id = format!("race-{round}");
        let attempts: Vec<Account> = (0..8)
            .map(|i| {
                let owner = if i % 2 == 0 { &alice } else { &bob };
                provider_account(owner, "github", &race_id, i)
            })
            .collect();
        let start = Arc::new(tokio::sync::Barrier::new(attempts.len()));
        let tasks: Vec<_> = attempts
            .iter()
            .map(|account| {
                let store = Arc::clone(&store);
                let account = account.clone();
                let start = Arc::clone(&start);
                tokio::spawn(async move {
                    start.wait().await;
                    store.link_account(&account).await
                })
            })
            .collect();
        let mut linked = Vec::new();
        for (task, account) in tasks.into_iter().zip(&attempts) {
            if task.await.expect("join").expect("link") {
                linked.push(account.clone());
            }
        }
        assert_eq!(linked.len(), 1, "round {round}: exactly one link succeeds");
        assert_eq!(
            find_account(&*store, "github", &race_id).await,
            Some(linked[0].clone())
        );
        let mut rows = 0;
        for owner in [&alice, &bob] {
            rows += accounts_of(&*store, &owner.id)
                .await
                .iter()
                .filter(|a| a.account_id == race_id)
                .count();
        }
        assert_eq!(rows, 1, "round {round}: one row for the provider account");
    }
}

/// `update_account` stores the tokens, their expiry times, the scope and `updated_at` of the
/// row with the account's id, and nothing else of it; a row that is gone is `false` (and is not
/// written again).
pub async fn update_account_stores_the_tokens_and_nothing_else<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let github = provider_account(&alice, "github", "1001", 1_000);
    let other = provider_account(&alice, "google", "g-1", 1_500);
    assert!(link(&*store, &github).await);
    assert!(link(&*store, &other).await);

    let mut update = github.clone();
    update.access_token = Some("gho_new".into());
    update.refresh_token = None;
    update.id_token = Some("eyJ.new.sig".into());
    update.access_token_expires_at = Some(at(9_000_000));
    update.refresh_token_expires_at = None;
    update.scope = Some("read:user".into());
    update.updated_at = at(5_000);
    // Not stored by an update: the row's owner, provider, provider id and creation.
    update.user_id = bob.id.clone();
    update.provider_id = "gitlab".into();
    update.account_id = "9999".into();
    update.created_at = at(4_000);
    assert!(store.update_account(&update).await.expect("update"));

    let mut expected = github.clone();
    expected.access_token = Some("gho_new".into());
    expected.refresh_token = None;
    expected.id_token = Some("eyJ.new.sig".into());
    expected.access_token_expires_at = Some(at(9_000_000));
    expected.refresh_token_expires_at = None;
    expected.scope = Some("read:user".into());
    expected.updated_at = at(5_000);
    assert_eq!(
        find_account(&*store, "github", "1001").await,
        Some(expected.clone())
    );
    assert_eq!(find_account(&*store, "gitlab", "9999").await, None);
    assert_eq!(
        accounts_of(&*store, &alice.id).await,
        vec![credential_listed(&*store, &alice).await, expected, other],
        "the user's other accounts are untouched"
    );
    assert_eq!(accounts_of(&*store, &bob.id).await.len(), 1);

    let never_linked = provider_account(&alice, "github", "2002", 0);
    assert!(
        !store.update_account(&never_linked).await.expect("update"),
        "no such row"
    );
    assert_eq!(find_account(&*store, "github", "2002").await, None);
}

/// `unlink_account` deletes one of the user's accounts, the credential one included, but never
/// their last; an id that is not one of the user's accounts (another user's, or none) is
/// `NotFound`.
pub async fn unlink_account_keeps_the_last_account<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let alice_credential = credential_listed(&*store, &alice).await;
    let bob_credential = credential_listed(&*store, &bob).await;
    let github = provider_account(&alice, "github", "1001", 1_000);
    let bob_github = provider_account(&bob, "github", "1002", 1_000);
    assert!(link(&*store, &github).await);
    assert!(link(&*store, &bob_github).await);

    for (user, id) in [
        (&alice.id, &bob_github.id),
        (&alice.id, &bob_credential.id),
        (&alice.id, &AccountId::new("missing")),
        (&UserId::new("missing"), &github.id),
    ] {
        assert_eq!(
            unlink(&*store, user, id).await,
            Unlinked::NotFound,
            "{id:?}"
        );
    }
    assert_eq!(
        accounts_of(&*store, &alice.id).await,
        vec![alice_credential.clone(), github.clone()]
    );

    assert_eq!(
        unlink(&*store, &alice.id, &github.id).await,
        Unlinked::Unlinked
    );
    assert_eq!(find_account(&*store, "github", "1001").await, None);
    assert_eq!(
        unlink(&*store, &alice.id, &github.id).await,
        Unlinked::NotFound,
        "gone already"
    );
    assert_eq!(
        unlink(&*store, &alice.id, &alice_credential.id).await,
        Unlinked::LastAccount
    );
    assert!(hash_of(&*store, &alice.id).await.is_some());

    // With a provider account linked, the password can go.
    let google = provider_account(&alice, "google", "g-1", 2_000);
    assert!(link(&*store, &google).await);
    assert_eq!(
        unlink(&*store, &alice.id, &alice_credential.id).await,
        Unlinked::Unlinked
    );
    assert_eq!(
        store.find_credential(&alice.id).await.expect("lookup"),
        None
    );
    assert_eq!(accounts_of(&*store, &alice.id).await, vec![google.clone()]);
    assert_eq!(
        unlink(&*store, &alice.id, &google.id).await,
        Unlinked::LastAccount
    );
    assert_eq!(accounts_of(&*store, &alice.id).await, vec![google]);

    assert_eq!(
        accounts_of(&*store, &bob.id).await,
        vec![bob_credential, bob_github],
        "another user's accounts are untouched"
    );

    // A user who signed up through a provider keeps that account.
    let carol = user("carol@example.com");
    let carols = provider_account(&carol, "github", "3001", 0);
    store
        .create_social_user(&carol, &carols, &session(&carol, 0, 600_000))
        .await
        .expect("social sign-up");
    assert_eq!(
        unlink(&*store, &carol.id, &carols.id).await,
        Unlinked::LastAccount
    );
}

/// Two concurrent unlinks of a user's last two accounts, released at once: one succeeds, the
/// other is `LastAccount`, and one account remains (several rounds, to give the race a chance).
pub async fn concurrent_unlinks_never_remove_the_last_account<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    for round in 0..6 {
        let u = new_user(&*store, &format!("user{round}@example.com")).await;
        let password = credential_listed(&*store, &u).await;
        let github = provider_account(&u, "github", &format!("{round}"), 1_000);
        assert!(link(&*store, &github).await);
        let start = Arc::new(tokio::sync::Barrier::new(2));
        let tasks: Vec<_> = [password.id, github.id]
            .into_iter()
            .map(|id| {
                let store = Arc::clone(&store);
                let user = u.id.clone();
                let start = Arc::clone(&start);
                tokio::spawn(async move {
                    start.wait().await;
                    store.unlink_account(&user, &id).await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("join").expect("unlink"));
        }
        let unlinked = outcomes
            .iter()
            .filter(|o| **o == Unlinked::Unlinked)
            .count();
        let kept = outcomes
            .iter()
            .filter(|o| **o == Unlinked::LastAccount)
            .count();
        assert_eq!((unlinked, kept), (1, 1), "round {round}: {outcomes:?}");
        assert_eq!(accounts_of(&*store, &u.id).await.len(), 1, "round {round}");
    }
}

/// A verification row without mail (a social sign-in's state) reads back as written, commits
/// no mail, and is consumed by its id once.
pub async fn verification_rows_without_mail_are_consumed_once<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let state = Verification::with_value(
        "auth-state:abc".into(),
        r#"{"callbackURL":"/dashboard","codeVerifier":"v3ri","expiresAt":1795608600000}"#.into(),
        at(0),
        at(600_000),
    );
    let other =
        Verification::with_value("auth-state:other".into(), "{}".into(), at(0), at(600_000));
    for v in [&state, &other] {
        store.insert_verification(v).await.expect("insert");
    }
    assert_eq!(store.outbox_len().await.expect("len"), (0, 0), "no mail");
    assert_eq!(
        store
            .find_verification("auth-state:abc", at(1_000))
            .await
            .expect("find"),
        Some(state.clone())
    );
    assert!(
        store
            .consume_verification(&state.id)
            .await
            .expect("consume")
    );
    assert!(!is_live(&*store, "auth-state:abc", 1_000).await);
    assert!(
        !store
            .consume_verification(&state.id)
            .await
            .expect("consume"),
        "used once"
    );
    assert!(
        !store
            .consume_verification("missing")
            .await
            .expect("consume")
    );
    assert!(
        is_live(&*store, "auth-state:other", 1_000).await,
        "other rows stay"
    );
}

/// 8 concurrent consumes of one row, released at once: exactly one takes it.
pub async fn concurrent_consumes_take_a_row_once<S: UserStore + ?Sized>(store: Arc<S>) {
    let state = Verification::with_value("auth-state:race".into(), "{}".into(), at(0), at(600_000));
    store.insert_verification(&state).await.expect("insert");
    let start = Arc::new(tokio::sync::Barrier::new(8));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = Arc::clone(&store);
            let id = state.id.clone();
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                start.wait().await;
                store.consume_verification(&id).await
            })
        })
        .collect();
    let mut taken = 0;
    for task in tasks {
        if task.await.expect("join").expect("consume") {
            taken += 1;
        }
    }
    assert_eq!(taken, 1, "exactly one consume takes the row");
    assert!(!is_live(&*store, "auth-state:race", 1_000).await);
}

/// `delete_user` deletes the user's accounts of every provider, and only theirs; a deleted
/// user's provider account can be linked again.
pub async fn delete_user_removes_their_provider_accounts<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    for account in [
        provider_account(&alice, "github", "1001", 1_000),
        provider_account(&alice, "google", "g-1", 1_000),
        provider_account(&bob, "github", "1002", 1_000),
    ] {
        assert!(link(&*store, &account).await);
    }
    let carol = user("carol@example.com");
    let carols = provider_account(&carol, "github", "3001", 0);
    let carols_session = session(&carol, 0, 600_000);
    store
        .create_social_user(&carol, &carols, &carols_session)
        .await
        .expect("social sign-up");

    assert_eq!(
        store
            .delete_user(&alice.id, None, at(2_000))
            .await
            .expect("delete"),
        Some(Vec::new())
    );
    assert_eq!(find_account(&*store, "github", "1001").await, None);
    assert_eq!(find_account(&*store, "google", "g-1").await, None);
    assert!(accounts_of(&*store, &alice.id).await.is_empty());
    assert_eq!(
        store
            .delete_user(&carol.id, None, at(2_000))
            .await
            .expect("delete"),
        Some(vec![carols_session.id.clone()])
    );
    assert_eq!(find_account(&*store, "github", "3001").await, None);
    assert!(accounts_of(&*store, &carol.id).await.is_empty());
    assert_eq!(
        accounts_of(&*store, &bob.id).await.len(),
        2,
        "another user's accounts stay"
    );
    assert!(find_account(&*store, "github", "1002").await.is_some());
    assert!(
        link(&*store, &provider_account(&bob, "github", "1001", 3_000)).await,
        "free again"
    );
}

/// A two-factor row for `user` as `enable` makes it; `tag` marks its secret and codes.
fn two_factor_row(user: &User, tag: &str) -> TwoFactor {
    TwoFactor::new(
        user.id.clone(),
        format!("secret-{tag}"),
        format!("codes-{tag}"),
    )
}

async fn two_factor_of<S: UserStore + ?Sized>(store: &S, user: &UserId) -> TwoFactorState {
    store.find_two_factor(user).await.expect("find two-factor")
}

/// The row `find_two_factor` gives the user; panics when there is none.
async fn two_factor_row_of<S: UserStore + ?Sized>(store: &S, user: &UserId) -> TwoFactor {
    two_factor_of(store, user)
        .await
        .row
        .expect("the user has a two-factor row")
}

/// Puts a row for `user` and turns two-factor on with TOTP step 100.
async fn enabled_two_factor<S: UserStore + ?Sized>(store: &S, user: &User, tag: &str) -> TwoFactor {
    let row = two_factor_row(user, tag);
    assert!(store.put_two_factor(&row).await.expect("put"));
    assert!(
        store
            .enable_two_factor(&user.id, &row.id, 100, at(1_000))
            .await
            .expect("enable")
    );
    two_factor_row_of(store, &user.id).await
}

const LOCK_FOR: Duration = Duration::from_secs(900);

/// A user without two-factor, and a user that does not exist, have it off and no row.
pub async fn two_factor_is_off_for_a_user_without_it<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    assert_eq!(
        two_factor_of(&*store, &alice.id).await,
        TwoFactorState::default()
    );
    assert_eq!(
        two_factor_of(&*store, &UserId::new("no-such-user")).await,
        TwoFactorState::default()
    );
}

/// `put_two_factor` inserts the row; while it is unverified another put replaces it in place
/// (same id, new secret and codes, failures, lock and counter reset); once verified it is
/// refused and nothing changes. A user that does not exist is an error.
pub async fn put_two_factor_inserts_then_replaces_while_unverified<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let first = two_factor_row(&alice, "1");
    assert!(store.put_two_factor(&first).await.expect("put"));
    let state = two_factor_of(&*store, &alice.id).await;
    assert!(!state.enabled);
    assert_eq!(state.row, Some(first.clone()));

    // Dirty the row: a failure with a lock, and a counter.
    store
        .record_two_factor_failure(&first.id, at(1_000), 1, LOCK_FOR)
        .await
        .expect("failure");
    assert!(store.use_totp_counter(&first.id, 5).await.expect("counter"));

    let second = two_factor_row(&alice, "2");
    assert!(store.put_two_factor(&second).await.expect("put again"));
    let row = two_factor_row_of(&*store, &alice.id).await;
    assert_eq!(row.id, first.id, "replaced in place");
    assert_eq!(row.user_id, alice.id);
    assert_eq!(row.secret, second.secret);
    assert_eq!(row.backup_codes, second.backup_codes);
    assert_eq!(row.verified, Some(false));
    assert_eq!(row.failed_verification_count, Some(0));
    assert_eq!(row.locked_until, None);
    assert_eq!(row.last_used_counter, None);

    assert!(
        store
            .enable_two_factor(&alice.id, &row.id, 7, at(2_000))
            .await
            .expect("enable")
    );
    let verified = two_factor_row_of(&*store, &alice.id).await;
    assert!(
        !store
            .put_two_factor(&two_factor_row(&alice, "3"))
            .await
            .expect("put once verified"),
        "refused once verified"
    );
    assert_eq!(two_factor_row_of(&*store, &alice.id).await, verified);
    assert!(two_factor_of(&*store, &alice.id).await.enabled);

    // A row Better Auth's older versions wrote (verified NULL) counts as verified.
    let bob = new_user(&*store, "bob@example.com").await;
    let mut old = two_factor_row(&bob, "old");
    old.verified = None;
    old.failed_verification_count = None;
    assert!(store.put_two_factor(&old).await.expect("put"));
    let read = two_factor_row_of(&*store, &bob.id).await;
    assert_eq!(read, old);
    assert!(read.is_verified());
    assert_eq!(read.failed_count(), 0);
    assert!(
        !store
            .put_two_factor(&two_factor_row(&bob, "new"))
            .await
            .expect("put")
    );

    let ghost = user("ghost@example.com");
    assert!(
        store
            .put_two_factor(&two_factor_row(&ghost, "g"))
            .await
            .is_err(),
        "no such user"
    );
    assert_eq!(
        two_factor_of(&*store, &ghost.id).await,
        TwoFactorState::default()
    );
}

/// `enable_two_factor` marks the user's row verified with the counter and turns two-factor on
/// (`updatedAt` = now); another user's row, a counter not newer than the last used one, or a
/// missing user is `false` and writes nothing.
pub async fn enable_two_factor_marks_the_row_verified_and_the_user_enabled<
    S: UserStore + ?Sized,
>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let alices = two_factor_row(&alice, "a");
    let bobs = two_factor_row(&bob, "b");
    assert!(store.put_two_factor(&alices).await.expect("put"));
    assert!(store.put_two_factor(&bobs).await.expect("put"));

    assert!(
        !store
            .enable_two_factor(&alice.id, &bobs.id, 50, at(3_000))
            .await
            .expect("enable"),
        "another user's row"
    );
    assert_eq!(two_factor_of(&*store, &bob.id).await.row, Some(bobs));
    assert!(!two_factor_of(&*store, &bob.id).await.enabled);
    assert!(!two_factor_of(&*store, &alice.id).await.enabled);

    assert!(store.use_totp_counter(&alices.id, 50).await.expect("use"));
    for counter in [50, 49] {
        assert!(
            !store
                .enable_two_factor(&alice.id, &alices.id, counter, at(3_000))
                .await
                .expect("enable"),
            "counter {counter} is not newer than 50"
        );
    }
    let state = two_factor_of(&*store, &alice.id).await;
    assert!(!state.enabled);
    assert_eq!(state.row.as_ref().map(|r| r.verified), Some(Some(false)));

    assert!(
        store
            .enable_two_factor(&alice.id, &alices.id, 51, at(5_000))
            .await
            .expect("enable")
    );
    let state = two_factor_of(&*store, &alice.id).await;
    assert!(state.enabled);
    let row = state.row.expect("row");
    assert_eq!(row.id, alices.id);
    assert_eq!(row.verified, Some(true));
    assert!(row.is_verified());
    assert_eq!(row.last_used_counter, Some(51));
    let found = store
        .find_user_by_id(&alice.id)
        .await
        .expect("lookup")
        .expect("alice");
    assert_eq!(found.updated_at, at(5_000));

    assert!(
        !store
            .enable_two_factor(&UserId::new("no-such-user"), &alices.id, 60, at(6_000))
            .await
            .expect("enable"),
        "no such user"
    );
}

/// `disable_two_factor` turns two-factor off (`updatedAt` = now) and deletes the user's rows and
/// trusted-device records, only theirs (other verification rows stay); a missing user is
/// `false`. Two-factor can be set up again afterwards.
pub async fn disable_two_factor_turns_it_off_and_deletes_the_rows<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let alices = enabled_two_factor(&*store, &alice, "a").await;
    let bobs = enabled_two_factor(&*store, &bob, "b").await;
    let trust = |n: &str| format!("{TRUSTED_DEVICE_PREFIX}{n}");
    for (identifier, owner) in [
        (trust("alice-laptop"), &alice.id),
        (trust("alice-phone"), &alice.id),
        (trust("bob-laptop"), &bob.id),
        ("2fa-alice-challenge".to_owned(), &alice.id),
    ] {
        store
            .insert_verification(&verification(&identifier, owner, 1_000, 900_000))
            .await
            .expect("insert verification");
    }

    assert!(
        store
            .disable_two_factor(&alice.id, at(6_000))
            .await
            .expect("disable")
    );
    assert_eq!(
        two_factor_of(&*store, &alice.id).await,
        TwoFactorState::default()
    );
    let found = store
        .find_user_by_id(&alice.id)
        .await
        .expect("lookup")
        .expect("alice");
    assert_eq!(found.updated_at, at(6_000));
    assert!(
        !store
            .swap_backup_codes(&alices.id, &alices.backup_codes, "x")
            .await
            .expect("swap"),
        "the row is gone"
    );
    assert_eq!(
        two_factor_of(&*store, &bob.id).await,
        TwoFactorState::new(true, Some(bobs))
    );
    assert!(!is_live(&*store, &trust("alice-laptop"), 7_000).await);
    assert!(!is_live(&*store, &trust("alice-phone"), 7_000).await);
    assert!(
        is_live(&*store, &trust("bob-laptop"), 7_000).await,
        "another user's trust record stays"
    );
    assert!(
        is_live(&*store, "2fa-alice-challenge", 7_000).await,
        "only trust records go"
    );
    assert!(
        !store
            .disable_two_factor(&UserId::new("no-such-user"), at(6_000))
            .await
            .expect("disable")
    );

    let again = two_factor_row(&alice, "again");
    assert!(store.put_two_factor(&again).await.expect("put again"));
    assert_eq!(
        two_factor_of(&*store, &alice.id).await,
        TwoFactorState::new(false, Some(again))
    );
}

/// `swap_backup_codes` replaces the codes only while they are the expected ones.
pub async fn swap_backup_codes_is_conditional<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let row = enabled_two_factor(&*store, &alice, "a").await;
    assert!(
        store
            .swap_backup_codes(&row.id, &row.backup_codes, "codes-v2")
            .await
            .expect("swap")
    );
    assert!(
        !store
            .swap_backup_codes(&row.id, &row.backup_codes, "codes-v3")
            .await
            .expect("swap"),
        "the old list is spent"
    );
    assert_eq!(
        two_factor_row_of(&*store, &alice.id).await.backup_codes,
        "codes-v2"
    );
    assert!(
        store
            .swap_backup_codes(&row.id, "codes-v2", "codes-v3")
            .await
            .expect("swap")
    );
    assert!(
        !store
            .swap_backup_codes("no-such-row", "codes-v3", "codes-v4")
            .await
            .expect("swap")
    );
    assert_eq!(
        two_factor_row_of(&*store, &alice.id).await.backup_codes,
        "codes-v3"
    );
}

/// Eight swaps from the same list, released together: exactly one wins.
pub async fn concurrent_backup_code_swaps_let_one_win<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let row = enabled_two_factor(&*store, &alice, "a").await;
    let start = Arc::new(tokio::sync::Barrier::new(8));
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = Arc::clone(&store);
            let id = row.id.clone();
            let expected = row.backup_codes.clone();
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                start.wait().await;
                store
                    .swap_backup_codes(&id, &expected, &format!("codes-{i}"))
                    .await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        if task.await.expect("join").expect("swap") {
            winners.push(i);
        }
    }
    assert_eq!(winners.len(), 1, "exactly one swap wins: {winners:?}");
    assert_eq!(
        two_factor_row_of(&*store, &alice.id).await.backup_codes,
        format!("codes-{}", winners[0])
    );
}

/// `use_totp_counter` refuses a replayed step and an older one, accepts a newer one.
pub async fn totp_counters_are_used_once_and_in_order<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let row = two_factor_row(&alice, "a");
    assert!(store.put_two_factor(&row).await.expect("put"));
    assert!(store.use_totp_counter(&row.id, 10).await.expect("use"));
    assert!(
        !store.use_totp_counter(&row.id, 10).await.expect("use"),
        "replay"
    );
    assert!(
        !store.use_totp_counter(&row.id, 9).await.expect("use"),
        "older"
    );
    assert!(
        store.use_totp_counter(&row.id, 11).await.expect("use"),
        "newer"
    );
    assert_eq!(
        two_factor_row_of(&*store, &alice.id)
            .await
            .last_used_counter,
        Some(11)
    );
    assert!(
        !store
            .use_totp_counter("no-such-row", 12)
            .await
            .expect("use")
    );
}

/// Eight uses of one step, released together (four rounds): exactly one is accepted.
pub async fn concurrent_uses_of_one_totp_counter_accept_one<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let row = enabled_two_factor(&*store, &alice, "a").await;
    for counter in 200..204 {
        let start = Arc::new(tokio::sync::Barrier::new(8));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let store = Arc::clone(&store);
                let id = row.id.clone();
                let start = Arc::clone(&start);
                tokio::spawn(async move {
                    start.wait().await;
                    store.use_totp_counter(&id, counter).await
                })
            })
            .collect();
        let mut accepted = 0;
        for task in tasks {
            if task.await.expect("join").expect("use") {
                accepted += 1;
            }
        }
        assert_eq!(accepted, 1, "step {counter}: exactly one use is accepted");
    }
    assert_eq!(
        two_factor_row_of(&*store, &alice.id)
            .await
            .last_used_counter,
        Some(203)
    );
}

/// Failures are counted (NULL as 0); at the threshold the row is locked until now + lock_for; a
/// failure while locked counts and locks again from now; once the lock has elapsed the count
/// starts again. A row that is gone is `None`.
pub async fn two_factor_failures_count_and_lock<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let mut row = two_factor_row(&alice, "a");
    row.failed_verification_count = None;
    assert!(store.put_two_factor(&row).await.expect("put"));
    let fail = |now: i64| {
        let store = Arc::clone(&store);
        let id = row.id.clone();
        async move {
            store
                .record_two_factor_failure(&id, at(now), 3, LOCK_FOR)
                .await
                .expect("record failure")
                .expect("the row")
        }
    };
    let after = fail(1_000).await;
    assert_eq!(after.failed_verification_count, Some(1), "NULL counts as 0");
    assert_eq!(after.locked_until, None);
    assert_eq!(after.id, row.id);
    assert_eq!(after.secret, row.secret);
    assert_eq!(fail(2_000).await.failed_verification_count, Some(2));
    let locked = fail(3_000).await;
    assert_eq!(locked.failed_verification_count, Some(3));
    assert_eq!(locked.locked_until, Some(at(3_000) + LOCK_FOR));
    assert!(locked.is_locked(at(3_001)));
    assert_eq!(two_factor_row_of(&*store, &alice.id).await, locked);

    let again = fail(4_000).await;
    assert_eq!(again.failed_verification_count, Some(4));
    assert_eq!(again.locked_until, Some(at(4_000) + LOCK_FOR));

    // The lock ends at 4 000 + 900 000 ms: a failure then starts counting again.
    let restarted = fail(904_000).await;
    assert_eq!(restarted.failed_verification_count, Some(1));
    assert_eq!(restarted.locked_until, None);
    assert_eq!(two_factor_row_of(&*store, &alice.id).await, restarted);

    assert_eq!(
        store
            .record_two_factor_failure("no-such-row", at(5_000), 3, LOCK_FOR)
            .await
            .expect("record failure"),
        None
    );
}

/// `clear_two_factor_failures` resets the count and the lock; a missing row is no error.
pub async fn clear_two_factor_failures_resets_count_and_lock<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let row = enabled_two_factor(&*store, &alice, "a").await;
    for now in [1_000, 2_000] {
        store
            .record_two_factor_failure(&row.id, at(now), 2, LOCK_FOR)
            .await
            .expect("record failure");
    }
    assert!(
        two_factor_row_of(&*store, &alice.id)
            .await
            .is_locked(at(2_001))
    );
    store
        .clear_two_factor_failures(&row.id)
        .await
        .expect("clear");
    let cleared = two_factor_row_of(&*store, &alice.id).await;
    assert_eq!(cleared.failed_verification_count, Some(0));
    assert_eq!(cleared.locked_until, None);
    assert_eq!(cleared, row, "back to the row as it was enabled");
    store
        .clear_two_factor_failures("no-such-row")
        .await
        .expect("clear a missing row");
}

/// Eight failures at once are all counted.
pub async fn concurrent_two_factor_failures_are_counted_exactly<S: UserStore + ?Sized>(
    store: Arc<S>,
) {
    let alice = new_user(&*store, "alice@example.com").await;
    let row = enabled_two_factor(&*store, &alice, "a").await;
    let start = Arc::new(tokio::sync::Barrier::new(8));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = Arc::clone(&store);
            let id = row.id.clone();
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                start.wait().await;
                store
                    .record_two_factor_failure(&id, at(2_000), 100, LOCK_FOR)
                    .await
            })
        })
        .collect();
    let mut counts = Vec::new();
    for task in tasks {
        let after = task.await.expect("join").expect("record").expect("the row");
        counts.push(after.failed_count());
    }
    assert_eq!(sorted(counts), (1..=8).collect::<Vec<i32>>());
    assert_eq!(
        two_factor_row_of(&*store, &alice.id)
            .await
            .failed_verification_count,
        Some(8)
    );
}

/// `delete_user` deletes the user's two-factor rows, and only theirs.
pub async fn delete_user_removes_their_two_factor_rows<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let bob = new_user(&*store, "bob@example.com").await;
    let alices = enabled_two_factor(&*store, &alice, "a").await;
    let bobs = enabled_two_factor(&*store, &bob, "b").await;
    assert_eq!(
        store
            .delete_user(&alice.id, None, at(2_000))
            .await
            .expect("delete"),
        Some(Vec::new())
    );
    assert_eq!(
        two_factor_of(&*store, &alice.id).await,
        TwoFactorState::default()
    );
    assert!(
        !store.use_totp_counter(&alices.id, 500).await.expect("use"),
        "the row is gone"
    );
    assert_eq!(
        two_factor_of(&*store, &bob.id).await,
        TwoFactorState::new(true, Some(bobs))
    );
}

/// `set_two_factor_enabled` flips `"twoFactorEnabled"` (codes by email need no row) and every
/// read of the user carries the flag; a user that does not exist is `false`.
pub async fn set_two_factor_enabled_flips_only_the_flag<S: UserStore + ?Sized>(store: Arc<S>) {
    let alice = new_user(&*store, "alice@example.com").await;
    let read = |store: Arc<S>, id: UserId| async move {
        store
            .find_user_by_id(&id)
            .await
            .expect("find")
            .expect("user")
            .two_factor_enabled
    };
    assert_eq!(read(store.clone(), alice.id.clone()).await, Some(false));
    assert!(
        store
            .set_two_factor_enabled(&alice.id, true, at(5_000))
            .await
            .expect("set")
    );
    assert_eq!(read(store.clone(), alice.id.clone()).await, Some(true));
    let email = Email::parse("alice@example.com").expect("email");
    let by_email = store.find_user_by_email(&email).await.expect("find");
    assert_eq!(
        by_email.map(|u| (u.two_factor_enabled, u.updated_at)),
        Some((Some(true), at(5_000)))
    );
    let state = two_factor_of(&*store, &alice.id).await;
    assert!(state.enabled);
    assert_eq!(state.row, None, "no row is written");
    assert!(
        store
            .set_two_factor_enabled(&alice.id, false, at(6_000))
            .await
            .expect("set")
    );
    assert_eq!(read(store.clone(), alice.id.clone()).await, Some(false));
    assert!(
        !store
            .set_two_factor_enabled(&UserId::new("no-such-user"), true, at(7_000))
            .await
            .expect("set")
    );
}
