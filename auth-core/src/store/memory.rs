//! `MemoryStore`: a `UserStore` in process memory, for tests, examples and prototypes.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use super::{StoreError, UserStore};
use crate::model::{
    AuthSession, CredentialAccount, Email, Session, Timestamp, User, UserUpdate, UserWithCredential,
};

/// An in-memory [`UserStore`], safe under concurrency: every call runs under one lock, so
/// check-then-insert (unique emails) is atomic. Nothing survives a restart.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Tables>,
}

#[derive(Debug, Default)]
struct Tables {
    users: HashMap<String, User>,
    user_by_email: HashMap<String, String>,
    credentials: HashMap<String, CredentialAccount>,
    sessions: HashMap<String, Session>,
    token_by_session_id: HashMap<String, String>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn tables(&self) -> Result<MutexGuard<'_, Tables>, StoreError> {
        // A panic while holding the lock cannot leave a half-applied change (every mutation
        // below is a few infallible map operations), so a poisoned lock is still consistent.
        Ok(self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

impl Tables {
    fn remove_session(&mut self, token: &str) -> Option<Session> {
        let session = self.sessions.remove(token)?;
        self.token_by_session_id.remove(&session.id);
        Some(session)
    }
}

#[async_trait]
impl UserStore for MemoryStore {
    async fn create_user(
        &self,
        user: &User,
        credential: &CredentialAccount,
    ) -> Result<(), StoreError> {
        let mut t = self.tables()?;
        if t.user_by_email.contains_key(&user.email) {
            return Err(StoreError::EmailTaken);
        }
        t.user_by_email.insert(user.email.clone(), user.id.clone());
        t.users.insert(user.id.clone(), user.clone());
        t.credentials.insert(user.id.clone(), credential.clone());
        Ok(())
    }

    async fn find_user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        Ok(self.tables()?.users.get(id).cloned())
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let t = self.tables()?;
        Ok(t.user_by_email
            .get(email.as_str())
            .and_then(|id| t.users.get(id))
            .cloned())
    }

    async fn find_user_with_credential(
        &self,
        email: &Email,
    ) -> Result<Option<UserWithCredential>, StoreError> {
        let t = self.tables()?;
        let Some(user) = t
            .user_by_email
            .get(email.as_str())
            .and_then(|id| t.users.get(id))
        else {
            return Ok(None);
        };
        Ok(Some(UserWithCredential {
            user: user.clone(),
            credential: t.credentials.get(&user.id).cloned(),
        }))
    }

    async fn update_user(
        &self,
        id: &str,
        update: &UserUpdate,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        let mut t = self.tables()?;
        Ok(t.users.get_mut(id).map(|user| {
            update.apply_to(user, now);
            user.clone()
        }))
    }

    async fn find_credential(
        &self,
        user_id: &str,
    ) -> Result<Option<CredentialAccount>, StoreError> {
        Ok(self.tables()?.credentials.get(user_id).cloned())
    }

    async fn set_password_hash(
        &self,
        user_id: &str,
        hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables()?;
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
        let mut t = self.tables()?;
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

    async fn find_session(&self, token: &str) -> Result<Option<AuthSession>, StoreError> {
        let t = self.tables()?;
        let Some(session) = t.sessions.get(token) else {
            return Ok(None);
        };
        Ok(t.users.get(&session.user_id).map(|user| AuthSession {
            session: session.clone(),
            user: user.clone(),
        }))
    }

    async fn find_session_by_id(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let t = self.tables()?;
        Ok(t.token_by_session_id
            .get(id)
            .and_then(|token| t.sessions.get(token))
            .cloned())
    }

    async fn extend_session(
        &self,
        id: &str,
        expires_at: Timestamp,
        updated_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut t = self.tables()?;
        if let Some(token) = t.token_by_session_id.get(id).cloned()
            && let Some(session) = t.sessions.get_mut(&token)
        {
            session.expires_at = expires_at;
            session.updated_at = updated_at;
        }
        Ok(())
    }

    async fn delete_session(&self, token: &str) -> Result<Option<String>, StoreError> {
        Ok(self.tables()?.remove_session(token).map(|s| s.id))
    }

    async fn delete_user_sessions(
        &self,
        user_id: &str,
        keep: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        let mut t = self.tables()?;
        let doomed: Vec<String> = t
            .sessions
            .values()
            .filter(|s| s.user_id == user_id && Some(s.id.as_str()) != keep)
            .map(|s| s.token.clone())
            .collect();
        Ok(doomed
            .iter()
            .filter_map(|token| t.remove_session(token))
            .map(|s| s.id)
            .collect())
    }

    async fn list_sessions(
        &self,
        user_id: &str,
        now: Timestamp,
    ) -> Result<Vec<Session>, StoreError> {
        let t = self.tables()?;
        let mut sessions: Vec<Session> = t
            .sessions
            .values()
            .filter(|s| s.user_id == user_id && !s.is_expired(now))
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
        let mut t = self.tables()?;
        let expired: Vec<String> = t
            .sessions
            .values()
            .filter(|s| s.is_expired(now))
            .map(|s| s.token.clone())
            .collect();
        Ok(expired
            .iter()
            .filter_map(|token| t.remove_session(token))
            .count() as u64)
    }
}
