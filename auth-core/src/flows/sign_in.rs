//! Sign-in with email and password.

use crate::Auth;
use crate::error::{AuthError, Chain};
use crate::hash::Verification;
use crate::model::{ClientInfo, Email, Password};

use super::SignedIn;

/// What sign-in needs: an email and the password as typed (no length policy: what was stored
/// is what is checked).
///
/// ```
/// use auth_core::flows::SignIn;
/// use auth_core::model::{Email, Password};
///
/// let input = SignIn::new(Email::parse("ada@example.com")?, Password::new("correct horse battery"))
///     .remember_me(false);
/// # let _ = input;
/// # Ok::<(), auth_core::model::InvalidEmail>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct SignIn {
    pub(crate) email: Email,
    pub(crate) password: Password,
    pub(crate) remember_me: bool,
    pub(crate) callback_url: Option<String>,
    pub(crate) trusted_device: Option<String>,
}

impl SignIn {
    /// A sign-in with this email and password, remembered for the session lifetime.
    pub fn new(email: Email, password: Password) -> Self {
        Self {
            email,
            password,
            remember_me: true,
            callback_url: None,
            trusted_device: None,
        }
    }

    /// Long-lived session (`true`, the default) or a one-day one.
    pub fn remember_me(mut self, remember: bool) -> Self {
        self.remember_me = remember;
        self
    }

    /// Where a verification link mailed at this sign-in sends the browser (default `/`).
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// The `trust_device` cookie's value (its signature checked): a trusted device skips the
    /// second factor.
    pub fn trusted_device(mut self, cookie: impl Into<String>) -> Self {
        self.trusted_device = Some(cookie.into());
        self
    }
}

impl Auth {
    /// Checks the password and creates a session — or, for a user with two-factor on whose
    /// device is not trusted, [`AuthError::TwoFactorRequired`] with the challenge to answer.
    ///
    /// An unknown email and a wrong password give the same `INVALID_EMAIL_OR_PASSWORD`, and an
    /// unknown email still costs one hash, so neither the answer nor its timing tells whether an
    /// account exists. A hash that needs it (Better Auth's scrypt, weaker argon2) is replaced by
    /// a fresh argon2id hash before the session is created.
    pub async fn sign_in(&self, input: SignIn, client: &ClientInfo) -> Result<SignedIn, AuthError> {
        let store = self.store();
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
            Verification::ValidNeedsRehash => self.upgrade_hash(&user.id, &input.password).await,
            _ => {}
        }
        let flows = self.config().email_flows();
        // Only after the right password: an unverified account is not revealed to guessers.
        if flows.requires_verification() && !user.email_verified {
            if flows.sends_on_sign_in()
                && let Some(mail) = self.verification_mail(&user, input.callback_url.as_deref())
            {
                store.enqueue_mail(&mail).await?;
                self.mail_queued();
            }
            tracing::info!(user_id = %user.id, "sign-in refused: email not verified");
            return Err(AuthError::EmailNotVerified);
        }
        let trusted_device = self
            .second_factor(&user, input.remember_me, input.trusted_device.as_deref())
            .await?;
        let session = self.new_session(&user.id, input.remember_me, client);
        store.create_session(&session).await?;
        tracing::info!(user_id = %user.id, "user signed in");
        let mut user = user;
        self.present(&mut user);
        Ok(SignedIn {
            user,
            session,
            remember_me: input.remember_me,
            trusted_device,
        })
    }

    /// Replaces a hash that needs it by a fresh argon2id one. The sign-in succeeds even if this
    /// fails; it is tried again at the next one.
    async fn upgrade_hash(&self, user_id: &crate::model::UserId, password: &Password) {
        let fresh = match self.inner.hasher.hash(password).await {
            Ok(fresh) => fresh,
            Err(error) => {
                tracing::warn!(%user_id, error = %Chain(&error), "could not upgrade password hash");
                return;
            }
        };
        match self
            .store()
            .set_password_hash(user_id, &fresh, self.now())
            .await
        {
            Ok(_) => tracing::info!(%user_id, "password hash upgraded to argon2id"),
            Err(error) => {
                tracing::warn!(%user_id, error = %Chain(&error), "could not store upgraded hash")
            }
        }
    }
}
