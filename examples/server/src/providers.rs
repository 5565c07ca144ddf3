//! Social sign-in providers, switched on by the environment: GitHub and Google by their
//! client credentials, any OpenID Connect provider by its issuer URL.

use std::sync::Arc;

use auth_core::social::{GitHub, Google, Oidc, SocialProvider};

use crate::settings::Settings;

/// The providers whose variables are set (none is an error: social sign-in is simply off).
pub async fn from_env(settings: &Settings) -> Result<Vec<Arc<dyn SocialProvider>>, String> {
    let var = |name: &str| settings.lookup(name);
    let pair = |id: &str, secret: &str| -> Result<Option<(String, String)>, String> {
        match (var(id), var(secret)) {
            (Some(id), Some(secret)) => Ok(Some((id, secret))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(format!(
                "{id} is set but {secret} is not: set both, or neither"
            )),
            (None, Some(_)) => Err(format!(
                "{secret} is set but {id} is not: set both, or neither"
            )),
        }
    };
    let mut providers: Vec<Arc<dyn SocialProvider>> = Vec::new();
    if let Some((id, secret)) = pair("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET")? {
        let mut github = GitHub::new(id, secret).map_err(|e| format!("GitHub: {e}"))?;
        // Endpoint overrides: GitHub Enterprise, or a local test server.
        if let (Some(web), Some(api)) = (var("GITHUB_WEB_URL"), var("GITHUB_API_URL")) {
            github = github.base_urls(&web, &api);
        }
        println!("social sign-in: GitHub");
        providers.push(Arc::new(github));
    }
    if let Some((id, secret)) = pair("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")? {
        let mut google = Google::new(id, secret).map_err(|e| format!("Google: {e}"))?;
        if let (Some(authorize), Some(token), Some(certs)) = (
            var("GOOGLE_AUTHORIZE_URL"),
            var("GOOGLE_TOKEN_URL"),
            var("GOOGLE_CERTS_URL"),
        ) {
            google = google
                .endpoints(&authorize, &token, &certs)
                .map_err(|e| format!("Google endpoints: {e}"))?;
        }
        println!("social sign-in: Google");
        providers.push(Arc::new(google));
    }
    if let Some(issuer) = var("OIDC_ISSUER") {
        let id = var("OIDC_PROVIDER_ID").unwrap_or_else(|| "oidc".into());
        let (client_id, secret) = pair("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")?
            .ok_or("OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too")?;
        let oidc = Oidc::discover(id.clone(), &issuer, client_id, secret)
            .await
            .map_err(|e| format!("OIDC_ISSUER {issuer}: {}", crate::Chain(&e)))?;
        println!("social sign-in: {id} (OpenID Connect at {issuer})");
        providers.push(Arc::new(oidc));
    }
    Ok(providers)
}
