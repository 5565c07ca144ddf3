//! Deleting a signed-in user's account: at once (fresh session or password), or by a mailed
//! single-use link.

use rand::Rng;

use super::verify_email::uri_component;
use crate::Auth;
use crate::error::AuthError;
use crate::mail::MailKind;
use crate::model::{AuthSession, Password, Verification};

/// Better Auth's deletion rows: `delete-account-<32 [0-9a-z]>` (a hyphen, not a colon).
const DELETE_PREFIX: &str = "delete-account-";
const DELETE_TOKEN_LEN: usize = 32;
const LOWER_ALPHANUMERIC: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn delete_token() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..DELETE_TOKEN_LEN)
        .map(|_| char::from(LOWER_ALPHANUMERIC[rng.gen_range(0..LOWER_ALPHANUMERIC.len())]))
        .collect()
}

fn plausible(token: &str) -> bool {
    !token.is_empty() && token.len() <= 64 && token.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// What a deletion request may carry.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct DeleteUser {
    pub(crate) password: Option<Password>,
    pub(crate) token: Option<String>,
    pub(crate) callback_url: Option<String>,
}

impl DeleteUser {
    /// A request with nothing but the session.
    pub fn new() -> Self {
        Self::default()
    }

    /// The user's password (deletes without a fresh session).
    pub fn password(mut self, password: Password) -> Self {
        self.password = Some(password);
        self
    }

    /// The token from a mailed deletion link (deletes at once).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Where the mailed link sends the browser after the deletion (default `/`).
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }
}

/// How a deletion request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserDeletion {
    /// The user, their sessions, accounts and tokens are gone.
    Deleted,
    /// A deletion link was mailed; nothing is deleted until it is opened.
    LinkSent,
}

impl Auth {
    /// Deletes the signed-in user's account (`POST /delete-user`), or mails the link that does
    /// (with `EmailFlows::confirm_delete_by_email`).
    ///
    /// A wrong `password` is `INVALID_PASSWORD`; a `token` that is not this user's live
    /// deletion token is `INVALID_TOKEN`; deleting at once without a password needs a session
    /// younger than the freshness window (`SESSION_EXPIRED`). Off: `NOT_FOUND`.
    pub async fn delete_user(
        &self,
        current: &AuthSession,
        input: DeleteUser,
    ) -> Result<UserDeletion, AuthError> {
        let flows = self.config().email_flows();
        if !flows.delete_user_enabled() {
            return Err(AuthError::NotFound);
        }
        let user = &current.user;
        let store = self.store();
        if let Some(password) = &input.password {
            self.check_password(&user.id, password).await?;
        }
        if let Some(token) = &input.token {
            self.delete_with_token(current, token).await?;
            return Ok(UserDeletion::Deleted);
        }
        if flows.confirms_delete_by_email() && self.can_mail() {
            let now = self.now();
            let token = delete_token();
            let row = Verification::new(
                format!("{DELETE_PREFIX}{token}"),
                &user.id,
                now,
                now.saturating_add(flows.delete_token_lifetime()),
            );
            let link = self.api_url(&format!(
                "/delete-user/callback?token={token}&callbackURL={}",
                uri_component(input.callback_url.as_deref().unwrap_or("/"))
            ));
            if let Some(mail) =
                self.compose(MailKind::DeleteAccount, user, &user.email, &link, None)
            {
                store.create_verification(&row, &mail).await?;
                self.mail_queued();
            }
            return Ok(UserDeletion::LinkSent);
        }
        let fresh_age = self.config().fresh_age();
        let stale = !fresh_age.is_zero()
            && current.session.created_at.saturating_add(fresh_age) < self.now();
        if input.password.is_none() && stale {
            return Err(AuthError::SessionExpired);
        }
        store.delete_user(&user.id, None, self.now()).await?;
        tracing::info!(user_id = %user.id, "user deleted");
        Ok(UserDeletion::Deleted)
    }

    /// Deletes the signed-in user with the token of a mailed deletion link
    /// (`GET /delete-user/callback`). Only the owner's session can use a link; opening
    /// someone else's leaves it usable by them.
    ///
    /// Errors: `FAILED_TO_GET_USER_INFO` (no session), `INVALID_TOKEN`, `NOT_FOUND` (off).
    pub async fn delete_user_by_link(
        &self,
        current: Option<&AuthSession>,
        token: &str,
    ) -> Result<(), AuthError> {
        if !self.config().email_flows().delete_user_enabled() {
            return Err(AuthError::NotFound);
        }
        let current = current.ok_or(AuthError::FailedToGetUserInfo)?;
        self.delete_with_token(current, token).await
    }

    async fn delete_with_token(&self, current: &AuthSession, token: &str) -> Result<(), AuthError> {
        if !plausible(token) {
            return Err(AuthError::InvalidDeleteToken);
        }
        let user = &current.user;
        self.store()
            .delete_user(
                &user.id,
                Some(&format!("{DELETE_PREFIX}{token}")),
                self.now(),
            )
            .await?
            .ok_or(AuthError::InvalidDeleteToken)?;
        tracing::info!(user_id = %user.id, "user deleted by link");
        Ok(())
    }
}
