//! Verifying tokens that another server signed, with keys fetched from its JWKS URL (Better
//! Auth's `/api/auth/jwks`, or any): [`RemoteJwks`] holds the keys, [`RemoteVerifier`] checks
//! tokens with them. Feature `remote-jwks`.
//!
//! The fetching policy takes the best of the verifiers we studied and avoids their failures
//! (the comparison is in the repository's design notes):
//!
//! - **Start-up never fails**: [`RemoteJwks::start`] fetches in the background; until the first
//!   answer, tokens are refused as `KeysUnavailable` (503), never as invalid.
//! - **A cache hit never waits**: the key set is swapped in whole; readers never wait for a
//!   fetch.
//! - **Soft TTL, refreshed ahead**: the set is refetched in the background at 80 % of its
//!   lifetime, which is `Cache-Control: max-age` when the server sends one (clamped), else
//!   10 minutes.
//! - **Stale if error**: when fetches fail, the keys last fetched keep working up to a hard
//!   ceiling (default 24 h), while the background retries with backoff (1 s … 1 min).
//! - **Unknown `kid`**: one refetch (single-flight: concurrent callers share it), at most once
//!   per cooldown (default 30 s); inside the cooldown the token is refused at once, never made
//!   to wait. A `kid` still unknown after a refetch is remembered as unknown for a while (a
//!   negative cache), so a flood of made-up `kid`s cannot drive fetches.
//! - **Each fetch is bounded**: a timeout (5 s), a body cap (256 KiB), no redirects.
//! - **One bad key never empties the set**: unusable keys are skipped (RFC 7517 §5), a `kid` is
//!   required, the algorithm comes from the key (`alg`, or its type and curve), never from the
//!   token.

mod fetch;
mod jwk;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, Weak};
use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio::sync::Notify;
use tokio::time::Instant;

pub use fetch::FetchError;

use super::verify::{self, Expectations, PreparedKey};
use super::{AccessToken, Claims, Jwks, KeyRefresh, SigningError, TokenError, TokenIssuer};
use crate::model::Timestamp;

/// Why a remote key source could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteJwksError {
    /// The URL is not an `http(s)://` URL.
    #[error("the JWKS URL {0:?} is not an http:// or https:// URL")]
    InvalidUrl(String),
    /// The HTTP client could not be built (TLS set-up).
    #[error("the HTTP client could not be built")]
    Client(#[source] reqwest::Error),
}

#[derive(Debug, Clone, Copy)]
struct Policy {
    timeout: Duration,
    max_bytes: usize,
    default_ttl: Duration,
    min_ttl: Duration,
    max_ttl: Duration,
    stale_ceiling: Duration,
    cooldown: Duration,
    unknown_kid_ttl: Duration,
    max_backoff: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            max_bytes: 256 * 1024,
            default_ttl: Duration::from_secs(600),
            min_ttl: Duration::from_secs(30),
            max_ttl: Duration::from_secs(24 * 3600),
            stale_ceiling: Duration::from_secs(24 * 3600),
            cooldown: Duration::from_secs(30),
            unknown_kid_ttl: Duration::from_secs(300),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// The keys of one fetch.
struct KeySet {
    keys: HashMap<String, Arc<PreparedKey>>,
    /// When they were fetched; `None` before the first answer.
    fetched_at: Option<Instant>,
    /// When the background refetches them.
    refresh_at: Instant,
}

/// Who fetches, and when the last fetch began.
struct Gate {
    in_flight: bool,
    last_started: Option<Instant>,
    /// Failed fetches in a row (for the background's backoff).
    failures: u32,
    last_error: Option<String>,
}

struct Shared {
    url: String,
    client: reqwest::Client,
    policy: Policy,
    keys: RwLock<Arc<KeySet>>,
    gate: Mutex<Gate>,
    fetched: Notify,
    unknown_kids: Mutex<HashMap<String, Instant>>,
    fetches: AtomicU64,
    /// Bumped each time a fetch replaces the key set.
    generation: AtomicU64,
    /// Until when (Unix ms, wall clock) the current set may be used: its fetch plus the stale
    /// ceiling. Read by the verified-token cache, which must not need a lock or a clock call.
    usable_until_ms: AtomicI64,
}

/// Keys fetched from a JWKS URL and kept fresh. Cheap to clone; clones share the keys.
///
/// ```
/// use std::time::Duration;
/// use auth_core::token::remote::RemoteJwks;
///
/// let jwks = RemoteJwks::builder("https://app.example.com/api/auth/jwks")
///     .timeout(Duration::from_secs(3))
///     .build()?;
/// assert_eq!(jwks.url(), "https://app.example.com/api/auth/jwks");
/// # Ok::<(), auth_core::token::remote::RemoteJwksError>(())
/// ```
#[derive(Clone)]
pub struct RemoteJwks {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteJwks")
            .field("url", &self.shared.url)
            .field("keys", &self.read().keys.len())
            .finish_non_exhaustive()
    }
}

/// Builds a [`RemoteJwks`]; every setting has the default the module documentation names.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `.build()`"]
pub struct RemoteJwksBuilder {
    url: String,
    policy: Policy,
}

impl RemoteJwksBuilder {
    /// How long one fetch may take, connection included (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.policy.timeout = timeout;
        self
    }

    /// The largest JWKS read (default 256 KiB).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.policy.max_bytes = bytes;
        self
    }

    /// The keys' lifetime when the server sends no `Cache-Control: max-age` (default 10 min),
    /// and the bounds a `max-age` is clamped to (default 30 s and 24 h).
    pub fn ttl(mut self, default: Duration, min: Duration, max: Duration) -> Self {
        self.policy.default_ttl = default;
        self.policy.min_ttl = min.min(max);
        self.policy.max_ttl = max;
        self
    }

    /// How long the last keys fetched keep working while every fetch fails (default 24 h).
    pub fn stale_ceiling(mut self, ceiling: Duration) -> Self {
        self.policy.stale_ceiling = ceiling;
        self
    }

    /// The shortest time between two fetches caused by unknown `kid`s (default 30 s), and how
    /// long a `kid` still unknown after a fetch is refused without one (default 5 min).
    pub fn cooldown(mut self, cooldown: Duration, unknown_kid_ttl: Duration) -> Self {
        self.policy.cooldown = cooldown;
        self.policy.unknown_kid_ttl = unknown_kid_ttl;
        self
    }

    /// The longest wait between two background retries while fetches fail (default 1 min).
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.policy.max_backoff = max;
        self
    }

    /// The key source; nothing is fetched yet (see [`RemoteJwks::start`]).
    pub fn build(self) -> Result<RemoteJwks, RemoteJwksError> {
        let parsed = self.url.parse::<http::Uri>().ok().filter(|uri| {
            matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some()
        });
        if parsed.is_none() {
            return Err(RemoteJwksError::InvalidUrl(self.url));
        }
        let client = reqwest::Client::builder()
            .timeout(self.policy.timeout)
            .connect_timeout(self.policy.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "auth-core/",
                env!("CARGO_PKG_VERSION"),
                " (remote JWKS)"
            ))
            .build()
            .map_err(RemoteJwksError::Client)?;
        let now = Instant::now();
        Ok(RemoteJwks {
            shared: Arc::new(Shared {
                url: self.url,
                client,
                policy: self.policy,
                keys: RwLock::new(Arc::new(KeySet {
                    keys: HashMap::new(),
                    fetched_at: None,
                    refresh_at: now,
                })),
                gate: Mutex::new(Gate {
                    in_flight: false,
                    last_started: None,
                    failures: 0,
                    last_error: None,
                }),
                fetched: Notify::new(),
                unknown_kids: Mutex::new(HashMap::new()),
                fetches: AtomicU64::new(0),
                generation: AtomicU64::new(0),
                usable_until_ms: AtomicI64::new(i64::MIN),
            }),
        })
    }
}

/// What a key lookup found.
enum Lookup {
    Found(Arc<PreparedKey>),
    Unknown,
    /// No keys to look in: never fetched, or past the stale ceiling.
    Unavailable,
}

/// An error and its causes, `a: b: c` (for the log; `token` sits below `error`, whose `Chain`
/// it cannot use).
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every critical section below is a few field writes: a panic cannot leave them half done.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl RemoteJwks {
    /// A key source for the JWKS at `url`, with the default policy.
    pub fn builder(url: impl Into<String>) -> RemoteJwksBuilder {
        RemoteJwksBuilder {
            url: url.into(),
            policy: Policy::default(),
        }
    }

    /// The JWKS URL.
    pub fn url(&self) -> &str {
        &self.shared.url
    }

    /// How many fetches were made so far (for tests and metrics).
    pub fn fetch_count(&self) -> u64 {
        self.shared.fetches.load(Ordering::Relaxed)
    }

    /// Starts fetching in the background on the current tokio runtime: at once, then ahead of
    /// each expiry, and with backoff after failures. The task ends when the last clone of this
    /// key source is dropped. Without it, keys are fetched on the first unknown `kid`.
    pub fn start(&self) {
        let weak = Arc::downgrade(&self.shared);
        tokio::spawn(background(weak));
    }

    fn read(&self) -> Arc<KeySet> {
        Arc::clone(&self.shared.keys.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn lookup(&self, kid: &str) -> Lookup {
        let set = self.read();
        let usable = set
            .fetched_at
            .is_some_and(|at| at.elapsed() < self.shared.policy.stale_ceiling);
        if !usable {
            return Lookup::Unavailable;
        }
        match set.keys.get(kid) {
            Some(key) => Lookup::Found(Arc::clone(key)),
            None => Lookup::Unknown,
        }
    }

    /// Fetches now unless another fetch is running (then waits for that one) or, when
    /// `respect_cooldown`, one began within the cooldown (then returns at once, `false`).
    async fn refresh(&self, respect_cooldown: bool) -> bool {
        let shared = &self.shared;
        let notified = shared.fetched.notified();
        tokio::pin!(notified);
        enum Role {
            Fetch,
            Follow,
            Refuse,
        }
        let role = {
            let mut gate = lock(&shared.gate);
            if gate.in_flight {
                // Registered before the lock is released: the end of that fetch cannot be missed.
                notified.as_mut().enable();
                Role::Follow
            } else if respect_cooldown
                && gate
                    .last_started
                    .is_some_and(|at| at.elapsed() < shared.policy.cooldown)
            {
                Role::Refuse
            } else {
                gate.in_flight = true;
                gate.last_started = Some(Instant::now());
                Role::Fetch
            }
        };
        match role {
            Role::Fetch => {}
            Role::Refuse => return false,
            Role::Follow => {
                let _ = tokio::time::timeout(shared.policy.timeout * 2, notified).await;
                return true;
            }
        }
        shared.fetches.fetch_add(1, Ordering::Relaxed);
        let outcome = fetch::fetch(&shared.client, &shared.url, shared.policy.max_bytes).await;
        let now = Instant::now();
        self.settle(outcome, now);
        shared.fetched.notify_waiters();
        true
    }

    /// Records a fetch's outcome: new keys, or a failure that leaves the old ones in place.
    fn settle(&self, outcome: Result<fetch::Fetched, FetchError>, now: Instant) {
        let shared = &self.shared;
        let mut gate = lock(&shared.gate);
        match outcome {
            Ok(fetched) => {
                let policy = &shared.policy;
                let ttl = fetched
                    .max_age
                    .unwrap_or(policy.default_ttl)
                    .clamp(policy.min_ttl, policy.max_ttl);
                let count = fetched.keys.len();
                *shared.keys.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(KeySet {
                    keys: fetched.keys,
                    fetched_at: Some(now),
                    refresh_at: now + ttl.mul_f64(0.8),
                });
                shared.usable_until_ms.store(
                    Timestamp::now()
                        .saturating_add(policy.stale_ceiling)
                        .unix_millis(),
                    Ordering::Release,
                );
                shared.generation.fetch_add(1, Ordering::Release);
                lock(&shared.unknown_kids).clear();
                if gate.failures > 0 {
                    tracing::info!(url = %shared.url, keys = count, "JWKS reachable again");
                }
                gate.failures = 0;
                gate.last_error = None;
            }
            Err(error) => {
                gate.failures = gate.failures.saturating_add(1);
                let message = chain(&error);
                tracing::warn!(url = %shared.url, failures = gate.failures, error = %message, "JWKS fetch failed; the keys fetched before stay in use");
                gate.last_error = Some(message);
            }
        }
        gate.in_flight = false;
    }

    /// The key `kid` names: from the cache, or after one refetch when it is unknown and no
    /// fetch began within the cooldown.
    async fn key(&self, kid: &str) -> Result<Arc<PreparedKey>, TokenError> {
        match self.lookup(kid) {
            Lookup::Found(key) => return Ok(key),
            Lookup::Unknown | Lookup::Unavailable => {}
        }
        let refused_lately = lock(&self.shared.unknown_kids)
            .get(kid)
            .is_some_and(|until| *until > Instant::now());
        let looked = !refused_lately && self.refresh(true).await;
        match self.lookup(kid) {
            Lookup::Found(key) => Ok(key),
            Lookup::Unavailable => Err(TokenError::KeysUnavailable),
            // Remembered only when a fetch just said so: a refusal inside the cooldown must not
            // extend the memory, or a client retrying often would keep a new key out for good.
            Lookup::Unknown if !looked => Err(TokenError::UnknownKey),
            Lookup::Unknown => {
                let mut unknown = lock(&self.shared.unknown_kids);
                // Bounded: a flood of made-up kids resets the memory rather than grow it.
                if unknown.len() >= 4096 {
                    unknown.clear();
                }
                unknown.insert(
                    kid.to_owned(),
                    Instant::now() + self.shared.policy.unknown_kid_ttl,
                );
                Err(TokenError::UnknownKey)
            }
        }
    }
}

/// The background fetcher: at once, then ahead of expiry; with backoff after failures.
async fn background(weak: Weak<Shared>) {
    loop {
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let jwks = RemoteJwks { shared };
        let _ = jwks.refresh(false).await;
        let wait = {
            let gate = lock(&jwks.shared.gate);
            if gate.failures > 0 {
                let exponent = (gate.failures - 1).min(16);
                Duration::from_secs(1u64 << exponent).min(jwks.shared.policy.max_backoff)
            } else {
                jwks.read()
                    .refresh_at
                    .saturating_duration_since(Instant::now())
            }
        };
        drop(jwks);
        tokio::time::sleep(wait).await;
    }
}

/// Verifies tokens another server signed (Better Auth's, for one) with keys from its JWKS:
/// signature with the key the `kid` names (whose algorithm is the key's), `iss`, `aud`, `exp`,
/// `nbf`/`iat`.
///
/// ```no_run
/// use auth_core::model::Timestamp;
/// use auth_core::token::remote::{RemoteJwks, RemoteVerifier};
///
/// # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let jwks = RemoteJwks::builder("http://localhost:3000/api/auth/jwks").build()?;
/// jwks.start();
/// let verifier = RemoteVerifier::new(jwks, "http://localhost:3000", "http://localhost:3000");
/// let claims = verifier.verify(token, Timestamp::now()).await?;
/// println!("{} is calling", claims.email);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RemoteVerifier {
    jwks: RemoteJwks,
    issuer: String,
    audience: String,
    leeway: i64,
    verified: Option<Arc<VerifiedCache>>,
}

impl std::fmt::Debug for RemoteVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteVerifier")
            .field("jwks", &self.jwks)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

/// Tokens verified before, by their exact bytes, with the generation of the key set that
/// verified them: a hit counts only while that set is current (after a refetch, which may have
/// withdrawn the key, each token goes through the signature check once more).
type VerifiedCache = quick_cache::sync::Cache<String, (Arc<Claims>, u64)>;

impl RemoteVerifier {
    /// Tokens from `issuer` for `audience` (Better Auth: both its base URL's origin, unless
    /// its `jwt` plugin names others), checked with `jwks`'s keys.
    pub fn new(jwks: RemoteJwks, issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            jwks,
            issuer: issuer.into(),
            audience: audience.into(),
            leeway: 0,
            verified: Some(Arc::new(VerifiedCache::new(10_000))),
        }
    }

    /// How many verified tokens to remember by their exact bytes (default 10 000; 0 turns the
    /// cache off), as `AuthConfigBuilder::verified_token_cache` does for local keys.
    #[must_use]
    pub fn verified_token_cache(mut self, capacity: usize) -> Self {
        self.verified = (capacity > 0).then(|| Arc::new(VerifiedCache::new(capacity)));
        self
    }

    /// Tolerance for clock differences when checking `exp`, `nbf` and `iat` (default none).
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = i64::try_from(leeway.as_secs()).unwrap_or(i64::MAX);
        self
    }

    /// The key source.
    pub fn jwks(&self) -> &RemoteJwks {
        &self.jwks
    }

    /// The `iss` required.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The `aud` required.
    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// Verifies `token` at `now` with the keys already fetched, without waiting for a fetch:
    /// `UnknownKey` for a `kid` not (yet) known, `KeysUnavailable` before the first answer.
    pub fn verify_cached<T: DeserializeOwned>(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<T, TokenError> {
        let kid = verify::kid_of(token).ok_or(TokenError::Malformed)?;
        let key = match self.jwks.lookup(&kid) {
            Lookup::Found(key) => key,
            Lookup::Unknown => return Err(TokenError::UnknownKey),
            Lookup::Unavailable => return Err(TokenError::KeysUnavailable),
        };
        verify::verify(token, |_| Some(&*key), &self.expectations(now))
    }

    /// [`verify_cached`](Self::verify_cached) for Better Auth's claims, through the
    /// verified-token cache.
    pub fn verify_cached_shared(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<Arc<Claims>, TokenError> {
        let Some(cache) = &self.verified else {
            return self.verify_cached(token, now).map(Arc::new);
        };
        // Read before the lookup below: a refetch in between makes the entry stale, never the
        // other way round.
        let generation = self.jwks.shared.generation.load(Ordering::Acquire);
        if let Some((claims, verified_in)) = cache.get(token) {
            let usable =
                now.unix_millis() < self.jwks.shared.usable_until_ms.load(Ordering::Acquire);
            if verified_in == generation && usable {
                // The signature and the claims' shape were checked when it went in; time was not.
                let now = now.unix_seconds();
                if claims.exp.saturating_add(self.leeway) <= now {
                    return Err(TokenError::Expired);
                }
                if claims.nbf.unwrap_or(i64::MIN).max(claims.iat) > now.saturating_add(self.leeway)
                {
                    return Err(TokenError::NotYetValid);
                }
                return Ok(claims);
            }
        }
        let kid = verify::kid_of(token).ok_or(TokenError::Malformed)?;
        let key = match self.jwks.lookup(&kid) {
            Lookup::Found(key) => key,
            Lookup::Unknown => return Err(TokenError::UnknownKey),
            Lookup::Unavailable => return Err(TokenError::KeysUnavailable),
        };
        let claims: Arc<Claims> = Arc::new(verify::verify(
            token,
            |_| Some(&*key),
            &self.expectations(now),
        )?);
        cache.insert(token.to_owned(), (Arc::clone(&claims), generation));
        Ok(claims)
    }

    fn expectations(&self, now: Timestamp) -> Expectations<'_> {
        Expectations {
            issuer: &self.issuer,
            audience: &self.audience,
            now: now.unix_seconds(),
            leeway: self.leeway,
        }
    }

    /// Verifies `token` at `now` and returns Better Auth's claims (through the verified-token
    /// cache; an unknown `kid` gets one refetch, within the cooldown rules).
    ///
    /// Errors as [`TokenError`]; `KeysUnavailable` when no keys could be fetched (yet).
    pub async fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError> {
        match self.verify_cached_shared(token, now) {
            Err(TokenError::UnknownKey | TokenError::KeysUnavailable) => {
                let kid = verify::kid_of(token).ok_or(TokenError::Malformed)?;
                self.jwks.key(&kid).await?;
                self.verify_cached_shared(token, now)
            }
            done => done,
        }
        .map(Arc::unwrap_or_clone)
    }

    /// Verifies `token` at `now` and reads its payload as `T` (claims of your own).
    pub async fn verify_as<T: DeserializeOwned>(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<T, TokenError> {
        let kid = verify::kid_of(token).ok_or(TokenError::Malformed)?;
        let key = self.jwks.key(&kid).await?;
        verify::verify(token, |_| Some(&*key), &self.expectations(now))
    }
}

/// A [`TokenIssuer`] that only verifies, with a [`RemoteVerifier`]'s keys: what
/// `Auth::verify_only` runs on. It signs nothing and publishes no keys of its own; a token
/// with a `kid` it does not know yet gets one refetch (within the cooldown rules).
#[derive(Debug, Clone)]
pub struct RemoteIssuer {
    verifier: RemoteVerifier,
    none: Jwks,
}

impl RemoteIssuer {
    /// The issuer for `verifier`'s tokens.
    pub fn new(verifier: RemoteVerifier) -> Self {
        Self {
            verifier,
            none: Jwks::default(),
        }
    }

    /// The verifier.
    pub fn verifier(&self) -> &RemoteVerifier {
        &self.verifier
    }
}

/// Signing was asked of a verify-only issuer.
#[derive(Debug, thiserror::Error)]
#[error("a verify-only issuer signs no tokens: they come from {0}")]
struct VerifyOnly(String);

impl TokenIssuer for RemoteIssuer {
    fn issuer(&self) -> &str {
        self.verifier.issuer()
    }

    fn audience(&self) -> &str {
        self.verifier.audience()
    }

    fn sign(&self, _claims: &Claims) -> Result<AccessToken, SigningError> {
        Err(SigningError(Box::new(VerifyOnly(
            self.verifier.issuer().to_owned(),
        ))))
    }

    fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError> {
        self.verifier
            .verify_cached_shared(token, now)
            .map(Arc::unwrap_or_clone)
    }

    fn verify_shared(&self, token: &str, now: Timestamp) -> Result<Arc<Claims>, TokenError> {
        self.verifier.verify_cached_shared(token, now)
    }

    fn verify_value(&self, token: &str, now: Timestamp) -> Result<serde_json::Value, TokenError> {
        self.verifier.verify_cached(token, now)
    }

    fn jwks(&self) -> &Jwks {
        &self.none
    }

    fn refresh_keys<'a>(&'a self, token: &'a str) -> Option<KeyRefresh<'a>> {
        let kid = verify::kid_of(token)?;
        Some(Box::pin(async move {
            // The outcome is read by the `verify` that follows.
            let _ = self.verifier.jwks.key(&kid).await;
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_accepted() {
        assert!(
            RemoteJwks::builder("ftp://example.com/jwks")
                .build()
                .is_err()
        );
        assert!(RemoteJwks::builder("not a url").build().is_err());
        assert!(
            RemoteJwks::builder("https://example.com/api/auth/jwks")
                .build()
                .is_ok()
        );
    }
}
