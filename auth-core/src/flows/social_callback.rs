//! `GET /callback/:provider`: the provider sends the browser back with a code (or an error).
//! The state is checked (its row, the signed cookie, the provider it was made for) and used up,
//! the code is redeemed with the PKCE verifier, the user is signed in or the account linked.
//! Every failure is a redirect with `error=<code>`, never an error page of ours.

use crate::Auth;
use crate::model::{ClientInfo, Email, SessionId, UserId};
use crate::social::state::{self, FlowState, LinkState};
use crate::social::{ProviderTokens, ProviderUser};

use super::social_sign_in::{Refusal, SocialSignedIn, apply_tokens, new_account};

/// What the provider sent back (query or form parameters).
#[derive(Clone, Default)]
#[must_use]
pub struct SocialCallback {
    pub(crate) state: Option<String>,
    pub(crate) code: Option<String>,
    pub(crate) error: Option<String>,
    pub(crate) error_description: Option<String>,
    pub(crate) trusted_device: Option<String>,
}

impl SocialCallback {
    /// The parameters as received; empty values count as absent.
    pub fn new(
        state: Option<String>,
        code: Option<String>,
        error: Option<String>,
        error_description: Option<String>,
    ) -> Self {
        let some = |v: Option<String>| v.filter(|v| !v.is_empty());
        Self {
            state: some(state),
            code: some(code),
            error: some(error),
            error_description: some(error_description),
            trusted_device: None,
        }
    }

    /// The `trust_device` cookie's value (its signature checked): a trusted device skips the
    /// second factor.
    pub fn trusted_device(mut self, cookie: impl Into<String>) -> Self {
        self.trusted_device = Some(cookie.into());
        self
    }
}

impl std::fmt::Debug for SocialCallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialCallback")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// Why a callback failed: the `error=` code the browser is redirected with (Better Auth's).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackError {
    /// No `state` parameter.
    StateNotFound,
    /// The state is unknown, used, expired, for another provider, or not this browser's.
    StateMismatch,
    /// The provider reported an error (its code, e.g. `access_denied`).
    Provider(String),
    /// No `code` parameter.
    NoCode,
    /// The callback's provider is not configured.
    ProviderNotFound,
    /// The code could not be redeemed.
    InvalidCode,
    /// The provider's user could not be read (or its ID token did not verify).
    UnableToGetUserInfo,
    /// The provider shares no email address.
    EmailNotFound,
    /// The address belongs to a user the account may not join.
    AccountNotLinked,
    /// A link whose session ended, or an untrusted provider that does not vouch for the
    /// address.
    UnableToLinkAccount,
    /// A link with a provider address other than the user's.
    EmailDoesNotMatch,
    /// A link of a provider account that belongs to another user.
    AlreadyLinkedToDifferentUser,
    /// The store failed.
    Internal,
}

impl CallbackError {
    /// The `error=` value.
    pub fn code(&self) -> &str {
        match self {
            Self::StateNotFound => "state_not_found",
            Self::StateMismatch => "state_mismatch",
            Self::Provider(code) => code,
            Self::NoCode => "no_code",
            Self::ProviderNotFound => "oauth_provider_not_found",
            Self::InvalidCode => "invalid_code",
            Self::UnableToGetUserInfo => "unable_to_get_user_info",
            Self::EmailNotFound => "email_not_found",
            Self::AccountNotLinked => "account_not_linked",
            Self::UnableToLinkAccount => "unable_to_link_account",
            Self::EmailDoesNotMatch => "email_does_not_match",
            Self::AlreadyLinkedToDifferentUser => "account_already_linked_to_different_user",
            Self::Internal => "internal_server_error",
        }
    }
}

/// Where the callback sends the browser.
#[derive(Debug)]
#[non_exhaustive]
pub struct CallbackOutcome {
    /// The `Location`: the flow's callback URL (or new-user URL), or its error URL with
    /// `error=<code>`.
    pub location: String,
    /// The sign-in, when one happened (a link signs nobody in).
    pub signed_in: Option<SocialSignedIn>,
    /// The challenge, when the user has two-factor on: `location` is then the challenge page
    /// (or the error URL with `error=two_factor_required`).
    pub two_factor: Option<Box<crate::two_factor::TwoFactorChallenge>>,
    /// The failure, when there was one.
    pub error: Option<CallbackError>,
    /// Whether the browser's state cookie matched and the state was used up: only then is the
    /// cookie cleared (a forged callback link must not end the browser's own flow).
    pub state_used: bool,
}

impl Auth {
    /// Completes a redirect flow. `cookie_state` is the state the browser's signed state
    /// cookie carries (already checked against the secret), if it sent one.
    pub async fn finish_social(
        &self,
        provider_id: &str,
        callback: SocialCallback,
        cookie_state: Option<&str>,
        client: &ClientInfo,
    ) -> CallbackOutcome {
        let default_error_url = format!(
            "{}{}/error",
            self.config().origin(),
            self.config().base_path()
        );
        let Some(oauth_state) = callback.state.as_deref() else {
            return self.failed(&default_error_url, CallbackError::StateNotFound, None);
        };
        let identifier = format!("{}{oauth_state}", state::IDENTIFIER_PREFIX);
        let row = match self
            .store()
            .find_verification(&identifier, self.now())
            .await
        {
            Ok(Some(row)) => row,
            Ok(None) => return self.failed(&default_error_url, CallbackError::StateMismatch, None),
            Err(error) => {
                tracing::error!(error = %crate::error::Chain(&error), "callback: state lookup failed");
                return self.failed(&default_error_url, CallbackError::Internal, None);
            }
        };
        let Some(flow) = FlowState::parse(&row.value).filter(|f| f.oauth_state == oauth_state)
        else {
            return self.failed(&default_error_url, CallbackError::StateMismatch, None);
        };
        let error_url = flow.error_url.clone().unwrap_or(default_error_url.clone());
        // Another browser's link: refused, and the row stays for the browser it belongs to.
        if cookie_state != Some(oauth_state) {
            tracing::info!(
                provider = provider_id,
                "callback refused: state cookie missing or not this state's"
            );
            return self.failed(&error_url, CallbackError::StateMismatch, None);
        }
        // The cookie matched: from here on the state is used up, and its cookie cleared.
        let mut outcome = self
            .finish_matched(
                provider_id,
                callback,
                flow,
                &row.id,
                &error_url,
                &default_error_url,
                client,
            )
            .await;
        outcome.state_used = true;
        outcome
    }

    /// The callback once the state and its cookie matched.
    #[allow(clippy::too_many_arguments)]
    async fn finish_matched(
        &self,
        provider_id: &str,
        callback: SocialCallback,
        flow: FlowState,
        row_id: &str,
        error_url: &str,
        default_error_url: &str,
        client: &ClientInfo,
    ) -> CallbackOutcome {
        match self.store().consume_verification(row_id).await {
            Ok(true) => {}
            // A concurrent callback with the same state took it first.
            Ok(false) => {
                return self.failed(default_error_url, CallbackError::StateMismatch, None);
            }
            Err(error) => {
                tracing::error!(error = %crate::error::Chain(&error), "callback: state consume failed");
                return self.failed(error_url, CallbackError::Internal, None);
            }
        }
        if flow.expires_at <= self.now().unix_millis() {
            return self.failed(error_url, CallbackError::StateMismatch, None);
        }
        let Some(provider) = self.social_provider(provider_id).cloned() else {
            return self.failed(error_url, CallbackError::ProviderNotFound, None);
        };
        // A state made for another provider (Better Auth accepts it).
        if flow
            .provider_id
            .as_deref()
            .is_some_and(|p| p != provider_id)
        {
            return self.failed(error_url, CallbackError::StateMismatch, None);
        }
        if let Some(code) = callback.error {
            return self.failed(
                error_url,
                CallbackError::Provider(code),
                callback.error_description,
            );
        }
        let Some(code) = callback.code else {
            return self.failed(error_url, CallbackError::NoCode, None);
        };
        let redirect_uri = self.callback_uri(provider_id);
        let tokens = match provider
            .exchange_code(&code, &flow.code_verifier, &redirect_uri)
            .await
        {
            Ok(tokens) => tokens,
            Err(error) => {
                tracing::warn!(provider = provider_id, error = %crate::error::Chain(&error), "callback: code exchange failed");
                return self.failed(error_url, CallbackError::InvalidCode, None);
            }
        };
        let profile = match provider
            .user_info(&tokens, flow.id_token_nonce.as_deref())
            .await
        {
            Ok(profile) => profile,
            Err(error) => {
                tracing::warn!(provider = provider_id, error = %crate::error::Chain(&error), "callback: user info failed");
                return self.failed(error_url, CallbackError::UnableToGetUserInfo, None);
            }
        };
        if let Some(link) = &flow.link {
            return match self
                .link_from_callback(provider_id, link, profile, &tokens)
                .await
            {
                Ok(()) => CallbackOutcome {
                    location: flow.callback_url,
                    signed_in: None,
                    two_factor: None,
                    error: None,
                    state_used: true,
                },
                Err(error) => self.failed(error_url, error, None),
            };
        }
        match self
            .sign_in_provider_user(
                provider_id,
                profile,
                tokens,
                callback.trusted_device.as_deref(),
                client,
            )
            .await
        {
            Ok(done) => CallbackOutcome {
                location: match (&flow.new_user_url, done.is_new_user) {
                    (Some(url), true) => url.clone(),
                    _ => flow.callback_url,
                },
                signed_in: Some(done),
                two_factor: None,
                error: None,
                state_used: true,
            },
            Err(Refusal::TwoFactor(challenge)) => {
                let location = match self
                    .config()
                    .two_factor()
                    .and_then(|o| o.challenge_page_url())
                {
                    Some(page) => {
                        let mut query = form_urlencoded::Serializer::new(String::new());
                        query.append_pair("callbackURL", &flow.callback_url);
                        let separator = if page.contains('?') { '&' } else { '?' };
                        format!("{page}{separator}{}", query.finish())
                    }
                    None => {
                        let separator = if error_url.contains('?') { '&' } else { '?' };
                        format!("{error_url}{separator}error=two_factor_required")
                    }
                };
                CallbackOutcome {
                    location,
                    signed_in: None,
                    two_factor: Some(challenge),
                    error: None,
                    state_used: true,
                }
            }
            Err(Refusal::EmailNotFound) => {
                self.failed(error_url, CallbackError::EmailNotFound, None)
            }
            Err(Refusal::NotLinked) => {
                self.failed(error_url, CallbackError::AccountNotLinked, None)
            }
            Err(Refusal::Store(error)) => {
                tracing::error!(error = %crate::error::Chain(&error), "callback: sign-in failed");
                self.failed(error_url, CallbackError::Internal, None)
            }
        }
    }

    fn failed(
        &self,
        url: &str,
        error: CallbackError,
        description: Option<String>,
    ) -> CallbackOutcome {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("error", error.code());
        if let Some(description) = &description {
            query.append_pair("error_description", description);
        }
        let separator = if url.contains('?') { '&' } else { '?' };
        CallbackOutcome {
            location: format!("{url}{separator}{}", query.finish()),
            signed_in: None,
            two_factor: None,
            error: Some(error),
            state_used: false,
        }
    }

    /// The callback of a `link-social` flow.
    async fn link_from_callback(
        &self,
        provider_id: &str,
        link: &LinkState,
        profile: ProviderUser,
        tokens: &ProviderTokens,
    ) -> Result<(), CallbackError> {
        let store = self.store();
        let now = self.now();
        let internal = |error: crate::store::StoreError| {
            tracing::error!(error = %crate::error::Chain(&error), "link: store failed");
            CallbackError::Internal
        };
        let user_id = UserId::new(link.user_id.clone());
        // The session that started the link must still be there, and be this user's.
        let session = store
            .find_session_by_id(&SessionId::new(link.session_id.clone()))
            .await
            .map_err(internal)?;
        if !session.is_some_and(|s| s.user_id == user_id && s.expires_at > now) {
            return Err(CallbackError::UnableToLinkAccount);
        }
        let user = store
            .find_user_by_id(&user_id)
            .await
            .map_err(internal)?
            .ok_or(CallbackError::UnableToLinkAccount)?;
        let linking = self.config().account_linking();
        if !linking.is_enabled() || !(linking.is_trusted(provider_id) || profile.email_verified) {
            return Err(CallbackError::UnableToLinkAccount);
        }
        let email = profile
            .email
            .as_deref()
            .and_then(|e| Email::parse(e).ok())
            .ok_or(CallbackError::EmailNotFound)?;
        if email.as_str() != user.email && !linking.allows_different_emails() {
            return Err(CallbackError::EmailDoesNotMatch);
        }
        match store
            .find_account(provider_id, &profile.id)
            .await
            .map_err(internal)?
        {
            Some(account) if account.user_id != user.id => {
                Err(CallbackError::AlreadyLinkedToDifferentUser)
            }
            Some(mut account) => {
                apply_tokens(&mut account, tokens, now, true);
                store.update_account(&account).await.map_err(internal)?;
                Ok(())
            }
            None => {
                let account = new_account(&user.id, provider_id, &profile.id, tokens, now);
                if store.link_account(&account).await.map_err(internal)? {
                    tracing::info!(user_id = %user.id, provider = provider_id, "account linked");
                    Ok(())
                } else {
                    Err(CallbackError::AlreadyLinkedToDifferentUser)
                }
            }
        }
    }
}
