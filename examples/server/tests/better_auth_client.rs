//! The real `better-auth` npm client (tests/better-auth-client, pinned with its lockfile) against
//! the example server on PostgreSQL: sign-up, sign-in, get-session by cookie and by bearer, token
//! verified with `jose` against our /jwks, sign-out, and the client-visible errors.

mod support;

use std::path::PathBuf;
use std::process::Command;

use support::{Server, command, free_port, fresh_dir};

fn client_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/better-auth-client")
}

fn require(tool: &str, hint: &str) {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "{tool} is not installed: {hint}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_better_auth_client_works_unchanged() {
    require(
        "node",
        "install Node.js 20.19 or newer (https://nodejs.org), which the better-auth client needs",
    );
    require("npm", "install npm (it comes with Node.js)");
    let dir = client_dir();
    if !dir.join("node_modules/better-auth").is_dir() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .expect("run npm ci");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }

    let database = auth_test_harness::postgres::fresh_database().await;
    let port = free_port();
    let base_url = format!("http://127.0.0.1:{port}");
    let mut server_command = command(&fresh_dir(), port);
    server_command
        .env("DATABASE_URL", &database.url)
        .env("AUTH_BASE_URL", &base_url);
    let server = Server::start(server_command, port);

    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .args(["--test", "client.test.mjs"])
            .current_dir(&dir)
            .env("AUTH_SERVER_URL", &base_url)
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
        "the better-auth client tests failed:\n{report}"
    );
    assert!(
        report.contains("# fail 0") && !report.contains("# pass 0"),
        "{report}"
    );
    drop(server);
}
