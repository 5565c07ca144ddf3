//! The outbox worker: mail committed by a flow is sent once, retried with backoff while the
//! mailer fails, kept (not lost) when refused for good, and never sent by two workers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use auth_core::Auth;
use auth_core::clock::ManualClock;
use auth_core::config::{AuthConfig, EmailFlows};
use auth_core::flows::SignUp;
use auth_core::hash::{Argon2Hasher, Argon2Params, HashPool};
use auth_core::mail::{MailError, Mailer, Message};
use auth_core::model::{ClientInfo, Email, Password, Timestamp};
use auth_core::store::{MemoryStore, UserStore};
use auth_core::token::{JwtIssuer, JwtKey};

/// A mailer that fails its first `failures` sends (transiently, or for good), then records.
#[derive(Clone, Default)]
struct Flaky {
    failures: Arc<AtomicUsize>,
    permanent: bool,
    attempts: Arc<AtomicUsize>,
    sent: Arc<Mutex<Vec<Message>>>,
}

#[async_trait]
impl Mailer for Flaky {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let left = self.failures.load(Ordering::SeqCst);
        if left > 0 {
            self.failures.store(left - 1, Ordering::SeqCst);
            let cause = "421 service not available".into();
            return Err(if self.permanent {
                MailError::Permanent(cause)
            } else {
                MailError::Transient(cause)
            });
        }
        self.sent.lock().expect("lock").push(message.clone());
        Ok(())
    }
}

fn auth(store: Arc<MemoryStore>, clock: &ManualClock, mailer: Flaky) -> Auth {
    let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000")
        .email_flows(EmailFlows::new().send_on_sign_up(true))
        .build()
        .expect("config");
    Auth::builder()
        .issuer(JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer"))
        .config(config)
        .store(store)
        .hasher(
            Argon2Hasher::new(Argon2Params::new(64, 1, 1), HashPool::new(1, 16)).expect("hasher"),
        )
        .clock(clock.clone())
        .mailer(mailer)
        .build()
}

async fn sign_up(auth: &Auth, address: &str) {
    let input = SignUp::new(
        "Ada",
        Email::parse(address).expect("email"),
        Password::new("correct horse battery"),
    );
    auth.sign_up(input, &ClientInfo::default())
        .await
        .expect("sign-up");
}

fn clock() -> ManualClock {
    ManualClock::new(Timestamp::parse("2026-12-06T00:00:00.000Z").expect("time"))
}

#[tokio::test]
async fn a_mail_that_fails_is_retried_with_backoff_and_sent_once() {
    let store = Arc::new(MemoryStore::new());
    let clock = clock();
    let mailer = Flaky::default();
    mailer.failures.store(2, Ordering::SeqCst);
    let auth = auth(Arc::clone(&store), &clock, mailer.clone());
    sign_up(&auth, "ada@example.com").await;
    let worker = auth.mail_worker().expect("worker");

    assert_eq!(
        worker.run_once().await.expect("round"),
        0,
        "first attempt fails"
    );
    // Not due again until its backoff (about a second) has passed.
    assert_eq!(worker.run_once().await.expect("round"), 0);
    assert_eq!(mailer.attempts.load(Ordering::SeqCst), 1);
    clock.advance(Duration::from_millis(1300));
    assert_eq!(
        worker.run_once().await.expect("round"),
        0,
        "second attempt fails"
    );
    clock.advance(Duration::from_millis(800));
    assert_eq!(
        worker.run_once().await.expect("round"),
        0,
        "about 2 s now: not yet"
    );
    clock.advance(Duration::from_millis(1700));
    assert_eq!(
        worker.run_once().await.expect("round"),
        1,
        "third attempt sends"
    );
    clock.advance(Duration::from_secs(3600));
    assert_eq!(
        worker.run_once().await.expect("round"),
        0,
        "and never again"
    );

    let sent = mailer.sent.lock().expect("lock").clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "ada@example.com");
    assert!(sent[0].id.is_some(), "a stable Message-ID");
    assert_eq!(store.outbox_len().await.expect("len"), (0, 0));
}

#[tokio::test]
async fn a_mail_refused_for_good_stays_in_the_outbox_marked_failed() {
    let store = Arc::new(MemoryStore::new());
    let clock = clock();
    let mailer = Flaky {
        permanent: true,
        ..Flaky::default()
    };
    mailer.failures.store(1, Ordering::SeqCst);
    let auth = auth(Arc::clone(&store), &clock, mailer.clone());
    sign_up(&auth, "gone@example.com").await;
    let worker = auth.mail_worker().expect("worker");
    assert_eq!(worker.run_once().await.expect("round"), 0);
    clock.advance(Duration::from_secs(3600));
    assert_eq!(worker.run_once().await.expect("round"), 0);
    assert_eq!(mailer.attempts.load(Ordering::SeqCst), 1, "not retried");
    assert_eq!(
        store.outbox_len().await.expect("len"),
        (1, 1),
        "kept, marked failed"
    );
}

#[tokio::test]
async fn two_workers_on_one_store_send_each_mail_once() {
    let store = Arc::new(MemoryStore::new());
    let clock = clock();
    let mailer = Flaky::default();
    let first = auth(Arc::clone(&store), &clock, mailer.clone());
    let second = auth(Arc::clone(&store), &clock, mailer.clone());
    for n in 0..40 {
        sign_up(
            if n % 2 == 0 { &first } else { &second },
            &format!("u{n}@example.com"),
        )
        .await;
    }
    let (a, b) = (
        first.mail_worker().expect("worker"),
        second.mail_worker().expect("worker"),
    );
    let mut sent = 0;
    for _ in 0..5 {
        let (x, y) = tokio::join!(a.run_once(), b.run_once());
        sent += x.expect("round") + y.expect("round");
    }
    assert_eq!(sent, 40);
    let mut to: Vec<String> = mailer
        .sent
        .lock()
        .expect("lock")
        .iter()
        .map(|m| m.to.clone())
        .collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 40, "every address once");
    assert_eq!(mailer.attempts.load(Ordering::SeqCst), 40);
}

#[tokio::test]
async fn a_spawned_worker_sends_as_soon_as_a_flow_commits_and_stops_cleanly() {
    let store = Arc::new(MemoryStore::new());
    let clock = clock();
    let mailer = Flaky::default();
    let auth = auth(Arc::clone(&store), &clock, mailer.clone());
    let handle = auth
        .mail_worker()
        .expect("worker")
        .poll_interval(Duration::from_secs(3600))
        .spawn();
    sign_up(&auth, "soon@example.com").await;
    // Woken by the flow, not by the (hour-long) poll.
    for _ in 0..200 {
        if !mailer.sent.lock().expect("lock").is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(mailer.sent.lock().expect("lock").len(), 1);
    handle.shutdown().await;
}
