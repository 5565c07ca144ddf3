//! Sign-up: a new user, their credential account and (auto sign-in) a session.

use crate::Auth;
use crate::error::AuthError;
use crate::model::{AccountId, ClientInfo, CredentialAccount, Email, Password, User, UserId};

use super::SignedIn;

/// What sign-up needs: a name, an email and a password; an avatar and "remember me" are
/// optional.
///
/// ```
/// use auth_core::flows::SignUp;
/// use auth_core::model::{Email, Password};
///
/// let input = SignUp::new("Ada", Email::parse("ada@example.com")?, Password::new("correct horse battery"))
///     .image("https://example.com/ada.png")
///     .remember_me(false);
/// # let _ = input;
/// # Ok::<(), auth_core::model::InvalidEmail>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct SignUp {
    pub(crate) name: String,
    pub(crate) email: Email,
    pub(crate) password: Password,
    pub(crate) image: Option<String>,
    pub(crate) remember_me: bool,
}

impl SignUp {
    /// A sign-up with a display name (may be empty, as in Better Auth), an email and the new
    /// password (checked against the configured policy), remembered for the session lifetime.
    pub fn new(name: impl Into<String>, email: Email, password: Password) -> Self {
        Self {
            name: name.into(),
            email,
            password,
            image: None,
            remember_me: true,
        }
    }

    /// An avatar URL.
    pub fn image(mut self, url: impl Into<String>) -> Self {
        self.image = Some(url.into());
        self
    }

    /// Long-lived session (`true`, the default) or a one-day one.
    pub fn remember_me(mut self, remember: bool) -> Self {
        self.remember_me = remember;
        self
    }
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
        let store = self.store();
        // Checked before hashing so a duplicate costs no CPU; the unique constraint still
        // decides races below.
        if store.find_user_by_email(&input.email).await?.is_some() {
            return Err(AuthError::UserAlreadyExists);
        }
        let hash = self.inner.hasher.hash(&input.password).await?;
        let now = self.now();
        let mut user = User::new(
            UserId::generate(),
            input.name,
            input.email.into_string(),
            now,
        );
        user.image = input.image;
        let credential =
            CredentialAccount::new(AccountId::generate(), user.id.clone(), Some(hash), now);
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
