//! Email verification: mailing the link (on request, at sign-up, at sign-in) and opening it,
//! including the links of a change of email.

use std::time::Duration;

use super::email_token::{self, ChangeStep, EmailClaims};
use crate::Auth;
use crate::error::{AuthError, EmailLinkError};
use crate::mail::{MailKind, OutboundMail};
use crate::model::{AuthSession, ClientInfo, Email, Session, User, UserId};

/// What opening a verification link did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmailVerified {
    /// The user after a change of email (Better Auth answers `null` for a plain verification).
    pub user: Option<User>,
    /// The session the link signed the user into (auto sign-in after verification).
    pub new_session: Option<Session>,
    /// Whether the caller's own session should get its cookie again.
    pub refresh_current: bool,
}

impl EmailVerified {
    fn nothing() -> Self {
        Self {
            user: None,
            new_session: None,
            refresh_current: false,
        }
    }
}

/// `encodeURIComponent`'s set: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// A value as JavaScript's `encodeURIComponent` writes it, as Better Auth's links have them.
pub(crate) fn uri_component(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, URI_COMPONENT).to_string()
}

impl Auth {
    /// `origin` + base path + `path`: where the links in mails point.
    pub(crate) fn api_url(&self, path: &str) -> String {
        let config = self.config();
        format!("{}{}{path}", config.origin(), config.base_path())
    }

    /// A signed verification token for `user` (with a change of email: from the address in the
    /// token to `update_to`).
    pub(crate) fn email_token(
        &self,
        email: &str,
        user_id: &UserId,
        change: Option<(&str, ChangeStep)>,
    ) -> String {
        let now = self.now().unix_seconds();
        let ttl = self.config().email_flows().verification_lifetime();
        let claims = EmailClaims {
            email: email.to_lowercase(),
            update_to: change.map(|(to, _)| to.to_owned()),
            request_type: change.map(|(_, step)| step),
            user_id: Some(user_id.as_str().to_owned()),
            iat: now,
            exp: now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
        };
        email_token::sign(self.config().secret().expose(), &claims)
    }

    /// The link of a verification token, with Better Auth's `callbackURL` (default `/`).
    pub(crate) fn verification_link(&self, token: &str, callback_url: Option<&str>) -> String {
        self.api_url(&format!(
            "/verify-email?token={token}&callbackURL={}",
            uri_component(callback_url.unwrap_or("/"))
        ))
    }

    /// The verification mail for `user` (`None` without a mailer).
    pub(crate) fn verification_mail(
        &self,
        user: &User,
        callback_url: Option<&str>,
    ) -> Option<OutboundMail> {
        let token = self.email_token(&user.email, &user.id, None);
        let link = self.verification_link(&token, callback_url);
        self.compose(MailKind::VerifyEmail, user, &user.email, &link, None)
    }

    /// Waits until `floor` has passed since `started`: answers that must not tell whether an
    /// email is registered all take at least that long.
    pub(crate) async fn pad_to(&self, started: tokio::time::Instant, floor: Duration) {
        tokio::time::sleep_until(started + floor).await;
    }

    /// Mails a verification link (`POST /send-verification-email`).
    ///
    /// Signed in (`current`): the address must be the user's own (`EMAIL_MISMATCH`) and not
    /// yet verified (`EMAIL_ALREADY_VERIFIED`). Otherwise the answer is the same whether the
    /// address is unknown, verified or waiting, and takes at least the configured floor, so
    /// neither tells who has an account. The mail is committed to the outbox before this
    /// returns. Without a mailer: `VERIFICATION_EMAIL_NOT_ENABLED`.
    pub async fn send_verification_email(
        &self,
        email: &Email,
        callback_url: Option<&str>,
        current: Option<&AuthSession>,
    ) -> Result<(), AuthError> {
        if !self.can_mail() {
            return Err(AuthError::VerificationEmailNotEnabled);
        }
        let store = self.store();
        if let Some(current) = current {
            let user = &current.user;
            if !user.email.eq_ignore_ascii_case(email.as_str()) {
                return Err(AuthError::EmailMismatch);
            }
            if user.email_verified {
                return Err(AuthError::EmailAlreadyVerified);
            }
            if let Some(mail) = self.verification_mail(user, callback_url) {
                store.enqueue_mail(&mail).await?;
                self.mail_queued();
            }
            return Ok(());
        }
        let started = tokio::time::Instant::now();
        let outcome = async {
            match store.find_user_by_email(email).await? {
                Some(user) if !user.email_verified => {
                    if let Some(mail) = self.verification_mail(&user, callback_url) {
                        store.enqueue_mail(&mail).await?;
                        self.mail_queued();
                    }
                }
                // Unknown or already verified: the same token work, nothing sent.
                _ => {
                    let _ = self.email_token(email.as_str(), &UserId::new(""), None);
                }
            }
            Ok::<(), AuthError>(())
        }
        .await;
        self.pad_to(
            started,
            self.config().email_flows().response_floor_duration(),
        )
        .await;
        outcome
    }

    /// Opens a verification link (`GET /verify-email`): verifies the address (and with
    /// auto sign-in, signs the user in), or carries out a change of email.
    ///
    /// Errors: [`AuthError::EmailLink`] — expired (`TOKEN_EXPIRED`), not ours or stale
    /// (`INVALID_TOKEN`), for an address nobody has (`USER_NOT_FOUND`), or a change link
    /// opened while signed in as someone else (`INVALID_USER`). Links are stateless: opening
    /// one again for a verified user changes nothing.
    ///
    /// `callback_url` is the opened link's `callbackURL`: the link a change of email approved
    /// from the current address mails to the new one carries it on, as Better Auth's does.
    pub async fn verify_email(
        &self,
        token: &str,
        callback_url: Option<&str>,
        current: Option<&AuthSession>,
        client: &ClientInfo,
    ) -> Result<EmailVerified, AuthError> {
        let claims = email_token::verify(self.config().secret().expose(), token, self.now())
            .map_err(AuthError::EmailLink)?;
        match claims.update_to.clone() {
            Some(update_to) => {
                self.open_change_link(claims, &update_to, callback_url, current)
                    .await
            }
            None => self.open_verification_link(&claims, current, client).await,
        }
    }

    async fn open_verification_link(
        &self,
        claims: &EmailClaims,
        current: Option<&AuthSession>,
        client: &ClientInfo,
    ) -> Result<EmailVerified, AuthError> {
        let store = self.store();
        let email = Email::parse(&claims.email)
            .map_err(|_| AuthError::EmailLink(EmailLinkError::Invalid))?;
        let user = store
            .find_user_by_email(&email)
            .await?
            .ok_or(AuthError::EmailLink(EmailLinkError::UserNotFound))?;
        if user.email_verified {
            return Ok(EmailVerified::nothing());
        }
        let user = store
            .mark_email_verified(&user.id, self.now())
            .await?
            .ok_or(AuthError::EmailLink(EmailLinkError::UserNotFound))?;
        tracing::info!(user_id = %user.id, "email verified");
        let mut done = EmailVerified::nothing();
        if self
            .config()
            .email_flows()
            .auto_signs_in_after_verification()
        {
            if current.is_some_and(|c| c.user.id == user.id) {
                done.refresh_current = true;
            } else {
                let session = self.new_session(&user.id, true, client);
                store.create_session(&session).await?;
                done.new_session = Some(session);
            }
        }
        Ok(done)
    }

    async fn open_change_link(
        &self,
        claims: EmailClaims,
        update_to: &str,
        callback_url: Option<&str>,
        current: Option<&AuthSession>,
    ) -> Result<EmailVerified, AuthError> {
        let invalid = AuthError::EmailLink(EmailLinkError::Invalid);
        let store = self.store();
        let owner = claims.user_id.as_deref().map(UserId::new);
        if let Some(current) = current {
            let someone_else = match &owner {
                Some(owner) => &current.user.id != owner,
                None => !current.user.email.eq_ignore_ascii_case(&claims.email),
            };
            if someone_else {
                return Err(AuthError::EmailLink(EmailLinkError::InvalidUser));
            }
        }
        let user = match &owner {
            Some(owner) => store.find_user_by_id(owner).await?,
            None => {
                let email = Email::parse(&claims.email).map_err(|_| invalid)?;
                store.find_user_by_email(&email).await?
            }
        }
        .ok_or(AuthError::EmailLink(EmailLinkError::UserNotFound))?;
        // A link for an address the user no longer has is spent.
        if !user.email.eq_ignore_ascii_case(&claims.email) {
            return Err(AuthError::EmailLink(EmailLinkError::Invalid));
        }
        let new_email =
            Email::parse(update_to).map_err(|_| AuthError::EmailLink(EmailLinkError::Invalid))?;
        let refresh_current = current.is_some();
        match claims.request_type {
            Some(ChangeStep::Confirmation) => {
                // Approved from the old address: now prove the new one.
                self.mail_change_verification(&user, &new_email, callback_url)
                    .await?;
                Ok(EmailVerified::nothing())
            }
            step => {
                // `None`: an older Better Auth's link, which changes the address unverified and
                // asks to verify the new one.
                let verified = step == Some(ChangeStep::Verification);
                let changed = store
                    .change_email(&user.id, &new_email, verified, self.now(), None)
                    .await
                    .map_err(|error| match error {
                        crate::store::StoreError::EmailTaken => {
                            AuthError::EmailLink(EmailLinkError::Invalid)
                        }
                        other => other.into(),
                    })?
                    .ok_or(AuthError::EmailLink(EmailLinkError::UserNotFound))?;
                tracing::info!(user_id = %changed.id, "email changed");
                if !verified && let Some(mail) = self.verification_mail(&changed, None) {
                    store.enqueue_mail(&mail).await?;
                    self.mail_queued();
                }
                let mut changed = changed;
                self.present(&mut changed);
                Ok(EmailVerified {
                    user: Some(changed),
                    new_session: None,
                    refresh_current,
                })
            }
        }
    }

    /// Mails the link that completes a change of `user`'s email to `new_email`, to the new
    /// address.
    pub(crate) async fn mail_change_verification(
        &self,
        user: &User,
        new_email: &Email,
        callback_url: Option<&str>,
    ) -> Result<(), AuthError> {
        let token = self.email_token(
            &user.email,
            &user.id,
            Some((new_email.as_str(), ChangeStep::Verification)),
        );
        let link = self.verification_link(&token, callback_url);
        let mut addressed = user.clone();
        addressed.email = new_email.as_str().to_owned();
        if let Some(mail) = self.compose(
            MailKind::ChangeEmailVerification,
            &addressed,
            new_email.as_str(),
            &link,
            Some(new_email.as_str()),
        ) {
            self.store().enqueue_mail(&mail).await?;
            self.mail_queued();
        }
        Ok(())
    }
}
