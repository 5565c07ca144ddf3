//! Sign-up: a new user, their credential account and (auto sign-in) a session.

use crate::Auth;
use crate::error::AuthError;
use crate::model::{ClientInfo, CredentialAccount, Email, Password, User, random_id};

use super::SignedIn;

/// What sign-up needs.
#[derive(Debug, Clone)]
pub struct SignUp {
    /// Display name (may be empty, as in Better Auth).
    pub name: String,
    /// Email address.
    pub email: Email,
    /// The new password; checked against the configured policy.
    pub password: Password,
    /// Avatar URL.
    pub image: Option<String>,
    /// Long-lived session (default) or a one-day one.
    pub remember_me: bool,
}

impl Auth {
    /// Creates the user and their credential account atomically, then signs them in.
    ///
    /// Errors: `PASSWORD_TOO_SHORT` / `PASSWORD_TOO_LONG`; `USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL`
    /// when the email is taken in any letter case (also when two sign-ups race: exactly one
    /// wins); `Overloaded` when the hashing queue is full.
    pub async fn sign_up(&self, input: SignUp, client: &ClientInfo) -> Result<SignedIn, AuthError> {
        self.config().password_policy().check(&input.password)?;
        // Room to hash first: a saturated server refuses before it queries the database.
        let _admission = self.inner.hasher.admit()?;
        let store = &self.inner.store;
        // Checked before hashing so a duplicate costs no CPU; the unique constraint still
        // decides races below.
        if store.find_user_by_email(&input.email).await?.is_some() {
            return Err(AuthError::UserAlreadyExists);
        }
        let hash = self.inner.hasher.hash(&input.password).await?;
        let now = self.now();
        let user = User {
            name: input.name,
            email: input.email.into_string(),
            email_verified: false,
            image: input.image,
            created_at: now,
            updated_at: now,
            id: random_id(),
        };
        let credential = CredentialAccount {
            id: random_id(),
            user_id: user.id.clone(),
            password_hash: Some(hash),
            created_at: now,
            updated_at: now,
        };
        let session = self.new_session(&user.id, input.remember_me, client);
        store
            .create_user_with_session(&user, &credential, &session)
            .await?;
        tracing::info!(user_id = %user.id, "user signed up");
        Ok(SignedIn {
            user,
            session,
            remember_me: input.remember_me,
        })
    }
}
