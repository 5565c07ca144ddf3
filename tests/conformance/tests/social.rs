//! Social sign-in end to end, over the protocol (`AuthService`), against real providers on
//! loopback: the fake GitHub and Google of tests/oauth-providers (which check what we send:
//! client authentication, the PKCE verifier, the redirect URI) and panva's certified
//! `oidc-provider` for the generic OpenID Connect provider. Happy paths, the linking rules,
//! the account routes, and hostile input: forged, replayed and foreign states, a missing or
//! foreign state cookie, a code redeemed with another flow's verifier, foreign callback URLs,
//! ID tokens that must not verify, providers that fail, answer garbage or hang. Every failure
//! of the callback is a redirect with `error=<code>`; nothing answers 5xx.

use std::sync::Arc;
use std::time::Duration;

use auth_conformance::browser::Browser;
use auth_core::Auth;
use auth_core::config::{AccountLinking, AuthConfig, TwoFactorOptions};
use auth_core::social::{GitHub, Google, Oidc, ProviderClient, SocialProvider};
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use auth_test_harness::oauth::{self, FakeSocial, OidcProvider};
use http::StatusCode;
use serde_json::{Value, json};

const SECRET: &str = "social-sign-in-test-secret-0123456789abcdef";
const ORIGIN: &str = "http://127.0.0.1:3000";

fn config() -> AuthConfig {
    AuthConfig::builder(SECRET, ORIGIN)
        .account_linking(AccountLinking::default().trusted_providers(["google"]))
        .build()
        .expect("config")
}

fn auth_with(providers: Vec<Arc<dyn SocialProvider>>) -> Auth {
    auth_configured(config(), providers)
}

fn auth_configured(config: AuthConfig, providers: Vec<Arc<dyn SocialProvider>>) -> Auth {
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .issuer(issuer)
        .default_hasher()
        .social_providers(providers)
        .build()
}

fn github(fake: &FakeSocial) -> GitHub {
    GitHub::new(oauth::GITHUB_CLIENT_ID, oauth::GITHUB_CLIENT_SECRET)
        .expect("github")
        .base_urls(&fake.github_web(), &fake.github_api())
        .http_client(ProviderClient::with_timeout(Duration::from_secs(2)).expect("client"))
}

fn google(fake: &FakeSocial) -> Google {
    Google::new(oauth::GOOGLE_CLIENT_ID, oauth::GOOGLE_CLIENT_SECRET)
        .expect("google")
        .endpoints(
            &fake.google_authorize_url(),
            &fake.google_token_url(),
            &fake.google_certs_url(),
        )
        .expect("endpoints")
        .http_client(ProviderClient::with_timeout(Duration::from_secs(2)).expect("client"))
}

fn social_auth(fake: &FakeSocial) -> Auth {
    auth_with(vec![Arc::new(github(fake)), Arc::new(google(fake))])
}

fn github_user(fake: &FakeSocial, login: &str, id: u64, email: &str, verified: bool) {
    fake.add_github_user(json!({
        "login": login,
        "id": id,
        "name": format!("GitHub {login}"),
        "email": email,
        "avatar_url": format!("https://avatars.example/{id}"),
        "emails": [{"email": email, "primary": true, "verified": verified, "visibility": "public"}],
    }));
    fake.set_current("github", &id.to_string(), false);
}

fn google_user(fake: &FakeSocial, sub: &str, email: &str, verified: bool) {
    fake.add_google_user(json!({
        "sub": sub,
        "email": email,
        "email_verified": verified,
        "name": format!("Google {sub}"),
        "picture": format!("https://pictures.example/{sub}"),
        "given_name": "Google",
        "family_name": sub,
    }));
    fake.set_current("google", sub, false);
}

/// Starts a flow and returns the provider's authorize URL.
async fn start(browser: &mut Browser, body: Value) -> String {
    let answer = browser
        .send("POST", "/api/auth/sign-in/social", Some(body))
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.json());
    let json = answer.json();
    assert_eq!(json["redirect"], true);
    assert_eq!(answer.location(), json["url"].as_str().expect("url"));
    json["url"].as_str().expect("url").to_owned()
}

fn error_of(location: &str) -> Option<String> {
    oauth::query_param(location, "error")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_sign_up_then_sign_in_and_what_github_was_sent() {
    let fake = FakeSocial::start();
    github_user(&fake, "octo", 1001, "Octo@Example.com", true);
    let auth = social_auth(&fake);
    let mut browser = Browser::new(&auth, ORIGIN);
    let url = start(
        &mut browser,
        json!({"provider": "github", "callbackURL": "/dashboard", "newUserCallbackURL": "/welcome", "errorCallbackURL": "/oops"}),
    )
    .await;
    assert!(
        browser.cookies.contains_key("better-auth.state"),
        "{:?}",
        browser.cookies
    );
    assert_eq!(
        oauth::query_param(&url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        oauth::query_param(&url, "redirect_uri").as_deref(),
        Some("http://127.0.0.1:3000/api/auth/callback/github")
    );
    let back = fake.authorize(&url);
    let answer = browser.back(&back).await;
    assert_eq!(answer.status, 302);
    assert_eq!(answer.location(), "/welcome");
    assert!(answer.headers.contains_key("set-auth-token"));
    assert!(
        !browser.cookies.contains_key("better-auth.state"),
        "the state cookie is cleared"
    );
    let session = browser.session().await;
    assert_eq!(session["user"]["email"], "octo@example.com");
    assert_eq!(session["user"]["emailVerified"], true);
    assert_eq!(session["user"]["name"], "GitHub octo");

    // What GitHub was sent: client_secret_post, the PKCE verifier, our redirect URI.
    let token_calls = fake.log_of("github", "token");
    assert_eq!(token_calls.len(), 1);
    let call = &token_calls[0];
    for check in ["client_auth", "code", "redirect_uri", "pkce"] {
        assert_eq!(call["checks"][check], "ok", "{check}: {call}");
    }
    assert_eq!(call["form"]["client_id"], oauth::GITHUB_CLIENT_ID);
    assert_eq!(call["form"]["client_secret"], oauth::GITHUB_CLIENT_SECRET);
    assert_eq!(
        call["form"]["redirect_uri"],
        "http://127.0.0.1:3000/api/auth/callback/github"
    );
    assert_eq!(
        call["form"]["code_verifier"].as_str().map(str::len),
        Some(128)
    );

    // The same callback again: the state was used once.
    let replay = browser.back(&back).await;
    assert_eq!(
        error_of(&replay.location()).as_deref(),
        Some("state_mismatch")
    );

    // A returning user lands on callbackURL, with a new session.
    let url = start(
        &mut browser,
        json!({"provider": "github", "callbackURL": "/dashboard", "newUserCallbackURL": "/welcome"}),
    )
    .await;
    let answer = browser.back(&fake.authorize(&url)).await;
    assert_eq!(answer.location(), "/dashboard");
    let accounts = browser
        .send("GET", "/api/auth/list-accounts", None)
        .await
        .json();
    assert_eq!(accounts.as_array().map(Vec::len), Some(1), "{accounts}");
    assert_eq!(accounts[0]["providerId"], "github");
    assert_eq!(accounts[0]["accountId"], "1001");
    assert_eq!(accounts[0]["scopes"], json!(["read:user", "user:email"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_redirect_flow_verifies_the_id_token_and_sends_a_nonce() {
    let fake = FakeSocial::start();
    google_user(&fake, "g-100", "ada@example.com", true);
    let auth = social_auth(&fake);
    let mut browser = Browser::new(&auth, ORIGIN);
    let url = start(
        &mut browser,
        json!({"provider": "google", "callbackURL": "/home"}),
    )
    .await;
    assert!(oauth::query_param(&url, "nonce").is_some(), "{url}");
    let answer = browser.back(&fake.authorize(&url)).await;
    assert_eq!(answer.location(), "/home");
    let session = browser.session().await;
    assert_eq!(session["user"]["email"], "ada@example.com");
    let call = &fake.log_of("google", "token")[0];
    for check in ["client_auth", "code", "redirect_uri", "pkce"] {
        assert_eq!(call["checks"][check], "ok", "{check}: {call}");
    }

    // An ID token from the token endpoint signed by a key Google does not publish: refused
    // (Better Auth signs the user in).
    fake.behaviour(json!({"provider": "google", "id_token": "foreign"}));
    let mut other = Browser::new(&auth, ORIGIN);
    let url = start(
        &mut other,
        json!({"provider": "google", "callbackURL": "/home", "errorCallbackURL": "/oops"}),
    )
    .await;
    let answer = other.back(&fake.authorize(&url)).await;
    assert!(
        answer.location().starts_with("/oops?"),
        "{}",
        answer.location()
    );
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("unable_to_get_user_info")
    );
    assert!(!other.cookies.contains_key("better-auth.session_token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_id_token_sign_in_and_what_it_refuses() {
    let fake = FakeSocial::start();
    google_user(&fake, "g-200", "grace@example.com", true);
    let auth = social_auth(&fake);
    let mut browser = Browser::new(&auth, ORIGIN);
    let good = fake.id_token(json!({}));
    let answer = browser
        .id_token_sign_in("google", json!({"token": good}))
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.json());
    let json = answer.json();
    assert_eq!(json["redirect"], false);
    assert_eq!(json["user"]["email"], "grace@example.com");
    assert!(json["token"].is_string());
    let certs_fetched = fake.log_of("google", "certs").len();

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "unknown key, same kid",
            json!({"key": "foreign"}),
            401,
            "INVALID_TOKEN",
        ),
        ("unknown kid", json!({"kid": "nope"}), 401, "INVALID_TOKEN"),
        (
            "wrong audience",
            json!({"claims": {"aud": "someone-else"}}),
            401,
            "INVALID_TOKEN",
        ),
        (
            "wrong issuer",
            json!({"claims": {"iss": "https://evil.example"}}),
            401,
            "INVALID_TOKEN",
        ),
        (
            "expired beyond leeway",
            json!({"claims": {"exp": now - 60, "iat": now - 600}}),
            401,
            "INVALID_TOKEN",
        ),
        (
            "issued over an hour ago",
            json!({"claims": {"iat": now - 7200, "exp": now + 600}}),
            401,
            "INVALID_TOKEN",
        ),
        (
            "HS256 with the client secret",
            json!({"alg": "HS256"}),
            401,
            "INVALID_TOKEN",
        ),
        ("alg none", json!({"alg": "none"}), 401, "INVALID_TOKEN"),
        (
            "no email",
            json!({"claims": {"email": null, "sub": "g-no-email"}}),
            401,
            "USER_EMAIL_NOT_FOUND",
        ),
    ];
    for (name, request, status, code) in cases {
        let token = fake.id_token(request);
        let answer = browser
            .id_token_sign_in("google", json!({"token": token}))
            .await;
        assert_eq!(
            answer.status.as_u16(),
            status,
            "{name}: {:?}",
            answer.json()
        );
        assert_eq!(answer.json()["code"], code, "{name}");
    }
    let answer = browser
        .id_token_sign_in("google", json!({"token": "not.a.jwt"}))
        .await;
    assert_eq!(answer.status, 401);
    // Nonce: compared when the client sends one.
    let with_nonce = fake.id_token(json!({"claims": {"nonce": "n-1"}}));
    let answer = browser
        .id_token_sign_in("google", json!({"token": with_nonce, "nonce": "n-2"}))
        .await;
    assert_eq!(answer.status, 401);
    let answer = browser
        .id_token_sign_in("google", json!({"token": with_nonce, "nonce": "n-1"}))
        .await;
    assert_eq!(answer.status, 200);
    // GitHub has no ID tokens.
    let answer = browser
        .id_token_sign_in("github", json!({"token": good}))
        .await;
    assert_eq!(
        (answer.status.as_u16(), answer.json()["code"].clone()),
        (404, json!("ID_TOKEN_NOT_SUPPORTED"))
    );
    // Google's keys are cached: a few refetches for unknown kids at most, not one per sign-in.
    let fetched = fake.log_of("google", "certs").len();
    assert!(
        fetched <= certs_fetched + 2,
        "{certs_fetched} then {fetched} fetches"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_rules_and_account_routes() {
    let fake = FakeSocial::start();
    let auth = social_auth(&fake);
    // An email/password user, not verified.
    let mut browser = Browser::new(&auth, ORIGIN);
    let answer = browser
        .post("/api/auth/sign-up/email", json!({"name": "Keen", "email": "keen@example.com", "password": "correct horse battery"}))
        .await;
    assert_eq!(answer.status, 200);

    // Implicit linking needs the local address verified, even for trusted Google.
    google_user(&fake, "g-keen", "keen@example.com", true);
    let mut stranger = Browser::new(&auth, ORIGIN);
    let url = start(
        &mut stranger,
        json!({"provider": "google", "callbackURL": "/", "errorCallbackURL": "/oops"}),
    )
    .await;
    let answer = stranger.back(&fake.authorize(&url)).await;
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("account_not_linked")
    );

    // Explicit linking from the signed-in browser: GitHub with the same, verified address.
    github_user(&fake, "keen", 2002, "keen@example.com", true);
    let answer = browser
        .post(
            "/api/auth/link-social",
            json!({"provider": "github", "callbackURL": "/settings"}),
        )
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.json());
    let url = answer.json()["url"].as_str().expect("url").to_owned();
    let answer = browser.back(&fake.authorize(&url)).await;
    assert_eq!(answer.location(), "/settings");
    // Re-linking with more scope merges without repeats.
    let answer = browser
        .post(
            "/api/auth/link-social",
            json!({"provider": "github", "callbackURL": "/settings", "scopes": ["repo"]}),
        )
        .await;
    let url = answer.json()["url"].as_str().expect("url").to_owned();
    assert_eq!(
        browser.back(&fake.authorize(&url)).await.location(),
        "/settings"
    );
    let accounts = browser
        .send("GET", "/api/auth/list-accounts", None)
        .await
        .json();
    let github = accounts
        .as_array()
        .expect("array")
        .iter()
        .find(|a| a["providerId"] == "github")
        .expect("github account")
        .clone();
    assert_eq!(
        github["scopes"],
        json!(["read:user", "user:email", "repo"]),
        "{accounts}"
    );

    // A GitHub account with another address: refused.
    github_user(&fake, "other", 2003, "other@example.com", true);
    let answer = browser
        .post(
            "/api/auth/link-social",
            json!({"provider": "github", "callbackURL": "/settings", "errorCallbackURL": "/oops"}),
        )
        .await;
    let url = answer.json()["url"].as_str().expect("url").to_owned();
    let answer = browser.back(&fake.authorize(&url)).await;
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("email_does_not_match")
    );

    // Link Google by ID token (trusted provider).
    google_user(&fake, "g-keen", "keen@example.com", true);
    let token = fake.id_token(json!({}));
    let answer = browser
        .post(
            "/api/auth/link-social",
            json!({"provider": "google", "idToken": {"token": token}}),
        )
        .await;
    assert_eq!(
        answer.json(),
        json!({"url": "", "status": true, "redirect": false})
    );

    // Account routes.
    let accounts = browser
        .send("GET", "/api/auth/list-accounts", None)
        .await
        .json();
    let ids: Vec<(String, String)> = accounts
        .as_array()
        .expect("array")
        .iter()
        .map(|a| {
            (
                a["providerId"].as_str().unwrap_or_default().to_owned(),
                a["id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(ids.len(), 3, "{accounts}");
    let id_of = |provider: &str| {
        ids.iter()
            .find(|(p, _)| p == provider)
            .map(|(_, id)| id.clone())
            .expect(provider)
    };
    let answer = browser
        .post(
            "/api/auth/get-access-token",
            json!({"accountId": id_of("github")}),
        )
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.json());
    assert!(
        answer.json()["accessToken"]
            .as_str()
            .is_some_and(|t| t.starts_with("gho_"))
    );
    let answer = browser
        .post(
            "/api/auth/refresh-token",
            json!({"accountId": id_of("github")}),
        )
        .await;
    assert_eq!(
        (answer.status.as_u16(), answer.json()["code"].clone()),
        (400, json!("REFRESH_TOKEN_NOT_FOUND"))
    );
    let info = browser
        .send(
            "GET",
            &format!("/api/auth/account-info?accountId={}", id_of("github")),
            None,
        )
        .await;
    assert_eq!(info.status, 200, "{:?}", info.json());
    assert_eq!(info.json()["data"]["login"], "keen");
    assert_eq!(info.json()["account"]["providerId"], "github");
    let answer = browser
        .post(
            "/api/auth/get-access-token",
            json!({"providerId": "github"}),
        )
        .await;
    assert_eq!(answer.status, 400);
    let answer = browser
        .post("/api/auth/unlink-account", json!({"accountId": "not-mine"}))
        .await;
    assert_eq!(answer.json()["code"], "ACCOUNT_NOT_FOUND");
    for provider in ["github", "credential"] {
        let answer = browser
            .post(
                "/api/auth/unlink-account",
                json!({"accountId": id_of(provider)}),
            )
            .await;
        assert_eq!(answer.json(), json!({"status": true}), "{provider}");
    }
    let answer = browser
        .post(
            "/api/auth/unlink-account",
            json!({"accountId": id_of("google")}),
        )
        .await;
    assert_eq!(
        (answer.status.as_u16(), answer.json()["code"].clone()),
        (400, json!("FAILED_TO_UNLINK_LAST_ACCOUNT"))
    );

    // Without a session: JSON 401s (Better Auth sends an empty body on three of them).
    let mut anonymous = Browser::new(&auth, ORIGIN);
    for (method, path, body) in [
        ("GET", "/api/auth/list-accounts", None),
        (
            "POST",
            "/api/auth/get-access-token",
            Some(json!({"accountId": "x"})),
        ),
        (
            "POST",
            "/api/auth/refresh-token",
            Some(json!({"accountId": "x"})),
        ),
        ("GET", "/api/auth/account-info?accountId=x", None),
        (
            "POST",
            "/api/auth/link-social",
            Some(json!({"provider": "github"})),
        ),
    ] {
        let answer = anonymous.send(method, path, body).await;
        assert_eq!(answer.status, 401, "{path}");
        assert_eq!(answer.json()["code"], "UNAUTHORIZED", "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_tokens_refresh_and_revocation() {
    let fake = FakeSocial::start();
    google_user(&fake, "g-300", "lin@example.com", true);
    let auth = social_auth(&fake);
    let mut browser = Browser::new(&auth, ORIGIN);
    let url = start(&mut browser, json!({"provider": "google"})).await;
    let answer = browser.back(&fake.authorize(&url)).await;
    assert_eq!(
        answer.location(),
        ORIGIN,
        "the default callback is the base URL"
    );
    let accounts = browser
        .send("GET", "/api/auth/list-accounts", None)
        .await
        .json();
    let id = accounts[0]["id"].as_str().expect("id").to_owned();
    let first = browser
        .post("/api/auth/get-access-token", json!({"accountId": id}))
        .await
        .json();
    assert!(
        first["accessToken"]
            .as_str()
            .is_some_and(|t| t.starts_with("ya29."))
    );
    assert!(first["idToken"].is_string());
    let refreshed = browser
        .post("/api/auth/refresh-token", json!({"accountId": id}))
        .await;
    assert_eq!(refreshed.status, 200, "{:?}", refreshed.json());
    let refreshed = refreshed.json();
    assert_ne!(refreshed["accessToken"], first["accessToken"]);
    assert_eq!(refreshed["providerId"], "google");
    assert_eq!(refreshed["accountId"], id);
    let refresh_token = refreshed["refreshToken"].as_str().expect("kept").to_owned();
    let call = fake.log_of("google", "token").pop().expect("refresh call");
    assert_eq!(call["form"]["grant_type"], "refresh_token");
    assert_eq!(call["checks"]["client_auth"], "ok");
    fake.revoke(&refresh_token);
    let answer = browser
        .post("/api/auth/refresh-token", json!({"accountId": id}))
        .await;
    assert_eq!(
        (answer.status.as_u16(), answer.json()["code"].clone()),
        (400, json!("FAILED_TO_REFRESH_ACCESS_TOKEN"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_states_cookies_codes_and_callback_urls() {
    let fake = FakeSocial::start();
    github_user(&fake, "eve", 3003, "eve@example.com", true);
    let auth = social_auth(&fake);

    // Foreign callback URLs are refused before anything is stored.
    let mut browser = Browser::new(&auth, ORIGIN);
    for (key, code) in [
        ("callbackURL", "INVALID_CALLBACK_URL"),
        ("errorCallbackURL", "INVALID_ERROR_CALLBACK_URL"),
        ("newUserCallbackURL", "INVALID_NEW_USER_CALLBACK_URL"),
    ] {
        for bad in [
            "http://evil.example/x",
            "//evil.example",
            "dashboard",
            "javascript:alert(1)",
        ] {
            let answer = browser
                .post(
                    "/api/auth/sign-in/social",
                    json!({"provider": "github", key: bad}),
                )
                .await;
            assert_eq!(
                (answer.status.as_u16(), answer.json()["code"].clone()),
                (403, json!(code)),
                "{key}={bad}"
            );
        }
    }
    let answer = browser
        .post("/api/auth/sign-in/social", json!({"provider": "github", "additionalParams": {"redirect_uri": "http://evil.example"}}))
        .await;
    assert_eq!(answer.status, 400);
    let answer = browser
        .post("/api/auth/sign-in/social", json!({"provider": "gitlab"}))
        .await;
    assert_eq!(
        (answer.status.as_u16(), answer.json()["code"].clone()),
        (404, json!("PROVIDER_NOT_FOUND"))
    );

    // No state; an unknown (forged) state.
    let answer = browser
        .send("GET", "/api/auth/callback/github?code=x", None)
        .await;
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("state_not_found")
    );
    assert!(
        answer
            .location()
            .starts_with("http://127.0.0.1:3000/api/auth/error?")
    );
    let answer = browser
        .send(
            "GET",
            "/api/auth/callback/github?code=x&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            None,
        )
        .await;
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("state_mismatch")
    );

    // A real state without this browser's cookie (a link sent to a victim): refused, and the
    // state stays usable by the browser that started it.
    let mut owner = Browser::new(&auth, ORIGIN);
    let url = start(
        &mut owner,
        json!({"provider": "github", "callbackURL": "/mine", "errorCallbackURL": "/oops"}),
    )
    .await;
    let back = fake.authorize(&url);
    let mut victim = Browser::new(&auth, ORIGIN);
    let answer = victim.back(&back).await;
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("state_mismatch")
    );
    assert!(!victim.cookies.contains_key("better-auth.session_token"));
    // A tampered cookie signature.
    let mut forger = Browser::new(&auth, ORIGIN);
    let state = oauth::query_param(&back, "state").expect("state");
    forger.cookies.insert(
        "better-auth.state".into(),
        format!("{state}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"),
    );
    let answer = forger.back(&back).await;
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("state_mismatch")
    );
    // The owner still completes it.
    assert_eq!(owner.back(&back).await.location(), "/mine");

    // A GitHub state at Google's callback: refused (Better Auth accepts it).
    let url = start(
        &mut owner,
        json!({"provider": "github", "errorCallbackURL": "/oops"}),
    )
    .await;
    let back = fake.authorize(&url);
    let at_google = back.replace("/callback/github", "/callback/google");
    let answer = owner.back(&at_google).await;
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("state_mismatch")
    );

    // A code redeemed with another flow's verifier: flow A's code, flow B's state and cookie.
    let mut a = Browser::new(&auth, ORIGIN);
    let url_a = start(&mut a, json!({"provider": "github"})).await;
    let code_a = oauth::query_param(&fake.authorize(&url_a), "code").expect("code");
    let mut b = Browser::new(&auth, ORIGIN);
    let url_b = start(
        &mut b,
        json!({"provider": "github", "errorCallbackURL": "/oops"}),
    )
    .await;
    let state_b = oauth::query_param(&url_b, "state").expect("state");
    let answer = b
        .send(
            "GET",
            &format!("/api/auth/callback/github?code={code_a}&state={state_b}"),
            None,
        )
        .await;
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("invalid_code")
    );
    let last = fake.log_of("github", "token").pop().expect("token call");
    assert_ne!(last["checks"]["pkce"], "ok", "{last}");

    // The provider said no.
    fake.set_current("github", "3003", true);
    let mut denied = Browser::new(&auth, ORIGIN);
    let url = start(
        &mut denied,
        json!({"provider": "github", "errorCallbackURL": "/oops"}),
    )
    .await;
    let answer = denied.back(&fake.authorize(&url)).await;
    assert_eq!(
        error_of(&answer.location()).as_deref(),
        Some("access_denied")
    );
    fake.set_current("github", "3003", false);

    // The form-post callback only redirects, cookies or not, and consumes nothing.
    let mut posting = Browser::new(&auth, ORIGIN);
    posting.cookies.insert("foo".into(), "bar".into());
    let answer = posting
        .post(
            "/api/auth/callback/github?state=q",
            json!({"code": "c", "state": "body", "evil": "x"}),
        )
        .await;
    assert_eq!(answer.status, 302);
    assert_eq!(
        answer.location(),
        "http://127.0.0.1:3000/api/auth/callback/github?code=c&state=q"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_providers_end_in_error_redirects() {
    let fake = FakeSocial::start();
    github_user(&fake, "flaky", 4004, "flaky@example.com", true);
    let auth = social_auth(&fake);
    let cases = [
        (
            json!({"provider": "github", "token": "500"}),
            "invalid_code",
        ),
        (
            json!({"provider": "github", "token": "garbage"}),
            "invalid_code",
        ),
        (
            json!({"provider": "github", "token": "hang"}),
            "invalid_code",
        ),
        (
            json!({"provider": "github", "user": "401"}),
            "unable_to_get_user_info",
        ),
        (
            json!({"provider": "github", "user": "garbage"}),
            "unable_to_get_user_info",
        ),
        (
            json!({"provider": "github", "user": "hang"}),
            "unable_to_get_user_info",
        ),
    ];
    for (behaviour, expected) in cases {
        fake.behaviour(json!({"provider": "github", "token": "ok", "user": "ok"}));
        fake.behaviour(behaviour.clone());
        let mut browser = Browser::new(&auth, ORIGIN);
        let url = start(
            &mut browser,
            json!({"provider": "github", "errorCallbackURL": "/oops"}),
        )
        .await;
        let answer = browser.back(&fake.authorize(&url)).await;
        assert!(
            answer.location().starts_with("/oops?"),
            "{behaviour}: {}",
            answer.location()
        );
        assert_eq!(
            error_of(&answer.location()).as_deref(),
            Some(expected),
            "{behaviour}"
        );
    }
    // /user/emails failing: signed in, address unverified.
    fake.behaviour(json!({"provider": "github", "token": "ok", "user": "ok", "emails": "404"}));
    let mut browser = Browser::new(&auth, ORIGIN);
    let url = start(&mut browser, json!({"provider": "github"})).await;
    browser.back(&fake.authorize(&url)).await;
    assert_eq!(browser.session().await["user"]["emailVerified"], false);
    // Google's keys out of reach: an ID token sign-in is a 502, not a 401 or a 500.
    fake.behaviour(json!({"provider": "google", "certs": "500"}));
    google_user(&fake, "g-400", "keys@example.com", true);
    let token = fake.id_token(json!({}));
    let answer = browser
        .id_token_sign_in("google", json!({"token": token}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    assert_eq!(answer.json()["code"], "PROVIDER_UNAVAILABLE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_openid_connect_provider_new_and_returning_user() {
    let callback = "http://127.0.0.1:3000/api/auth/callback/sso";
    let provider = Arc::new(OidcProvider::start(&[callback]));
    let oidc = Oidc::discover(
        "sso",
        provider.issuer(),
        provider.client_id(),
        provider.client_secret(),
    )
    .await
    .expect("discovery");
    let auth = auth_with(vec![Arc::new(oidc)]);
    let mut browser = Browser::new(&auth, ORIGIN);
    for expected in ["/hello", "/app"] {
        let url = start(
            &mut browser,
            json!({"provider": "sso", "callbackURL": "/app", "newUserCallbackURL": "/hello"}),
        )
        .await;
        assert!(oauth::query_param(&url, "nonce").is_some(), "{url}");
        let login = Arc::clone(&provider);
        let back = tokio::task::spawn_blocking(move || login.login(&url, "alice"))
            .await
            .expect("login");
        let answer = browser.back(&back).await;
        assert_eq!(answer.location(), expected);
    }
    let session = browser.session().await;
    assert_eq!(session["user"]["email"], "alice@oidc.test");
    assert_eq!(session["user"]["emailVerified"], true);
    assert_eq!(session["user"]["name"], "Alice");
    let accounts = browser
        .send("GET", "/api/auth/list-accounts", None)
        .await
        .json();
    assert_eq!(accounts[0]["providerId"], "sso");
    assert_eq!(accounts[0]["accountId"], "alice");
    // The profile from the provider's userinfo endpoint (not the stored ID token, which
    // expires long before the account does).
    let info = browser
        .send(
            "GET",
            &format!(
                "/api/auth/account-info?accountId={}",
                accounts[0]["id"].as_str().expect("id")
            ),
            None,
        )
        .await;
    assert_eq!(info.status, 200, "{:?}", info.json());
    assert_eq!(info.json()["data"]["sub"], "alice");
    assert!(
        info.json()["data"].get("aud").is_none(),
        "from userinfo, not the ID token"
    );
    assert_eq!(info.json()["user"]["email"], "alice@oidc.test");
    // A refresh through the provider's token endpoint (client_secret_basic).
    let id = accounts[0]["id"].as_str().expect("id").to_owned();
    let refreshed = browser
        .post("/api/auth/refresh-token", json!({"accountId": id}))
        .await;
    assert_eq!(refreshed.status, 200, "{:?}", refreshed.json());
}

/// Every sign-in route asks a user with two-factor on for the second factor (Better Auth's
/// social routes skip it): the GitHub callback sends the browser to the challenge page with the
/// `two_factor` cookie and no session; a Google ID token answers `twoFactorRedirect`. Either
/// challenge is met with a code; a trusted device skips it on the social routes too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn social_sign_in_of_a_two_factor_user_is_challenged() {
    use auth_core::two_factor::{Totp, TotpSecret};

    let fake = FakeSocial::start();
    let config = AuthConfig::builder(SECRET, ORIGIN)
        .account_linking(AccountLinking::default().trusted_providers(["google"]))
        .two_factor(TwoFactorOptions::new("Example").challenge_page("/two-factor"))
        .build()
        .expect("config");
    let auth = auth_configured(
        config,
        vec![Arc::new(github(&fake)), Arc::new(google(&fake))],
    );
    let mut browser = Browser::new(&auth, ORIGIN);
    let password = "correct horse battery";
    browser
        .post(
            "/api/auth/sign-up/email",
            json!({"name": "Tess", "email": "tess@example.com", "password": password}),
        )
        .await;
    let enabled = browser
        .post("/api/auth/two-factor/enable", json!({"password": password}))
        .await
        .json();
    let uri = enabled["totpURI"].as_str().expect("uri");
    let base32 = oauth::query_param(uri, "secret").expect("secret");
    let totp = Totp::new(&TotpSecret::new(format!("base32:{base32}"))).expect("totp");
    let step = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        / 30;
    let confirmed = browser
        .post(
            "/api/auth/two-factor/verify-totp",
            json!({"code": totp.code_for_counter(step).as_str()}),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.json());

    // Link GitHub (same verified address) and Google (by ID token) while signed in.
    github_user(&fake, "tess", 4004, "tess@example.com", true);
    let answer = browser
        .post(
            "/api/auth/link-social",
            json!({"provider": "github", "callbackURL": "/settings"}),
        )
        .await;
    let url = answer.json()["url"].as_str().expect("url").to_owned();
    assert_eq!(
        browser.back(&fake.authorize(&url)).await.location(),
        "/settings"
    );
    google_user(&fake, "g-tess", "tess@example.com", true);
    let linked = browser
        .post(
            "/api/auth/link-social",
            json!({"provider": "google", "idToken": {"token": fake.id_token(json!({}))}}),
        )
        .await;
    assert_eq!(linked.status, StatusCode::OK, "{:?}", linked.json());

    // GitHub: the callback goes to the challenge page, with the challenge and no session.
    let mut laptop = Browser::new(&auth, ORIGIN);
    let url = start(
        &mut laptop,
        json!({"provider": "github", "callbackURL": "/dashboard", "errorCallbackURL": "/oops"}),
    )
    .await;
    let answer = laptop.back(&fake.authorize(&url)).await;
    assert_eq!(answer.status, 302);
    assert_eq!(answer.location(), "/two-factor?callbackURL=%2Fdashboard");
    assert!(!answer.headers.contains_key("set-auth-token"));
    assert!(
        laptop.cookies.contains_key("better-auth.two_factor"),
        "{:?}",
        laptop.cookies
    );
    assert!(!laptop.cookies.contains_key("better-auth.session_token"));
    assert_eq!(laptop.session().await, Value::Null);
    let verified = laptop
        .post(
            "/api/auth/two-factor/verify-totp",
            json!({"code": totp.code_for_counter(step + 1).as_str(), "trustDevice": true}),
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{:?}", verified.json());
    assert_eq!(laptop.session().await["user"]["email"], "tess@example.com");
    // The trusted device: GitHub again signs in without the second factor.
    laptop.post("/api/auth/sign-out", json!({})).await;
    let url = start(
        &mut laptop,
        json!({"provider": "github", "callbackURL": "/dashboard"}),
    )
    .await;
    let answer = laptop.back(&fake.authorize(&url)).await;
    assert_eq!(answer.location(), "/dashboard");
    assert!(answer.headers.contains_key("set-auth-token"));

    // Google by ID token: the JSON challenge, met with a backup code.
    let mut phone = Browser::new(&auth, ORIGIN);
    let answer = phone
        .id_token_sign_in("google", json!({"token": fake.id_token(json!({}))}))
        .await;
    assert_eq!(
        answer.json(),
        json!({"twoFactorRedirect": true, "twoFactorMethods": ["totp"]})
    );
    assert!(!answer.headers.contains_key("set-auth-token"));
    let code = enabled["backupCodes"][0].as_str().expect("code");
    let verified = phone
        .post(
            "/api/auth/two-factor/verify-backup-code",
            json!({"code": code}),
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{:?}", verified.json());
    assert_eq!(phone.session().await["user"]["email"], "tess@example.com");
}
