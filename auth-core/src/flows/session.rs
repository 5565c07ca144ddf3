//! Reading the current session (with Better Auth's sliding expiry), listing a user's sessions
//! and revoking them.

use crate::Auth;
use crate::error::AuthError;
use crate::model::{AuthSession, Session, SessionToken};

/// A session found by [`Auth::get_session`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionLookup {
    /// The session and its user.
    pub current: AuthSession,
    /// True when this read pushed the expiry forward (the cookie should be sent again).
    pub refreshed: bool,
}

impl Auth {
    /// The valid session for `session_token`, or `None`.
    ///
    /// An expired session is deleted and gives `None`. With `refresh` (off for "remember me:
    /// false" sessions), a session whose expiry was last set at least `session_update_age` ago
    /// is extended to now + `session_ttl`, as Better Auth does; otherwise nothing is written.
    pub async fn get_session(
        &self,
        session_token: &SessionToken,
        refresh: bool,
    ) -> Result<Option<SessionLookup>, AuthError> {
        let store = self.store();
        let Some(mut current) = store.find_session(session_token).await? else {
            return Ok(None);
        };
        let now = self.now();
        if current.session.is_expired(now) {
            store.delete_session(session_token).await?;
            return Ok(None);
        }
        let config = self.config();
        let last_set = current.session.expires_at - config.session_ttl();
        let refreshed = refresh && last_set + config.session_update_age() <= now;
        if refreshed {
            let session = &mut current.session;
            session.expires_at = now + config.session_ttl();
            session.updated_at = now;
            store
                .extend_session(&session.id, session.expires_at, now)
                .await?;
        }
        self.present(&mut current.user);
        Ok(Some(SessionLookup { current, refreshed }))
    }

    /// The user's unexpired sessions. Like Better Auth 1.7, this needs a fresh session: one
    /// created less than `fresh_age` ago (`SESSION_NOT_FRESH` otherwise; zero disables it).
    pub async fn list_sessions(&self, current: &AuthSession) -> Result<Vec<Session>, AuthError> {
        let now = self.now();
        let fresh_age = self.config().fresh_age();
        if !fresh_age.is_zero() && current.session.created_at + fresh_age <= now {
            return Err(AuthError::SessionNotFresh);
        }
        Ok(self.store().list_sessions(&current.user.id, now).await?)
    }

    /// Ends the session with `session_token` if it belongs to the current user; a token of
    /// another user's session is left alone, without saying so.
    pub async fn revoke_session(
        &self,
        current: &AuthSession,
        session_token: &SessionToken,
    ) -> Result<(), AuthError> {
        let owned = self
            .store()
            .find_session(session_token)
            .await?
            .is_some_and(|s| s.user.id == current.user.id);
        if owned {
            self.sign_out(session_token).await?;
        }
        Ok(())
    }

    /// Ends all of the current user's sessions, the current one included.
    pub async fn revoke_sessions(&self, current: &AuthSession) -> Result<(), AuthError> {
        self.store()
            .delete_user_sessions(&current.user.id, None)
            .await?;
        Ok(())
    }

    /// Ends all of the current user's sessions except the current one.
    pub async fn revoke_other_sessions(&self, current: &AuthSession) -> Result<(), AuthError> {
        self.store()
            .delete_user_sessions(&current.user.id, Some(&current.session.id))
            .await?;
        Ok(())
    }

    /// Deletes every expired session (housekeeping; run it from a timer).
    pub async fn purge_expired_sessions(&self) -> Result<u64, AuthError> {
        Ok(self.store().delete_expired_sessions(self.now()).await?)
    }
}
