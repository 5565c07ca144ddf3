//! Any OpenID Connect provider (Keycloak, Auth0, Okta, Microsoft Entra, Authentik, …), set up
//! from its discovery document: the code flow with PKCE and a nonce, the user from the
//! verified ID token completed by the userinfo endpoint.

use async_trait::async_trait;
use serde::Deserialize;

use super::client::{ClientAuth, Endpoint, ProviderClient};
use super::id_token::{self, IdTokenVerifier};
use super::{AuthorizationRequest, ProviderError, ProviderTokens, ProviderUser, SocialProvider};
use crate::token::remote::RemoteJwks;

/// Why an OpenID Connect provider could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OidcError {
    /// The discovery document could not be fetched.
    #[error("the discovery document could not be fetched")]
    Discovery(#[source] ProviderError),
    /// The discovery document is not valid JSON of the expected shape.
    #[error("the discovery document is not valid")]
    InvalidDocument(#[source] serde_json::Error),
    /// The document names another issuer than the one asked for (OpenID Connect Discovery 4.3).
    #[error("the discovery document's issuer {found:?} is not {expected:?}")]
    IssuerMismatch {
        /// The issuer configured.
        expected: String,
        /// The issuer the document names.
        found: String,
    },
    /// The provider id is not usable in a URL path (`[a-z0-9_-]+`), or is taken by a route.
    #[error("the provider id {0:?} must be lower-case letters, digits, `-` or `_`")]
    InvalidId(String),
    /// The key source could not be set up.
    #[error("the provider's keys cannot be set up")]
    Keys(#[source] ProviderError),
}

/// The parts of a discovery document this provider uses.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct OidcMetadata {
    /// The issuer identifier.
    pub issuer: String,
    /// The authorization endpoint.
    pub authorization_endpoint: String,
    /// The token endpoint.
    pub token_endpoint: String,
    /// The key set URL.
    pub jwks_uri: String,
    /// The userinfo endpoint, if any.
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    /// The client authentication methods the token endpoint accepts.
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
}

/// Sign-in with an OpenID Connect provider, under an id of your choice (the `:provider` in
/// `/callback/:provider` and `account.providerId`).
///
/// ```no_run
/// use auth_core::social::Oidc;
///
/// # async fn run() -> Result<(), auth_core::social::OidcError> {
/// let keycloak = Oidc::discover("keycloak", "https://sso.example.com/realms/main", "app", "secret").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Oidc {
    id: String,
    endpoint: Endpoint,
    http: ProviderClient,
    verifier: IdTokenVerifier,
    userinfo: Option<String>,
    scopes: Vec<String>,
}

impl Oidc {
    /// Fetches `<issuer>/.well-known/openid-configuration` and sets the provider up from it.
    pub async fn discover(
        id: impl Into<String>,
        issuer: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Result<Self, OidcError> {
        let http = ProviderClient::new().map_err(OidcError::Discovery)?;
        let issuer = issuer.trim_end_matches('/');
        let url = format!("{issuer}/.well-known/openid-configuration");
        let request = http::Request::get(&url)
            .header(http::header::ACCEPT, "application/json")
            .body(Vec::new())
            .map_err(|e| OidcError::Discovery(ProviderError::InvalidResponse(Box::new(e))))?;
        let response = http.send(request).await.map_err(OidcError::Discovery)?;
        if !response.status().is_success() {
            return Err(OidcError::Discovery(ProviderError::Refused {
                code: format!("http_{}", response.status().as_u16()),
            }));
        }
        let metadata: OidcMetadata =
            serde_json::from_slice(response.body()).map_err(OidcError::InvalidDocument)?;
        if metadata.issuer.trim_end_matches('/') != issuer {
            return Err(OidcError::IssuerMismatch {
                expected: issuer.to_owned(),
                found: metadata.issuer,
            });
        }
        Self::from_metadata(id, metadata, client_id, client_secret)
    }

    /// Sets the provider up from a discovery document you already have.
    pub fn from_metadata(
        id: impl Into<String>,
        metadata: OidcMetadata,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Result<Self, OidcError> {
        let id = id.into();
        let usable = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !usable || id == "credential" {
            return Err(OidcError::InvalidId(id));
        }
        // `client_secret_basic` is the specification's default; `post` only when it is all
        // the provider takes.
        let methods = &metadata.token_endpoint_auth_methods_supported;
        let auth = if !methods.is_empty()
            && !methods.iter().any(|m| m == "client_secret_basic")
            && methods.iter().any(|m| m == "client_secret_post")
        {
            ClientAuth::Post
        } else {
            ClientAuth::Basic
        };
        let endpoint = Endpoint::new(
            client_id,
            client_secret,
            metadata.authorization_endpoint,
            metadata.token_endpoint,
        )
        .client_auth(auth);
        let jwks = RemoteJwks::builder(metadata.jwks_uri)
            .build()
            .map_err(|e| OidcError::Keys(ProviderError::InvalidResponse(Box::new(e))))?;
        let verifier = IdTokenVerifier::new(
            jwks,
            &[metadata.issuer.as_str()],
            endpoint.client_id(),
            None,
        );
        Ok(Self {
            id,
            endpoint,
            http: ProviderClient::new().map_err(OidcError::Discovery)?,
            verifier,
            userinfo: metadata.userinfo_endpoint,
            scopes: vec!["openid".into(), "email".into(), "profile".into()],
        })
    }

    /// The scopes always asked for (default `openid email profile`).
    #[must_use]
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Uses this HTTP client (another timeout).
    #[must_use]
    pub fn http_client(mut self, http: ProviderClient) -> Self {
        self.http = http;
        self
    }
}

#[async_trait]
impl SocialProvider for Oidc {
    fn id(&self) -> &str {
        &self.id
    }

    fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, ProviderError> {
        let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        self.endpoint.authorization_url(request, &scopes, &[], true)
    }

    async fn exchange_code(
        &self,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, ProviderError> {
        self.endpoint
            .exchange_code(&self.http, code, code_verifier, redirect_uri)
            .await
    }

    /// The verified ID token's subject, with the userinfo endpoint's claims (for the same
    /// subject) where the ID token leaves them out.
    async fn user_info(
        &self,
        tokens: &ProviderTokens,
        nonce: Option<&str>,
    ) -> Result<ProviderUser, ProviderError> {
        let token = tokens.id_token.as_deref().ok_or_else(|| {
            ProviderError::InvalidResponse("no ID token in the token response".into())
        })?;
        let mut user = self.verifier.verify(token, nonce).await?;
        if let (Some(url), Some(access)) = (&self.userinfo, tokens.access_token.as_deref()) {
            let info = self.http.get_json(url, access).await?;
            // OpenID Connect core 5.3.2: a userinfo answer for another subject is not used.
            if info.get("sub").and_then(|s| s.as_str()) != Some(user.id.as_str()) {
                return Err(ProviderError::InvalidResponse(
                    "userinfo is for another subject".into(),
                ));
            }
            let text = |key: &str| info.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            if let Some(email) = text("email") {
                user.email = Some(email.to_lowercase());
                user.email_verified = id_token::verified(info.get("email_verified"));
            }
            user.name = user.name.or_else(|| text("name"));
            user.image = user.image.or_else(|| text("picture"));
            user.raw = info;
        }
        Ok(user)
    }

    async fn refresh_tokens(&self, refresh_token: &str) -> Result<ProviderTokens, ProviderError> {
        self.endpoint.refresh(&self.http, refresh_token).await
    }

    async fn verify_id_token(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<ProviderUser, ProviderError> {
        self.verifier.verify(id_token, nonce).await
    }

    fn supports_id_token(&self) -> bool {
        true
    }

    /// The profile from the userinfo endpoint with the stored access token, else the claims
    /// of the stored ID token (verified when it was stored; it may have expired since).
    async fn account_info(&self, tokens: &ProviderTokens) -> Result<ProviderUser, ProviderError> {
        if let (Some(url), Some(access)) = (&self.userinfo, tokens.access_token.as_deref()) {
            let info = self.http.get_json(url, access).await?;
            return id_token::profile_of(info);
        }
        let token = tokens
            .id_token
            .as_deref()
            .ok_or_else(|| ProviderError::InvalidResponse("no ID token stored".into()))?;
        id_token::decode_stored(token)
    }
}
