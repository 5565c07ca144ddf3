//! Mail from the example server on PostgreSQL through a real SMTP server (maildev, started from
//! tests/mail-catcher): the mails arrive and their links work; a reset requested while the
//! mail server is down is answered at once and delivered when it returns; two instances on one
//! database send each mail once; TLS and a login work, with a private CA, and a wrong password
//! is a refusal that is reported, not retried forever.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use auth_test_harness::mail::{CaughtMail, MailCatcher};
use support::{Server, command, free_port, fresh_dir};

const PASSWORD: &str = "correct horse battery";
const JSON: (&str, &str) = ("content-type", "application/json");

fn instance(database: &str, catcher: &MailCatcher, env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let mut cmd = command(&fresh_dir(), port);
    cmd.env("DATABASE_URL", database)
        .env("AUTH_SECRET", "mail-delivery-secret-0123456789abcdef0123")
        .env("AUTH_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env("SMTP_URL", catcher.smtp_url())
        .env("MAIL_FROM", "Example <no-reply@example.test>")
        // Retries come quickly in the test: the outage is seconds, not minutes.
        .env("MAIL_RETRY_MAX", "1s")
        .envs(env.iter().copied());
    Server::start(cmd, port)
}

/// The path and query of a mailed link (it points at the server that mailed it).
fn path_of(mail: &CaughtMail) -> String {
    let link = mail.link();
    let after_scheme = link.trim_start_matches("http://");
    after_scheme[after_scheme.find('/').expect("a path")..].to_owned()
}

fn sign_up(server: &Server, email: &str) -> support::Reply {
    let body = format!(r#"{{"name":"Ada","email":"{email}","password":"{PASSWORD}"}}"#);
    server.request(
        "POST",
        "/api/auth/sign-up/email",
        &[JSON],
        Some(body.as_bytes()),
    )
}

fn sign_in(server: &Server, email: &str, password: &str) -> u16 {
    let body = format!(r#"{{"email":"{email}","password":"{password}"}}"#);
    server
        .request(
            "POST",
            "/api/auth/sign-in/email",
            &[JSON],
            Some(body.as_bytes()),
        )
        .status
}

fn request_reset(server: &Server, email: &str) {
    let body = format!(r#"{{"email":"{email}","redirectTo":"/reset"}}"#);
    let reply = server.request(
        "POST",
        "/api/auth/request-password-reset",
        &[JSON],
        Some(body.as_bytes()),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
}

/// Follows a reset link to the token it hands the front end, and sets `password` with it.
fn reset_by_link(server: &Server, mail: &CaughtMail, password: &str) {
    let followed = server.request("GET", &path_of(mail), &[], None);
    assert_eq!(followed.status, 302, "{}", followed.text());
    let location = followed.header("location").expect("location");
    let token = location
        .split("token=")
        .nth(1)
        .expect("a token in the redirect");
    let body = format!(r#"{{"newPassword":"{password}","token":"{token}"}}"#);
    let reset = server.request(
        "POST",
        "/api/auth/reset-password",
        &[JSON],
        Some(body.as_bytes()),
    );
    assert_eq!(reset.status, 200, "{}", reset.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_and_reset_mails_arrive_and_their_links_work() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let catcher = MailCatcher::start();
    let server = instance(
        &database.url,
        &catcher,
        &[
            ("AUTH_REQUIRE_EMAIL_VERIFICATION", "on"),
            ("AUTH_AUTO_SIGN_IN_AFTER_VERIFICATION", "on"),
        ],
    );
    let up = sign_up(&server, "ada@example.com");
    assert_eq!(up.status, 200, "{}", up.text());
    assert_eq!(up.json()["token"], serde_json::Value::Null);
    assert_eq!(sign_in(&server, "ada@example.com", PASSWORD), 403);

    let verify = catcher
        .wait_for("ada@example.com", 1, Duration::from_secs(30))
        .remove(0);
    assert!(
        verify.subject.starts_with("Verify your email address"),
        "{}",
        verify.subject
    );
    assert!(verify.html.contains("href="), "an HTML part");
    assert!(!verify.message_id.is_empty());
    let opened = server.request("GET", &path_of(&verify), &[], None);
    assert_eq!((opened.status, opened.header("location")), (302, Some("/")));
    let session = server.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &opened.cookie_pair())],
        None,
    );
    assert_eq!(
        session.json()["user"]["emailVerified"],
        true,
        "{}",
        session.text()
    );

    request_reset(&server, "ada@example.com");
    request_reset(&server, "nobody@example.com");
    let mails = catcher.wait_for("ada@example.com", 2, Duration::from_secs(30));
    reset_by_link(&server, &mails[1], "a brand new password");
    assert_eq!(sign_in(&server, "ada@example.com", PASSWORD), 401);
    assert_eq!(
        sign_in(&server, "ada@example.com", "a brand new password"),
        200
    );
    assert!(
        catcher
            .messages()
            .iter()
            .all(|m| !m.to.iter().any(|t| t == "nobody@example.com")),
        "nothing for an unknown address"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_requested_while_smtp_is_down_arrives_when_it_is_back() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let catcher = MailCatcher::start();
    let server = instance(&database.url, &catcher, &[]);
    assert_eq!(sign_up(&server, "bob@example.com").status, 200);

    catcher.stop();
    request_reset(&server, "bob@example.com");
    // The worker tries, fails and keeps the mail; the request was answered already.
    server.wait_for("mail not sent; will retry");
    std::thread::sleep(Duration::from_secs(2));
    catcher.restart();
    let mails = catcher.wait_for("bob@example.com", 1, Duration::from_secs(30));
    reset_by_link(&server, &mails[0], "another good password");
    assert_eq!(
        sign_in(&server, "bob@example.com", "another good password"),
        200
    );
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(catcher.messages().len(), 1, "sent once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_send_each_mail_once() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let catcher = MailCatcher::start();
    let a = instance(&database.url, &catcher, &[]);
    let b = instance(&database.url, &catcher, &[]);
    let addresses: Vec<String> = (0..12).map(|n| format!("user{n}@example.com")).collect();
    for address in &addresses {
        assert_eq!(sign_up(&a, address).status, 200);
    }
    // Queued through both while the mail server is down, so that both workers hold the same
    // due mails when it comes back.
    catcher.stop();
    for (n, address) in addresses.iter().enumerate() {
        request_reset(if n % 2 == 0 { &a } else { &b }, address);
    }
    std::thread::sleep(Duration::from_secs(2));
    catcher.restart();
    for address in &addresses {
        catcher.wait_for(address, 1, Duration::from_secs(30));
    }
    // Time for a second copy to show up, if either instance were to send one.
    std::thread::sleep(Duration::from_secs(4));
    let mut per_address: BTreeMap<String, usize> = BTreeMap::new();
    for mail in catcher.messages() {
        for to in mail.to {
            *per_address.entry(to).or_default() += 1;
        }
    }
    assert_eq!(per_address.len(), addresses.len());
    assert!(per_address.values().all(|n| *n == 1), "{per_address:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtps_with_a_login_and_a_private_ca() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let catcher = MailCatcher::start_secure("mailer", "s3cret pass");
    let ca = catcher.ca_file();
    let url = catcher.smtp_url().replace("s3cret pass", "s3cret%20pass");
    let server = instance(
        &database.url,
        &catcher,
        &[
            ("SMTP_URL", url.as_str()),
            ("SMTP_CA_FILE", ca.to_str().expect("utf-8 path")),
        ],
    );
    assert_eq!(sign_up(&server, "tls@example.com").status, 200);
    request_reset(&server, "tls@example.com");
    catcher.wait_for("tls@example.com", 1, Duration::from_secs(30));

    // The same server with a wrong password: the mail is refused for good (535) and stays in
    // the outbox, marked failed, instead of being retried forever; the log says why.
    let wrong = catcher.smtp_url().replace("s3cret pass", "wrong");
    let refused = instance(
        &database.url,
        &catcher,
        &[
            ("SMTP_URL", wrong.as_str()),
            ("SMTP_CA_FILE", ca.to_str().expect("utf-8 path")),
        ],
    );
    drop(server);
    request_reset(&refused, "tls@example.com");
    refused.wait_for("mail refused for good");
    assert_eq!(catcher.messages().len(), 1);
    assert_eq!(database.count("mailOutbox").await, 1, "kept, marked failed");
}
