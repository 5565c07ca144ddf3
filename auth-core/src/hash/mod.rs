//! Password hashing: the `PasswordHasher` trait, argon2id by default, Better Auth's scrypt
//! hashes verified for migration, all of it on a bounded pool off the async runtime.

use std::sync::Arc;

use async_trait::async_trait;

use crate::BoxError;
use crate::model::Password;

mod argon2;
mod memory;
mod pool;
pub mod scrypt;

pub use self::argon2::{Argon2Hasher, Argon2Params};
pub use self::pool::{Admission, HashPool};

/// Why hashing or verifying failed (a wrong password is not an error: see [`Verification`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HashError {
    /// The hashing queue is full; retry shortly (HTTP 503 with `Retry-After`).
    #[error("password hashing queue is full")]
    Overloaded,
    /// The hashing threads have stopped.
    #[error("the password hashing threads have stopped")]
    Stopped,
    /// A hashing job panicked (the thread survives it).
    #[error("a password hashing job panicked")]
    Panicked,
    /// The algorithm refused its input or parameters.
    #[error("password hashing failed")]
    Algorithm(#[source] BoxError),
}

impl HashError {
    pub(crate) fn algorithm(error: impl Into<BoxError>) -> Self {
        Self::Algorithm(error.into())
    }
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verification {
    /// The password does not match (or the hash is in no format this hasher knows).
    Invalid,
    /// The password matches and the hash is up to date.
    Valid,
    /// The password matches, but the hash should be replaced by a fresh one: it is a Better Auth
    /// scrypt hash, or an argon2 hash weaker than the configured parameters.
    ValidNeedsRehash,
}

impl Verification {
    /// True for both valid outcomes.
    pub fn is_valid(self) -> bool {
        !matches!(self, Self::Invalid)
    }
}

/// Hashes new passwords and verifies passwords against stored hashes.
///
/// Implementations must not run the work on the caller's async worker thread; the default
/// [`Argon2Hasher`] runs it on a [`HashPool`]. `Arc<H>` is a hasher when `H` is.
#[async_trait]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `PasswordHasher`",
    note = "an `Auth` needs a password hasher: call `.default_hasher()` (argon2id) or `.hasher(…)`"
)]
pub trait PasswordHasher: Send + Sync + 'static {
    /// A new hash of `password`, to store.
    async fn hash(&self, password: &Password) -> Result<String, HashError>;

    /// Checks `password` against `hash`.
    async fn verify(&self, password: &Password, hash: &str) -> Result<Verification, HashError>;

    /// Does the work of one verification and throws the result away, so that a sign-in for an
    /// unknown email takes as long as one for a known email.
    async fn dummy_verify(&self, password: &Password) -> Result<(), HashError> {
        self.hash(password).await.map(drop)
    }

    /// Reserves room for one flow's hashing before the flow does anything else (see
    /// [`HashPool::admit`]): a saturated hasher refuses with [`HashError::Overloaded`] at once.
    /// The default reserves nothing and never refuses.
    fn admit(&self) -> Result<Admission, HashError> {
        Ok(Admission::unbounded())
    }
}

#[async_trait]
impl<H: PasswordHasher + ?Sized> PasswordHasher for Arc<H> {
    async fn hash(&self, password: &Password) -> Result<String, HashError> {
        (**self).hash(password).await
    }

    async fn verify(&self, password: &Password, hash: &str) -> Result<Verification, HashError> {
        (**self).verify(password, hash).await
    }

    async fn dummy_verify(&self, password: &Password) -> Result<(), HashError> {
        (**self).dummy_verify(password).await
    }

    fn admit(&self) -> Result<Admission, HashError> {
        (**self).admit()
    }
}
