//! Changing a signed-in user's email: by a link to the new address, optionally approved from
//! the current one first.

use super::email_token::ChangeStep;
use super::verify_email::uri_component;
use crate::Auth;
use crate::error::AuthError;
use crate::mail::MailKind;
use crate::model::{AuthSession, Email};

impl Auth {
    /// Starts a change of the signed-in user's email to `new_email` (`POST /change-email`).
    ///
    /// Nothing changes until a mailed link is opened ([`verify_email`](Auth::verify_email)):
    /// the link goes to the new address, or first (with
    /// `EmailFlows::confirm_change_with_current_email`, for a verified user) to the current one.
    /// An address that belongs to someone else gets the same answer and no mail, so the call
    /// does not tell who has an account.
    ///
    /// Errors: `CHANGE_EMAIL_DISABLED`, `EMAIL_IS_THE_SAME`, `VERIFICATION_EMAIL_NOT_ENABLED`
    /// (no mailer).
    pub async fn change_email(
        &self,
        current: &AuthSession,
        new_email: &Email,
        callback_url: Option<&str>,
    ) -> Result<(), AuthError> {
        let flows = self.config().email_flows();
        if !flows.change_email_enabled() {
            return Err(AuthError::ChangeEmailDisabled);
        }
        let user = &current.user;
        if user.email.eq_ignore_ascii_case(new_email.as_str()) {
            return Err(AuthError::EmailIsTheSame);
        }
        if !self.can_mail() {
            return Err(AuthError::VerificationEmailNotEnabled);
        }
        let store = self.store();
        if store.find_user_by_email(new_email).await?.is_some() {
            // The same work as a real request, and nothing sent.
            let _ = self.email_token(
                &user.email,
                &user.id,
                Some((new_email.as_str(), ChangeStep::Verification)),
            );
            return Ok(());
        }
        if user.email_verified && flows.confirms_change_with_current_email() {
            let token = self.email_token(
                &user.email,
                &user.id,
                Some((new_email.as_str(), ChangeStep::Confirmation)),
            );
            let link = self.api_url(&format!(
                "/verify-email?token={token}&callbackURL={}",
                uri_component(callback_url.unwrap_or("/"))
            ));
            if let Some(mail) = self.compose(
                MailKind::ChangeEmailConfirmation,
                user,
                &user.email,
                &link,
                Some(new_email.as_str()),
            ) {
                store.enqueue_mail(&mail).await?;
                self.mail_queued();
            }
        } else {
            self.mail_change_verification(user, new_email, callback_url)
                .await?;
        }
        tracing::info!(user_id = %user.id, "change of email requested");
        Ok(())
    }
}
