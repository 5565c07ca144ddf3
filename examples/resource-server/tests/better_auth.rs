//! The resource-server example against a real Better Auth server (the npm package on
//! PostgreSQL): `GET /api/me` answers for Better Auth's JWTs and refuses anything else; started
//! while Better Auth is down, it answers 503 (not 401, not a crash) until it comes up.

mod support;

use std::time::Duration;

use auth_test_harness::better_auth::BetterAuthServer;
use auth_test_harness::http::request;
use auth_test_harness::postgres::free_port;
use support::Api;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_trusts_better_auths_tokens_and_nothing_else() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let better_auth = BetterAuthServer::start(&database.url, &[]);
    let api = Api::start(
        &format!("{}/api/auth/jwks", better_auth.url),
        &better_auth.url,
    );
    let jwt = better_auth.jwt(&better_auth.sign_up("ada@example.com"));

    let me = api.me(Some(&jwt));
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["email"], "ada@example.com");
    assert_eq!(me.json()["emailVerified"], false);

    let anonymous = api.me(None);
    assert_eq!(
        (anonymous.status, anonymous.json()["code"].clone()),
        (401, "UNAUTHORIZED".into())
    );
    let forged = api.me(Some(&format!("{jwt}x")));
    assert_eq!(forged.status, 401);
    assert_eq!(forged.json()["code"], "INVALID_TOKEN");
    let auth_api = request(api.port, "GET", "/api/auth/get-session", &[], None);
    assert_eq!(auth_api.status, 404, "the auth API is Better Auth's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn started_while_better_auth_is_down_it_answers_503_then_recovers() {
    let database = auth_test_harness::postgres::fresh_database().await;
    // Better Auth's address is known before it runs: it will listen on this port.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let api = Api::start(&format!("{url}/api/auth/jwks"), &url);
    let down = api.me(Some("eyJhbGciOiJFZERTQSIsImtpZCI6ImsifQ.e30.c2ln"));
    assert_eq!(down.status, 503, "{}", down.text());
    assert_eq!(down.json()["code"], "SIGNING_KEYS_UNAVAILABLE");
    assert!(down.header("retry-after").is_some());

    let port_text = port.to_string();
    let better_auth = BetterAuthServer::start(
        &database.url,
        &[
            ("PORT", port_text.as_str()),
            ("BETTER_AUTH_URL", url.as_str()),
        ],
    );
    let jwt = better_auth.jwt(&better_auth.sign_up("late@example.com"));
    for _ in 0..100 {
        let me = api.me(Some(&jwt));
        if me.status == 200 {
            assert_eq!(me.json()["email"], "late@example.com");
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the API never picked up Better Auth's keys");
}
