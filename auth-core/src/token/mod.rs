//! Access tokens: the `TokenIssuer` trait, the default `JwtIssuer`, keys and JWKS, claims.

mod claims;
mod jwt;
mod keys;
pub(crate) mod revocation;
mod verify;

pub use claims::Claims;
pub use jwt::{JwtIssuer, JwtIssuerBuilder};
pub use keys::{Jwks, JwtAlgorithm, JwtKey, KeyError, PublicJwk};

use std::sync::Arc;

use crate::model::Timestamp;

/// Why a token was refused (or could not be made).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not a well-formed JWT, or its claims are not ours.
    #[error("malformed token")]
    Malformed,
    /// The header names no key, or a key this issuer does not know.
    #[error("unknown signing key")]
    UnknownKey,
    /// The header's algorithm is not the named key's algorithm (`none`, or HS256 with an RSA
    /// public key, and the like).
    #[error("algorithm does not match the key")]
    Algorithm,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// `exp` has passed.
    #[error("token expired")]
    Expired,
    /// `nbf` or `iat` lies in the future.
    #[error("token not yet valid")]
    NotYetValid,
    /// `iss` is not this issuer.
    #[error("wrong issuer")]
    WrongIssuer,
    /// `aud` is not this audience.
    #[error("wrong audience")]
    WrongAudience,
    /// The token's session has ended (signed out, revoked or expired).
    #[error("session revoked")]
    Revoked,
    /// Signing failed (a server-side fault, not the client's).
    #[error("signing failed: {0}")]
    Signing(String),
}

/// Signs and verifies access tokens and publishes the public keys.
///
/// Verification is on the hot path of every API request: implementations prepare keys once and
/// take no lock in `verify`.
pub trait TokenIssuer: Send + Sync + 'static {
    /// The `iss` this issuer writes and requires.
    fn issuer(&self) -> &str;

    /// The `aud` this issuer writes and requires.
    fn audience(&self) -> &str;

    /// Signs `claims` with the current signing key.
    fn sign(&self, claims: &Claims) -> Result<String, TokenError>;

    /// Verifies signature, `exp`, `nbf`, `iss` and `aud` at time `now`, and returns the claims.
    fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError>;

    /// [`TokenIssuer::verify`], for callers that only read the claims: an issuer that caches
    /// verified tokens hands out the cached claims without copying them.
    fn verify_shared(&self, token: &str, now: Timestamp) -> Result<Arc<Claims>, TokenError> {
        self.verify(token, now).map(Arc::new)
    }

    /// Verifies like [`TokenIssuer::verify`] and returns the whole payload, for applications with
    /// claims of their own (see `Auth::verify_token_as`).
    fn verify_value(&self, token: &str, now: Timestamp) -> Result<serde_json::Value, TokenError>;

    /// The public keys, for `GET /jwks`.
    fn jwks(&self) -> &Jwks;
}
