//! examples/nextjs-better-auth end to end: Better Auth itself (the npm package, `jwt()` plugin)
//! running inside the Next.js app on a fresh PostgreSQL database (`npm run migrate`, then
//! `next build` and `next start`), this crate's binary verifying its JWTs with the keys of its
//! JWKS, and a real headless Chromium driving the app as a person does
//! (examples/nextjs-better-auth/web/e2e/browser.test.mjs): register → the dashboard shows the
//! Rust API's answer with the email → sign out → the Rust API refuses (401: no token) → sign in
//! again. Screenshots of every step are kept in target/tmp/nextjs-better-auth-screenshots.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use auth_test_harness::browser::{ProcessGroup, chromium, node_test, run, wait_for_port};
use auth_test_harness::postgres::free_port;
use support::Api;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn better_auth_in_nextjs_signs_in_and_the_rust_api_verifies_its_jwts_in_a_browser() {
    let browser = chromium();
    let dir =
        auth_test_harness::node::installed("examples/nextjs-better-auth/web", "node_modules/next");
    let database = auth_test_harness::postgres::fresh_database().await;
    let (web_port, api_port) = (free_port(), free_port());
    let web_url = format!("http://127.0.0.1:{web_port}");
    let api_url = format!("http://127.0.0.1:{api_port}");
    let env = [
        ("DATABASE_URL", database.url.clone()),
        ("BETTER_AUTH_URL", web_url.clone()),
        (
            "BETTER_AUTH_SECRET",
            "a-test-secret-of-at-least-32-characters".to_owned(),
        ),
        ("RUST_API_URL", api_url),
        ("NEXT_TELEMETRY_DISABLED", "1".to_owned()),
    ];
    let screenshots =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nextjs-better-auth-screenshots");
    let report = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // Better Auth's own migrations, as a person runs them: `npm run migrate`.
        run(&dir, "npm", &["run", "migrate"], &env);
        run(&dir, "npx", &["next", "build"], &env);
        let mut next = Command::new("npx");
        next.args([
            "next",
            "start",
            "-H",
            "127.0.0.1",
            "-p",
            &web_port.to_string(),
        ])
        .current_dir(&dir)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
        let _next = ProcessGroup::start(next);
        wait_for_port(web_port);
        // The Rust API trusts the tokens of Better Auth at the Next.js origin, nothing else.
        let _api = Api::start_on(api_port, &format!("{web_url}/api/auth/jwks"), &web_url);
        let (ok, text) = node_test(
            &dir,
            "e2e/browser.test.mjs",
            &[
                ("BASE_URL", std::ffi::OsStr::new(&web_url)),
                ("CHROMIUM", std::ffi::OsStr::new(&browser)),
                ("SCREENSHOT_DIR", std::ffi::OsStr::new(&screenshots)),
            ],
        );
        (ok, text, screenshots)
    })
    .await
    .expect("join");
    let (ok, text, screenshots) = report;
    println!("{text}\nscreenshots: {}", screenshots.display());
    assert!(
        ok,
        "the browser test failed (screenshots in {}):\n{text}",
        screenshots.display()
    );
}
