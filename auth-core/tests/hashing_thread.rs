//! Password hashing never runs on an async runtime thread.
//!
//! The argon2id work of the default hasher runs inside a `password_hash` tracing span; a layer
//! records, for every entry into that span, the thread's name and whether that thread belongs
//! to a Tokio runtime. The flows run on a multi-threaded runtime whose threads are all named
//! `runtime-thread` (workers and blocking threads alike). No timing is involved.

use std::sync::{Arc, Mutex};

use auth_core::config::AuthConfig;
use auth_core::flows::{SignIn, SignUp};
use auth_core::model::{ClientInfo, Email, Password};
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use auth_core::{Auth, AuthError};
use tracing::span::{Attributes, Id};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

#[derive(Clone, Default)]
struct Recorder {
    entries: Arc<Mutex<Vec<(String, bool)>>>,
    spans: Arc<Mutex<Vec<Id>>>,
}

impl<S: tracing::Subscriber> Layer<S> for Recorder {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() == "password_hash" {
            self.spans.lock().expect("lock").push(id.clone());
        }
    }

    fn on_enter(&self, id: &Id, _: Context<'_, S>) {
        if self.spans.lock().expect("lock").contains(id) {
            let thread = std::thread::current()
                .name()
                .unwrap_or("<unnamed>")
                .to_owned();
            let in_runtime = tokio::runtime::Handle::try_current().is_ok();
            self.entries
                .lock()
                .expect("lock")
                .push((thread, in_runtime));
        }
    }
}

#[test]
fn argon2_runs_on_the_hash_pool_not_on_runtime_threads() {
    let recorder = Recorder::default();
    let subscriber = tracing_subscriber::registry().with(recorder.clone());
    tracing::subscriber::set_global_default(subscriber)
        .expect("the only subscriber in this binary");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("runtime-thread")
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let config =
            AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000")
                .build()
                .expect("config");
        let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
        // The default hasher: argon2id with OWASP's parameters on the default pool.
        let auth = Auth::builder()
            .config(config)
            .store(MemoryStore::new())
            .issuer(issuer)
            .default_hasher()
            .build();
        let client = ClientInfo::default();
        let email = Email::parse("alice@example.com").expect("email");
        let sign_up = SignUp::new(
            "Alice",
            email.clone(),
            Password::new("correct horse battery"),
        );
        auth.sign_up(sign_up, &client).await.expect("sign-up");
        let sign_in = |password: &str| SignIn::new(email.clone(), Password::new(password));
        auth.sign_in(sign_in("correct horse battery"), &client)
            .await
            .expect("sign-in");
        let wrong = auth.sign_in(sign_in("wrong password"), &client).await;
        assert!(matches!(wrong, Err(AuthError::InvalidEmailOrPassword)));
        let unknown = SignIn::new(
            Email::parse("nobody@example.com").expect("email"),
            Password::new("x"),
        );
        assert!(auth.sign_in(unknown, &client).await.is_err());
    });

    let entries = recorder.entries.lock().expect("lock").clone();
    // sign-up hash, two verifications, one dummy hash.
    assert!(entries.len() >= 4, "every hash was observed: {entries:?}");
    for (thread, in_runtime) in &entries {
        assert!(thread.starts_with("auth-hash-"), "hashing ran on {thread}");
        assert!(
            !in_runtime,
            "hashing ran inside a runtime context on {thread}"
        );
    }
}
