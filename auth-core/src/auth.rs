//! `Auth`: the cheap-to-clone handle every flow hangs off, and its type-state builder.

use std::fmt;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::{AuthConfig, RevocationCheck, SessionCaching};
use crate::hash::{Argon2Hasher, PasswordHasher};
use crate::invalidation::{Caches, CachingStore};
use crate::mail::{DefaultTemplates, MailContext, MailKind, MailTemplates, Mailer, OutboundMail};
use crate::model::{Timestamp, User};
use crate::social::SocialProvider;
use crate::store::{MemoryRateLimits, RateLimitStore, UserStore};
use crate::token::TokenIssuer;

/// The authentication service: configuration, store, hasher and token issuer, shared.
///
/// Cloning is cheap (one `Arc`); give each handler or extractor its own clone. The flows —
/// [`sign_up`](Auth::sign_up), [`sign_in`](Auth::sign_in), [`sign_out`](Auth::sign_out),
/// [`get_session`](Auth::get_session), the session list and revocations,
/// [`issue_token`](Auth::issue_token) and [`verify_token`](Auth::verify_token),
/// [`change_password`](Auth::change_password) and [`update_user`](Auth::update_user) — live in
/// `flows/`, one file each; [`authenticate`](Auth::authenticate) tells who is calling an API
/// route. The HTTP protocol is in [`http`](crate::http).
#[derive(Clone)]
pub struct Auth {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: AuthConfig,
    pub(crate) store: Box<dyn UserStore>,
    pub(crate) hasher: Box<dyn PasswordHasher>,
    pub(crate) issuer: Box<dyn TokenIssuer>,
    pub(crate) clock: Arc<dyn Clock>,
    /// In-memory copies of sessions and of their liveness, and what invalidates them.
    pub(crate) caches: Arc<Caches>,
    /// Counters named by the application; else the store's own, else `memory_rate_limits`.
    pub(crate) rate_limits: Option<Box<dyn RateLimitStore>>,
    pub(crate) memory_rate_limits: MemoryRateLimits,
    pub(crate) mail: Option<MailSetup>,
    /// Verify-only: tokens come from another server; no auth route is served.
    pub(crate) verify_only: bool,
    /// The social sign-in providers, by id.
    pub(crate) providers: Vec<Arc<dyn SocialProvider>>,
    /// When expired verification rows were last swept (unix millis), so that abandoned
    /// social sign-in states go away without a mail worker.
    pub(crate) last_sweep: std::sync::atomic::AtomicI64,
}

/// The mailer the outbox worker sends through, the templates flows write with, and the signal
/// that wakes the worker when a flow has queued a mail.
pub(crate) struct MailSetup {
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) templates: Box<dyn MailTemplates>,
    pub(crate) wake: Arc<tokio::sync::Notify>,
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
    /// let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
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
            mailer: None,
            templates: None,
            providers: Vec::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &AuthConfig {
        &self.inner.config
    }

    /// The current time, from the configured clock.
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    pub(crate) fn store(&self) -> &dyn UserStore {
        &*self.inner.store
    }

    pub(crate) fn issuer(&self) -> &dyn TokenIssuer {
        &*self.inner.issuer
    }

    /// The configured social provider with this id.
    pub fn social_provider(&self, id: &str) -> Option<&Arc<dyn SocialProvider>> {
        self.inner.providers.iter().find(|p| p.id() == id)
    }

    /// The ids of the configured social providers, in the order they were added (what a front
    /// end shows "Continue with …" buttons for).
    pub fn social_provider_ids(&self) -> impl Iterator<Item = &str> {
        self.inner.providers.iter().map(|p| p.id())
    }

    /// Whether a mailer is set, so that the email flows can send.
    pub(crate) fn can_mail(&self) -> bool {
        self.inner.mail.is_some()
    }

    /// A message written by the templates, ready for the outbox; `None` without a mailer.
    pub(crate) fn compose(
        &self,
        kind: MailKind,
        user: &User,
        to: &str,
        link: &str,
        new_email: Option<&str>,
    ) -> Option<OutboundMail> {
        let setup = self.inner.mail.as_ref()?;
        let message = setup.templates.render(&MailContext {
            kind,
            user,
            to,
            link,
            new_email,
        });
        Some(OutboundMail::new(message, self.now()))
    }

    /// Tells this instance's outbox worker that a mail was committed.
    pub(crate) fn mail_queued(&self) {
        if let Some(setup) = &self.inner.mail {
            setup.wake.notify_one();
        }
    }

    /// Where request counters go: the application's, else the store's, else memory.
    pub(crate) fn rate_limit_store(&self) -> &dyn RateLimitStore {
        match &self.inner.rate_limits {
            Some(chosen) => &**chosen,
            None => self
                .inner
                .store
                .rate_limit_store()
                .unwrap_or(&self.inner.memory_rate_limits),
        }
    }
}

#[cfg(feature = "remote-jwks")]
impl Auth {
    /// An `Auth` that only verifies the tokens another server issues — Better Auth in a
    /// Next.js app, typically — with the keys of its JWKS: no store, no secret, no hasher. Every
    /// adapter's `CurrentUser`, `MaybeUser`, `Jwt<C>` and guards work with it as with a full
    /// `Auth`; the auth routes are not served (404), and session cookies, which only the issuing
    /// server can read, authenticate nobody. Call [`RemoteJwks::start`] first to fetch keys
    /// ahead of the first request.
    ///
    /// [`RemoteJwks::start`]: crate::token::remote::RemoteJwks::start
    ///
    /// ```
    /// use auth_core::Auth;
    /// use auth_core::token::remote::{RemoteJwks, RemoteVerifier};
    ///
    /// let jwks = RemoteJwks::builder("http://localhost:3000/api/auth/jwks").build()?;
    /// let auth = Auth::verify_only(RemoteVerifier::new(jwks, "http://localhost:3000", "http://localhost:3000"));
    /// assert!(auth.is_verify_only());
    /// # Ok::<(), auth_core::token::remote::RemoteJwksError>(())
    /// ```
    pub fn verify_only(verifier: crate::token::remote::RemoteVerifier) -> Auth {
        use crate::rate_limit::RateLimit;
        // Nothing is signed with it, and no cookie is read with it: a fresh random secret
        // keeps the configuration whole without a setting to get wrong.
        let secret = crate::model::random_id() + &crate::model::random_id();
        let config = AuthConfig::builder(secret, "http://localhost")
            .revocation_check(RevocationCheck::Off)
            .session_caching(SessionCaching::Off)
            .rate_limit(RateLimit::disabled())
            .build();
        let config = match config {
            Ok(config) => config,
            // The values above are fixed and valid.
            Err(error) => unreachable!("the verify-only configuration is valid: {error}"),
        };
        let mut auth = Self::builder()
            .config(config)
            // An empty store: session lookups find nothing, and nothing is ever written.
            .store(crate::store::MemoryStore::new())
            .default_hasher()
            .issuer(crate::token::remote::RemoteIssuer::new(verifier))
            .build();
        if let Some(inner) = Arc::get_mut(&mut auth.inner) {
            inner.verify_only = true;
        }
        auth
    }

    /// Whether this `Auth` only verifies tokens another server issues.
    pub fn is_verify_only(&self) -> bool {
        self.inner.verify_only
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
/// all set. The clock and the rate-limit counters are optional:
///
/// ```
/// use std::sync::Arc;
/// use auth_core::{Auth, clock::ManualClock, config::AuthConfig, model::Timestamp};
/// use auth_core::store::{MemoryRateLimits, MemoryStore};
/// use auth_core::token::{JwtIssuer, JwtKey};
///
/// let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519())?;
/// let store = Arc::new(MemoryStore::new()); // shared with the rest of the application
/// let clock = ManualClock::new(Timestamp::parse("2026-11-29T12:00:00.000Z")?);
/// let auth = Auth::builder()
///     .config(config)
///     .store(Arc::clone(&store))
///     .default_hasher()
///     .issuer(issuer)
///     .clock(clock.clone())
///     .rate_limit_store(MemoryRateLimits::new())
///     .build();
/// assert_eq!(auth.now().to_string(), "2026-11-29T12:00:00.000Z");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Forgetting a required part is a compile error, not a runtime surprise:
///
/// ```compile_fail
/// use auth_core::{Auth, config::AuthConfig, store::MemoryStore};
///
/// let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build().unwrap();
/// // No `.issuer(…)`: `build` does not exist on this builder.
/// let auth = Auth::builder().config(config).store(MemoryStore::new()).default_hasher().build();
/// ```
#[must_use = "a builder does nothing until `.build()`"]
pub struct AuthBuilder<C, S, H, I> {
    config: C,
    store: S,
    hasher: H,
    issuer: I,
    clock: Option<Box<dyn Clock>>,
    rate_limits: Option<Box<dyn RateLimitStore>>,
    mailer: Option<Arc<dyn Mailer>>,
    templates: Option<Box<dyn MailTemplates>>,
    providers: Vec<Arc<dyn SocialProvider>>,
}

impl<C, S, H, I> fmt::Debug for AuthBuilder<C, S, H, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthBuilder").finish_non_exhaustive()
    }
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
            mailer: self.mailer,
            templates: self.templates,
            providers: self.providers,
        }
    }

    /// Sets the store (required): [`MemoryStore`](crate::store::MemoryStore), auth-sqlx's
    /// stores, or an `Arc` of one shared with the rest of the application.
    pub fn store<T: UserStore>(self, store: T) -> AuthBuilder<C, T, H, I> {
        AuthBuilder {
            config: self.config,
            store,
            hasher: self.hasher,
            issuer: self.issuer,
            clock: self.clock,
            rate_limits: self.rate_limits,
            mailer: self.mailer,
            templates: self.templates,
            providers: self.providers,
        }
    }

    /// Sets the password hasher (required).
    pub fn hasher<T: PasswordHasher>(self, hasher: T) -> AuthBuilder<C, S, T, I> {
        AuthBuilder {
            config: self.config,
            store: self.store,
            hasher,
            issuer: self.issuer,
            clock: self.clock,
            rate_limits: self.rate_limits,
            mailer: self.mailer,
            templates: self.templates,
            providers: self.providers,
        }
    }

    /// Sets the default hasher: argon2id with OWASP's parameters, on the process's shared
    /// hashing pool (one thread per core).
    pub fn default_hasher(self) -> AuthBuilder<C, S, Argon2Hasher, I> {
        self.hasher(Argon2Hasher::default())
    }

    /// Sets the token issuer (required).
    pub fn issuer<T: TokenIssuer>(self, issuer: T) -> AuthBuilder<C, S, H, T> {
        AuthBuilder {
            config: self.config,
            store: self.store,
            hasher: self.hasher,
            issuer,
            clock: self.clock,
            rate_limits: self.rate_limits,
            mailer: self.mailer,
            templates: self.templates,
            providers: self.providers,
        }
    }

    /// Replaces the system clock (tests use [`crate::clock::ManualClock`]).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Box::new(clock));
        self
    }

    /// Where the rate limiter keeps its counters. By default, the store's own (auth-sqlx's
    /// stores keep them in the database, so every instance shares one limit), else memory.
    pub fn rate_limit_store(mut self, store: impl RateLimitStore) -> Self {
        self.rate_limits = Some(Box::new(store));
        self
    }

    /// How mail is sent: with a mailer, the email flows (verification, password reset,
    /// change of email, deletion by link) can send. Flows commit each message to the store's
    /// outbox; the worker from [`Auth::mail_worker`] sends it through this mailer.
    pub fn mailer(mut self, mailer: impl Mailer) -> Self {
        self.mailer = Some(Arc::new(mailer));
        self
    }

    /// Adds a social sign-in provider (GitHub, Google, an OpenID Connect provider, or your
    /// own [`SocialProvider`]); one with the same id replaces an earlier one.
    pub fn social_provider(mut self, provider: impl SocialProvider) -> Self {
        let provider: Arc<dyn SocialProvider> = Arc::new(provider);
        self.providers.retain(|p| p.id() != provider.id());
        self.providers.push(provider);
        self
    }

    /// Adds providers already shared (one with the id of an earlier one replaces it).
    pub fn social_providers(
        mut self,
        providers: impl IntoIterator<Item = Arc<dyn SocialProvider>>,
    ) -> Self {
        for provider in providers {
            self.providers.retain(|p| p.id() != provider.id());
            self.providers.push(provider);
        }
        self
    }

    /// Who writes the messages (default [`DefaultTemplates`]).
    pub fn mail_templates(mut self, templates: impl MailTemplates) -> Self {
        self.templates = Some(Box::new(templates));
        self
    }
}

impl<S, H, I> AuthBuilder<AuthConfig, S, H, I>
where
    S: UserStore,
    H: PasswordHasher,
    I: TokenIssuer,
{
    /// The `Auth`.
    pub fn build(self) -> Auth {
        let revocation = match self.config.revocation_check() {
            RevocationCheck::Off => None,
            RevocationCheck::Cached { ttl, capacity } => Some((capacity, ttl)),
        };
        let sessions = match self.config.session_caching() {
            SessionCaching::Cached { ttl, capacity } if !ttl.is_zero() => Some((capacity, ttl)),
            _ => None,
        };
        let caches = Arc::new(Caches::new(sessions, revocation));
        let clock: Arc<dyn Clock> = match self.clock {
            Some(clock) => Arc::from(clock),
            None => Arc::new(SystemClock),
        };
        // Every flow reaches the store through the wrapper that keeps the caches right.
        let store = CachingStore::new(
            Box::new(self.store),
            Arc::clone(&caches),
            Arc::clone(&clock),
        );
        Auth {
            inner: Arc::new(Inner {
                config: self.config,
                store: Box::new(store),
                hasher: Box::new(self.hasher),
                issuer: Box::new(self.issuer),
                clock,
                caches,
                rate_limits: self.rate_limits,
                memory_rate_limits: MemoryRateLimits::new(),
                mail: self.mailer.map(|mailer| MailSetup {
                    mailer,
                    templates: self
                        .templates
                        .unwrap_or_else(|| Box::new(DefaultTemplates::default())),
                    wake: Arc::new(tokio::sync::Notify::new()),
                }),
                verify_only: false,
                providers: self.providers,
                last_sweep: std::sync::atomic::AtomicI64::new(0),
            }),
        }
    }
}
