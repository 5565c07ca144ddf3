//! `Auth`: the cheap-to-clone handle every flow hangs off, and its type-state builder.

use std::fmt;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::{AuthConfig, RevocationCheck};
use crate::hash::{Argon2Hasher, PasswordHasher};
use crate::model::Timestamp;
use crate::rate_limit::{MemoryRateLimits, RateLimitStore};
use crate::store::UserStore;
use crate::token::TokenIssuer;
use crate::token::revocation::RevocationCache;

/// The authentication service: configuration, store, hasher and token issuer, shared.
///
/// Cloning is cheap (one `Arc`); give each handler or extractor its own clone. The flows —
/// [`sign_up`](Auth::sign_up), [`sign_in`](Auth::sign_in), [`sign_out`](Auth::sign_out),
/// [`get_session`](Auth::get_session), [`issue_token`](Auth::issue_token),
/// [`verify_token`](Auth::verify_token), the session list and revocations,
/// [`change_password`](Auth::change_password) and [`update_user`](Auth::update_user) — live in
/// `flows/`, one file each.
#[derive(Clone)]
pub struct Auth {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: AuthConfig,
    pub(crate) store: Arc<dyn UserStore>,
    pub(crate) hasher: Arc<dyn PasswordHasher>,
    pub(crate) issuer: Arc<dyn TokenIssuer>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) revocation: Option<RevocationCache>,
    pub(crate) rate_limits: Arc<dyn RateLimitStore>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("origin", &self.inner.config.origin())
            .field("base_path", &self.inner.config.base_path())
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Starts wiring an `Auth`: the configuration, a store, a password hasher and a token issuer
    /// are all required, and forgetting one is a compile error. [`AuthBuilder::default_hasher`]
    /// picks argon2id with OWASP's parameters; the clock defaults to the system clock.
    ///
    /// ```
    /// use auth_core::{Auth, config::AuthConfig, store::MemoryStore, token::{JwtIssuer, JwtKey}};
    ///
    /// let config = AuthConfig::new("0123456789abcdef0123456789abcdef", "http://localhost:3000")?;
    /// let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519())?;
    /// let auth = Auth::builder()
    ///     .config(config)
    ///     .store(MemoryStore::new())
    ///     .default_hasher()
    ///     .issuer(issuer)
    ///     .build();
    /// assert_eq!(auth.config().base_path(), "/api/auth");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder() -> AuthBuilder<ConfigMissing, StoreMissing, HasherMissing, IssuerMissing> {
        AuthBuilder {
            config: ConfigMissing,
            store: StoreMissing,
            hasher: HasherMissing,
            issuer: IssuerMissing,
            clock: None,
            rate_limits: None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &AuthConfig {
        &self.inner.config
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn UserStore> {
        &self.inner.store
    }

    /// The token issuer (and its JWKS).
    pub fn issuer(&self) -> &Arc<dyn TokenIssuer> {
        &self.inner.issuer
    }

    /// The current time, from the configured clock.
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }
}

/// The builder has no configuration yet: call `.config(…)`.
#[derive(Debug, Clone, Copy)]
pub struct ConfigMissing;

/// The builder has no store yet: call `.store(…)`.
#[derive(Debug, Clone, Copy)]
pub struct StoreMissing;

/// The builder has no password hasher yet: call `.hasher(…)` or `.default_hasher()`.
#[derive(Debug, Clone, Copy)]
pub struct HasherMissing;

/// The builder has no token issuer yet: call `.issuer(…)`.
#[derive(Debug, Clone, Copy)]
pub struct IssuerMissing;

/// Builds an [`Auth`]; `build` exists only once the configuration, store, hasher and issuer are
/// all set.
///
/// Forgetting one is a compile error, not a runtime surprise:
///
/// ```compile_fail
/// use auth_core::{Auth, config::AuthConfig, store::MemoryStore};
///
/// let config = AuthConfig::new("0123456789abcdef0123456789abcdef", "http://localhost:3000").unwrap();
/// // No `.issuer(…)`: `build` does not exist on this builder.
/// let auth = Auth::builder().config(config).store(MemoryStore::new()).default_hasher().build();
/// ```
pub struct AuthBuilder<C, S, H, I> {
    config: C,
    store: S,
    hasher: H,
    issuer: I,
    clock: Option<Arc<dyn Clock>>,
    rate_limits: Option<Arc<dyn RateLimitStore>>,
}

impl<C, S, H, I> AuthBuilder<C, S, H, I> {
    /// Sets the configuration (required).
    pub fn config(self, config: AuthConfig) -> AuthBuilder<AuthConfig, S, H, I> {
        AuthBuilder {
            config,
            store: self.store,
            hasher: self.hasher,
            issuer: self.issuer,
            clock: self.clock,
            rate_limits: self.rate_limits,
        }
    }

    /// Sets the store (required).
    pub fn store(self, store: impl UserStore) -> AuthBuilder<C, Arc<dyn UserStore>, H, I> {
        self.shared_store(Arc::new(store))
    }

    /// Sets a store that is already shared.
    pub fn shared_store(
        self,
        store: Arc<dyn UserStore>,
    ) -> AuthBuilder<C, Arc<dyn UserStore>, H, I> {
        AuthBuilder {
            config: self.config,
            store,
            hasher: self.hasher,
            issuer: self.issuer,
            clock: self.clock,
            rate_limits: self.rate_limits,
        }
    }

    /// Sets the password hasher (required).
    pub fn hasher(
        self,
        hasher: impl PasswordHasher,
    ) -> AuthBuilder<C, S, Arc<dyn PasswordHasher>, I> {
        AuthBuilder {
            config: self.config,
            store: self.store,
            hasher: Arc::new(hasher),
            issuer: self.issuer,
            clock: self.clock,
            rate_limits: self.rate_limits,
        }
    }

    /// Sets the default hasher: argon2id with OWASP's parameters on a pool of one thread per core.
    pub fn default_hasher(self) -> AuthBuilder<C, S, Arc<dyn PasswordHasher>, I> {
        self.hasher(Argon2Hasher::default())
    }

    /// Sets the token issuer (required).
    pub fn issuer(self, issuer: impl TokenIssuer) -> AuthBuilder<C, S, H, Arc<dyn TokenIssuer>> {
        AuthBuilder {
            config: self.config,
            store: self.store,
            hasher: self.hasher,
            issuer: Arc::new(issuer),
            clock: self.clock,
            rate_limits: self.rate_limits,
        }
    }

    /// Replaces the system clock (tests use [`crate::clock::ManualClock`]).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Where the rate limiter keeps its counters. By default, the store's own (auth-sqlx's
    /// stores keep them in the database, so every instance shares one limit), else memory.
    pub fn rate_limit_store(mut self, store: impl RateLimitStore) -> Self {
        self.rate_limits = Some(Arc::new(store));
        self
    }
}

impl AuthBuilder<AuthConfig, Arc<dyn UserStore>, Arc<dyn PasswordHasher>, Arc<dyn TokenIssuer>> {
    /// The `Auth`.
    pub fn build(self) -> Auth {
        let revocation = match self.config.revocation_check() {
            RevocationCheck::Off => None,
            RevocationCheck::Cached { ttl, capacity } => Some(RevocationCache::new(capacity, ttl)),
        };
        let rate_limits = self
            .rate_limits
            .or_else(|| self.store.rate_limit_store())
            .unwrap_or_else(|| Arc::new(MemoryRateLimits::new()));
        Auth {
            inner: Arc::new(Inner {
                config: self.config,
                store: self.store,
                hasher: self.hasher,
                issuer: self.issuer,
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                revocation,
                rate_limits,
            }),
        }
    }
}
