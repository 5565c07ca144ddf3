//! examples/nextjs-neon end to end: the Rust backend on PostgreSQL, mailing through a real SMTP
//! server (maildev, tests/mail-catcher), the Next.js front end built and started for production,
//! and a real headless Chromium driving it as a person does
//! (examples/nextjs-neon/frontend/e2e/browser.test.mjs): register, verify by the mailed link,
//! forgot password, reset by the link, sign in with the new password, change of email, deletion;
//! with no social provider switched on, no "Continue with …" buttons. Screenshots of every step
//! are kept in target/tmp/nextjs-neon-screenshots. Social sign-in: nextjs_neon_social.rs.

mod support;

use auth_test_harness::browser::chromium;
use auth_test_harness::mail::MailCatcher;
use support::nextjs::{browser_story, install_frontend};
use support::{Server, command, free_port, fresh_dir};

#[tokio::test(flavor = "multi_thread")]
async fn a_person_registers_verifies_resets_the_password_and_signs_in_again_in_a_browser() {
    let browser = chromium();
    install_frontend();

    let database = auth_test_harness::postgres::fresh_database().await;
    // In a process group of its own, stopped when dropped (at the end, or on a panic).
    let catcher = MailCatcher::start();
    let (backend_port, frontend_port) = (free_port(), free_port());
    let frontend_url = format!("http://127.0.0.1:{frontend_port}");
    let backend_url = format!("http://127.0.0.1:{backend_port}");
    let mut backend = command(&fresh_dir(), backend_port);
    // The browser reaches the auth API through the front end's origin: that is the public URL.
    backend
        .env("DATABASE_URL", &database.url)
        .env("AUTH_BASE_URL", &frontend_url)
        // The email flows of the front end, as examples/nextjs-neon/backend/.env.example has them.
        .env("SMTP_URL", catcher.smtp_url())
        .env("APP_NAME", "Notes")
        .env("AUTH_REQUIRE_EMAIL_VERIFICATION", "on")
        .env("AUTH_AUTO_SIGN_IN_AFTER_VERIFICATION", "on")
        .env("AUTH_CHANGE_EMAIL", "on")
        .env("AUTH_DELETE_USER", "on");
    // The story expects a change of email mailed to the new address only, a deletion at once
    // (with the password), and no mail on a refused sign-in: whatever this shell exported.
    for name in [
        "AUTH_EMAIL_SEND_ON_SIGN_UP",
        "AUTH_EMAIL_SEND_ON_SIGN_IN",
        "AUTH_PASSWORD_RESET",
        "AUTH_CHANGE_EMAIL_CONFIRMATION",
        "AUTH_DELETE_USER_CONFIRMATION",
        "AUTH_RATE_LIMIT",
    ] {
        backend.env_remove(name);
    }
    let _backend = Server::start(backend, backend_port);

    let story = browser_story(
        backend_url,
        frontend_port,
        "e2e/browser.test.mjs",
        browser,
        "nextjs-neon-screenshots",
        vec![("MAILDEV_URL", catcher.web_url().into())],
    )
    .await;
    assert!(
        story.ok,
        "the browser test failed (screenshots in {}):\n{}",
        story.screenshots.display(),
        story.text
    );
}
