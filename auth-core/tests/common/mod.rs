//! Shared set-up for auth-core's integration tests.
#![allow(dead_code)]

pub mod wire;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use auth_core::clock::ManualClock;
use auth_core::config::{AuthConfig, AuthConfigBuilder};
use auth_core::flows::{SignIn, SignUp, SignedIn};
use auth_core::hash::{
    Admission, Argon2Hasher, Argon2Params, HashError, HashPool, PasswordHasher, Verification,
};
use auth_core::model::{AuthSession, ClientInfo, Email, Password, SessionToken, Timestamp};
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use auth_core::{Auth, AuthError};

pub const SECRET: &str = "test-secret-0123456789abcdef0123456789";
pub const PASSWORD: &str = "correct horse battery";

/// Cheap argon2id so that flow tests hash quickly; the hashing tests use the real parameters.
pub fn cheap_params() -> Argon2Params {
    Argon2Params::new(64, 1, 1)
}

/// Counts calls and delegates to a real hasher.
#[derive(Clone)]
pub struct CountingHasher {
    pub inner: Argon2Hasher,
    pub hashes: Arc<AtomicUsize>,
    pub verifies: Arc<AtomicUsize>,
    pub dummies: Arc<AtomicUsize>,
}

impl CountingHasher {
    pub fn new(inner: Argon2Hasher) -> Self {
        Self {
            inner,
            hashes: Arc::default(),
            verifies: Arc::default(),
            dummies: Arc::default(),
        }
    }
}

#[async_trait]
impl PasswordHasher for CountingHasher {
    async fn hash(&self, password: &Password) -> Result<String, HashError> {
        self.hashes.fetch_add(1, Ordering::SeqCst);
        self.inner.hash(password).await
    }
    async fn verify(&self, password: &Password, hash: &str) -> Result<Verification, HashError> {
        self.verifies.fetch_add(1, Ordering::SeqCst);
        self.inner.verify(password, hash).await
    }
    async fn dummy_verify(&self, password: &Password) -> Result<(), HashError> {
        self.dummies.fetch_add(1, Ordering::SeqCst);
        self.inner.dummy_verify(password).await
    }
    fn admit(&self) -> Result<Admission, HashError> {
        self.inner.admit()
    }
}

pub struct Harness {
    pub auth: Auth,
    pub clock: ManualClock,
    pub store: Arc<MemoryStore>,
    pub hasher: CountingHasher,
}

pub fn config_builder() -> AuthConfigBuilder {
    AuthConfig::builder(SECRET, "http://localhost:3000")
}

pub fn config() -> AuthConfig {
    config_builder().build().expect("valid config")
}

pub fn harness() -> Harness {
    harness_with(config(), HashPool::new(2, 256))
}

pub fn harness_with(config: AuthConfig, pool: HashPool) -> Harness {
    let clock = ManualClock::new(Timestamp::parse("2026-11-25T12:00:00.000Z").expect("time"));
    let store = Arc::new(MemoryStore::new());
    let hasher = CountingHasher::new(Argon2Hasher::new(cheap_params(), pool).expect("hasher"));
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    let auth = Auth::builder()
        .config(config)
        .store(Arc::clone(&store))
        .issuer(issuer)
        .hasher(hasher.clone())
        .clock(clock.clone())
        .build();
    Harness {
        auth,
        clock,
        store,
        hasher,
    }
}

pub fn email(s: &str) -> Email {
    Email::parse(s).expect("valid test email")
}

pub fn client() -> ClientInfo {
    ClientInfo::new(Some("203.0.113.9".into()), Some("tests/1.0".into()))
}

pub fn sign_up_input(address: &str, password: &str) -> SignUp {
    SignUp::new("Alice Example", email(address), Password::new(password))
}

pub fn sign_in_input(address: &str, password: &str) -> SignIn {
    SignIn::new(email(address), Password::new(password))
}

impl Harness {
    pub async fn sign_up(&self, address: &str) -> SignedIn {
        self.auth
            .sign_up(sign_up_input(address, PASSWORD), &client())
            .await
            .expect("sign-up")
            .signed_in()
            .expect("signed in: no verification required")
    }

    pub async fn sign_in(&self, address: &str, password: &str) -> Result<SignedIn, AuthError> {
        self.auth
            .sign_in(sign_in_input(address, password), &client())
            .await
    }

    /// The valid session for `token` (panics if there is none).
    pub async fn current(&self, token: &SessionToken) -> AuthSession {
        self.auth
            .get_session(token, true)
            .await
            .expect("lookup")
            .expect("a valid session")
            .current
    }

    /// Whether `token` names a valid session.
    pub async fn is_live(&self, token: &SessionToken) -> bool {
        self.auth
            .get_session(token, true)
            .await
            .expect("lookup")
            .is_some()
    }
}
