//! The [`SocialProvider`] trait and what a provider answers.

use async_trait::async_trait;

use crate::BoxError;
use crate::model::Timestamp;
use crate::token::TokenError;

/// What the authorization URL must carry, chosen by the flow.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthorizationRequest<'a> {
    /// The flow's `state` (32 characters, single use).
    pub state: &'a str,
    /// `BASE64URL(SHA-256(code_verifier))`: PKCE with S256, always.
    pub code_challenge: &'a str,
    /// Where the provider sends the browser back: `<origin><base path>/callback/<id>`.
    pub redirect_uri: &'a str,
    /// Scopes the caller asked for, on top of the provider's own.
    pub scopes: &'a [String],
    /// A hint of which account to use (`login_hint`).
    pub login_hint: Option<&'a str>,
    /// The nonce an OpenID Connect provider must put in the ID token.
    pub nonce: Option<&'a str>,
    /// Further query parameters the caller asked for (reserved names already refused).
    pub extra_params: &'a [(String, String)],
}

/// The tokens a provider issued.
///
/// They are the user's keys to the provider: `Debug` prints none of them.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderTokens {
    /// The access token.
    pub access_token: Option<String>,
    /// The refresh token, when the provider issued one.
    pub refresh_token: Option<String>,
    /// The OpenID Connect ID token, when the provider issued one.
    pub id_token: Option<String>,
    /// When the access token expires (`expires_in` from now).
    pub access_token_expires_at: Option<Timestamp>,
    /// When the refresh token expires, when the provider said.
    pub refresh_token_expires_at: Option<Timestamp>,
    /// The scopes granted, as the provider listed them.
    pub scopes: Vec<String>,
}

impl ProviderTokens {
    /// Tokens with only an access token.
    pub fn new(access_token: impl Into<String>) -> Self {
        Self {
            access_token: Some(access_token.into()),
            ..Self::default()
        }
    }
}

impl std::fmt::Debug for ProviderTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |token: &Option<String>| token.as_ref().map(|_| "<redacted>");
        f.debug_struct("ProviderTokens")
            .field("access_token", &redacted(&self.access_token))
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("id_token", &redacted(&self.id_token))
            .field("access_token_expires_at", &self.access_token_expires_at)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Who the provider says the user is.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ProviderUser {
    /// The user's stable id at the provider (GitHub's numeric id, an OpenID Connect `sub`).
    pub id: String,
    /// The email address, when the provider shares one.
    pub email: Option<String>,
    /// Whether the provider vouches that the address is the user's.
    pub email_verified: bool,
    /// The display name.
    pub name: Option<String>,
    /// A picture URL.
    pub image: Option<String>,
    /// The provider's profile as it answered (what `account-info` returns as `data`).
    pub raw: serde_json::Value,
}

impl ProviderUser {
    /// A user with the provider's id `id` and nothing else known yet.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            email: None,
            email_verified: false,
            name: None,
            image: None,
            raw: serde_json::Value::Null,
        }
    }
}

/// Why a call to a provider failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// The provider could not be reached, or did not answer in time.
    #[error("the provider could not be reached")]
    Unreachable(#[source] BoxError),
    /// The provider answered with an OAuth error (`invalid_grant`, `bad_verification_code`, …).
    #[error("the provider refused: {code}")]
    Refused {
        /// The provider's error code.
        code: String,
    },
    /// The provider's answer is not what its API promises (not JSON, fields missing, too big).
    #[error("the provider's answer is not valid")]
    InvalidResponse(#[source] BoxError),
    /// An ID token that does not verify (signature, issuer, audience, time, nonce).
    #[error("the ID token does not verify")]
    InvalidIdToken(#[source] TokenError),
    /// The provider does not sign users in with ID tokens the client sends.
    #[error("the provider does not support ID tokens")]
    IdTokenNotSupported,
}

/// An OAuth 2.0 / OpenID Connect provider users sign in with.
///
/// The flows own state, PKCE, cookies, accounts and sessions; a provider only builds its
/// authorization URL and talks to its own endpoints. Built-in: GitHub, Google and any
/// OpenID Connect provider (feature `social`).
#[async_trait]
pub trait SocialProvider: Send + Sync + 'static {
    /// The id in the routes (`/callback/<id>`) and in `account.providerId`: `github`, `google`.
    fn id(&self) -> &str;

    /// The URL the browser is sent to.
    fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, ProviderError>;

    /// Redeems an authorization code (with its PKCE verifier) for tokens.
    async fn exchange_code(
        &self,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, ProviderError>;

    /// Who the tokens belong to. An ID token among them is verified (with `nonce` when the
    /// flow sent one) before anything in it is believed.
    async fn user_info(
        &self,
        tokens: &ProviderTokens,
        nonce: Option<&str>,
    ) -> Result<ProviderUser, ProviderError>;

    /// Uses a refresh token; the answer may or may not carry a new refresh token.
    async fn refresh_tokens(&self, refresh_token: &str) -> Result<ProviderTokens, ProviderError>;

    /// Verifies an ID token a client obtained itself (Google's one-tap, a mobile SDK) and says
    /// whose it is; `nonce` is compared when the client sent one.
    async fn verify_id_token(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<ProviderUser, ProviderError> {
        let _ = (id_token, nonce);
        Err(ProviderError::IdTokenNotSupported)
    }

    /// Whether [`verify_id_token`](Self::verify_id_token) is implemented.
    fn supports_id_token(&self) -> bool {
        false
    }

    /// The provider's profile of an account, from its stored tokens (`GET /account-info`).
    /// By default [`user_info`](Self::user_info) without a nonce.
    async fn account_info(&self, tokens: &ProviderTokens) -> Result<ProviderUser, ProviderError> {
        self.user_info(tokens, None).await
    }
}
