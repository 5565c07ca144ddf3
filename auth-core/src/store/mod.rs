//! The `UserStore` trait: the persistence the flows need, and nothing more.
//!
//! Implementations: [`MemoryStore`] here; PostgreSQL and SQLite in the `auth-sqlx` crate.
//! The behaviour every implementation must have is pinned by `store::suite` (feature
//! `test-suite`), which each store's tests run.

use std::sync::Arc;

use async_trait::async_trait;

use crate::error::BoxError;
use crate::model::{
    AuthSession, CredentialAccount, Email, Session, Timestamp, User, UserUpdate, UserWithCredential,
};
use crate::rate_limit::RateLimitStore;

mod memory;
#[cfg(feature = "test-suite")]
pub mod suite;

pub use memory::MemoryStore;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The email belongs to another user already (unique violation on `"user".email`).
    #[error("email already taken")]
    EmailTaken,
    /// The store cannot be reached right now (connection refused, pool timed out); retrying
    /// later may succeed.
    #[error("store unavailable: {0}")]
    Unavailable(#[source] BoxError),
    /// Any other failure.
    #[error("store error: {0}")]
    Other(#[source] BoxError),
}

/// Persistence for users, credential accounts and sessions.
///
/// Methods take and return domain types, never rows. All writes are single statements or
/// transactions: after any error, nothing was half-written. Used as `Arc<dyn UserStore>`, so
/// adapters and extractors are not generic over it.
#[async_trait]
pub trait UserStore: Send + Sync + 'static {
    /// Where the rate limiter keeps its counters unless the application names another store
    /// (`AuthBuilder::rate_limit_store`): a database store returns itself, so that every
    /// instance on the database shares one limit. `None`, the default, keeps them in memory.
    fn rate_limit_store(&self) -> Option<Arc<dyn RateLimitStore>> {
        None
    }

    /// Inserts a user and their credential account atomically. An email that is already taken
    /// (emails are stored lower-case, so in any case) is [`StoreError::EmailTaken`], and then
    /// neither row exists.
    async fn create_user(
        &self,
        user: &User,
        credential: &CredentialAccount,
    ) -> Result<(), StoreError>;

    /// Inserts a user, their credential account and their first session, all or none (the
    /// sign-up). The default calls [`create_user`](Self::create_user) and then
    /// [`create_session`](Self::create_session); database stores do it in one transaction, so a
    /// sign-up that fails halfway (the database gone mid-request) leaves no user behind.
    async fn create_user_with_session(
        &self,
        user: &User,
        credential: &CredentialAccount,
        session: &Session,
    ) -> Result<(), StoreError> {
        self.create_user(user, credential).await?;
        self.create_session(session).await
    }

    /// The user with this id.
    async fn find_user_by_id(&self, id: &str) -> Result<Option<User>, StoreError>;

    /// The user with this email.
    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;

    /// The user with this email and their credential account, in one round trip (sign-in).
    async fn find_user_with_credential(
        &self,
        email: &Email,
    ) -> Result<Option<UserWithCredential>, StoreError>;

    /// Applies `update` to the user (and sets `updatedAt` to `now`); `None` when there is no
    /// such user.
    async fn update_user(
        &self,
        id: &str,
        update: &UserUpdate,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError>;

    /// The user's credential account.
    async fn find_credential(&self, user_id: &str)
    -> Result<Option<CredentialAccount>, StoreError>;

    /// Replaces the hash in the user's credential account; `false` when there is none.
    async fn set_password_hash(
        &self,
        user_id: &str,
        hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Inserts a session.
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    /// The session with this token and its user, in one round trip (expired ones included:
    /// the caller decides).
    async fn find_session(&self, token: &str) -> Result<Option<AuthSession>, StoreError>;

    /// The session with this id (the JWT `sid`).
    async fn find_session_by_id(&self, id: &str) -> Result<Option<Session>, StoreError>;

    /// Moves a session's expiry (sliding refresh).
    async fn extend_session(
        &self,
        id: &str,
        expires_at: Timestamp,
        updated_at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Deletes the session with this token; returns its id if it existed.
    async fn delete_session(&self, token: &str) -> Result<Option<String>, StoreError>;

    /// Deletes all of a user's sessions except the one with id `keep`; returns the deleted ids.
    async fn delete_user_sessions(
        &self,
        user_id: &str,
        keep: Option<&str>,
    ) -> Result<Vec<String>, StoreError>;

    /// The user's sessions that have not expired at `now`, oldest first.
    async fn list_sessions(
        &self,
        user_id: &str,
        now: Timestamp,
    ) -> Result<Vec<Session>, StoreError>;

    /// Deletes every session that has expired at `now`; returns how many.
    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError>;
}
