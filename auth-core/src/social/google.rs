//! Google: sign-in by redirect (code with PKCE; the user from the verified ID token) or with
//! an ID token the client obtained (One Tap, mobile SDKs).

use std::time::Duration;

use async_trait::async_trait;

use super::client::{Endpoint, ProviderClient};
use super::id_token::{self, IdTokenVerifier};
use super::{AuthorizationRequest, ProviderError, ProviderTokens, ProviderUser, SocialProvider};
use crate::token::remote::RemoteJwks;

const ISSUERS: [&str; 2] = ["https://accounts.google.com", "accounts.google.com"];

/// Sign-in with Google.
///
/// Create an OAuth client ID ("Web application") at
/// <https://console.cloud.google.com/apis/credentials> with the authorized redirect URI
/// `<your auth URL>/api/auth/callback/google`.
///
/// ```
/// use auth_core::social::Google;
///
/// let google = Google::new("id.apps.googleusercontent.com", "secret")?;
/// # Ok::<(), auth_core::social::ProviderError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Google {
    endpoint: Endpoint,
    http: ProviderClient,
    verifier: IdTokenVerifier,
}

impl Google {
    /// Google with the client's credentials, at Google's endpoints.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Result<Self, ProviderError> {
        let endpoint = Endpoint::new(
            client_id,
            client_secret,
            "https://accounts.google.com/o/oauth2/v2/auth",
            "https://oauth2.googleapis.com/token",
        );
        let verifier = verifier(&endpoint, "https://www.googleapis.com/oauth2/v3/certs")?;
        Ok(Self {
            endpoint,
            http: ProviderClient::new()?,
            verifier,
        })
    }

    /// Points it elsewhere (a test server): the authorization, token and key set URLs.
    pub fn endpoints(
        mut self,
        authorize: &str,
        token: &str,
        certs: &str,
    ) -> Result<Self, ProviderError> {
        self.endpoint.set_authorize_url(authorize);
        self.endpoint.set_token_url(token);
        self.verifier = verifier(&self.endpoint, certs)?;
        Ok(self)
    }

    /// Uses this HTTP client (another timeout).
    #[must_use]
    pub fn http_client(mut self, http: ProviderClient) -> Self {
        self.http = http;
        self
    }
}

fn verifier(endpoint: &Endpoint, certs: &str) -> Result<IdTokenVerifier, ProviderError> {
    let jwks = RemoteJwks::builder(certs)
        .build()
        .map_err(|e| ProviderError::InvalidResponse(Box::new(e)))?;
    // Better Auth's limit for client-sent tokens: issued within the hour.
    Ok(IdTokenVerifier::new(
        jwks,
        &ISSUERS,
        endpoint.client_id(),
        Some(Duration::from_secs(3600)),
    ))
}

#[async_trait]
impl SocialProvider for Google {
    fn id(&self) -> &str {
        "google"
    }

    fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, ProviderError> {
        self.endpoint.authorization_url(
            request,
            &["email", "profile", "openid"],
            &[("include_granted_scopes", "true")],
            true,
        )
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

    /// The user from the token endpoint's ID token, verified like one a client sends (Better
    /// Auth only decodes it).
    async fn user_info(
        &self,
        tokens: &ProviderTokens,
        nonce: Option<&str>,
    ) -> Result<ProviderUser, ProviderError> {
        let token = tokens.id_token.as_deref().ok_or_else(|| {
            ProviderError::InvalidResponse("no ID token in the token response".into())
        })?;
        self.verifier.verify(token, nonce).await
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

    async fn account_info(&self, tokens: &ProviderTokens) -> Result<ProviderUser, ProviderError> {
        let token = tokens
            .id_token
            .as_deref()
            .ok_or_else(|| ProviderError::InvalidResponse("no ID token stored".into()))?;
        id_token::decode_stored(token)
    }
}
