//! Sign-in with email and password.

use crate::Auth;
use crate::error::AuthError;
use crate::hash::Verification;
use crate::model::{ClientInfo, Email, Password};

use super::SignedIn;

/// What sign-in needs.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// Email address.
    pub email: Email,
    /// Password, as typed (no length policy: what was stored is what is checked).
    pub password: Password,
    /// Long-lived session (default) or a one-day one.
    pub remember_me: bool,
}

impl Auth {
    /// Checks the password and creates a session.
    ///
    /// An unknown email and a wrong password give the same `INVALID_EMAIL_OR_PASSWORD`, and an
    /// unknown email still costs one hash, so neither the answer nor its timing tells whether an
    /// account exists. A hash that needs it (Better Auth's scrypt, weaker argon2) is replaced by
    /// a fresh argon2id hash before the session is created.
    pub async fn sign_in(&self, input: SignIn, client: &ClientInfo) -> Result<SignedIn, AuthError> {
        let store = &self.inner.store;
        let hasher = &self.inner.hasher;
        // Room to hash first: a saturated server refuses before it queries the database.
        let _admission = hasher.admit()?;
        let found = store.find_user_with_credential(&input.email).await?;
        let Some((user, hash)) = found.and_then(|f| {
            f.credential
                .and_then(|c| c.password_hash)
                .map(|hash| (f.user, hash))
        }) else {
            hasher.dummy_verify(&input.password).await?;
            return Err(AuthError::InvalidEmailOrPassword);
        };
        match hasher.verify(&input.password, &hash).await? {
            Verification::Invalid => {
                tracing::info!(user_id = %user.id, "sign-in refused: wrong password");
                return Err(AuthError::InvalidEmailOrPassword);
            }
            Verification::Valid => {}
            Verification::ValidNeedsRehash => {
                // The sign-in succeeds even if the upgrade fails; it is retried next time.
                match hasher.hash(&input.password).await {
                    Ok(fresh) => {
                        match store.set_password_hash(&user.id, &fresh, self.now()).await {
                            Ok(_) => {
                                tracing::info!(user_id = %user.id, "password hash upgraded to argon2id")
                            }
                            Err(error) => {
                                tracing::warn!(user_id = %user.id, %error, "could not store upgraded hash")
                            }
                        }
                    }
                    Err(error) => {
                        tracing::warn!(user_id = %user.id, %error, "could not upgrade password hash")
                    }
                }
            }
        }
        let session = self.new_session(&user.id, input.remember_me, client);
        store.create_session(&session).await?;
        tracing::info!(user_id = %user.id, "user signed in");
        Ok(SignedIn {
            user,
            session,
            remember_me: input.remember_me,
        })
    }
}
