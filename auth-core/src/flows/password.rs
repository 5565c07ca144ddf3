//! Changing the password of a signed-in user.

use crate::Auth;
use crate::error::AuthError;
use crate::model::{AuthSession, ClientInfo, Password, Session, User, UserId};

/// What a password change needs: the password now in use and the new one.
///
/// ```
/// use auth_core::flows::ChangePassword;
/// use auth_core::model::Password;
///
/// let input = ChangePassword::new(Password::new("old password"), Password::new("a much better one"))
///     .revoke_other_sessions(true);
/// # let _ = input;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ChangePassword {
    pub(crate) current_password: Password,
    pub(crate) new_password: Password,
    pub(crate) revoke_other_sessions: bool,
}

impl ChangePassword {
    /// A change from `current_password` to `new_password` (checked against the configured
    /// policy); other sessions stay signed in.
    pub fn new(current_password: Password, new_password: Password) -> Self {
        Self {
            current_password,
            new_password,
            revoke_other_sessions: false,
        }
    }

    /// Also end every session and start a new one for this client (Better Auth's
    /// `revokeOtherSessions`): whoever knew the old password is signed out everywhere.
    pub fn revoke_other_sessions(mut self, revoke: bool) -> Self {
        self.revoke_other_sessions = revoke;
        self
    }
}

/// The result of a password change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
        let store = self.store();
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
            store.delete_user_sessions(user_id, None).await?;
            let session = self.new_session(user_id, true, client);
            store.create_session(&session).await?;
            Some(session)
        } else {
            None
        };
        let mut user = current.user.clone();
        self.present(&mut user);
        Ok(PasswordChanged { user, new_session })
    }

    /// Checks the user's password (`INVALID_PASSWORD` when wrong), on the hashing pool.
    pub(crate) async fn check_password(
        &self,
        user_id: &UserId,
        password: &Password,
    ) -> Result<(), AuthError> {
        let hasher = &self.inner.hasher;
        // Room to hash first: a saturated server refuses before it queries the database.
        let _admission = hasher.admit()?;
        let hash = self
            .store()
            .find_credential(user_id)
            .await?
            .and_then(|c| c.password_hash)
            .ok_or(AuthError::CredentialAccountNotFound)?;
        if !hasher.verify(password, &hash).await?.is_valid() {
            return Err(AuthError::InvalidPassword);
        }
        Ok(())
    }
}
