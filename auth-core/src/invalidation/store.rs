//! [`CachingStore`]: the store every `Auth` talks to, wrapped so that sessions are read from
//! memory when a good copy is there, and so that every write that changes a session or a user
//! invalidates this instance's copies and tells the other instances, whichever flow made it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::caches::Caches;
use super::{Invalidation, InvalidationChannel};
use crate::clock::Clock;
use crate::mail::{Delivery, MailClaim, OutboundMail, QueuedMail};
use crate::model::{
    Account, AccountId, AuthSession, CredentialAccount, Email, Session, SessionId, SessionToken,
    Timestamp, TwoFactor, TwoFactorState, Unlinked, User, UserId, UserUpdate, UserWithCredential,
    Verification,
};
use crate::store::{RateLimitStore, StoreError, UserStore};

pub(crate) struct CachingStore {
    inner: Box<dyn UserStore>,
    caches: Arc<Caches>,
    clock: Arc<dyn Clock>,
}

impl CachingStore {
    pub(crate) fn new(
        inner: Box<dyn UserStore>,
        caches: Arc<Caches>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            inner,
            caches,
            clock,
        }
    }

    /// Forgets this instance's copies of what `events` name, and tells the other instances.
    /// A failed publish is logged, not returned: the write it follows succeeded, and the other
    /// instances' copies expire within the TTL.
    async fn invalidate(&self, events: Vec<Invalidation>) {
        if events.is_empty() {
            return;
        }
        self.caches.apply(&events, self.clock.now());
        if let Some(channel) = self.inner.invalidation_channel()
            && let Err(error) = channel.publish(&events).await
        {
            tracing::warn!(
                error = %crate::error::Chain(&error),
                "could not publish an invalidation; other instances rely on their caches' TTL"
            );
        }
    }
}

fn sessions(ids: &[SessionId]) -> impl Iterator<Item = Invalidation> + '_ {
    ids.iter().cloned().map(Invalidation::Session)
}

#[async_trait]
impl UserStore for CachingStore {
    fn rate_limit_store(&self) -> Option<&dyn RateLimitStore> {
        self.inner.rate_limit_store()
    }

    fn invalidation_channel(&self) -> Option<&dyn InvalidationChannel> {
        self.inner.invalidation_channel()
    }

    async fn find_session(&self, token: &SessionToken) -> Result<Option<AuthSession>, StoreError> {
        let now = self.clock.now();
        if let Some(copy) = self.caches.session(token, now) {
            return Ok(Some(copy));
        }
        // The time the read began: an invalidation applied after it makes the copy stale.
        let found = self.inner.find_session(token).await?;
        if let Some(session) = &found {
            self.caches.remember_session(token, session, now);
        }
        Ok(found)
    }

    async fn extend_session(
        &self,
        id: &SessionId,
        expires_at: Timestamp,
        updated_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.inner
            .extend_session(id, expires_at, updated_at)
            .await?;
        // Copies carry the old expiry; the tokens stay good (no event for the others, whose
        // copies only make them look at the store, or slide it again, sooner).
        self.caches.session_changed(id, self.clock.now());
        Ok(())
    }

    async fn delete_session(&self, token: &SessionToken) -> Result<Option<SessionId>, StoreError> {
        self.caches.forget_token(token);
        let ended = self.inner.delete_session(token).await?;
        if let Some(id) = &ended {
            self.invalidate(vec![Invalidation::Session(id.clone())])
                .await;
        }
        Ok(ended)
    }

    async fn delete_user_sessions(
        &self,
        user_id: &UserId,
        keep: Option<&SessionId>,
    ) -> Result<Vec<SessionId>, StoreError> {
        let ended = self.inner.delete_user_sessions(user_id, keep).await?;
        self.invalidate(sessions(&ended).collect()).await;
        Ok(ended)
    }

    async fn update_user(
        &self,
        id: &UserId,
        update: &UserUpdate,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        let user = self.inner.update_user(id, update, now).await?;
        self.invalidate(vec![Invalidation::User(id.clone())]).await;
        Ok(user)
    }

    async fn mark_email_verified(
        &self,
        id: &UserId,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        let user = self.inner.mark_email_verified(id, now).await?;
        self.invalidate(vec![Invalidation::User(id.clone())]).await;
        Ok(user)
    }

    async fn change_email(
        &self,
        id: &UserId,
        email: &Email,
        verified: bool,
        now: Timestamp,
        mail: Option<&OutboundMail>,
    ) -> Result<Option<User>, StoreError> {
        let user = self
            .inner
            .change_email(id, email, verified, now, mail)
            .await?;
        self.invalidate(vec![Invalidation::User(id.clone())]).await;
        Ok(user)
    }

    async fn reset_password(
        &self,
        identifier: &str,
        credential: &CredentialAccount,
        end_sessions: bool,
        now: Timestamp,
    ) -> Result<Option<Vec<SessionId>>, StoreError> {
        let ended = self
            .inner
            .reset_password(identifier, credential, end_sessions, now)
            .await?;
        if let Some(ended) = &ended {
            let mut events: Vec<Invalidation> = sessions(ended).collect();
            events.push(Invalidation::User(credential.user_id.clone()));
            self.invalidate(events).await;
        }
        Ok(ended)
    }

    async fn delete_user(
        &self,
        id: &UserId,
        token: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Vec<SessionId>>, StoreError> {
        let ended = self.inner.delete_user(id, token, now).await?;
        if let Some(ended) = &ended {
            let mut events: Vec<Invalidation> = sessions(ended).collect();
            events.push(Invalidation::User(id.clone()));
            self.invalidate(events).await;
        }
        Ok(ended)
    }

    async fn enable_two_factor(
        &self,
        user_id: &UserId,
        row_id: &str,
        counter: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let enabled = self
            .inner
            .enable_two_factor(user_id, row_id, counter, now)
            .await?;
        if enabled {
            self.invalidate(vec![Invalidation::User(user_id.clone())])
                .await;
        }
        Ok(enabled)
    }

    async fn disable_two_factor(
        &self,
        user_id: &UserId,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = self.inner.disable_two_factor(user_id, now).await?;
        self.invalidate(vec![Invalidation::User(user_id.clone())])
            .await;
        Ok(done)
    }

    async fn set_two_factor_enabled(
        &self,
        user_id: &UserId,
        on: bool,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = self.inner.set_two_factor_enabled(user_id, on, now).await?;
        self.invalidate(vec![Invalidation::User(user_id.clone())])
            .await;
        Ok(done)
    }

    // Everything else passes through.

    async fn create_user(
        &self,
        user: &User,
        credential: &CredentialAccount,
    ) -> Result<(), StoreError> {
        self.inner.create_user(user, credential).await
    }

    async fn create_user_with(
        &self,
        user: &User,
        credential: &CredentialAccount,
        session: Option<&Session>,
        mail: Option<&OutboundMail>,
    ) -> Result<(), StoreError> {
        self.inner
            .create_user_with(user, credential, session, mail)
            .await
    }

    async fn find_user_by_id(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        self.inner.find_user_by_id(id).await
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        self.inner.find_user_by_email(email).await
    }

    async fn find_user_with_credential(
        &self,
        email: &Email,
    ) -> Result<Option<UserWithCredential>, StoreError> {
        self.inner.find_user_with_credential(email).await
    }

    async fn find_credential(
        &self,
        user_id: &UserId,
    ) -> Result<Option<CredentialAccount>, StoreError> {
        self.inner.find_credential(user_id).await
    }

    async fn set_password_hash(
        &self,
        user_id: &UserId,
        hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.inner.set_password_hash(user_id, hash, now).await
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        self.inner.create_session(session).await
    }

    async fn find_session_by_id(&self, id: &SessionId) -> Result<Option<Session>, StoreError> {
        self.inner.find_session_by_id(id).await
    }

    async fn list_sessions(
        &self,
        user_id: &UserId,
        now: Timestamp,
    ) -> Result<Vec<Session>, StoreError> {
        self.inner.list_sessions(user_id, now).await
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
        self.inner.delete_expired_sessions(now).await
    }

    async fn create_verification(
        &self,
        verification: &Verification,
        mail: &OutboundMail,
    ) -> Result<(), StoreError> {
        self.inner.create_verification(verification, mail).await
    }

    async fn find_verification(
        &self,
        identifier: &str,
        now: Timestamp,
    ) -> Result<Option<Verification>, StoreError> {
        self.inner.find_verification(identifier, now).await
    }

    async fn delete_expired_verifications(&self, now: Timestamp) -> Result<u64, StoreError> {
        self.inner.delete_expired_verifications(now).await
    }

    async fn find_account(
        &self,
        provider_id: &str,
        account_id: &str,
    ) -> Result<Option<Account>, StoreError> {
        self.inner.find_account(provider_id, account_id).await
    }

    async fn list_accounts(&self, user_id: &UserId) -> Result<Vec<Account>, StoreError> {
        self.inner.list_accounts(user_id).await
    }

    async fn create_social_user(
        &self,
        user: &User,
        account: &Account,
        session: &Session,
    ) -> Result<(), StoreError> {
        self.inner.create_social_user(user, account, session).await
    }

    async fn link_account(&self, account: &Account) -> Result<bool, StoreError> {
        self.inner.link_account(account).await
    }

    async fn update_account(&self, account: &Account) -> Result<bool, StoreError> {
        self.inner.update_account(account).await
    }

    async fn unlink_account(
        &self,
        user_id: &UserId,
        id: &AccountId,
    ) -> Result<Unlinked, StoreError> {
        self.inner.unlink_account(user_id, id).await
    }

    async fn insert_verification(&self, verification: &Verification) -> Result<(), StoreError> {
        self.inner.insert_verification(verification).await
    }

    async fn consume_verification(&self, id: &str) -> Result<bool, StoreError> {
        self.inner.consume_verification(id).await
    }

    async fn find_two_factor(&self, user_id: &UserId) -> Result<TwoFactorState, StoreError> {
        self.inner.find_two_factor(user_id).await
    }

    async fn put_two_factor(&self, row: &TwoFactor) -> Result<bool, StoreError> {
        self.inner.put_two_factor(row).await
    }

    async fn swap_backup_codes(
        &self,
        row_id: &str,
        expected: &str,
        replacement: &str,
    ) -> Result<bool, StoreError> {
        self.inner
            .swap_backup_codes(row_id, expected, replacement)
            .await
    }

    async fn use_totp_counter(&self, row_id: &str, counter: i64) -> Result<bool, StoreError> {
        self.inner.use_totp_counter(row_id, counter).await
    }

    async fn record_two_factor_failure(
        &self,
        row_id: &str,
        now: Timestamp,
        threshold: u32,
        lock_for: Duration,
    ) -> Result<Option<TwoFactor>, StoreError> {
        self.inner
            .record_two_factor_failure(row_id, now, threshold, lock_for)
            .await
    }

    async fn clear_two_factor_failures(&self, row_id: &str) -> Result<(), StoreError> {
        self.inner.clear_two_factor_failures(row_id).await
    }

    async fn enqueue_mail(&self, mail: &OutboundMail) -> Result<(), StoreError> {
        self.inner.enqueue_mail(mail).await
    }

    async fn claim_mail(
        &self,
        now: Timestamp,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        self.inner.claim_mail(now, lease, limit).await
    }

    async fn finish_mail(
        &self,
        claim: &MailClaim,
        delivery: &Delivery,
    ) -> Result<bool, StoreError> {
        self.inner.finish_mail(claim, delivery).await
    }

    async fn outbox_len(&self) -> Result<(u64, u64), StoreError> {
        self.inner.outbox_len().await
    }
}
