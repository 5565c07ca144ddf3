//! Sign-up: a new user, their credential account and (auto sign-in) a session.

use crate::Auth;
use crate::error::AuthError;
use crate::model::{
    AccountId, ClientInfo, CredentialAccount, Email, Password, Session, User, UserId,
};

use super::SignedIn;

/// The result of a sign-up: the new user, and their session unless the email must be
/// verified first.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedUp {
    /// The new user.
    pub user: User,
    /// Their first session; `None` when sign-in waits for a verified email.
    pub session: Option<Session>,
    /// Whether the session is long-lived.
    pub remember_me: bool,
}

impl SignedUp {
    /// The user and their session, when the sign-up signed them in.
    pub fn signed_in(self) -> Option<SignedIn> {
        let session = self.session?;
        Some(SignedIn {
            user: self.user,
            session,
            remember_me: self.remember_me,
            trusted_device: None,
        })
    }
}

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
    pub(crate) callback_url: Option<String>,
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
            callback_url: None,
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

    /// Where the verification link mailed at sign-up sends the browser (default `/`).
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }
}

impl Auth {
    /// Creates the user and their credential account atomically and signs them in — or, when
    /// the email must be verified first, creates them without a session. With a mailer and
    /// `EmailFlows::send_on_sign_up`, the verification mail is committed with the user.
    ///
    /// Errors: `PASSWORD_TOO_SHORT` / `PASSWORD_TOO_LONG`; `USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL`
    /// when the email is taken in any letter case (also when two sign-ups race: exactly one
    /// wins); `Overloaded` when the hashing queue is full.
    pub async fn sign_up(&self, input: SignUp, client: &ClientInfo) -> Result<SignedUp, AuthError> {
        self.config().password_policy().check(&input.password)?;
        let flows = self.config().email_flows();
        // Room to hash first: a saturated server refuses before it queries the database.
        let _admission = self.inner.hasher.admit()?;
        let store = self.store();
        // Checked before hashing so a duplicate costs no CPU; the unique constraint still
        // decides races below. When the protocol hides duplicates (verification required), a
        // duplicate costs the same hash, so its timing does not give it away either.
        if store.find_user_by_email(&input.email).await?.is_some() {
            if flows.requires_verification() {
                let _ = self.inner.hasher.hash(&input.password).await?;
            }
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
        let session = (!flows.requires_verification())
            .then(|| self.new_session(&user.id, input.remember_me, client));
        let mail = if flows.sends_on_sign_up() {
            self.verification_mail(&user, input.callback_url.as_deref())
        } else {
            None
        };
        store
            .create_user_with(&user, &credential, session.as_ref(), mail.as_ref())
            .await?;
        if mail.is_some() {
            self.mail_queued();
        }
        tracing::info!(user_id = %user.id, "user signed up");
        self.present(&mut user);
        Ok(SignedUp {
            user,
            session,
            remember_me: input.remember_me,
        })
    }
}
