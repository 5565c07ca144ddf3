//! `MemoryStore`: a `UserStore` in process memory, for tests, examples and prototypes.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;

use super::{StoreError, UserStore};
use crate::mail::{Delivery, MailClaim, Message, OutboundMail, QueuedMail};
use crate::model::{
    Account, AccountId, AuthSession, CredentialAccount, Email, Session, SessionId, SessionToken,
    Timestamp, TwoFactor, TwoFactorState, Unlinked, User, UserId, UserUpdate, UserWithCredential,
    Verification,
};
use crate::two_factor::TRUSTED_DEVICE_PREFIX;

/// An in-memory [`UserStore`], safe under concurrency: every call runs under one lock, so
/// check-then-insert (unique emails) is atomic. Nothing survives a restart.
///
/// ```
/// use auth_core::store::MemoryStore;
///
/// let store = MemoryStore::new();
/// # let _ = store;
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Tables>,
}

#[derive(Debug, Default)]
struct Tables {
    users: HashMap<UserId, User>,
    user_by_email: HashMap<String, UserId>,
    credentials: HashMap<UserId, CredentialAccount>,
    /// Accounts of social providers, in the order they were written.
    accounts: Vec<Account>,
    /// `"twoFactor"` rows, oldest first.
    two_factors: Vec<TwoFactor>,
    sessions: HashMap<SessionToken, Session>,
    token_by_session_id: HashMap<SessionId, SessionToken>,
    verifications: Vec<Verification>,
    outbox: Vec<Queued>,
}

/// An outbox row.
#[derive(Debug)]
struct Queued {
    mail: OutboundMail,
    due: Timestamp,
    attempts: u32,
    held_until: Option<Timestamp>,
    claim: Option<String>,
    failed: Option<String>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes every mail waiting in the outbox, as if a mailer had sent it: what a test of an
    /// email flow reads instead of an inbox.
    ///
    /// ```
    /// use auth_core::store::MemoryStore;
    ///
    /// let store = MemoryStore::new();
    /// assert!(store.take_mail().is_empty());
    /// ```
    pub fn take_mail(&self) -> Vec<Message> {
        let mut t = self.tables();
        let (waiting, kept): (Vec<Queued>, Vec<Queued>) = std::mem::take(&mut t.outbox)
            .into_iter()
            .partition(|row| row.failed.is_none());
        t.outbox = kept;
        waiting.into_iter().map(|row| row.mail.message).collect()
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        // A panic while holding the lock cannot leave a half-applied change (every mutation
        // below is a few infallible map operations), so a poisoned lock is still consistent.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Tables {
    fn insert_user(
        &mut self,
        user: &User,
        credential: &CredentialAccount,
    ) -> Result<(), StoreError> {
        if self.user_by_email.contains_key(&user.email) {
            return Err(StoreError::EmailTaken);
        }
        self.user_by_email
            .insert(user.email.clone(), user.id.clone());
        self.users.insert(user.id.clone(), stored(user));
        self.credentials.insert(user.id.clone(), credential.clone());
        Ok(())
    }

    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError> {
        if !self.users.contains_key(&session.user_id) {
            // As the foreign key does in SQL stores.
            return Err(StoreError::Other(
                format!("no user {} for the session", session.user_id).into(),
            ));
        }
        self.token_by_session_id
            .insert(session.id.clone(), session.token.clone());
        self.sessions.insert(session.token.clone(), session.clone());
        Ok(())
    }

    /// Every account row, as an SQL store's `"account"` table holds them: the credential
    /// accounts (as accounts of provider `credential`, the user id as their account id) and the
    /// provider ones.
    fn all_accounts(&self) -> impl Iterator<Item = Account> + '_ {
        self.credentials
            .values()
            .map(credential_as_account)
            .chain(self.accounts.iter().cloned())
    }

    fn enqueue(&mut self, mail: &OutboundMail) {
        self.outbox.push(Queued {
            mail: mail.clone(),
            due: mail.created_at,
            attempts: 0,
            held_until: None,
            claim: None,
            failed: None,
        });
    }

    /// Removes the live row with `identifier` that `owner` may use; `None` leaves all in place.
    fn take_verification(
        &mut self,
        identifier: &str,
        owner: &UserId,
        now: Timestamp,
    ) -> Option<Verification> {
        let at = self.verifications.iter().position(|v| {
            v.identifier == identifier && v.value == owner.as_str() && !v.is_expired(now)
        })?;
        Some(self.verifications.remove(at))
    }

    fn remove_session(&mut self, token: &SessionToken) -> Option<Session> {
        let session = self.sessions.remove(token)?;
        self.token_by_session_id.remove(&session.id);
        Some(session)
    }

    fn remove_sessions_where(&mut self, doomed: impl Fn(&Session) -> bool) -> Vec<SessionId> {
        let tokens: Vec<SessionToken> = self
            .sessions
            .values()
            .filter(|s| doomed(s))
            .map(|s| s.token.clone())
            .collect();
        tokens
            .iter()
            .filter_map(|token| self.remove_session(token))
            .map(|s| s.id)
            .collect()
    }
}

/// A credential account as the `"account"` row it is in SQL stores.
fn credential_as_account(c: &CredentialAccount) -> Account {
    let mut account = Account::new(
        c.user_id.clone(),
        "credential",
        c.user_id.as_str(),
        c.created_at,
    );
    account.id = c.id.clone();
    account.updated_at = c.updated_at;
    account
}

/// Oldest first, ties broken by id (as SQL stores' `ORDER BY "createdAt", "id"`).
fn oldest_first(a: &Account, b: &Account) -> std::cmp::Ordering {
    a.created_at
        .cmp(&b.created_at)
        .then_with(|| a.id.cmp(&b.id))
}

#[async_trait]
impl UserStore for MemoryStore {
    async fn create_user(
        &self,
        user: &User,
        credential: &CredentialAccount,
    ) -> Result<(), StoreError> {
        self.tables().insert_user(user, credential)
    }

    async fn create_user_with(
        &self,
        user: &User,
        credential: &CredentialAccount,
        session: Option<&Session>,
        mail: Option<&OutboundMail>,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        // Every check happens before the first insert: all or nothing.
        if let Some(session) = session
            && session.user_id != user.id
        {
            return Err(StoreError::Other("the session is for another user".into()));
        }
        t.insert_user(user, credential)?;
        if let Some(session) = session {
            t.insert_session(session)?;
        }
        if let Some(mail) = mail {
            t.enqueue(mail);
        }
        Ok(())
    }

    async fn find_user_by_id(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        Ok(self.tables().users.get(id).cloned())
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let t = self.tables();
        Ok(t.user_by_email
            .get(email.as_str())
            .and_then(|id| t.users.get(id))
            .cloned())
    }

    async fn find_user_with_credential(
        &self,
        email: &Email,
    ) -> Result<Option<UserWithCredential>, StoreError> {
        let t = self.tables();
        let Some(user) = t
            .user_by_email
            .get(email.as_str())
            .and_then(|id| t.users.get(id))
        else {
            return Ok(None);
        };
        Ok(Some(UserWithCredential::new(
            user.clone(),
            t.credentials.get(&user.id).cloned(),
        )))
    }

    async fn update_user(
        &self,
        id: &UserId,
        update: &UserUpdate,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        let mut t = self.tables();
        Ok(t.users.get_mut(id).map(|user| {
            update.apply_to(user, now);
            user.clone()
        }))
    }

    async fn find_credential(
        &self,
        user_id: &UserId,
    ) -> Result<Option<CredentialAccount>, StoreError> {
        Ok(self.tables().credentials.get(user_id).cloned())
    }

    async fn set_password_hash(
        &self,
        user_id: &UserId,
        hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        Ok(match t.credentials.get_mut(user_id) {
            Some(account) => {
                account.password_hash = Some(hash.to_owned());
                account.updated_at = now;
                true
            }
            None => false,
        })
    }

    async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        self.tables().insert_session(session)
    }

    async fn find_session(&self, token: &SessionToken) -> Result<Option<AuthSession>, StoreError> {
        let t = self.tables();
        let Some(session) = t.sessions.get(token) else {
            return Ok(None);
        };
        Ok(t.users
            .get(&session.user_id)
            .map(|user| AuthSession::new(session.clone(), user.clone())))
    }

    async fn find_session_by_id(&self, id: &SessionId) -> Result<Option<Session>, StoreError> {
        let t = self.tables();
        Ok(t.token_by_session_id
            .get(id)
            .and_then(|token| t.sessions.get(token))
            .cloned())
    }

    async fn extend_session(
        &self,
        id: &SessionId,
        expires_at: Timestamp,
        updated_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        if let Some(token) = t.token_by_session_id.get(id).cloned()
            && let Some(session) = t.sessions.get_mut(&token)
        {
            session.expires_at = expires_at;
            session.updated_at = updated_at;
        }
        Ok(())
    }

    async fn delete_session(&self, token: &SessionToken) -> Result<Option<SessionId>, StoreError> {
        Ok(self.tables().remove_session(token).map(|s| s.id))
    }

    async fn delete_user_sessions(
        &self,
        user_id: &UserId,
        keep: Option<&SessionId>,
    ) -> Result<Vec<SessionId>, StoreError> {
        Ok(self
            .tables()
            .remove_sessions_where(|s| &s.user_id == user_id && Some(&s.id) != keep))
    }

    async fn list_sessions(
        &self,
        user_id: &UserId,
        now: Timestamp,
    ) -> Result<Vec<Session>, StoreError> {
        let t = self.tables();
        let mut sessions: Vec<Session> = t
            .sessions
            .values()
            .filter(|s| &s.user_id == user_id && !s.is_expired(now))
            .cloned()
            .collect();
        sessions.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(sessions)
    }

    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
        let removed = self.tables().remove_sessions_where(|s| s.is_expired(now));
        Ok(removed.len() as u64)
    }

    async fn mark_email_verified(
        &self,
        id: &UserId,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        let mut t = self.tables();
        Ok(t.users.get_mut(id).map(|user| {
            user.email_verified = true;
            user.updated_at = now;
            user.clone()
        }))
    }

    async fn change_email(
        &self,
        id: &UserId,
        email: &Email,
        verified: bool,
        now: Timestamp,
        mail: Option<&OutboundMail>,
    ) -> Result<Option<User>, StoreError> {
        let mut t = self.tables();
        if !t.users.contains_key(id) {
            return Ok(None);
        }
        if t.user_by_email
            .get(email.as_str())
            .is_some_and(|owner| owner != id)
        {
            return Err(StoreError::EmailTaken);
        }
        let Some(user) = t.users.get_mut(id) else {
            return Ok(None);
        };
        let old = std::mem::replace(&mut user.email, email.as_str().to_owned());
        user.email_verified = verified;
        user.updated_at = now;
        let user = user.clone();
        t.user_by_email.remove(&old);
        t.user_by_email.insert(user.email.clone(), id.clone());
        if let Some(mail) = mail {
            t.enqueue(mail);
        }
        Ok(Some(user))
    }

    async fn create_verification(
        &self,
        verification: &Verification,
        mail: &OutboundMail,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        t.verifications.push(verification.clone());
        t.enqueue(mail);
        Ok(())
    }

    async fn find_verification(
        &self,
        identifier: &str,
        now: Timestamp,
    ) -> Result<Option<Verification>, StoreError> {
        let t = self.tables();
        Ok(t.verifications
            .iter()
            .filter(|v| v.identifier == identifier && !v.is_expired(now))
            .max_by_key(|v| v.created_at)
            .cloned())
    }

    async fn reset_password(
        &self,
        identifier: &str,
        credential: &CredentialAccount,
        end_sessions: bool,
        now: Timestamp,
    ) -> Result<Option<Vec<SessionId>>, StoreError> {
        let mut t = self.tables();
        let user_id = &credential.user_id;
        if !t.users.contains_key(user_id) {
            return Ok(None);
        }
        if t.take_verification(identifier, user_id, now).is_none() {
            return Ok(None);
        }
        match t.credentials.get_mut(user_id) {
            Some(account) => {
                account.password_hash.clone_from(&credential.password_hash);
                account.updated_at = now;
            }
            None => {
                t.credentials.insert(user_id.clone(), credential.clone());
            }
        }
        t.verifications.retain(|v| {
            !(v.value == user_id.as_str() && v.identifier.starts_with("reset-password:"))
        });
        let ended = if end_sessions {
            t.remove_sessions_where(|s| &s.user_id == user_id)
        } else {
            Vec::new()
        };
        Ok(Some(ended))
    }

    async fn delete_user(
        &self,
        id: &UserId,
        token: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Vec<SessionId>>, StoreError> {
        let mut t = self.tables();
        if !t.users.contains_key(id) {
            return Ok(None);
        }
        if let Some(identifier) = token
            && t.take_verification(identifier, id, now).is_none()
        {
            return Ok(None);
        }
        let ended = t.remove_sessions_where(|s| &s.user_id == id);
        t.credentials.remove(id);
        t.accounts.retain(|a| &a.user_id != id);
        t.two_factors.retain(|r| &r.user_id != id);
        t.verifications.retain(|v| v.value != id.as_str());
        if let Some(user) = t.users.remove(id) {
            t.user_by_email.remove(&user.email);
        }
        Ok(Some(ended))
    }

    async fn delete_expired_verifications(&self, now: Timestamp) -> Result<u64, StoreError> {
        let mut t = self.tables();
        let before = t.verifications.len();
        t.verifications.retain(|v| !v.is_expired(now));
        Ok((before - t.verifications.len()) as u64)
    }

    async fn find_account(
        &self,
        provider_id: &str,
        account_id: &str,
    ) -> Result<Option<Account>, StoreError> {
        let t = self.tables();
        // The oldest, as SQL stores order them (`"createdAt"`, then `"id"`).
        Ok(t.all_accounts()
            .filter(|a| a.provider_id == provider_id && a.account_id == account_id)
            .min_by(oldest_first))
    }

    async fn list_accounts(&self, user_id: &UserId) -> Result<Vec<Account>, StoreError> {
        let t = self.tables();
        let mut accounts: Vec<Account> =
            t.all_accounts().filter(|a| &a.user_id == user_id).collect();
        accounts.sort_by(oldest_first);
        Ok(accounts)
    }

    async fn create_social_user(
        &self,
        user: &User,
        account: &Account,
        session: &Session,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        // Every check happens before the first insert: all or nothing.
        if account.user_id != user.id {
            return Err(StoreError::Other("the account is for another user".into()));
        }
        if session.user_id != user.id {
            return Err(StoreError::Other("the session is for another user".into()));
        }
        if t.user_by_email.contains_key(&user.email) {
            return Err(StoreError::EmailTaken);
        }
        t.user_by_email.insert(user.email.clone(), user.id.clone());
        t.users.insert(user.id.clone(), stored(user));
        t.accounts.push(account.clone());
        t.insert_session(session)
    }

    async fn link_account(&self, account: &Account) -> Result<bool, StoreError> {
        let mut t = self.tables();
        if !t.users.contains_key(&account.user_id) {
            // As the foreign key does in SQL stores.
            return Err(StoreError::Other(
                format!("no user {} for the account", account.user_id).into(),
            ));
        }
        if t.all_accounts()
            .any(|a| a.provider_id == account.provider_id && a.account_id == account.account_id)
        {
            return Ok(false);
        }
        t.accounts.push(account.clone());
        Ok(true)
    }

    async fn update_account(&self, account: &Account) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let Some(row) = t.accounts.iter_mut().find(|a| a.id == account.id) else {
            return Ok(false);
        };
        row.access_token.clone_from(&account.access_token);
        row.refresh_token.clone_from(&account.refresh_token);
        row.id_token.clone_from(&account.id_token);
        row.access_token_expires_at = account.access_token_expires_at;
        row.refresh_token_expires_at = account.refresh_token_expires_at;
        row.scope.clone_from(&account.scope);
        row.updated_at = account.updated_at;
        Ok(true)
    }

    async fn unlink_account(
        &self,
        user_id: &UserId,
        id: &AccountId,
    ) -> Result<Unlinked, StoreError> {
        let mut t = self.tables();
        let credential = t.credentials.get(user_id).map(|c| c.id.clone());
        let social = t.accounts.iter().filter(|a| &a.user_id == user_id).count();
        let total = social + usize::from(credential.is_some());
        let is_credential = credential.as_ref() == Some(id);
        let is_social = t
            .accounts
            .iter()
            .any(|a| &a.user_id == user_id && &a.id == id);
        if !is_credential && !is_social {
            return Ok(Unlinked::NotFound);
        }
        if total <= 1 {
            return Ok(Unlinked::LastAccount);
        }
        if is_credential {
            t.credentials.remove(user_id);
        } else {
            t.accounts.retain(|a| &a.id != id);
        }
        Ok(Unlinked::Unlinked)
    }

    async fn insert_verification(&self, verification: &Verification) -> Result<(), StoreError> {
        self.tables().verifications.push(verification.clone());
        Ok(())
    }

    async fn consume_verification(&self, id: &str) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let before = t.verifications.len();
        t.verifications.retain(|v| v.id != id);
        Ok(t.verifications.len() < before)
    }

    async fn find_two_factor(&self, user_id: &UserId) -> Result<TwoFactorState, StoreError> {
        let t = self.tables();
        Ok(TwoFactorState::new(
            t.users
                .get(user_id)
                .is_some_and(|u| u.two_factor_enabled == Some(true)),
            t.two_factors
                .iter()
                .find(|r| &r.user_id == user_id)
                .cloned(),
        ))
    }

    async fn put_two_factor(&self, row: &TwoFactor) -> Result<bool, StoreError> {
        let mut t = self.tables();
        if !t.users.contains_key(&row.user_id) {
            return Err(StoreError::Other("no such user".into()));
        }
        match t.two_factors.iter_mut().find(|r| r.user_id == row.user_id) {
            Some(existing) if existing.is_verified() => Ok(false),
            Some(existing) => {
                existing.secret.clone_from(&row.secret);
                existing.backup_codes.clone_from(&row.backup_codes);
                existing.verified = Some(false);
                existing.failed_verification_count = Some(0);
                existing.locked_until = None;
                existing.last_used_counter = None;
                Ok(true)
            }
            None => {
                t.two_factors.push(row.clone());
                Ok(true)
            }
        }
    }

    async fn enable_two_factor(
        &self,
        user_id: &UserId,
        row_id: &str,
        counter: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let Some(row) = t
            .two_factors
            .iter_mut()
            .find(|r| r.id == row_id && &r.user_id == user_id)
        else {
            return Ok(false);
        };
        if row.last_used_counter.is_some_and(|used| used >= counter) {
            return Ok(false);
        }
        row.verified = Some(true);
        row.last_used_counter = Some(counter);
        if let Some(user) = t.users.get_mut(user_id) {
            user.two_factor_enabled = Some(true);
            user.updated_at = now;
        }
        Ok(true)
    }

    async fn disable_two_factor(
        &self,
        user_id: &UserId,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let Some(user) = t.users.get_mut(user_id) else {
            return Ok(false);
        };
        user.updated_at = now;
        user.two_factor_enabled = Some(false);
        t.two_factors.retain(|r| &r.user_id != user_id);
        t.verifications.retain(|v| {
            v.value != user_id.as_str() || !v.identifier.starts_with(TRUSTED_DEVICE_PREFIX)
        });
        Ok(true)
    }

    async fn set_two_factor_enabled(
        &self,
        user_id: &UserId,
        on: bool,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let Some(user) = t.users.get_mut(user_id) else {
            return Ok(false);
        };
        user.two_factor_enabled = Some(on);
        user.updated_at = now;
        Ok(true)
    }

    async fn swap_backup_codes(
        &self,
        row_id: &str,
        expected: &str,
        replacement: &str,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        match t
            .two_factors
            .iter_mut()
            .find(|r| r.id == row_id && r.backup_codes == expected)
        {
            Some(row) => {
                row.backup_codes = replacement.to_owned();
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn use_totp_counter(&self, row_id: &str, counter: i64) -> Result<bool, StoreError> {
        let mut t = self.tables();
        match t
            .two_factors
            .iter_mut()
            .find(|r| r.id == row_id && r.last_used_counter.is_none_or(|used| used < counter))
        {
            Some(row) => {
                row.last_used_counter = Some(counter);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn record_two_factor_failure(
        &self,
        row_id: &str,
        now: Timestamp,
        threshold: u32,
        lock_for: Duration,
    ) -> Result<Option<TwoFactor>, StoreError> {
        let mut t = self.tables();
        let Some(row) = t.two_factors.iter_mut().find(|r| r.id == row_id) else {
            return Ok(None);
        };
        // A lock that has run out starts the count again.
        if row.locked_until.is_some_and(|until| until <= now) {
            row.failed_verification_count = Some(0);
            row.locked_until = None;
        }
        let count = row.failed_count().saturating_add(1);
        row.failed_verification_count = Some(count);
        if u32::try_from(count).is_ok_and(|c| c >= threshold) {
            row.locked_until = Some(now.saturating_add(lock_for));
        }
        Ok(Some(row.clone()))
    }

    async fn clear_two_factor_failures(&self, row_id: &str) -> Result<(), StoreError> {
        let mut t = self.tables();
        if let Some(row) = t.two_factors.iter_mut().find(|r| r.id == row_id) {
            row.failed_verification_count = Some(0);
            row.locked_until = None;
        }
        Ok(())
    }

    async fn enqueue_mail(&self, mail: &OutboundMail) -> Result<(), StoreError> {
        self.tables().enqueue(mail);
        Ok(())
    }

    async fn claim_mail(
        &self,
        now: Timestamp,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<QueuedMail>, StoreError> {
        let mut t = self.tables();
        let mut claimed = Vec::new();
        for row in &mut t.outbox {
            if claimed.len() >= limit {
                break;
            }
            let held = row.held_until.is_some_and(|until| until > now);
            if row.failed.is_some() || row.due > now || held {
                continue;
            }
            let claim = MailClaim::new(row.mail.id.clone());
            row.attempts += 1;
            row.held_until = Some(now.saturating_add(lease));
            row.claim = Some(claim.token.clone());
            claimed.push(QueuedMail::new(
                claim,
                row.mail.message.clone(),
                row.attempts,
                row.mail.created_at,
            ));
        }
        Ok(claimed)
    }

    async fn finish_mail(
        &self,
        claim: &MailClaim,
        delivery: &Delivery,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let Some(at) = t.outbox.iter().position(|row| {
            row.mail.id == claim.mail_id && row.claim.as_deref() == Some(claim.token.as_str())
        }) else {
            return Ok(false);
        };
        match delivery {
            Delivery::Retry { at: due, error } => {
                let row = &mut t.outbox[at];
                row.due = *due;
                row.held_until = None;
                row.claim = None;
                tracing::debug!(mail_id = %row.mail.id, %error, "mail to be retried");
            }
            Delivery::Failed { error, .. } => {
                let row = &mut t.outbox[at];
                row.failed = Some(error.clone());
                row.held_until = None;
                row.claim = None;
            }
            // `Sent`, and any outcome added later, ends the row.
            _ => {
                t.outbox.remove(at);
            }
        }
        Ok(true)
    }

    async fn outbox_len(&self) -> Result<(u64, u64), StoreError> {
        let t = self.tables();
        let failed = t.outbox.iter().filter(|row| row.failed.is_some()).count();
        Ok((t.outbox.len() as u64, failed as u64))
    }
}

/// A user as a row holds it: `twoFactorEnabled` is a column, never unknown.
fn stored(user: &User) -> User {
    let mut row = user.clone();
    row.two_factor_enabled = Some(row.two_factor_enabled.unwrap_or(false));
    row
}
