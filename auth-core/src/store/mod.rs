//! Persistence: the [`UserStore`] trait (users, credential accounts, sessions, verification
//! tokens and the mail outbox) and the
//! [`RateLimitStore`] trait (request counters), each with an in-memory implementation.
//!
//! PostgreSQL and SQLite implementations are in the `auth-sqlx` crate. The behaviour every
//! `UserStore` must have is pinned by `store::suite` (feature `test-suite`), which each store's
//! tests run.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::BoxError;
use crate::mail::{Delivery, MailClaim, OutboundMail, QueuedMail};
use crate::model::{
    Account, AccountId, AuthSession, CredentialAccount, Email, Session, SessionId, SessionToken,
    Timestamp, TwoFactor, TwoFactorState, Unlinked, User, UserId, UserUpdate, UserWithCredential,
    Verification,
};

mod memory;
mod memory_rate_limits;
mod rate_limit;
#[cfg(feature = "test-suite")]
pub mod suite;

pub use memory::MemoryStore;
pub use memory_rate_limits::MemoryRateLimits;
pub use rate_limit::{Hit, RateLimitStore};

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The email belongs to another user already (unique violation on `"user".email`).
    #[error("email already taken")]
    EmailTaken,
    /// The store cannot be reached right now (connection refused, pool timed out); retrying
    /// later may succeed.
    #[error("store unavailable")]
    Unavailable(#[source] BoxError),
    /// Any other failure.
    #[error("store failure")]
    Other(#[source] BoxError),
}

/// Persistence for users, credential accounts and sessions.
///
/// Methods take and return domain types, never rows; ids and session tokens have types of their
/// own, so a session's id cannot be passed where its token is expected. All writes are single
/// statements or transactions: after any error, nothing was half-written. `Arc<S>` is a store
/// when `S` is, so one store can be shared with other parts of an application.
#[async_trait]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `UserStore`",
    note = "an `Auth` needs a store: `MemoryStore` here, or auth-sqlx's `PgStore` / `SqliteStore`"
)]
pub trait UserStore: Send + Sync + 'static {
    /// Where the rate limiter keeps its counters unless the application names another store
    /// (`AuthBuilder::rate_limit_store`): a database store returns its own, so that every
    /// instance on the database shares one limit. `None`, the default, keeps them in memory.
    fn rate_limit_store(&self) -> Option<&dyn RateLimitStore> {
        None
    }

    /// How the instances that share this store tell each other what changed, so that their
    /// in-memory caches of sessions stay right (auth-sqlx's PostgreSQL store: `LISTEN` /
    /// `NOTIFY`). `None`, the default, for a store only one process uses.
    fn invalidation_channel(&self) -> Option<&dyn crate::invalidation::InvalidationChannel> {
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

    /// The sign-up: inserts a user, their credential account, their first session (unless the
    /// email must be verified first) and their verification mail (when one is sent), all or
    /// none, so a sign-up that fails halfway (the database gone mid-request) leaves no user
    /// behind and an acknowledged one never lacks its mail.
    async fn create_user_with(
        &self,
        user: &User,
        credential: &CredentialAccount,
        session: Option<&Session>,
        mail: Option<&OutboundMail>,
    ) -> Result<(), StoreError>;

    /// The user with this id.
    async fn find_user_by_id(&self, id: &UserId) -> Result<Option<User>, StoreError>;

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
        id: &UserId,
        update: &UserUpdate,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError>;

    /// The user's credential account.
    async fn find_credential(
        &self,
        user_id: &UserId,
    ) -> Result<Option<CredentialAccount>, StoreError>;

    /// Replaces the hash in the user's credential account; `false` when there is none.
    async fn set_password_hash(
        &self,
        user_id: &UserId,
        hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Inserts a session.
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    /// The session with this token and its user, in one round trip (expired ones included:
    /// the caller decides).
    async fn find_session(&self, token: &SessionToken) -> Result<Option<AuthSession>, StoreError>;

    /// The session with this id (the JWT `sid`).
    async fn find_session_by_id(&self, id: &SessionId) -> Result<Option<Session>, StoreError>;

    /// Moves a session's expiry (sliding refresh).
    async fn extend_session(
        &self,
        id: &SessionId,
        expires_at: Timestamp,
        updated_at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Deletes the session with this token; returns its id if it existed.
    async fn delete_session(&self, token: &SessionToken) -> Result<Option<SessionId>, StoreError>;

    /// Deletes all of a user's sessions except the one with id `keep`; returns the deleted ids.
    async fn delete_user_sessions(
        &self,
        user_id: &UserId,
        keep: Option<&SessionId>,
    ) -> Result<Vec<SessionId>, StoreError>;

    /// The user's sessions that have not expired at `now`, oldest first.
    async fn list_sessions(
        &self,
        user_id: &UserId,
        now: Timestamp,
    ) -> Result<Vec<Session>, StoreError>;

    /// Deletes every session that has expired at `now`; returns how many.
    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError>;

    /// Sets `emailVerified` (and `updatedAt` to `now`); `None` when there is no such user.
    async fn mark_email_verified(
        &self,
        id: &UserId,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError>;

    /// Changes the user's email and its verified flag, and commits `mail` with it; an email
    /// that belongs to another user is [`StoreError::EmailTaken`] (and nothing is written).
    /// `None` when there is no such user.
    async fn change_email(
        &self,
        id: &UserId,
        email: &Email,
        verified: bool,
        now: Timestamp,
        mail: Option<&OutboundMail>,
    ) -> Result<Option<User>, StoreError>;

    /// Inserts a verification row and the mail that carries its token, both or neither.
    async fn create_verification(
        &self,
        verification: &Verification,
        mail: &OutboundMail,
    ) -> Result<(), StoreError>;

    /// The newest row with this identifier that has not expired at `now`.
    async fn find_verification(
        &self,
        identifier: &str,
        now: Timestamp,
    ) -> Result<Option<Verification>, StoreError>;

    /// Completes a password reset in one transaction: takes the reset row (it must exist, be
    /// for `credential.user_id` and not have expired at `now`; else nothing is written and the
    /// answer is `None`), stores `credential.password_hash` in the user's credential account
    /// (inserting `credential` when there is none), deletes the user's other reset rows and,
    /// when `end_sessions`, all their sessions, whose ids it returns.
    async fn reset_password(
        &self,
        identifier: &str,
        credential: &CredentialAccount,
        end_sessions: bool,
        now: Timestamp,
    ) -> Result<Option<Vec<SessionId>>, StoreError>;

    /// Deletes a user with their sessions, accounts and verification rows in one transaction,
    /// returning the ids of the sessions that ended. With `token`, the deletion happens only if
    /// that verification row exists, is the user's and has not expired at `now` (else `None`,
    /// and a row of another user stays usable by its owner).
    async fn delete_user(
        &self,
        id: &UserId,
        token: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Vec<SessionId>>, StoreError>;

    /// Deletes the verification rows that have expired at `now`; returns how many.
    async fn delete_expired_verifications(&self, now: Timestamp) -> Result<u64, StoreError>;

    /// The account of `provider_id` with the provider's user id `account_id`, if one is
    /// linked (the oldest, should a database hold several).
    async fn find_account(
        &self,
        provider_id: &str,
        account_id: &str,
    ) -> Result<Option<Account>, StoreError>;

    /// All the user's accounts, the credential account included, oldest first.
    async fn list_accounts(&self, user_id: &UserId) -> Result<Vec<Account>, StoreError>;

    /// Creates a user who signed in through a provider, with that account and the first
    /// session, in one transaction; an email that is taken is [`StoreError::EmailTaken`] and
    /// nothing is written.
    async fn create_social_user(
        &self,
        user: &User,
        account: &Account,
        session: &Session,
    ) -> Result<(), StoreError>;

    /// Links `account` to its user, unless an account of the same provider with the same
    /// `account_id` exists already (of any user): then nothing is written and the answer is
    /// `false`. Atomic: two concurrent links of one provider account cannot both succeed.
    async fn link_account(&self, account: &Account) -> Result<bool, StoreError>;

    /// Stores the account's tokens, their expiry times, scope and `updated_at` (by row id);
    /// `false` when the row is gone.
    async fn update_account(&self, account: &Account) -> Result<bool, StoreError>;

    /// Deletes the user's account with row id `id`, unless it is the user's only account, in
    /// one transaction (two concurrent unlinks cannot remove the last two).
    async fn unlink_account(
        &self,
        user_id: &UserId,
        id: &AccountId,
    ) -> Result<Unlinked, StoreError>;

    /// Inserts a verification row that carries no mail (a social sign-in's state).
    async fn insert_verification(&self, verification: &Verification) -> Result<(), StoreError>;

    /// Deletes the verification row with this row id; `true` when this call deleted it (so a
    /// single-use token is used once even when two requests race).
    async fn consume_verification(&self, id: &str) -> Result<bool, StoreError>;

    /// Whether two-factor is on for the user, and their `"twoFactor"` row (when a database
    /// holds several, the first one the database returns, as Better Auth's `findOne`; ours
    /// never writes a second).
    async fn find_two_factor(&self, user_id: &UserId) -> Result<TwoFactorState, StoreError>;

    /// Stores a new secret and backup codes (`enable`): replaces the user's unverified row in
    /// place (keeping its id; verified false, no failures, no lock, no counter) or inserts
    /// `row` when the user has none. When the user's row is verified nothing is written and the
    /// answer is `false`. One transaction.
    async fn put_two_factor(&self, row: &TwoFactor) -> Result<bool, StoreError>;

    /// Turns two-factor on with the first accepted TOTP code: the row `row_id` (which must be
    /// the user's) becomes verified with `last_used_counter = counter`, and
    /// `"user"."twoFactorEnabled"` true (`updatedAt` = `now`), in one transaction. `false`, and
    /// nothing written, when the row is not the user's or already used `counter` or a later step.
    async fn enable_two_factor(
        &self,
        user_id: &UserId,
        row_id: &str,
        counter: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Sets `"user"."twoFactorEnabled"` (`updatedAt` = `now`) without touching the user's
    /// `"twoFactor"` rows (two-factor by emailed codes only); `false` when there is no such user.
    async fn set_two_factor_enabled(
        &self,
        user_id: &UserId,
        on: bool,
        now: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Turns two-factor off: `"twoFactorEnabled"` false (`updatedAt` = `now`), the user's
    /// `"twoFactor"` rows and trusted-device records (`verification` rows whose identifier
    /// starts with [`TRUSTED_DEVICE_PREFIX`](crate::two_factor::TRUSTED_DEVICE_PREFIX) and whose
    /// value is the user's id) deleted, in one transaction; `false` when there is no such user.
    async fn disable_two_factor(
        &self,
        user_id: &UserId,
        now: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Replaces the row's backup codes with `replacement` only while they are still `expected`
    /// (so that of two requests spending codes from one list, one wins); `true` when replaced.
    async fn swap_backup_codes(
        &self,
        row_id: &str,
        expected: &str,
        replacement: &str,
    ) -> Result<bool, StoreError>;

    /// Records that the TOTP code of step `counter` was accepted, unless that step or a later
    /// one was recorded already (a replay): `true` when recorded. Atomic across instances.
    async fn use_totp_counter(&self, row_id: &str, counter: i64) -> Result<bool, StoreError>;

    /// Counts one failed verification on a sign-in challenge, atomically: a lock that has
    /// elapsed at `now` starts the count again from zero; at `threshold` failures the row is
    /// locked until `now + lock_for`. Returns the row after the update (`None` when it is gone).
    async fn record_two_factor_failure(
        &self,
        row_id: &str,
        now: Timestamp,
        threshold: u32,
        lock_for: Duration,
    ) -> Result<Option<TwoFactor>, StoreError>;

    /// Clears the failure count and the lock (after a successful verification).
    async fn clear_two_factor_failures(&self, row_id: &str) -> Result<(), StoreError>;

    /// Commits a mail to the outbox, due at once.
    async fn enqueue_mail(&self, mail: &OutboundMail) -> Result<(), StoreError>;

    /// Claims up to `limit` due mails (not sent, not failed, due at `now`, not held by a
    /// live claim) for `lease`: until then no other caller, in this process or another, gets
    /// them. Each claim counts as an attempt.
    async fn claim_mail(
        &self,
        now: Timestamp,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<QueuedMail>, StoreError>;

    /// Records how a claimed mail's delivery went: sent mail leaves the outbox, a retry is due
    /// again at its time, a failure stays with its reason. Returns `false` when the claim is no
    /// longer current (its lease ran out and another worker took the mail).
    async fn finish_mail(&self, claim: &MailClaim, delivery: &Delivery)
    -> Result<bool, StoreError>;

    /// How many mails the outbox holds (waiting, due or not, and failed), and how many of them
    /// failed for good.
    async fn outbox_len(&self) -> Result<(u64, u64), StoreError>;
}

#[async_trait]
impl<S: UserStore + ?Sized> UserStore for Arc<S> {
    fn rate_limit_store(&self) -> Option<&dyn RateLimitStore> {
        (**self).rate_limit_store()
    }

    fn invalidation_channel(&self) -> Option<&dyn crate::invalidation::InvalidationChannel> {
        (**self).invalidation_channel()
    }

    async fn create_user(
        &self,
        user: &User,
        credential: &CredentialAccount,
    ) -> Result<(), StoreError> {
        (**self).create_user(user, credential).await
    }

    async fn create_user_with(
        &self,
        user: &User,
        credential: &CredentialAccount,
        session: Option<&Session>,
        mail: Option<&OutboundMail>,
    ) -> Result<(), StoreError> {
        (**self)
            .create_user_with(user, credential, session, mail)
            .await
    }

    async fn find_user_by_id(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        (**self).find_user_by_id(id).await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        (**self).find_user_by_email(email).await
    }

    async fn find_user_with_credential(
        &self,
        email: &Email,
    ) -> Result<Option<UserWithCredential>, StoreError> {
        (**self).find_user_with_credential(email).await
    }

    async fn update_user(
        &self,
        id: &UserId,
        update: &UserUpdate,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        (**self).update_user(id, update, now).await
    }

    async fn find_credential(
        &self,
        user_id: &UserId,
    ) -> Result<Option<CredentialAccount>, StoreError> {
        (**self).find_credential(user_id).await
    }

    async fn set_password_hash(
        &self,
        user_id: &UserId,
        hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        (**self).set_password_hash(user_id, hash, now).await
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        (**self).create_session(session).await
    }

    async fn find_session(&self, token: &SessionToken) -> Result<Option<AuthSession>, StoreError> {
        (**self).find_session(token).await
    }

    async fn find_session_by_id(&self, id: &SessionId) -> Result<Option<Session>, StoreError> {
        (**self).find_session_by_id(id).await
    }

    async fn extend_session(
        &self,
        id: &SessionId,
        expires_at: Timestamp,
        updated_at: Timestamp,
    ) -> Result<(), StoreError> {
        (**self).extend_session(id, expires_at, updated_at).await
    }

    async fn delete_session(&self, token: &SessionToken) -> Result<Option<SessionId>, StoreError> {
        (**self).delete_session(token).await
    }

    async fn delete_user_sessions(
        &self,
        user_id: &UserId,
        keep: Option<&SessionId>,
    ) -> Result<Vec<SessionId>, StoreError> {
        (**self).delete_user_sessions(user_id, keep).await
    }

    async fn list_sessions(
        &self,
        user_id: &UserId,
        now: Timestamp,
    ) -> Result<Vec<Session>, StoreError> {
        (**self).list_sessions(user_id, now).await
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
        (**self).delete_expired_sessions(now).await
    }

    async fn mark_email_verified(
        &self,
        id: &UserId,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        (**self).mark_email_verified(id, now).await
    }

    async fn change_email(
        &self,
        id: &UserId,
        email: &Email,
        verified: bool,
        now: Timestamp,
        mail: Option<&OutboundMail>,
    ) -> Result<Option<User>, StoreError> {
        (**self).change_email(id, email, verified, now, mail).await
    }

    async fn create_verification(
        &self,
        verification: &Verification,
        mail: &OutboundMail,
    ) -> Result<(), StoreError> {
        (**self).create_verification(verification, mail).await
    }

    async fn find_verification(
        &self,
        identifier: &str,
        now: Timestamp,
    ) -> Result<Option<Verification>, StoreError> {
        (**self).find_verification(identifier, now).await
    }

    async fn reset_password(
        &self,
        identifier: &str,
        credential: &CredentialAccount,
        end_sessions: bool,
        now: Timestamp,
    ) -> Result<Option<Vec<SessionId>>, StoreError> {
        (**self)
            .reset_password(identifier, credential, end_sessions, now)
            .await
    }

    async fn delete_user(
        &self,
        id: &UserId,
        token: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Vec<SessionId>>, StoreError> {
        (**self).delete_user(id, token, now).await
    }

    async fn delete_expired_verifications(&self, now: Timestamp) -> Result<u64, StoreError> {
        (**self).delete_expired_verifications(now).await
    }

    async fn find_account(
        &self,
        provider_id: &str,
        account_id: &str,
    ) -> Result<Option<Account>, StoreError> {
        (**self).find_account(provider_id, account_id).await
    }

    async fn list_accounts(&self, user_id: &UserId) -> Result<Vec<Account>, StoreError> {
        (**self).list_accounts(user_id).await
    }

    async fn create_social_user(
        &self,
        user: &User,
        account: &Account,
        session: &Session,
    ) -> Result<(), StoreError> {
        (**self).create_social_user(user, account, session).await
    }

    async fn link_account(&self, account: &Account) -> Result<bool, StoreError> {
        (**self).link_account(account).await
    }

    async fn update_account(&self, account: &Account) -> Result<bool, StoreError> {
        (**self).update_account(account).await
    }

    async fn unlink_account(
        &self,
        user_id: &UserId,
        id: &AccountId,
    ) -> Result<Unlinked, StoreError> {
        (**self).unlink_account(user_id, id).await
    }

    async fn insert_verification(&self, verification: &Verification) -> Result<(), StoreError> {
        (**self).insert_verification(verification).await
    }

    async fn consume_verification(&self, id: &str) -> Result<bool, StoreError> {
        (**self).consume_verification(id).await
    }

    async fn find_two_factor(&self, user_id: &UserId) -> Result<TwoFactorState, StoreError> {
        (**self).find_two_factor(user_id).await
    }

    async fn put_two_factor(&self, row: &TwoFactor) -> Result<bool, StoreError> {
        (**self).put_two_factor(row).await
    }

    async fn enable_two_factor(
        &self,
        user_id: &UserId,
        row_id: &str,
        counter: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        (**self)
            .enable_two_factor(user_id, row_id, counter, now)
            .await
    }

    async fn disable_two_factor(
        &self,
        user_id: &UserId,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        (**self).disable_two_factor(user_id, now).await
    }

    async fn set_two_factor_enabled(
        &self,
        user_id: &UserId,
        on: bool,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        (**self).set_two_factor_enabled(user_id, on, now).await
    }

    async fn swap_backup_codes(
        &self,
        row_id: &str,
        expected: &str,
        replacement: &str,
    ) -> Result<bool, StoreError> {
        (**self)
            .swap_backup_codes(row_id, expected, replacement)
            .await
    }

    async fn use_totp_counter(&self, row_id: &str, counter: i64) -> Result<bool, StoreError> {
        (**self).use_totp_counter(row_id, counter).await
    }

    async fn record_two_factor_failure(
        &self,
        row_id: &str,
        now: Timestamp,
        threshold: u32,
        lock_for: Duration,
    ) -> Result<Option<TwoFactor>, StoreError> {
        (**self)
            .record_two_factor_failure(row_id, now, threshold, lock_for)
            .await
    }

    async fn clear_two_factor_failures(&self, row_id: &str) -> Result<(), StoreError> {
        (**self).clear_two_factor_failures(row_id).await
    }

    async fn enqueue_mail(&self, mail: &OutboundMail) -> Result<(), StoreError> {
        (**self).enqueue_mail(mail).await
    }

    async fn claim_mail(
        &self,
        now: Timestamp,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        (**self).claim_mail(now, lease, limit).await
    }

    async fn finish_mail(
        &self,
        claim: &MailClaim,
        delivery: &Delivery,
    ) -> Result<bool, StoreError> {
        (**self).finish_mail(claim, delivery).await
    }

    async fn outbox_len(&self) -> Result<(u64, u64), StoreError> {
        (**self).outbox_len().await
    }
}
