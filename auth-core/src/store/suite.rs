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
use crate::model::{
    AccountId, CredentialAccount, Email, Session, SessionId, SessionToken, Timestamp, User, UserId,
    UserUpdate,
};

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

fn user(email: &str) -> User {
    User::new(UserId::generate(), "Alice Example", email, at(1))
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
