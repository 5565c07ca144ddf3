//! The user's accounts: list, unlink (never the last way in), the provider's access token
//! (refreshed when it is about to expire), a forced refresh, and the provider's profile.

use std::time::Duration;

use crate::Auth;
use crate::error::AuthError;
use crate::model::{Account, AccountId, AuthSession, Unlinked, UserId};
use crate::social::ProviderUser;

use super::social_sign_in::apply_tokens;

/// An access token this close to its expiry is refreshed first (Better Auth: 5 seconds).
const REFRESH_MARGIN: Duration = Duration::from_secs(5);

impl Auth {
    /// All the user's accounts, the credential account included, oldest first.
    pub async fn list_accounts(&self, user_id: &UserId) -> Result<Vec<Account>, AuthError> {
        Ok(self.store().list_accounts(user_id).await?)
    }

    /// Unlinks one of the current user's accounts. Needs a fresh session; the last account
    /// (the user's last way in) stays: `FailedToUnlinkLastAccount`.
    pub async fn unlink_account(
        &self,
        current: &AuthSession,
        id: &AccountId,
    ) -> Result<(), AuthError> {
        let fresh_age = self.config().fresh_age();
        if !fresh_age.is_zero() && current.session.created_at + fresh_age <= self.now() {
            return Err(AuthError::SessionNotFresh);
        }
        match self.store().unlink_account(&current.user.id, id).await? {
            Unlinked::Unlinked => {
                tracing::info!(user_id = %current.user.id, account_id = %id, "account unlinked");
                Ok(())
            }
            Unlinked::LastAccount => Err(AuthError::FailedToUnlinkLastAccount),
            _ => Err(AuthError::AccountNotFound),
        }
    }

    /// The provider's access token for one of the user's accounts, refreshed first when it
    /// expires within 5 seconds and a refresh token is stored.
    pub async fn access_token(
        &self,
        user_id: &UserId,
        id: &AccountId,
    ) -> Result<Account, AuthError> {
        let account = self.own_account(user_id, id).await?;
        let expiring = account
            .access_token_expires_at
            .is_some_and(|at| at <= self.now().saturating_add(REFRESH_MARGIN));
        if !(expiring && account.refresh_token.is_some()) {
            return Ok(account);
        }
        self.refresh(account).await.map_err(|error| match error {
            AuthError::FailedToRefreshAccessToken(cause) => {
                AuthError::FailedToGetAccessToken(cause)
            }
            other => other,
        })
    }

    /// Refreshes the provider's tokens of one of the user's accounts now.
    pub async fn refresh_account_tokens(
        &self,
        user_id: &UserId,
        id: &AccountId,
    ) -> Result<Account, AuthError> {
        let account = self.own_account(user_id, id).await?;
        self.refresh(account).await
    }

    /// What the provider says of the account's user, read with the stored tokens.
    pub async fn account_info(
        &self,
        user_id: &UserId,
        id: &AccountId,
    ) -> Result<(Account, ProviderUser), AuthError> {
        let account = self.own_account(user_id, id).await?;
        let provider = self
            .social_provider(&account.provider_id)
            .ok_or(AuthError::ProviderNotFound)?
            .clone();
        let tokens = crate::social::ProviderTokens {
            access_token: account.access_token.clone(),
            refresh_token: account.refresh_token.clone(),
            id_token: account.id_token.clone(),
            access_token_expires_at: account.access_token_expires_at,
            ..Default::default()
        };
        let profile = provider
            .account_info(&tokens)
            .await
            .map_err(AuthError::ProviderUnavailable)?;
        Ok((account, profile))
    }

    async fn own_account(&self, user_id: &UserId, id: &AccountId) -> Result<Account, AuthError> {
        self.store()
            .list_accounts(user_id)
            .await?
            .into_iter()
            .find(|a| &a.id == id)
            .ok_or(AuthError::AccountNotFound)
    }

    async fn refresh(&self, mut account: Account) -> Result<Account, AuthError> {
        let refresh_token = account
            .refresh_token
            .clone()
            .ok_or(AuthError::RefreshTokenNotFound)?;
        let provider = self
            .social_provider(&account.provider_id)
            .ok_or(AuthError::ProviderNotFound)?
            .clone();
        let tokens = provider
            .refresh_tokens(&refresh_token)
            .await
            .map_err(AuthError::FailedToRefreshAccessToken)?;
        apply_tokens(&mut account, &tokens, self.now(), false);
        self.store().update_account(&account).await?;
        Ok(account)
    }
}
