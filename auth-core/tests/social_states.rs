//! Social sign-in states without a provider's network: what the flow stores and sweeps. The
//! provider here only builds its authorization URL (the flows under test never call it
//! otherwise); the whole dance against real providers is in tests/conformance/tests/social.rs.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use auth_core::Auth;
use auth_core::clock::ManualClock;
use auth_core::config::AuthConfig;
use auth_core::flows::SocialStart;
use auth_core::model::{Timestamp, Verification};
use auth_core::social::{
    AuthorizationRequest, ProviderError, ProviderTokens, ProviderUser, SocialProvider,
};
use auth_core::store::{MemoryStore, UserStore};
use auth_core::token::{JwtIssuer, JwtKey};

/// A provider whose authorization URL carries what the flow asked for; it is never called.
struct UrlOnly;

#[async_trait]
impl SocialProvider for UrlOnly {
    fn id(&self) -> &str {
        "example"
    }

    fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, ProviderError> {
        Ok(format!(
            "https://provider.example/authorize?state={}&code_challenge={}&redirect_uri={}",
            request.state, request.code_challenge, request.redirect_uri
        ))
    }

    async fn exchange_code(
        &self,
        _: &str,
        _: &str,
        _: &str,
    ) -> Result<ProviderTokens, ProviderError> {
        Err(ProviderError::Refused {
            code: "not_called".into(),
        })
    }

    async fn user_info(
        &self,
        _: &ProviderTokens,
        _: Option<&str>,
    ) -> Result<ProviderUser, ProviderError> {
        Err(ProviderError::Refused {
            code: "not_called".into(),
        })
    }

    async fn refresh_tokens(&self, _: &str) -> Result<ProviderTokens, ProviderError> {
        Err(ProviderError::Refused {
            code: "not_called".into(),
        })
    }
}

#[tokio::test]
async fn a_flow_stores_its_state_and_sweeps_abandoned_ones_once_a_minute() {
    let start = Timestamp::from_unix_millis(Timestamp::now().unix_millis()).expect("now");
    let clock = ManualClock::new(start);
    let store = Arc::new(MemoryStore::new());
    let config = AuthConfig::builder(
        "social-states-secret-0123456789abcdef",
        "http://127.0.0.1:3000",
    )
    .build()
    .expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    let auth = Auth::builder()
        .config(config)
        .store(Arc::clone(&store))
        .issuer(issuer)
        .default_hasher()
        .clock(clock.clone())
        .social_provider(UrlOnly)
        .build();

    let first = auth
        .start_social_sign_in(SocialStart::new("example"))
        .await
        .expect("started");
    assert_eq!(first.state.len(), 32);
    assert!(
        first
            .url
            .contains("redirect_uri=http://127.0.0.1:3000/api/auth/callback/example"),
        "{}",
        first.url
    );
    let row = store
        .find_verification(&format!("auth-state:{}", first.state), auth.now())
        .await
        .expect("store")
        .expect("the state row");
    assert_eq!(
        row.expires_at,
        start.saturating_add(Duration::from_secs(600))
    );
    let value: serde_json::Value = serde_json::from_str(&row.value).expect("json");
    assert_eq!(value["oauthState"], first.state.as_str());
    assert_eq!(value["providerId"], "example");
    assert_eq!(value["callbackURL"], "http://127.0.0.1:3000");
    assert_eq!(value["codeVerifier"].as_str().map(str::len), Some(128));

    // An abandoned state (and any expired row) is gone after a later start, a minute on.
    let stale = Verification::with_value("auth-state:stale".into(), "{}".into(), start, start);
    store.insert_verification(&stale).await.expect("insert");
    clock.advance(Duration::from_secs(11 * 60));
    auth.start_social_sign_in(SocialStart::new("example"))
        .await
        .expect("started");
    assert!(
        !store.consume_verification(&stale.id).await.expect("store"),
        "swept"
    );
    assert!(
        !store.consume_verification(&row.id).await.expect("store"),
        "the first state expired and was swept"
    );

    // Within the minute, no second sweep.
    let stale = Verification::with_value("auth-state:stale-2".into(), "{}".into(), start, start);
    store.insert_verification(&stale).await.expect("insert");
    clock.advance(Duration::from_secs(30));
    auth.start_social_sign_in(SocialStart::new("example"))
        .await
        .expect("started");
    assert!(
        store.consume_verification(&stale.id).await.expect("store"),
        "not swept yet"
    );

    // An unknown provider: nothing stored.
    let refused = auth.start_social_sign_in(SocialStart::new("gitlab")).await;
    assert!(matches!(
        refused,
        Err(auth_core::AuthError::ProviderNotFound)
    ));
}
