//! Access tokens: the `TokenIssuer` trait, the default `JwtIssuer`, keys and JWKS, claims.

mod access_token;
mod claims;
mod jwt;
mod keys;
#[cfg(feature = "remote-jwks")]
pub mod remote;
pub(crate) mod revocation;
mod verify;

pub use access_token::AccessToken;
pub use claims::Claims;
pub use jwt::{JwtIssuer, JwtIssuerBuilder};
pub use keys::{Jwks, JwtAlgorithm, JwtKey, KeyError, PublicJwk};

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::BoxError;
use crate::model::Timestamp;

/// A token could not be signed: a server-side fault, never the client's.
#[derive(Debug, thiserror::Error)]
#[error("the access token could not be signed")]
pub struct SigningError(#[source] pub BoxError);

/// Why a token was refused.
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
    /// The keys to check it are out of reach: the remote JWKS has not answered yet, or not for
    /// longer than its stale ceiling. Not the client's fault; worth retrying.
    #[error("signing keys unavailable")]
    KeysUnavailable,
}

/// Signs and verifies access tokens and publishes the public keys.
///
/// Verification is on the hot path of every API request: implementations prepare keys once and
/// take no lock in `verify`. `Arc<T>` is an issuer when `T` is.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `TokenIssuer`",
    note = "an `Auth` needs a token issuer: `JwtIssuer::for_config(&config, key)`, or auth-sqlx's `store.jwt_issuer(&config)`"
)]
pub trait TokenIssuer: Send + Sync + 'static {
    /// The `iss` this issuer writes and requires.
    fn issuer(&self) -> &str;

    /// The `aud` this issuer writes and requires.
    fn audience(&self) -> &str;

    /// Signs `claims` with the current signing key.
    fn sign(&self, claims: &Claims) -> Result<AccessToken, SigningError>;

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

    /// For issuers whose keys live elsewhere (a remote JWKS): after `verify` answered
    /// `UnknownKey` or `KeysUnavailable` for `token`, a future that fetches the keys it needs,
    /// after which one more `verify` is worth it. `None`, the default: the answer stands.
    fn refresh_keys<'a>(&'a self, token: &'a str) -> Option<KeyRefresh<'a>> {
        let _ = token;
        None
    }
}

/// What [`TokenIssuer::refresh_keys`] returns: a fetch of keys, to await before verifying again.
pub type KeyRefresh<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

impl<T: TokenIssuer + ?Sized> TokenIssuer for Arc<T> {
    fn issuer(&self) -> &str {
        (**self).issuer()
    }

    fn audience(&self) -> &str {
        (**self).audience()
    }

    fn sign(&self, claims: &Claims) -> Result<AccessToken, SigningError> {
        (**self).sign(claims)
    }

    fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError> {
        (**self).verify(token, now)
    }

    fn verify_shared(&self, token: &str, now: Timestamp) -> Result<Arc<Claims>, TokenError> {
        (**self).verify_shared(token, now)
    }

    fn verify_value(&self, token: &str, now: Timestamp) -> Result<serde_json::Value, TokenError> {
        (**self).verify_value(token, now)
    }

    fn jwks(&self) -> &Jwks {
        (**self).jwks()
    }

    fn refresh_keys<'a>(&'a self, token: &'a str) -> Option<KeyRefresh<'a>> {
        (**self).refresh_keys(token)
    }
}
