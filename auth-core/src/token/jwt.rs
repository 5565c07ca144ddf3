//! `JwtIssuer`: the default `TokenIssuer`, on jsonwebtoken with the RustCrypto backend.

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::Header;

use super::verify::{self, Expectations};
use super::{AccessToken, Claims, Jwks, JwtKey, KeyError, SigningError, TokenError, TokenIssuer};
use crate::config::AuthConfig;
use crate::model::Timestamp;

/// Signs with one key and verifies with any of several, so keys rotate without logging anyone
/// out: add the new key as the signing key and keep the old one as a verification key until
/// its last token has expired.
///
/// Every key is parsed once, at construction; `verify` takes no lock and allocates nothing but
/// the claims it returns.
/// The algorithm comes from the key that the token's `kid` names, never from the token, so
/// `alg: none` and an HS256 token "signed" with a public key are refused.
///
/// ```
/// use auth_core::config::AuthConfig;
/// use auth_core::model::{SessionId, Timestamp, User, UserId};
/// use auth_core::token::{Claims, JwtIssuer, JwtKey, TokenIssuer};
///
/// let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
/// let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519())?;
/// let now = Timestamp::now();
/// let user = User::new(UserId::new("u1"), "Ada", "ada@example.com", now);
/// let session = SessionId::new("s1");
/// let claims = Claims::new(&user, &session, now, now + config.token_ttl(), issuer.issuer(), issuer.audience());
/// let token = issuer.sign(&claims)?;
/// assert_eq!(issuer.verify(token.expose(), now)?.sub, user.id);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JwtIssuer {
    issuer: String,
    audience: String,
    signing: JwtKey,
    header: Header,
    /// A handful of keys at most (the signing key and those being rotated out): a linear scan
    /// comparing `kid`s beats hashing one.
    verifiers: Vec<JwtKey>,
    jwks: Jwks,
    leeway_secs: i64,
    verified: Option<VerifiedCache>,
}

/// Tokens verified before, by their exact bytes (see [`JwtIssuerBuilder::verified_token_cache`]).
struct VerifiedCache(quick_cache::sync::Cache<String, Arc<Claims>>);

impl std::fmt::Debug for VerifiedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedCache")
            .field("len", &self.0.len())
            .finish()
    }
}

/// Builds a [`JwtIssuer`].
///
/// ```
/// use std::time::Duration;
/// use auth_core::token::{JwtIssuer, JwtKey, TokenIssuer};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // Rotating keys: the new key signs, the old one still verifies the tokens it signed.
/// let old = JwtKey::generate_ed25519();
/// let new = JwtKey::generate_ed25519();
/// let issuer = JwtIssuer::builder("https://auth.example.com", "https://auth.example.com")
///     .signing_key(new)
///     .verification_key(old)
///     .leeway(Duration::from_secs(10))
///     .verified_token_cache(10_000)
///     .build()?;
/// assert_eq!(issuer.jwks().keys.len(), 2);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct JwtIssuerBuilder {
    issuer: String,
    audience: String,
    signing: Option<JwtKey>,
    verification: Vec<JwtKey>,
    leeway: Duration,
    verified_cache: usize,
}

impl JwtIssuer {
    /// Starts a builder for tokens with this `iss` and `aud`.
    pub fn builder(issuer: impl Into<String>, audience: impl Into<String>) -> JwtIssuerBuilder {
        JwtIssuerBuilder {
            issuer: issuer.into(),
            audience: audience.into(),
            signing: None,
            verification: Vec::new(),
            leeway: Duration::from_secs(30),
            verified_cache: 0,
        }
    }

    /// An issuer whose `iss` and `aud` are the configured origin (as Better Auth's), signing
    /// with `key`, with the configured verified-token cache.
    pub fn for_config(config: &AuthConfig, key: JwtKey) -> Result<Self, KeyError> {
        Self::builder(config.origin(), config.origin())
            .signing_key(key)
            .verified_token_cache(config.verified_token_cache())
            .build()
    }
}

impl JwtIssuerBuilder {
    /// The key new tokens are signed with (it also verifies).
    pub fn signing_key(mut self, key: JwtKey) -> Self {
        self.signing = Some(key);
        self
    }

    /// A further key that verifies (and is published) but does not sign: an older key during
    /// rotation, or another service's public key.
    pub fn verification_key(mut self, key: JwtKey) -> Self {
        self.verification.push(key);
        self
    }

    /// Remembers up to `capacity` tokens that verified, by their exact bytes, so a client that
    /// sends the same token on every request pays the signature check once (as Envoy's
    /// `jwt_authn` does): worth it for EdDSA, ES256 and RS256, whose verification costs tens of
    /// microseconds. `exp` and `nbf` are still checked on every hit, and so is the session
    /// revocation check, which runs after the issuer. Off (0) by default.
    pub fn verified_token_cache(mut self, capacity: usize) -> Self {
        self.verified_cache = capacity;
        self
    }

    /// How much clock skew `exp`, `nbf` and `iat` tolerate (default 30 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// The issuer; fails without a signing key that holds its private half.
    pub fn build(self) -> Result<JwtIssuer, KeyError> {
        let signing = self
            .signing
            .filter(JwtKey::can_sign)
            .ok_or(KeyError::NoSigningKey)?;
        let mut header = Header::new(signing.algorithm().to_jsonwebtoken());
        // Better Auth's header is exactly {"alg","kid"}.
        header.typ = None;
        header.kid = Some(signing.kid().to_owned());
        let mut verifiers: Vec<JwtKey> = Vec::new();
        let mut jwks = Jwks::default();
        for key in std::iter::once(signing.clone()).chain(self.verification) {
            if verifiers.iter().any(|known| known.kid() == key.kid()) {
                continue;
            }
            if let Some(jwk) = key.public_jwk() {
                jwks.keys.push(jwk.clone());
            }
            verifiers.push(key);
        }
        Ok(JwtIssuer {
            issuer: self.issuer,
            audience: self.audience,
            signing,
            header,
            verifiers,
            jwks,
            leeway_secs: i64::try_from(self.leeway.as_secs()).unwrap_or(i64::MAX),
            verified: (self.verified_cache > 0)
                .then(|| VerifiedCache(quick_cache::sync::Cache::new(self.verified_cache))),
        })
    }
}

impl JwtIssuer {
    fn verify_into<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        now: Timestamp,
    ) -> Result<T, TokenError> {
        let expect = Expectations {
            issuer: &self.issuer,
            audience: &self.audience,
            now: now.unix_seconds(),
            leeway: self.leeway_secs,
        };
        verify::verify(
            token,
            |kid| {
                self.verifiers
                    .iter()
                    .find(|key| key.kid() == kid)
                    .map(JwtKey::verifier)
            },
            &expect,
        )
    }
}

impl TokenIssuer for JwtIssuer {
    fn issuer(&self) -> &str {
        &self.issuer
    }

    fn audience(&self) -> &str {
        &self.audience
    }

    fn sign(&self, claims: &Claims) -> Result<AccessToken, SigningError> {
        let key = self
            .signing
            .encoding()
            .ok_or_else(|| SigningError("the signing key has no private part".into()))?;
        jsonwebtoken::encode(&self.header, claims, key)
            .map(AccessToken::new)
            .map_err(|e| SigningError(Box::new(e)))
    }

    fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError> {
        match &self.verified {
            // Straight to the claims: going through `verify_shared` would allocate an `Arc`
            // for nothing (tests/verify_allocations.rs counts).
            None => self.verify_into(token, now),
            Some(_) => self.verify_shared(token, now).map(Arc::unwrap_or_clone),
        }
    }

    fn verify_shared(&self, token: &str, now: Timestamp) -> Result<Arc<Claims>, TokenError> {
        let Some(cache) = &self.verified else {
            return self.verify_into(token, now).map(Arc::new);
        };
        if let Some(claims) = cache.0.get(token) {
            // The signature and the claims' shape were checked when it went in; time was not.
            let now = now.unix_seconds();
            if claims.exp.saturating_add(self.leeway_secs) <= now {
                return Err(TokenError::Expired);
            }
            if claims.nbf.unwrap_or(i64::MIN).max(claims.iat) > now.saturating_add(self.leeway_secs)
            {
                return Err(TokenError::NotYetValid);
            }
            return Ok(claims);
        }
        let claims = Arc::new(self.verify_into::<Claims>(token, now)?);
        cache.0.insert(token.to_owned(), Arc::clone(&claims));
        Ok(claims)
    }

    fn verify_value(&self, token: &str, now: Timestamp) -> Result<serde_json::Value, TokenError> {
        self.verify_into(token, now)
    }

    fn jwks(&self) -> &Jwks {
        &self.jwks
    }
}
