//! Changing the password of a signed-in user.

use crate::Auth;
use crate::error::AuthError;
use crate::model::{AuthSession, ClientInfo, Password, Session, User};

/// What a password change needs.
#[derive(Debug, Clone)]
pub struct ChangePassword {
    /// The password now in use.
    pub current_password: Password,
    /// The new password; checked against the configured policy.
    pub new_password: Password,
    /// Also end every session and start a new one for this client (Better Auth's
    /// `revokeOtherSessions`): whoever knew the old password is signed out everywhere.
    pub revoke_other_sessions: bool,
}

/// The result of a password change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordChanged {
    /// The user.
    pub user: User,
    /// The replacement session, when the others were revoked.
    pub new_session: Option<Session>,
}

impl Auth {
    /// Verifies the current password and stores a hash of the new one.
    ///
    /// Errors: `PASSWORD_TOO_SHORT` / `PASSWORD_TOO_LONG`, `CREDENTIAL_ACCOUNT_NOT_FOUND`,
    /// `INVALID_PASSWORD` (wrong current password).
    pub async fn change_password(
        &self,
        current: &AuthSession,
        input: ChangePassword,
        client: &ClientInfo,
    ) -> Result<PasswordChanged, AuthError> {
        self.config().password_policy().check(&input.new_password)?;
        let store = &self.inner.store;
        let hasher = &self.inner.hasher;
        // Room to hash first: a saturated server refuses before it queries the database.
        let _admission = hasher.admit()?;
        let user_id = &current.user.id;
        let hash = store
            .find_credential(user_id)
            .await?
            .and_then(|c| c.password_hash)
            .ok_or(AuthError::CredentialAccountNotFound)?;
        if !hasher
            .verify(&input.current_password, &hash)
            .await?
            .is_valid()
        {
            return Err(AuthError::InvalidPassword);
        }
        let fresh = hasher.hash(&input.new_password).await?;
        if !store.set_password_hash(user_id, &fresh, self.now()).await? {
            return Err(AuthError::CredentialAccountNotFound);
        }
        tracing::info!(user_id = %user_id, "password changed");
        let new_session = if input.revoke_other_sessions {
            let ended = store.delete_user_sessions(user_id, None).await?;
            self.forget_sessions(&ended);
            let session = self.new_session(user_id, true, client);
            store.create_session(&session).await?;
            Some(session)
        } else {
            None
        };
        Ok(PasswordChanged {
            user: current.user.clone(),
            new_session,
        })
    }
}
