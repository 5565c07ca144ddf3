//! The HTTP side the built-in providers share: one `reqwest` client (no redirects followed, a
//! timeout, a cap on answers), an OAuth 2.0 client registration ([`Endpoint`]) whose token
//! requests go through the `oauth2` crate, and JSON reads of a provider's API.

use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{AuthorizationRequest, ProviderError, ProviderTokens};
use crate::model::Timestamp;

/// The largest answer read from a provider.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The HTTP client providers call their endpoints with: redirects are never followed (a
/// token endpoint that redirects is refused, an SSRF guard), every call has a timeout (10 s by
/// default), and answers larger than 1 MiB are refused.
#[derive(Clone, Debug)]
pub struct ProviderClient {
    http: reqwest::Client,
}

impl ProviderClient {
    /// A client with the default timeout.
    pub fn new() -> Result<Self, ProviderError> {
        Self::with_timeout(Duration::from_secs(10))
    }

    /// A client whose calls give up after `timeout`.
    pub fn with_timeout(timeout: Duration) -> Result<Self, ProviderError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("auth-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ProviderError::Unreachable(Box::new(e)))?;
        Ok(Self { http })
    }

    /// Sends a request and reads the answer (capped), whatever its status.
    pub(crate) async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, ProviderError> {
        let request = reqwest::Request::try_from(request)
            .map_err(|e| ProviderError::Unreachable(Box::new(e)))?;
        let mut response = self
            .http
            .execute(request)
            .await
            .map_err(|e| ProviderError::Unreachable(Box::new(e)))?;
        if response
            .content_length()
            .is_some_and(|len| len > MAX_BODY_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ProviderError::Unreachable(Box::new(e)))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        builder
            .body(body)
            .map_err(|e| ProviderError::InvalidResponse(Box::new(e)))
    }

    /// `GET url` with the access token as a bearer token; the JSON answer, or an error for a
    /// status other than 2xx.
    pub(crate) async fn get_json(
        &self,
        url: &str,
        access_token: &str,
    ) -> Result<serde_json::Value, ProviderError> {
        let request = http::Request::get(url)
            .header(http::header::ACCEPT, "application/json")
            .header(
                http::header::AUTHORIZATION,
                format!("Bearer {access_token}"),
            )
            .body(Vec::new())
            .map_err(|e| ProviderError::InvalidResponse(Box::new(e)))?;
        let response = self.send(request).await?;
        if !response.status().is_success() {
            return Err(ProviderError::Refused {
                code: format!("http_{}", response.status().as_u16()),
            });
        }
        serde_json::from_slice(response.body())
            .map_err(|e| ProviderError::InvalidResponse(Box::new(e)))
    }
}

/// Token requests of the `oauth2` crate go through the same capped client.
impl<'c> oauth2::AsyncHttpClient<'c> for ProviderClient {
    type Error = ProviderError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, ProviderError>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

fn too_large() -> ProviderError {
    ProviderError::InvalidResponse(
        format!("the answer is larger than {MAX_BODY_BYTES} bytes").into(),
    )
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_id` and `client_secret` in the form body (`client_secret_post`).
    Post,
    /// HTTP Basic (`client_secret_basic`).
    Basic,
}

/// A client registration at a provider: the credentials and the two OAuth 2.0 endpoints.
#[derive(Clone)]
pub struct Endpoint {
    client_id: String,
    client_secret: Zeroizing<String>,
    authorize_url: String,
    token_url: String,
    auth: ClientAuth,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("auth", &self.auth)
            .finish()
    }
}

/// The token response's fields beyond OAuth 2.0's own.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Extra {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token_expires_in: Option<u64>,
}

impl ExtraTokenFields for Extra {}

type Answer = StandardTokenResponse<Extra, BasicTokenType>;

type TokenClient = oauth2::Client<
    BasicErrorResponse,
    Answer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// An OAuth error body (GitHub sends one with status 200).
#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

impl Endpoint {
    /// A registration with `client_secret_post` authentication.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        authorize_url: impl Into<String>,
        token_url: impl Into<String>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: Zeroizing::new(client_secret.into()),
            authorize_url: authorize_url.into(),
            token_url: token_url.into(),
            auth: ClientAuth::Post,
        }
    }

    /// Chooses how the client authenticates at the token endpoint.
    #[must_use]
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Replaces the authorization endpoint.
    pub(crate) fn set_authorize_url(&mut self, url: impl Into<String>) {
        self.authorize_url = url.into();
    }

    /// Replaces the token endpoint.
    pub(crate) fn set_token_url(&mut self, url: impl Into<String>) {
        self.token_url = url.into();
    }

    /// The authorization URL: Better Auth's parameters in its order, then the scopes the
    /// provider always asks for with the caller's, the provider's `fixed` parameters, the hint,
    /// the nonce when `with_nonce`, and extras.
    pub(crate) fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
        default_scopes: &[&str],
        fixed: &[(&str, &str)],
        with_nonce: bool,
    ) -> Result<String, ProviderError> {
        let mut url = reqwest::Url::parse(&self.authorize_url)
            .map_err(|e| ProviderError::InvalidResponse(Box::new(e)))?;
        let mut scopes: Vec<&str> = default_scopes.to_vec();
        for scope in request.scopes {
            if !scopes.contains(&scope.as_str()) {
                scopes.push(scope);
            }
        }
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", &self.client_id)
                .append_pair("state", request.state)
                .append_pair("scope", &scopes.join(" "))
                .append_pair("redirect_uri", request.redirect_uri)
                .append_pair("code_challenge_method", "S256")
                .append_pair("code_challenge", request.code_challenge);
            for (name, value) in fixed {
                query.append_pair(name, value);
            }
            if let Some(hint) = request.login_hint {
                query.append_pair("login_hint", hint);
            }
            if with_nonce && let Some(nonce) = request.nonce {
                query.append_pair("nonce", nonce);
            }
            for (name, value) in request.extra_params {
                query.append_pair(name, value);
            }
        }
        Ok(url.into())
    }

    fn client(&self) -> Result<TokenClient, ProviderError> {
        let token_url = TokenUrl::new(self.token_url.clone())
            .map_err(|e| ProviderError::InvalidResponse(Box::new(e)))?;
        Ok(oauth2::Client::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.to_string()))
            .set_auth_type(match self.auth {
                ClientAuth::Post => AuthType::RequestBody,
                ClientAuth::Basic => AuthType::BasicAuth,
            })
            .set_token_uri(token_url))
    }

    /// Redeems a code with its PKCE verifier.
    pub(crate) async fn exchange_code(
        &self,
        http: &ProviderClient,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, ProviderError> {
        let redirect = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|e| ProviderError::InvalidResponse(Box::new(e)))?;
        let answer = self
            .client()?
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .request_async(http)
            .await
            .map_err(token_error)?;
        Ok(tokens_from(answer))
    }

    /// Uses a refresh token.
    pub(crate) async fn refresh(
        &self,
        http: &ProviderClient,
        refresh_token: &str,
    ) -> Result<ProviderTokens, ProviderError> {
        let refresh = RefreshToken::new(refresh_token.to_owned());
        let answer = self
            .client()?
            .exchange_refresh_token(&refresh)
            .request_async(http)
            .await
            .map_err(token_error)?;
        Ok(tokens_from(answer))
    }
}

fn token_error(error: RequestTokenError<ProviderError, BasicErrorResponse>) -> ProviderError {
    match error {
        RequestTokenError::ServerResponse(answer) => ProviderError::Refused {
            code: answer.error().to_string(),
        },
        RequestTokenError::Request(error) => error,
        // GitHub answers errors with status 200: not a token response, but an error body.
        RequestTokenError::Parse(error, body) => match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(body) => ProviderError::Refused { code: body.error },
            Err(_) => ProviderError::InvalidResponse(Box::new(error)),
        },
        RequestTokenError::Other(message) => ProviderError::InvalidResponse(message.into()),
    }
}

fn tokens_from(answer: Answer) -> ProviderTokens {
    let now = Timestamp::now();
    ProviderTokens {
        access_token: Some(answer.access_token().secret().clone()),
        refresh_token: answer.refresh_token().map(|t| t.secret().clone()),
        id_token: answer.extra_fields().id_token.clone(),
        access_token_expires_at: answer.expires_in().map(|ttl| now.saturating_add(ttl)),
        refresh_token_expires_at: answer
            .extra_fields()
            .refresh_token_expires_in
            .map(|secs| now.saturating_add(Duration::from_secs(secs))),
        scopes: answer
            .scopes()
            .map(|scopes| scopes.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    }
}
