//! The real `better-auth` npm client (tests/better-auth-client, pinned with its lockfile) against
//! the example server on PostgreSQL: sign-up, sign-in, get-session by cookie and by bearer, token
//! verified with `jose` against our /jwks, sign-out, and the client-visible errors
//! (client.test.mjs); every email-flow call, with the mail read from a real SMTP server
//! (email.test.mjs); and every social sign-in call, against a real OpenID Connect provider and
//! the fake GitHub and Google on loopback (social.test.mjs); every two-factor call of the
//! `twoFactorClient` plugin, codes by email through maildev (two-factor.test.mjs).

mod support;

use std::path::PathBuf;
use std::process::Command;

use auth_test_harness::mail::MailCatcher;
use auth_test_harness::oauth::{
    FakeSocial, GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET,
    OidcProvider,
};
use support::{Server, command, free_port, fresh_dir};

fn require(tool: &str, hint: &str) {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "{tool} is not installed: {hint}");
}

/// Installs the client's pinned packages on first use.
fn installed_client() -> PathBuf {
    require(
        "node",
        "install Node.js 20.19 or newer (https://nodejs.org), which the better-auth client needs",
    );
    require("npm", "install npm (it comes with Node.js)");
    auth_test_harness::node::installed("tests/better-auth-client", "node_modules/better-auth")
}

/// Runs `node --test <file>` in the client folder with `env`, and asserts that every test
/// passed (and that there were some).
async fn node_tests(file: &'static str, env: Vec<(&'static str, String)>) {
    let dir = installed_client();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .args(["--test", file])
            .current_dir(&dir)
            .envs(env)
            .output()
    })
    .await
    .expect("join")
    .expect("run node");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{report}");
    assert!(
        output.status.success(),
        "the better-auth client tests ({file}) failed:\n{report}"
    );
    assert!(
        report.contains("# fail 0") && !report.contains("# pass 0"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_better_auth_client_works_unchanged() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let port = free_port();
    let base_url = format!("http://127.0.0.1:{port}");
    let mut server_command = command(&fresh_dir(), port);
    server_command
        .env("DATABASE_URL", &database.url)
        .env("AUTH_BASE_URL", &base_url);
    let server = Server::start(server_command, port);
    node_tests("client.test.mjs", vec![("AUTH_SERVER_URL", base_url)]).await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_better_auth_clients_email_calls_work_unchanged() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let catcher = MailCatcher::start();
    let port = free_port();
    let base_url = format!("http://127.0.0.1:{port}");
    let mut server_command = command(&fresh_dir(), port);
    server_command
        .env("DATABASE_URL", &database.url)
        .env("AUTH_BASE_URL", &base_url)
        .env("SMTP_URL", catcher.smtp_url())
        .env("AUTH_REQUIRE_EMAIL_VERIFICATION", "on")
        .env("AUTH_AUTO_SIGN_IN_AFTER_VERIFICATION", "on")
        .env("AUTH_CHANGE_EMAIL", "on")
        .env("AUTH_DELETE_USER", "on")
        .env("AUTH_DELETE_USER_CONFIRMATION", "on");
    let server = Server::start(server_command, port);
    node_tests(
        "email.test.mjs",
        vec![
            ("AUTH_SERVER_URL", base_url),
            ("MAILDEV_URL", catcher.web_url()),
        ],
    )
    .await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_better_auth_clients_social_calls_work_unchanged() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let port = free_port();
    let base_url = format!("http://127.0.0.1:{port}");
    let oidc = OidcProvider::start(&[&format!("{base_url}/api/auth/callback/oidc")]);
    // Its users are set by the node test, through the fake's control routes.
    let fake = FakeSocial::start();
    let mut server_command = command(&fresh_dir(), port);
    server_command
        .env("DATABASE_URL", &database.url)
        .env("AUTH_BASE_URL", &base_url)
        .env("GITHUB_CLIENT_ID", GITHUB_CLIENT_ID)
        .env("GITHUB_CLIENT_SECRET", GITHUB_CLIENT_SECRET)
        .env("GITHUB_WEB_URL", fake.github_web())
        .env("GITHUB_API_URL", fake.github_api())
        .env("GOOGLE_CLIENT_ID", GOOGLE_CLIENT_ID)
        .env("GOOGLE_CLIENT_SECRET", GOOGLE_CLIENT_SECRET)
        .env("GOOGLE_AUTHORIZE_URL", fake.google_authorize_url())
        .env("GOOGLE_TOKEN_URL", fake.google_token_url())
        .env("GOOGLE_CERTS_URL", fake.google_certs_url())
        .env("OIDC_ISSUER", oidc.issuer())
        .env("OIDC_CLIENT_ID", oidc.client_id())
        .env("OIDC_CLIENT_SECRET", oidc.client_secret());
    let server = Server::start(server_command, port);
    node_tests(
        "social.test.mjs",
        vec![
            ("AUTH_SERVER_URL", base_url),
            ("OIDC_ISSUER", oidc.issuer().to_owned()),
            ("FAKE_SOCIAL_URL", fake.base_url().to_owned()),
        ],
    )
    .await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_better_auth_clients_two_factor_calls_work_unchanged() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let catcher = MailCatcher::start();
    let port = free_port();
    let base_url = format!("http://127.0.0.1:{port}");
    let mut server_command = command(&fresh_dir(), port);
    server_command
        .env("DATABASE_URL", &database.url)
        .env("AUTH_BASE_URL", &base_url)
        .env("SMTP_URL", catcher.smtp_url())
        .env("AUTH_TWO_FACTOR", "on")
        .env("AUTH_TWO_FACTOR_ISSUER", "Example");
    let server = Server::start(server_command, port);
    node_tests(
        "two-factor.test.mjs",
        vec![
            ("AUTH_SERVER_URL", base_url),
            ("MAILDEV_URL", catcher.web_url()),
        ],
    )
    .await;
    drop(server);
}
