//! `POST /link-social` with an ID token: links the provider account to the signed-in user at
//! once (the redirect variant is `Auth::start_link_social` and the callback).

use crate::Auth;
use crate::error::AuthError;
use crate::model::{AuthSession, Email};
use crate::social::ProviderTokens;

use super::social_sign_in::{IdTokenSignIn, apply_tokens, new_account};

impl Auth {
    /// Verifies the ID token and links its account to `current`'s user: re-linking the same
    /// account refreshes its tokens; an account of another user is `SocialAccountAlreadyLinked`,
    /// an untrusted provider that does not vouch for the address `LinkingNotAllowed`, another
    /// address `LinkingDifferentEmails`.
    pub async fn link_with_id_token(
        &self,
        current: &AuthSession,
        provider: &str,
        input: IdTokenSignIn,
    ) -> Result<(), AuthError> {
        let (provider, profile) = self.verify_client_id_token(provider, &input).await?;
        let provider_id = provider.id();
        let tokens = ProviderTokens {
            access_token: input.access_token,
            refresh_token: input.refresh_token,
            id_token: Some(input.token),
            ..ProviderTokens::default()
        };
        let store = self.store();
        let now = self.now();
        let user = &current.user;
        if let Some(mut account) = store.find_account(provider_id, &profile.id).await? {
            if account.user_id != user.id {
                return Err(AuthError::SocialAccountAlreadyLinked);
            }
            apply_tokens(&mut account, &tokens, now, true);
            store.update_account(&account).await?;
            return Ok(());
        }
        let linking = self.config().account_linking();
        if !linking.is_enabled() || !(linking.is_trusted(provider_id) || profile.email_verified) {
            return Err(AuthError::LinkingNotAllowed);
        }
        let email = profile
            .email
            .as_deref()
            .and_then(|e| Email::parse(e).ok())
            .ok_or(AuthError::UserEmailNotFound)?;
        if email.as_str() != user.email && !linking.allows_different_emails() {
            return Err(AuthError::LinkingDifferentEmails);
        }
        let account = new_account(&user.id, provider_id, &profile.id, &tokens, now);
        if !store.link_account(&account).await? {
            return Err(AuthError::SocialAccountAlreadyLinked);
        }
        tracing::info!(user_id = %user.id, provider = provider_id, "account linked with an ID token");
        Ok(())
    }
}
