//! GitHub: OAuth app or GitHub App sign-in, the user from `/user`, the address and whether it
//! is verified from `/user/emails`.

use async_trait::async_trait;
use serde::Deserialize;

use super::client::{Endpoint, ProviderClient};
use super::{AuthorizationRequest, ProviderError, ProviderTokens, ProviderUser, SocialProvider};

/// Sign-in with GitHub.
///
/// Register an OAuth app at <https://github.com/settings/developers> with the callback URL
/// `<your auth URL>/api/auth/callback/github`.
///
/// ```
/// use auth_core::social::GitHub;
///
/// let github = GitHub::new("client-id", "client-secret")?;
/// # Ok::<(), auth_core::social::ProviderError>(())
/// ```
#[derive(Clone, Debug)]
pub struct GitHub {
    endpoint: Endpoint,
    api: String,
    http: ProviderClient,
}

#[derive(Deserialize)]
struct GitHubEmail {
    email: String,
    #[serde(default)]
    primary: bool,
    #[serde(default)]
    verified: bool,
}

impl GitHub {
    /// GitHub with the app's credentials, at github.com.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Result<Self, ProviderError> {
        Ok(Self {
            endpoint: Endpoint::new(
                client_id,
                client_secret,
                "https://github.com/login/oauth/authorize",
                "https://github.com/login/oauth/access_token",
            ),
            api: "https://api.github.com".into(),
            http: ProviderClient::new()?,
        })
    }

    /// Points it elsewhere: `web` replaces `https://github.com` (GitHub Enterprise, or a test
    /// server), `api` replaces `https://api.github.com`.
    #[must_use]
    pub fn base_urls(mut self, web: &str, api: &str) -> Self {
        let web = web.trim_end_matches('/');
        self.endpoint
            .set_authorize_url(format!("{web}/login/oauth/authorize"));
        self.endpoint
            .set_token_url(format!("{web}/login/oauth/access_token"));
        self.api = api.trim_end_matches('/').to_owned();
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
impl SocialProvider for GitHub {
    fn id(&self) -> &str {
        "github"
    }

    fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, ProviderError> {
        self.endpoint
            .authorization_url(request, &["read:user", "user:email"], &[], false)
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

    async fn user_info(
        &self,
        tokens: &ProviderTokens,
        _nonce: Option<&str>,
    ) -> Result<ProviderUser, ProviderError> {
        let token = tokens
            .access_token
            .as_deref()
            .ok_or_else(|| ProviderError::InvalidResponse("no access token".into()))?;
        let raw = self
            .http
            .get_json(&format!("{}/user", self.api), token)
            .await?;
        let id = match raw.get("id") {
            Some(serde_json::Value::Number(n)) => n.to_string(),
            Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err(ProviderError::InvalidResponse("`/user` has no id".into())),
        };
        let text = |key: &str| {
            raw.get(key)
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        // The address list says which is verified; without it the address counts as unverified.
        let emails: Vec<GitHubEmail> = match self
            .http
            .get_json(&format!("{}/user/emails", self.api), token)
            .await
        {
            Ok(list) => serde_json::from_value(list).unwrap_or_default(),
            Err(error) => {
                tracing::info!(error = %crate::error::Chain(&error), "GitHub /user/emails unavailable; the address counts as unverified");
                Vec::new()
            }
        };
        let email = text("email")
            .or_else(|| emails.iter().find(|e| e.primary).map(|e| e.email.clone()))
            .or_else(|| emails.first().map(|e| e.email.clone()));
        let mut user = ProviderUser::new(id);
        user.email_verified = email.as_deref().is_some_and(|address| {
            emails
                .iter()
                .any(|e| e.verified && e.email.eq_ignore_ascii_case(address))
        });
        user.email = email.map(|e| e.to_lowercase());
        user.name = text("name").or_else(|| text("login"));
        user.image = text("avatar_url");
        user.raw = raw;
        Ok(user)
    }

    async fn refresh_tokens(&self, refresh_token: &str) -> Result<ProviderTokens, ProviderError> {
        self.endpoint.refresh(&self.http, refresh_token).await
    }
}
