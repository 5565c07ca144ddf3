//! The OAuth providers of `auth_test_harness::oauth` start, and a whole code flow runs against
//! each through the harness's helpers: the fake GitHub and Google (with its PKCE check catching a
//! wrong verifier) and the real OpenID Connect provider (login and consent over plain HTTP); and
//! the package's own `node --test` suite passes.

use auth_test_harness::http;
use auth_test_harness::oauth::{
    FakeSocial, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET,
    GOOGLE_ISSUER, OidcProvider, basic_authorization, form, query_param,
};
use serde_json::json;

/// A PKCE verifier and its S256 challenge, BASE64URL(SHA-256(verifier)) (computed once with
/// `node -e`; the harness has no SHA-256 of its own).
const VERIFIER: &str = "harness-self-test-verifier-0123456789-abcdefghijklmnop";
const CHALLENGE: &str = "v6gqyBHCPcB8eKOXngSI1lx5ZNZqT-LsuTyemuA-qaA";
const WRONG_VERIFIER: &str = "harness-self-test-verifier-0123456789-abcdefghijklmnoX";

/// The client's callback (nothing listens there: the flows stop at the redirect).
const REDIRECT: &str = "http://127.0.0.1:9/api/auth/callback/github";

fn ready_url(url: &str) -> u16 {
    url.strip_prefix("http://127.0.0.1:")
        .and_then(|port| port.parse().ok())
        .filter(|port| *port != 0)
        .unwrap_or_else(|| panic!("not a loopback URL with a port: {url}"))
}

/// The path (with query) of an absolute URL on 127.0.0.1.
fn path_of(url: &str) -> &str {
    let rest = url
        .strip_prefix("http://127.0.0.1:")
        .expect("a loopback URL");
    &rest[rest.find('/').expect("a path")..]
}

fn post_form(port: u16, path: &str, headers: &[(&str, &str)], body: &str) -> http::Reply {
    let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    http::request(port, "POST", path, &all, Some(body.as_bytes()))
}

#[test]
fn fake_github_and_google_run_a_code_flow_and_check_pkce() {
    let fake = FakeSocial::start();
    assert_eq!(ready_url(fake.base_url()), fake.port());
    assert_eq!(
        fake.github_web(),
        format!("http://127.0.0.1:{}/github.com", fake.port())
    );

    fake.add_github_user(json!({
        "login": "octocat", "id": 583231, "name": "The Octocat", "email": null,
        "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
        "emails": [{ "email": "octocat@example.com", "primary": true, "verified": true, "visibility": "private" }],
    }));
    let authorize = |state: &str| {
        format!(
            "{}?{}",
            fake.github_authorize_url(),
            form(&[
                ("client_id", GITHUB_CLIENT_ID),
                ("redirect_uri", REDIRECT),
                ("scope", "read:user user:email"),
                ("state", state),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ])
        )
    };

    // GitHub: authorize → code → token (client_secret_post) → user and emails.
    let back = fake.authorize(&authorize("gh-1"));
    assert!(back.starts_with(REDIRECT), "{back}");
    assert_eq!(query_param(&back, "state").as_deref(), Some("gh-1"));
    let code = query_param(&back, "code").expect("a code");
    let reply = post_form(
        fake.port(),
        path_of(&fake.github_token_url()),
        &[("accept", "application/json")],
        &form(&[
            ("client_id", GITHUB_CLIENT_ID),
            ("client_secret", GITHUB_CLIENT_SECRET),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ]),
    );
    assert_eq!(reply.status, 200);
    let token = reply.json();
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["scope"], "read:user,user:email");
    let access_token = token["access_token"].as_str().expect("access_token");
    assert!(access_token.starts_with("gho_"), "{token}");
    let last = fake
        .log_of("github", "token")
        .pop()
        .expect("a token request");
    assert_eq!(
        last["checks"],
        json!({ "client_auth": "ok", "code": "ok", "redirect_uri": "ok", "pkce": "ok" })
    );
    let bearer = format!("Bearer {access_token}");
    let auth = [
        ("authorization", bearer.as_str()),
        ("user-agent", "harness"),
    ];
    let user = http::request(
        fake.port(),
        "GET",
        path_of(&fake.github_user_url()),
        &auth,
        None,
    );
    assert_eq!(user.status, 200, "{}", user.text());
    assert_eq!(user.json()["id"], 583231);
    let emails = http::request(
        fake.port(),
        "GET",
        path_of(&fake.github_emails_url()),
        &auth,
        None,
    );
    assert_eq!(emails.json()[0]["email"], "octocat@example.com");

    // A wrong verifier: GitHub's error answer, and the check says why.
    let code = query_param(&fake.authorize(&authorize("gh-2")), "code").expect("a code");
    let reply = post_form(
        fake.port(),
        path_of(&fake.github_token_url()),
        &[
            ("accept", "application/json"),
            (
                "authorization",
                &basic_authorization(GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET),
            ),
        ],
        &form(&[
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", WRONG_VERIFIER),
        ]),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["error"], "bad_verification_code");
    let last = fake
        .log_of("github", "token")
        .pop()
        .expect("a token request");
    assert_eq!(last["checks"]["client_auth"], "ok");
    assert_eq!(
        last["checks"]["pkce"],
        "BASE64URL(SHA-256(code_verifier)) != code_challenge"
    );

    // Google: the same flow with client_secret_basic, an ID token, and the wrong verifier.
    fake.add_google_user(json!({
        "sub": "110169484474386276334", "email": "ada@example.com", "email_verified": true,
        "name": "Ada Lovelace", "picture": "https://lh3.googleusercontent.com/a/ada",
        "given_name": "Ada", "family_name": "Lovelace",
    }));
    let google_authorize = format!(
        "{}?{}",
        fake.google_authorize_url(),
        form(&[
            ("client_id", GOOGLE_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "openid email profile"),
            ("state", "g-1"),
            ("nonce", "n-1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
    );
    let exchange = |verifier: &str| {
        let back = fake.authorize(&google_authorize);
        assert_eq!(query_param(&back, "iss").as_deref(), Some(GOOGLE_ISSUER));
        let code = query_param(&back, "code").expect("a code");
        post_form(
            fake.port(),
            path_of(&fake.google_token_url()),
            &[(
                "authorization",
                &basic_authorization(GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET),
            )],
            &form(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ]),
        )
    };
    let reply = exchange(VERIFIER);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let tokens = reply.json();
    assert!(
        tokens["id_token"]
            .as_str()
            .is_some_and(|t| t.split('.').count() == 3)
    );
    assert!(tokens["refresh_token"].as_str().is_some());
    let reply = exchange(WRONG_VERIFIER);
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"], "invalid_grant");
    let last = fake
        .log_of("google", "token")
        .pop()
        .expect("a token request");
    assert_ne!(last["checks"]["pkce"], "ok");

    let minted = fake.id_token(json!({ "claims": { "aud": "someone-else" } }));
    assert_eq!(minted.split('.').count(), 3);
    fake.reset();
    assert!(fake.log().is_empty());
}

#[test]
fn oidc_provider_runs_a_code_flow_over_plain_http() {
    let callback = format!(
        "http://127.0.0.1:{}/api/auth/oauth2/callback/oidc",
        auth_test_harness::postgres::free_port()
    );
    let op = OidcProvider::start(&[&callback]);
    assert_eq!(ready_url(op.issuer()), op.port());

    let discovery = http::request(op.port(), "GET", path_of(&op.discovery_url()), &[], None);
    assert_eq!(discovery.json()["issuer"], op.issuer());

    let authorize = format!(
        "{}/auth?{}",
        op.issuer(),
        form(&[
            ("client_id", op.client_id()),
            ("redirect_uri", &callback),
            ("response_type", "code"),
            ("scope", "openid email profile"),
            ("state", "s-1"),
            ("nonce", "n-1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
    );
    let back = op.login(&authorize, "alice");
    assert!(back.starts_with(&callback), "{back}");
    assert_eq!(query_param(&back, "state").as_deref(), Some("s-1"));
    assert_eq!(query_param(&back, "iss").as_deref(), Some(op.issuer()));
    let code = query_param(&back, "code").expect("a code");

    let reply = post_form(
        op.port(),
        "/token",
        &[(
            "authorization",
            &basic_authorization(op.client_id(), op.client_secret()),
        )],
        &form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &callback),
            ("code_verifier", VERIFIER),
        ]),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let tokens = reply.json();
    assert!(tokens["id_token"].as_str().is_some());
    assert!(tokens["refresh_token"].as_str().is_some());
    let bearer = format!(
        "Bearer {}",
        tokens["access_token"].as_str().expect("access_token")
    );
    let me = http::request(op.port(), "GET", "/me", &[("authorization", &bearer)], None);
    assert_eq!(
        me.json(),
        json!({ "sub": "alice", "email": "alice@oidc.test", "email_verified": true, "name": "Alice" })
    );

    let denied = op.deny(&authorize);
    assert_eq!(
        query_param(&denied, "error").as_deref(),
        Some("access_denied")
    );
}

/// The package's own `npm test` (`node --test test/`: every route, check and behaviour of both
/// programs), so that it runs with the workspace's tests.
#[test]
fn the_packages_node_tests_pass() {
    let dir = auth_test_harness::node::installed(
        "tests/oauth-providers",
        "node_modules/oidc-provider/package.json",
    );
    let (passed, output) = auth_test_harness::browser::node_test(&dir, "test/", &[]);
    assert!(
        passed,
        "node --test test/ in tests/oauth-providers:\n{output}"
    );
}
