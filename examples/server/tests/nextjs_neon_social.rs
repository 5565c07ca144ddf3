//! examples/nextjs-neon's social sign-in end to end: the Rust backend on PostgreSQL with an
//! OpenID Connect provider (panva's oidc-provider on loopback, tests/oauth-providers) and GitHub
//! (the local fake), the Next.js front end built and started for production, and a real
//! headless Chromium (examples/nextjs-neon/frontend/e2e/social.test.mjs): "Continue with
//! OpenID Connect" → the provider's login and consent pages → the dashboard as a new user →
//! unlinking the last account refused → "Link GitHub" and unlink it → sign out → the same person
//! from a fresh browser, and again in one click → cancelling at the provider. Screenshots of
//! every step are kept in target/tmp/nextjs-neon-social-screenshots.

mod support;

use auth_test_harness::browser::chromium;
use auth_test_harness::oauth::{FakeSocial, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, OidcProvider};
use serde_json::json;
use support::nextjs::{browser_story, install_frontend};
use support::{Server, command, free_port, fresh_dir};

/// Who signs in at the provider: `grace@oidc.test`, named "Grace".
const LOGIN: &str = "grace";

#[tokio::test(flavor = "multi_thread")]
async fn a_person_continues_with_an_openid_connect_provider_in_a_browser() {
    let browser = chromium();
    install_frontend();

    let database = auth_test_harness::postgres::fresh_database().await;
    let (backend_port, frontend_port) = (free_port(), free_port());
    let frontend_url = format!("http://127.0.0.1:{frontend_port}");
    let backend_url = format!("http://127.0.0.1:{backend_port}");
    // The provider sends the browser back to the front end's origin, which forwards the
    // callback to the backend: the redirect URI registered is on the front end.
    let oidc = OidcProvider::start(&[&format!("{frontend_url}/api/auth/callback/oidc")]);
    // GitHub, to link from the dashboard: a user with the same, verified, address, who
    // consents at once.
    let fake = FakeSocial::start();
    fake.add_github_user(json!({
        "login": LOGIN,
        "id": 4242,
        "name": "Grace Hopper",
        "email": format!("{LOGIN}@oidc.test"),
    }));

    let mut backend = command(&fresh_dir(), backend_port);
    backend
        .env("DATABASE_URL", &database.url)
        .env("AUTH_BASE_URL", &frontend_url)
        .env("OIDC_ISSUER", oidc.issuer())
        .env("OIDC_CLIENT_ID", oidc.client_id())
        .env("OIDC_CLIENT_SECRET", oidc.client_secret())
        .env("GITHUB_CLIENT_ID", GITHUB_CLIENT_ID)
        .env("GITHUB_CLIENT_SECRET", GITHUB_CLIENT_SECRET)
        .env("GITHUB_WEB_URL", fake.github_web())
        .env("GITHUB_API_URL", fake.github_api());
    for name in ["AUTH_REQUIRE_EMAIL_VERIFICATION", "AUTH_RATE_LIMIT"] {
        backend.env_remove(name);
    }
    let _backend = Server::start(backend, backend_port);

    let story = browser_story(
        backend_url,
        frontend_port,
        "e2e/social.test.mjs",
        browser,
        "nextjs-neon-social-screenshots",
        vec![
            ("OIDC_ISSUER", oidc.issuer().into()),
            ("OIDC_LOGIN", LOGIN.into()),
        ],
    )
    .await;
    assert!(
        story.ok,
        "the browser test failed (screenshots in {}):\n{}\nthe provider's stderr:\n{}",
        story.screenshots.display(),
        story.text,
        oidc.stderr()
    );
    // Three sign-ins, one person: one user, one account (GitHub was unlinked again).
    assert_eq!(database.user_emails().await, [format!("{LOGIN}@oidc.test")]);
    assert_eq!(database.count("account").await, 1);
}
