//! Password reset: mailing a single-use link, checking it, and setting the new password.

use rand::Rng;
use rand::distributions::Alphanumeric;

use super::verify_email::uri_component;
use crate::Auth;
use crate::error::AuthError;
use crate::mail::MailKind;
use crate::model::{AccountId, CredentialAccount, Email, Password, Verification};

/// Better Auth's reset rows: `reset-password:<24 [A-Za-z0-9]>`.
const RESET_PREFIX: &str = "reset-password:";
const RESET_TOKEN_LEN: usize = 24;

fn reset_token() -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(RESET_TOKEN_LEN)
        .map(char::from)
        .collect()
}

/// A token of the shape Better Auth mints; anything else is refused before the store is asked.
fn plausible(token: &str) -> bool {
    !token.is_empty() && token.len() <= 64 && token.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Auth {
    /// Mails a reset link to `email` if it has an account (`POST /request-password-reset`).
    ///
    /// The answer, and the time it takes (the configured floor), are the same for unknown
    /// addresses. The row and its mail are committed together. `redirect_to` is where the link
    /// sends the browser with the token (`?token=`); without it, the link carries an empty
    /// `callbackURL`, as Better Auth's does. Without a mailer or with reset off:
    /// `RESET_PASSWORD_DISABLED`.
    pub async fn request_password_reset(
        &self,
        email: &Email,
        redirect_to: Option<&str>,
    ) -> Result<(), AuthError> {
        let flows = self.config().email_flows();
        if !self.can_mail() || !flows.password_reset_enabled() {
            return Err(AuthError::ResetPasswordDisabled);
        }
        let started = tokio::time::Instant::now();
        let outcome = async {
            let store = self.store();
            let token = reset_token();
            let Some(user) = store.find_user_by_email(email).await? else {
                return Ok(());
            };
            let now = self.now();
            let row = Verification::new(
                format!("{RESET_PREFIX}{token}"),
                &user.id,
                now,
                now.saturating_add(flows.reset_token_lifetime()),
            );
            let link = self.api_url(&format!(
                "/reset-password/{token}?callbackURL={}",
                uri_component(redirect_to.unwrap_or_default())
            ));
            if let Some(mail) =
                self.compose(MailKind::ResetPassword, &user, &user.email, &link, None)
            {
                store.create_verification(&row, &mail).await?;
                self.mail_queued();
                tracing::info!(user_id = %user.id, "password reset requested");
            }
            Ok::<(), AuthError>(())
        }
        .await;
        self.pad_to(started, flows.response_floor_duration()).await;
        outcome
    }

    /// Whether a reset token can still be used (`GET /reset-password/:token`); it is not used
    /// up by looking.
    pub async fn check_reset_token(&self, token: &str) -> Result<bool, AuthError> {
        if !plausible(token) {
            return Ok(false);
        }
        let identifier = format!("{RESET_PREFIX}{token}");
        Ok(self
            .store()
            .find_verification(&identifier, self.now())
            .await?
            .is_some())
    }

    /// Sets a new password with a reset token (`POST /reset-password`).
    ///
    /// The token works once; a completed reset also ends the user's other reset tokens and,
    /// unless turned off, every session they have (and with it every JWT, where the
    /// revocation check is on). It does not sign in, and does not verify the email.
    ///
    /// Errors: `PASSWORD_TOO_SHORT` / `PASSWORD_TOO_LONG` (before the token is looked at),
    /// `INVALID_TOKEN` (unknown, used or expired), `USER_NOT_FOUND`.
    pub async fn reset_password(
        &self,
        token: &str,
        new_password: &Password,
    ) -> Result<(), AuthError> {
        self.config().password_policy().check(new_password)?;
        if !plausible(token) {
            return Err(AuthError::InvalidResetToken);
        }
        let store = self.store();
        let identifier = format!("{RESET_PREFIX}{token}");
        // Looked up before hashing, so a guessed token costs no CPU; taken in the same
        // transaction as the new hash below, so it works once even when two requests race.
        let row = store
            .find_verification(&identifier, self.now())
            .await?
            .ok_or(AuthError::InvalidResetToken)?;
        let user_id = crate::model::UserId::new(row.value);
        let user = store
            .find_user_by_id(&user_id)
            .await?
            .ok_or(AuthError::UserNotFound)?;
        let hasher = &self.inner.hasher;
        let _admission = hasher.admit()?;
        let hash = hasher.hash(new_password).await?;
        let now = self.now();
        let credential =
            CredentialAccount::new(AccountId::generate(), user.id.clone(), Some(hash), now);
        let end_sessions = self.config().email_flows().revokes_sessions_on_reset();
        let ended = store
            .reset_password(&identifier, &credential, end_sessions, now)
            .await?
            .ok_or(AuthError::InvalidResetToken)?;
        tracing::info!(user_id = %user.id, sessions_ended = ended.len(), "password reset");
        Ok(())
    }
}
