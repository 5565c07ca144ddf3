//! `MemoryStore`: a `UserStore` in process memory, for tests, examples and prototypes.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use super::{StoreError, UserStore};
use crate::model::{
    AuthSession, CredentialAccount, Email, Session, SessionId, SessionToken, Timestamp, User,
    UserId, UserUpdate, UserWithCredential,
};

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
    sessions: HashMap<SessionToken, Session>,
    token_by_session_id: HashMap<SessionId, SessionToken>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
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

#[async_trait]
impl UserStore for MemoryStore {
    async fn create_user(
        &self,
        user: &User,
        credential: &CredentialAccount,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.user_by_email.contains_key(&user.email) {
            return Err(StoreError::EmailTaken);
        }
        t.user_by_email.insert(user.email.clone(), user.id.clone());
        t.users.insert(user.id.clone(), user.clone());
        t.credentials.insert(user.id.clone(), credential.clone());
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
        let mut t = self.tables();
        if !t.users.contains_key(&session.user_id) {
            // As the foreign key does in SQL stores.
            return Err(StoreError::Other(
                format!("no user {} for the session", session.user_id).into(),
            ));
        }
        t.token_by_session_id
            .insert(session.id.clone(), session.token.clone());
        t.sessions.insert(session.token.clone(), session.clone());
        Ok(())
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
}
