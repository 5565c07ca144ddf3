//! Social sign-in: starting a redirect flow (`POST /sign-in/social`), signing in with an ID
//! token the client obtained itself, and what both do with the provider's user: find the
//! account, link it to the user with that address (when the linking rules allow), or create
//! the user.

use std::sync::Arc;
use std::time::Duration;

use crate::Auth;
use crate::error::AuthError;
use crate::model::{Account, AuthSession, ClientInfo, Email, Timestamp, User, UserId};
use crate::social::state::{self, FlowState, LinkState};
use crate::social::{
    AuthorizationRequest, ProviderError, ProviderTokens, ProviderUser, SocialProvider,
};

use super::SignedIn;

/// How long a flow's state lives (Better Auth: 10 minutes).
pub(crate) const STATE_TTL: Duration = Duration::from_secs(600);

/// The start of a redirect flow: `POST /sign-in/social` (or `POST /link-social`) without an
/// ID token.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct SocialStart {
    pub(crate) provider: String,
    pub(crate) callback_url: Option<String>,
    pub(crate) error_callback_url: Option<String>,
    pub(crate) new_user_callback_url: Option<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) login_hint: Option<String>,
    pub(crate) additional_params: Vec<(String, String)>,
    pub(crate) additional_data: Option<serde_json::Map<String, serde_json::Value>>,
    pub(crate) request_sign_up: bool,
}

impl SocialStart {
    /// A flow with the provider `provider` (`github`, `google`, a configured OIDC id).
    pub fn new(provider: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            ..Self::default()
        }
    }

    /// Where the browser lands after success (relative, or on a trusted origin).
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Where the browser lands after a failure, with `?error=<code>`.
    pub fn error_callback_url(mut self, url: impl Into<String>) -> Self {
        self.error_callback_url = Some(url.into());
        self
    }

    /// Where a user who was just created lands.
    pub fn new_user_callback_url(mut self, url: impl Into<String>) -> Self {
        self.new_user_callback_url = Some(url.into());
        self
    }

    /// Scopes beyond the provider's defaults.
    pub fn scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = scopes;
        self
    }

    /// Which account the provider should suggest.
    pub fn login_hint(mut self, hint: impl Into<String>) -> Self {
        self.login_hint = Some(hint.into());
        self
    }

    /// More query parameters for the authorization URL (the flow's own names are refused by
    /// the HTTP layer before this).
    pub fn additional_params(mut self, params: Vec<(String, String)>) -> Self {
        self.additional_params = params;
        self
    }

    /// Data stored with the state (the flow's own keys win).
    pub fn additional_data(mut self, data: serde_json::Map<String, serde_json::Value>) -> Self {
        self.additional_data = Some(data);
        self
    }

    /// Marks the flow as a sign-up request (stored with the state).
    pub fn request_sign_up(mut self, requested: bool) -> Self {
        self.request_sign_up = requested;
        self
    }
}

/// Where to send the browser, and the state to bind to it with the signed cookie.
#[derive(Clone)]
#[non_exhaustive]
pub struct SocialRedirect {
    /// The provider's authorization URL.
    pub url: String,
    /// The flow's state (the cookie's value, signed by the HTTP layer).
    pub state: String,
}

impl std::fmt::Debug for SocialRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocialRedirect")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// An ID token the client obtained from the provider itself (Google One Tap, a mobile SDK).
#[derive(Clone, Default)]
#[must_use]
pub struct IdTokenSignIn {
    pub(crate) token: String,
    pub(crate) nonce: Option<String>,
    pub(crate) access_token: Option<String>,
    pub(crate) refresh_token: Option<String>,
    pub(crate) trusted_device: Option<String>,
}

impl IdTokenSignIn {
    /// The ID token.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            ..Self::default()
        }
    }

    /// The nonce the token must carry.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// An access token obtained with it, stored with the account.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// A refresh token obtained with it (stored only when linking, as Better Auth does).
    pub fn refresh_token(mut self, token: impl Into<String>) -> Self {
        self.refresh_token = Some(token.into());
        self
    }

    /// The `trust_device` cookie's value (its signature checked): a trusted device skips the
    /// second factor.
    pub fn trusted_device(mut self, cookie: impl Into<String>) -> Self {
        self.trusted_device = Some(cookie.into());
        self
    }
}

impl std::fmt::Debug for IdTokenSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdTokenSignIn").finish_non_exhaustive()
    }
}

/// A completed social sign-in.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SocialSignedIn {
    /// The user and their new session.
    pub signed_in: SignedIn,
    /// Whether the user was created by this sign-in.
    pub is_new_user: bool,
}

/// Why a provider's user could not be signed in (the callback turns these into
/// `error=<code>` redirects, the ID-token route into JSON errors).
#[derive(Debug)]
pub(crate) enum Refusal {
    EmailNotFound,
    NotLinked,
    /// The user has two-factor on: a challenge instead of a session.
    TwoFactor(Box<crate::two_factor::TwoFactorChallenge>),
    Store(AuthError),
}

impl From<crate::store::StoreError> for Refusal {
    fn from(error: crate::store::StoreError) -> Self {
        Self::Store(error.into())
    }
}

impl Auth {
    /// Starts a redirect flow: stores the state (with its PKCE verifier) and returns the
    /// provider's authorization URL. `ProviderNotFound` for a provider that is not configured.
    pub async fn start_social_sign_in(
        &self,
        start: SocialStart,
    ) -> Result<SocialRedirect, AuthError> {
        self.start_flow(start, None).await
    }

    /// Starts a `link-social` flow for the signed-in user: the callback links the provider's
    /// account to them (and signs nobody in).
    pub async fn start_link_social(
        &self,
        current: &AuthSession,
        start: SocialStart,
    ) -> Result<SocialRedirect, AuthError> {
        let link = LinkState {
            user_id: current.user.id.as_str().to_owned(),
            email: current.user.email.clone(),
            session_id: current.session.id.as_str().to_owned(),
        };
        self.start_flow(start, Some(link)).await
    }

    async fn start_flow(
        &self,
        start: SocialStart,
        link: Option<LinkState>,
    ) -> Result<SocialRedirect, AuthError> {
        let provider = self
            .social_provider(&start.provider)
            .ok_or(AuthError::ProviderNotFound)?
            .clone();
        let now = self.now();
        let oauth_state = state::random_string(32);
        let verifier = state::random_string(128);
        let challenge = state::code_challenge(&verifier);
        // A nonce binds the ID token to this flow (OpenID Connect core 3.1.2.1).
        let nonce = state::random_string(32);
        let redirect_uri = self.callback_uri(provider.id());
        let url = provider
            .authorization_url(&AuthorizationRequest {
                state: &oauth_state,
                code_challenge: &challenge,
                redirect_uri: &redirect_uri,
                scopes: &start.scopes,
                login_hint: start.login_hint.as_deref(),
                nonce: Some(&nonce),
                extra_params: &start.additional_params,
            })
            .map_err(AuthError::ProviderUnavailable)?;
        let expires_at = now.saturating_add(STATE_TTL);
        let flow = FlowState {
            // Better Auth's default: the base URL's origin.
            callback_url: start
                .callback_url
                .unwrap_or_else(|| self.config().origin().to_owned()),
            code_verifier: verifier,
            error_url: start.error_callback_url,
            new_user_url: start.new_user_callback_url,
            link,
            expires_at: expires_at.unix_millis(),
            request_sign_up: start.request_sign_up.then_some(true),
            id_token_nonce: Some(nonce),
            oauth_state: oauth_state.clone(),
            provider_id: Some(provider.id().to_owned()),
        };
        let row = crate::model::Verification::with_value(
            format!("{}{oauth_state}", state::IDENTIFIER_PREFIX),
            flow.to_value(start.additional_data.as_ref()),
            now,
            expires_at,
        );
        self.store().insert_verification(&row).await?;
        self.sweep_expired_states(now).await;
        Ok(SocialRedirect {
            url,
            state: oauth_state,
        })
    }

    /// Deletes expired verification rows at most once a minute (as Better Auth does on
    /// lookups): flows that were started and never finished leave their state behind, and the
    /// mail worker that also sweeps may not run.
    pub(crate) async fn sweep_expired_states(&self, now: Timestamp) {
        use std::sync::atomic::Ordering;
        let last = self.inner.last_sweep.load(Ordering::Relaxed);
        let due = now.unix_millis().saturating_sub(last) >= 60_000;
        if !due
            || self
                .inner
                .last_sweep
                .compare_exchange(
                    last,
                    now.unix_millis(),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_err()
        {
            return;
        }
        if let Err(error) = self.store().delete_expired_verifications(now).await {
            tracing::warn!(error = %crate::error::Chain(&error), "sweeping expired verification rows failed");
        }
    }

    /// `<origin><base path>/callback/<provider>`: where providers send the browser back.
    pub(crate) fn callback_uri(&self, provider: &str) -> String {
        let config = self.config();
        format!(
            "{}{}/callback/{provider}",
            config.origin(),
            config.base_path()
        )
    }

    /// Signs in with an ID token the client obtained from the provider: verifies it, then
    /// finds, links or creates the user, and starts a session.
    pub async fn sign_in_with_id_token(
        &self,
        provider: &str,
        input: IdTokenSignIn,
        client: &ClientInfo,
    ) -> Result<SocialSignedIn, AuthError> {
        let (provider, user) = self.verify_client_id_token(provider, &input).await?;
        // Better Auth keeps the access token sent along, not the refresh token or expiry.
        let tokens = ProviderTokens {
            access_token: input.access_token,
            id_token: Some(input.token),
            ..ProviderTokens::default()
        };
        let trusted = input.trusted_device.as_deref();
        match self
            .sign_in_provider_user(provider.id(), user, tokens, trusted, client)
            .await
        {
            Ok(done) => Ok(done),
            Err(Refusal::EmailNotFound) => Err(AuthError::UserEmailNotFound),
            Err(Refusal::NotLinked) => Err(AuthError::AccountNotLinked),
            Err(Refusal::TwoFactor(challenge)) => Err(AuthError::TwoFactorRequired(challenge)),
            Err(Refusal::Store(error)) => Err(error),
        }
    }

    /// The configured provider `provider`, and whose the ID token a client sent is (verified).
    pub(crate) async fn verify_client_id_token(
        &self,
        provider: &str,
        input: &IdTokenSignIn,
    ) -> Result<(Arc<dyn SocialProvider>, ProviderUser), AuthError> {
        let provider = self
            .social_provider(provider)
            .ok_or(AuthError::ProviderNotFound)?
            .clone();
        if !provider.supports_id_token() {
            return Err(AuthError::IdTokenNotSupported);
        }
        let user = provider
            .verify_id_token(&input.token, input.nonce.as_deref())
            .await
            .map_err(id_token_error)?;
        Ok((provider, user))
    }

    /// Finds the provider's user's account, or links it to the user with that address (when
    /// the linking rules allow), or creates the user; then starts a session.
    pub(crate) async fn sign_in_provider_user(
        &self,
        provider_id: &str,
        profile: ProviderUser,
        tokens: ProviderTokens,
        trusted_device: Option<&str>,
        client: &ClientInfo,
    ) -> Result<SocialSignedIn, Refusal> {
        let store = self.store();
        let now = self.now();
        let email = profile
            .email
            .as_deref()
            .and_then(|e| Email::parse(e).ok())
            .ok_or(Refusal::EmailNotFound)?;
        let (user, is_new_user) = match store.find_account(provider_id, &profile.id).await? {
            Some(mut account) => {
                let user = store
                    .find_user_by_id(&account.user_id)
                    .await?
                    .ok_or(Refusal::NotLinked)?;
                apply_tokens(&mut account, &tokens, now, false);
                store.update_account(&account).await?;
                (
                    self.confirm_email(user, &email, profile.email_verified)
                        .await?,
                    false,
                )
            }
            None => match store.find_user_by_email(&email).await? {
                Some(user) => {
                    let linking = self.config().account_linking();
                    if !linking.allows_implicit(
                        provider_id,
                        profile.email_verified,
                        user.email_verified,
                    ) {
                        tracing::info!(user_id = %user.id, provider = provider_id, "social sign-in refused: account may not be linked");
                        return Err(Refusal::NotLinked);
                    }
                    let account = new_account(&user.id, provider_id, &profile.id, &tokens, now);
                    if !store.link_account(&account).await? {
                        return Err(Refusal::NotLinked);
                    }
                    tracing::info!(user_id = %user.id, provider = provider_id, "account linked at sign-in");
                    (
                        self.confirm_email(user, &email, profile.email_verified)
                            .await?,
                        false,
                    )
                }
                None => {
                    let mut user = User::new(
                        UserId::generate(),
                        profile.name.clone().unwrap_or_default(),
                        email.as_str(),
                        now,
                    );
                    user.email_verified = profile.email_verified;
                    user.image.clone_from(&profile.image);
                    let account = new_account(&user.id, provider_id, &profile.id, &tokens, now);
                    let session = self.new_session(&user.id, true, client);
                    match store.create_social_user(&user, &account, &session).await {
                        Ok(()) => {}
                        // Someone registered the address meanwhile: not ours to join.
                        Err(crate::store::StoreError::EmailTaken) => {
                            return Err(Refusal::NotLinked);
                        }
                        Err(error) => return Err(error.into()),
                    }
                    tracing::info!(user_id = %user.id, provider = provider_id, "user signed up through a provider");
                    self.present(&mut user);
                    return Ok(SocialSignedIn {
                        signed_in: SignedIn {
                            user,
                            session,
                            remember_me: true,
                            trusted_device: None,
                        },
                        is_new_user: true,
                    });
                }
            },
        };
        // Every sign-in route asks for the second factor (Better Auth's only asks on the
        // password routes, so a provider account skipped it).
        let trusted_device = match self.second_factor(&user, true, trusted_device).await {
            Ok(trusted) => trusted,
            Err(AuthError::TwoFactorRequired(challenge)) => {
                return Err(Refusal::TwoFactor(challenge));
            }
            Err(error) => return Err(Refusal::Store(error)),
        };
        let session = self.new_session(&user.id, true, client);
        store.create_session(&session).await?;
        tracing::info!(user_id = %user.id, provider = provider_id, "user signed in through a provider");
        let mut user = user;
        self.present(&mut user);
        Ok(SocialSignedIn {
            signed_in: SignedIn {
                user,
                session,
                remember_me: true,
                trusted_device,
            },
            is_new_user,
        })
    }

    /// Marks the user's address verified when the provider vouches for that same address.
    async fn confirm_email(
        &self,
        user: User,
        email: &Email,
        verified: bool,
    ) -> Result<User, Refusal> {
        if !verified || user.email_verified || user.email != email.as_str() {
            return Ok(user);
        }
        Ok(self
            .store()
            .mark_email_verified(&user.id, self.now())
            .await?
            .unwrap_or(user))
    }
}

/// An ID token refused: 401 `INVALID_TOKEN`, unless the provider's keys were out of reach.
pub(crate) fn id_token_error(error: ProviderError) -> AuthError {
    match error {
        ProviderError::IdTokenNotSupported => AuthError::IdTokenNotSupported,
        ProviderError::Unreachable(_) => AuthError::ProviderUnavailable(error),
        other => AuthError::InvalidIdToken(other),
    }
}

/// A new account row holding the provider's tokens.
pub(crate) fn new_account(
    user_id: &UserId,
    provider_id: &str,
    account_id: &str,
    tokens: &ProviderTokens,
    now: Timestamp,
) -> Account {
    let mut account = Account::new(user_id.clone(), provider_id, account_id, now);
    apply_tokens(&mut account, tokens, now, true);
    account
}

/// Stores fresh tokens on an account: a refresh token only when a new one came; the scope
/// only when `merge_scope` (linking), merged without repeats.
pub(crate) fn apply_tokens(
    account: &mut Account,
    tokens: &ProviderTokens,
    now: Timestamp,
    merge_scope: bool,
) {
    if tokens.access_token.is_some() {
        account.access_token.clone_from(&tokens.access_token);
        account.access_token_expires_at = tokens.access_token_expires_at;
    }
    if tokens.refresh_token.is_some() {
        account.refresh_token.clone_from(&tokens.refresh_token);
        account.refresh_token_expires_at = tokens.refresh_token_expires_at;
    }
    if tokens.id_token.is_some() {
        account.id_token.clone_from(&tokens.id_token);
    }
    if merge_scope && !tokens.scopes.is_empty() {
        let mut scopes = account.scopes();
        for scope in tokens
            .scopes
            .iter()
            .flat_map(|s| s.split(|c: char| c == ',' || c.is_whitespace()))
            .filter(|s| !s.is_empty())
        {
            if !scopes.iter().any(|known| known == scope) {
                scopes.push(scope.to_owned());
            }
        }
        account.scope = Some(scopes.join(","));
    }
    account.updated_at = now;
}
