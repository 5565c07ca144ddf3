//! examples/nextjs-neon's two-factor authentication end to end: the Rust backend on PostgreSQL
//! with `AUTH_TWO_FACTOR=on`, mailing sign-in codes through a real SMTP server (maildev), the
//! Next.js front end built and started for production, and a real headless Chromium
//! (examples/nextjs-neon/frontend/e2e/two-factor.test.mjs): the security page turns it on (QR
//! code, key, backup codes), sign-in asks for the second step, a code with "trust this device",
//! the trusted device skips it, another browser uses a backup code and a code by email, and it
//! is turned off. Screenshots of every step are kept in
//! target/tmp/nextjs-neon-two-factor-screenshots.

mod support;

use auth_test_harness::browser::chromium;
use auth_test_harness::mail::MailCatcher;
use support::nextjs::{browser_story, install_frontend};
use support::{Server, command, free_port, fresh_dir};

#[tokio::test(flavor = "multi_thread")]
async fn a_person_turns_on_two_factor_and_signs_in_with_it_in_a_browser() {
    let browser = chromium();
    install_frontend();

    let database = auth_test_harness::postgres::fresh_database().await;
    let catcher = MailCatcher::start();
    let (backend_port, frontend_port) = (free_port(), free_port());
    let frontend_url = format!("http://127.0.0.1:{frontend_port}");
    let backend_url = format!("http://127.0.0.1:{backend_port}");
    let mut backend = command(&fresh_dir(), backend_port);
    // As examples/nextjs-neon/backend/.env.example has it.
    backend
        .env("DATABASE_URL", &database.url)
        .env("AUTH_BASE_URL", &frontend_url)
        .env("SMTP_URL", catcher.smtp_url())
        .env("APP_NAME", "Notes")
        .env("AUTH_TWO_FACTOR", "on")
        .env("AUTH_TWO_FACTOR_ISSUER", "Notes")
        .env("AUTH_TWO_FACTOR_PAGE", "/two-factor");
    for name in ["AUTH_REQUIRE_EMAIL_VERIFICATION", "AUTH_RATE_LIMIT"] {
        backend.env_remove(name);
    }
    let _backend = Server::start(backend, backend_port);

    let story = browser_story(
        backend_url,
        frontend_port,
        "e2e/two-factor.test.mjs",
        browser,
        "nextjs-neon-two-factor-screenshots",
        vec![("MAILDEV_URL", catcher.web_url().into())],
    )
    .await;
    assert!(
        story.ok,
        "the browser test failed (screenshots in {}):\n{}",
        story.screenshots.display(),
        story.text
    );
    // The database: two-factor off again, no secret left.
    assert_eq!(database.count("twoFactor").await, 0);
}
