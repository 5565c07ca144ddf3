//! The email flows over HTTP (`AuthService`), as Better Auth answers them
//! (tests/conformance/fixtures/better-auth-1.7.25-email-transcripts.md), and where we are
//! stricter: mail goes through the store's outbox, which these tests read.

use std::sync::Arc;
use std::time::Duration;

use auth_core::Auth;
use auth_core::clock::ManualClock;
use auth_core::config::{AuthConfig, EmailFlows};
use auth_core::hash::{Argon2Hasher, Argon2Params, HashPool};
use auth_core::mail::{ConsoleMailer, MailKind, Message};
use auth_core::model::Timestamp;
use auth_core::rate_limit::RateLimit;
use auth_core::store::{MemoryStore, UserStore};
use auth_core::token::{JwtIssuer, JwtKey};
use http::StatusCode;
use serde_json::{Value, json};

mod common;
use common::wire::{Reply, cookie_header, get, json_request, send};

const SECRET: &str = "throwaway-reference-secret-0123456789abcdef0123456789abcdef";
const ORIGIN: &str = "http://127.0.0.1:3007";
const PASSWORD: &str = "correct horse battery";

struct Server {
    auth: Auth,
    store: Arc<MemoryStore>,
    clock: ManualClock,
}

fn server(flows: EmailFlows) -> Server {
    let config = AuthConfig::builder(SECRET, ORIGIN)
        .rate_limit(RateLimit::disabled())
        .email_flows(flows.response_floor(Duration::ZERO))
        .build()
        .expect("config");
    let clock = ManualClock::new(Timestamp::parse("2026-11-29T18:35:00.000Z").expect("time"));
    let store = Arc::new(MemoryStore::new());
    let auth = Auth::builder()
        .issuer(JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer"))
        .config(config)
        .store(Arc::clone(&store))
        .hasher(
            Argon2Hasher::new(Argon2Params::new(64, 1, 1), HashPool::new(2, 64)).expect("hasher"),
        )
        .clock(clock.clone())
        .mailer(ConsoleMailer::new())
        .build();
    Server { auth, store, clock }
}

/// Better Auth's configuration in the recording (section A–D).
fn recorded_flows() -> EmailFlows {
    EmailFlows::new()
        .require_verification(true)
        .auto_sign_in_after_verification(true)
        .change_email(true)
        .delete_user(true)
        .confirm_delete_by_email(true)
}

impl Server {
    async fn post(&self, path: &str, body: Value, headers: &[(&str, &str)]) -> Reply {
        send(&self.auth, json_request(path, &body, headers)).await
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        send(&self.auth, get(path, headers)).await
    }

    /// The mails committed since the last call, taken out of the outbox as sent.
    async fn mails(&self) -> Vec<Message> {
        self.store.take_mail()
    }

    async fn one_mail(&self, kind: MailKind, to: &str) -> Message {
        let mut mails = self.mails().await;
        assert_eq!(mails.len(), 1, "one mail: {mails:?}");
        let mail = mails.remove(0);
        assert_eq!((mail.kind, mail.to.as_str()), (kind, to));
        assert!(mail.text.contains(&mail.link) && mail.html.contains("href="));
        mail
    }

    async fn sign_up(&self, email: &str) -> Reply {
        let body = json!({"name": "Vera One", "email": email, "password": PASSWORD});
        self.post("/sign-up/email", body, &[]).await
    }

    async fn sign_in(&self, email: &str, password: &str) -> Reply {
        let body = json!({"email": email, "password": password});
        self.post("/sign-in/email", body, &[]).await
    }

    /// Signs up and verifies `email` by its mailed link: the cookie of the session it opens.
    async fn verified_user(&self, email: &str) -> String {
        self.sign_up(email).await;
        let mail = self.one_mail(MailKind::VerifyEmail, email).await;
        let opened = self.get(&path_of(&mail.link), &[]).await;
        assert_eq!(opened.status, StatusCode::FOUND);
        cookie_header(&opened)
    }
}

/// The path of a mailed link below the base path (`/verify-email?token=…`).
fn path_of(link: &str) -> String {
    link.strip_prefix(&format!("{ORIGIN}/api/auth"))
        .unwrap_or_else(|| panic!("a link under the base URL: {link}"))
        .to_owned()
}

/// `(status, code)` of an error answer.
fn refusal(reply: &Reply) -> (u16, String) {
    (
        reply.status.as_u16(),
        reply.json()["code"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn verification_required_sign_up_mails_a_link_and_sign_in_waits_for_it() {
    let s = server(recorded_flows());
    let signed_up = s.sign_up("ver1@example.com").await;
    assert_eq!(signed_up.status, StatusCode::OK);
    assert_eq!(signed_up.json()["token"], Value::Null);
    assert!(
        signed_up.cookies().is_empty(),
        "no session before verification"
    );
    let user_id = signed_up.json()["user"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mail = s.one_mail(MailKind::VerifyEmail, "ver1@example.com").await;
    assert!(mail.link.starts_with(&format!(
        "{ORIGIN}/api/auth/verify-email?token=eyJhbGciOiJIUzI1NiJ9."
    )));
    assert!(mail.link.ends_with("&callbackURL=%2F"), "{}", mail.link);

    // The right password reveals "not verified"; a wrong one does not.
    assert_eq!(
        refusal(&s.sign_in("ver1@example.com", PASSWORD).await),
        (403, "EMAIL_NOT_VERIFIED".into())
    );
    assert_eq!(
        refusal(&s.sign_in("ver1@example.com", "wrong password").await),
        (401, "INVALID_EMAIL_OR_PASSWORD".into())
    );
    // A duplicate answers like a new user, stores nothing and mails nothing.
    let duplicate = s.sign_up("ver1@example.com").await;
    assert_eq!(duplicate.status, StatusCode::OK);
    assert_ne!(duplicate.json()["user"]["id"], user_id.as_str());
    assert!(s.mails().await.is_empty());

    let link = path_of(&mail.link).replace("callbackURL=%2F", "callbackURL=%2Fverified");
    let opened = s.get(&link, &[]).await;
    assert_eq!(opened.status, StatusCode::FOUND);
    assert_eq!(opened.header("location"), Some("/verified"));
    assert_eq!(opened.header("content-type"), Some("application/json"));
    assert!(opened.body.is_empty());
    let cookie = cookie_header(&opened);
    let session = s.get("/get-session", &[("cookie", &cookie)]).await;
    assert_eq!(session.json()["user"]["emailVerified"], true);
    assert_eq!(
        s.sign_in("ver1@example.com", PASSWORD).await.status,
        StatusCode::OK
    );

    // The link again: nothing to do, no new session.
    let again = s.get(&link, &[]).await;
    assert_eq!(
        (again.status, again.header("location")),
        (StatusCode::FOUND, Some("/verified"))
    );
    assert!(again.cookies().is_empty());
    let json = s
        .get(&path_of(&mail.link).replace("&callbackURL=%2F", ""), &[])
        .await;
    assert_eq!(json.body, r#"{"status":true,"user":null}"#);
}

#[tokio::test]
async fn verification_links_that_do_not_work_say_why() {
    let s = server(recorded_flows());
    s.sign_up("late@example.com").await;
    let mail = s.one_mail(MailKind::VerifyEmail, "late@example.com").await;
    let garbage = s.get("/verify-email?token=not-a-jwt", &[]).await;
    assert_eq!(refusal(&garbage), (401, "INVALID_TOKEN".into()));
    let redirected = s
        .get(
            "/verify-email?token=not-a-jwt&callbackURL=%2Fv%3Fa%3D1%23top",
            &[],
        )
        .await;
    assert_eq!(
        redirected.header("location"),
        Some("/v?a=1&error=INVALID_TOKEN#top")
    );
    let foreign = s
        .get(
            "/verify-email?token=x&callbackURL=https%3A%2F%2Fevil.example%2F",
            &[],
        )
        .await;
    assert_eq!(refusal(&foreign), (403, "INVALID_CALLBACK_URL".into()));
    // A link for an address nobody has (the user signed up elsewhere, then left): made with
    // the same secret, it verifies, and names the problem.
    s.clock.advance(Duration::from_secs(3601));
    let expired = s
        .get(&path_of(&mail.link).replace("&callbackURL=%2F", ""), &[])
        .await;
    assert_eq!(refusal(&expired), (401, "TOKEN_EXPIRED".into()));
}

#[tokio::test]
async fn send_verification_email_answers_alike_for_every_address_without_a_session() {
    let s = server(recorded_flows());
    s.sign_up("known@example.com").await;
    s.mails().await;
    for email in [
        "known@example.com",
        "KNOWN@example.com",
        "nobody@example.com",
    ] {
        let reply = s
            .post("/send-verification-email", json!({"email": email}), &[])
            .await;
        assert_eq!(reply.body, r#"{"status":true}"#, "{email}");
    }
    // The known (unverified) address, in either case, got a link; the unknown one nothing.
    let mails = s.mails().await;
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().all(|m| m.to == "known@example.com"));
    let bad = s
        .post(
            "/send-verification-email",
            json!({"email": "not an email"}),
            &[],
        )
        .await;
    assert_eq!(bad.json()["message"], "[body.email] Invalid email address");
}

#[tokio::test]
async fn the_anti_enumeration_answers_take_the_floor_for_known_and_unknown_addresses() {
    let config = AuthConfig::builder(SECRET, ORIGIN)
        .rate_limit(RateLimit::disabled())
        .email_flows(EmailFlows::new().response_floor(Duration::from_millis(300)))
        .build()
        .expect("config");
    let auth = Auth::builder()
        .issuer(JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer"))
        .config(config)
        .store(MemoryStore::new())
        .hasher(
            Argon2Hasher::new(Argon2Params::new(64, 1, 1), HashPool::new(2, 64)).expect("hasher"),
        )
        .mailer(ConsoleMailer::new())
        .build();
    let body = json!({"name": "K", "email": "k@example.com", "password": PASSWORD});
    send(&auth, json_request("/sign-up/email", &body, &[])).await;
    for (path, email) in [
        ("/send-verification-email", "k@example.com"),
        ("/send-verification-email", "nobody@example.com"),
        ("/request-password-reset", "k@example.com"),
        ("/request-password-reset", "nobody@example.com"),
    ] {
        let started = std::time::Instant::now();
        let reply = send(&auth, json_request(path, &json!({"email": email}), &[])).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{path} {email} answered before the floor"
        );
    }
}

#[tokio::test]
async fn send_verification_email_with_a_session_checks_the_address() {
    let s = server(EmailFlows::new());
    let signed_up = s.sign_up("self@example.com").await;
    let cookie = cookie_header(&signed_up);
    let headers = [("cookie", cookie.as_str()), ("origin", ORIGIN)];
    let other = s
        .post(
            "/send-verification-email",
            json!({"email": "other@example.com"}),
            &headers,
        )
        .await;
    assert_eq!(refusal(&other), (400, "EMAIL_MISMATCH".into()));
    let own = s
        .post(
            "/send-verification-email",
            json!({"email": "self@example.com"}),
            &headers,
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
    let mail = s.one_mail(MailKind::VerifyEmail, "self@example.com").await;
    s.get(&path_of(&mail.link), &[]).await;
    let again = s
        .post(
            "/send-verification-email",
            json!({"email": "self@example.com"}),
            &headers,
        )
        .await;
    assert_eq!(refusal(&again), (400, "EMAIL_ALREADY_VERIFIED".into()));
    let no_origin = s
        .post(
            "/send-verification-email",
            json!({"email": "self@example.com"}),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(refusal(&no_origin), (403, "MISSING_OR_NULL_ORIGIN".into()));
}

#[tokio::test]
async fn a_password_reset_works_once_and_ends_every_session_and_other_token() {
    let s = server(recorded_flows());
    let cookie = s.verified_user("reset@example.com").await;
    let request = |redirect: Option<&str>| {
        let mut body = json!({"email": "reset@example.com"});
        if let Some(to) = redirect {
            body["redirectTo"] = json!(to);
        }
        body
    };
    let first = s
        .post("/request-password-reset", request(Some("/reset")), &[])
        .await;
    assert_eq!(
        first.body,
        r#"{"status":true,"message":"If this email exists in our system, check your email for the reset link"}"#
    );
    let first = s
        .one_mail(MailKind::ResetPassword, "reset@example.com")
        .await;
    let unknown = s
        .post(
            "/request-password-reset",
            json!({"email": "nobody@example.com"}),
            &[],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(s.mails().await.is_empty());
    s.post("/request-password-reset", request(Some("/reset")), &[])
        .await;
    let second = s
        .one_mail(MailKind::ResetPassword, "reset@example.com")
        .await;

    let (token_path, query) = path_of(&first.link)
        .split_once('?')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .expect("query");
    assert_eq!(query, "callbackURL=%2Freset");
    let token = token_path.trim_start_matches("/reset-password/").to_owned();
    assert_eq!(token.len(), 24);
    let followed = s.get(&path_of(&first.link), &[]).await;
    assert_eq!(
        followed.header("location"),
        Some(format!("{ORIGIN}/reset?token={token}").as_str())
    );
    let foreign = s
        .get(
            &format!("/reset-password/{token}?callbackURL=http%3A%2F%2Fevil.example%2Freset"),
            &[],
        )
        .await;
    assert_eq!(refusal(&foreign), (403, "INVALID_CALLBACK_URL".into()));

    let short = s
        .post(
            "/reset-password",
            json!({"newPassword": "short", "token": token}),
            &[],
        )
        .await;
    assert_eq!(refusal(&short), (400, "PASSWORD_TOO_SHORT".into()));
    let none = s
        .post(
            "/reset-password",
            json!({"newPassword": "a new password"}),
            &[],
        )
        .await;
    assert_eq!(refusal(&none), (400, "INVALID_TOKEN".into()));
    let reset = s
        .post(
            "/reset-password",
            json!({"newPassword": "a new password", "token": token}),
            &[],
        )
        .await;
    assert_eq!(reset.body, r#"{"status":true}"#);
    assert!(reset.cookies().is_empty(), "a reset does not sign in");

    // Used once; the other outstanding link died with it; every session ended.
    let reused = s
        .post(
            "/reset-password",
            json!({"newPassword": "another password", "token": token}),
            &[],
        )
        .await;
    assert_eq!(refusal(&reused), (400, "INVALID_TOKEN".into()));
    let second_token = path_of(&second.link)
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_start_matches("/reset-password/")
        .to_owned();
    let other = s
        .post(
            &format!("/reset-password?token={second_token}"),
            json!({"newPassword": "another password"}),
            &[],
        )
        .await;
    assert_eq!(refusal(&other), (400, "INVALID_TOKEN".into()));
    let used_link = s.get(&path_of(&first.link), &[]).await;
    assert_eq!(
        used_link.header("location"),
        Some(format!("{ORIGIN}/reset?error=INVALID_TOKEN").as_str())
    );
    let session = s.get("/get-session", &[("cookie", &cookie)]).await;
    assert_eq!(session.body, "null");
    assert_eq!(
        refusal(&s.sign_in("reset@example.com", PASSWORD).await),
        (401, "INVALID_EMAIL_OR_PASSWORD".into())
    );
    assert_eq!(
        s.sign_in("reset@example.com", "a new password")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_reset_link_without_a_callback_lands_on_the_error_page() {
    let s = server(recorded_flows());
    s.verified_user("nocb@example.com").await;
    s.post(
        "/request-password-reset",
        json!({"email": "nocb@example.com"}),
        &[],
    )
    .await;
    let mail = s
        .one_mail(MailKind::ResetPassword, "nocb@example.com")
        .await;
    assert!(mail.link.ends_with("?callbackURL="), "{}", mail.link);
    let followed = s.get(&path_of(&mail.link), &[]).await;
    assert_eq!(
        followed.header("location"),
        Some(format!("{ORIGIN}/api/auth/error?error=INVALID_TOKEN").as_str())
    );
    let page = s.get("/error?error=INVALID_TOKEN", &[]).await;
    assert_eq!(page.header("content-type"), Some("text/html"));
    assert!(String::from_utf8_lossy(&page.body).contains("INVALID_TOKEN"));
    let missing = s.get("/reset-password/abc", &[]).await;
    assert_eq!(
        missing.json()["message"],
        "[query.callbackURL] Invalid input: expected string, received undefined"
    );
}

#[tokio::test]
async fn change_email_by_a_link_to_the_new_address() {
    let s = server(recorded_flows());
    let cookie = s.verified_user("change@example.com").await;
    s.verified_user("taken@example.com").await;
    let headers = [("cookie", cookie.as_str()), ("origin", ORIGIN)];
    let same = s
        .post(
            "/change-email",
            json!({"newEmail": "CHANGE@example.com"}),
            &headers,
        )
        .await;
    assert_eq!(
        (same.status.as_u16(), same.body.as_ref()),
        (400, &br#"{"message":"Email is the same"}"#[..])
    );
    let taken = s
        .post(
            "/change-email",
            json!({"newEmail": "taken@example.com"}),
            &headers,
        )
        .await;
    assert_eq!(taken.body, r#"{"status":true}"#);
    assert!(
        s.mails().await.is_empty(),
        "nothing sent for a taken address"
    );
    let anonymous = s
        .post("/change-email", json!({"newEmail": "new@example.com"}), &[])
        .await;
    assert_eq!(refusal(&anonymous), (401, "UNAUTHORIZED".into()));

    let asked = s
        .post(
            "/change-email",
            json!({"newEmail": "new@example.com", "callbackURL": "/settings"}),
            &headers,
        )
        .await;
    assert_eq!(asked.body, r#"{"status":true}"#);
    let mail = s
        .one_mail(MailKind::ChangeEmailVerification, "new@example.com")
        .await;
    assert!(mail.link.ends_with("&callbackURL=%2Fsettings"));
    // Another user's session may not complete it.
    let intruder = s.verified_user("intruder@example.com").await;
    let refused = s.get(&path_of(&mail.link), &[("cookie", &intruder)]).await;
    assert_eq!(
        refused.header("location"),
        Some("/settings?error=INVALID_USER")
    );
    let done = s.get(&path_of(&mail.link), &[("cookie", &cookie)]).await;
    assert_eq!(done.header("location"), Some("/settings"));
    let session = s.get("/get-session", &[("cookie", &cookie)]).await;
    assert_eq!(session.json()["user"]["email"], "new@example.com");
    assert_eq!(session.json()["user"]["emailVerified"], true);
    let stale = s.get(&path_of(&mail.link), &[("cookie", &cookie)]).await;
    assert_eq!(
        stale.header("location"),
        Some("/settings?error=INVALID_TOKEN")
    );
    assert_eq!(
        s.sign_in("new@example.com", PASSWORD).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn change_email_is_off_by_default() {
    let s = server(EmailFlows::new());
    let cookie = cookie_header(&s.sign_up("off@example.com").await);
    let reply = s
        .post(
            "/change-email",
            json!({"newEmail": "x@example.com"}),
            &[("cookie", &cookie), ("origin", ORIGIN)],
        )
        .await;
    assert_eq!(refusal(&reply), (400, "CHANGE_EMAIL_DISABLED".into()));
    let deleted = s
        .post(
            "/delete-user",
            json!({}),
            &[("cookie", &cookie), ("origin", ORIGIN)],
        )
        .await;
    assert_eq!(refusal(&deleted), (404, "NOT_FOUND".into()));
}

#[tokio::test]
async fn a_deletion_link_works_only_for_its_owner_and_only_once() {
    let s = server(recorded_flows());
    let owner = s.verified_user("del1@example.com").await;
    let other = s.verified_user("del2@example.com").await;
    let wrong = s
        .post(
            "/delete-user",
            json!({"password": "wrong password"}),
            &[("cookie", &owner), ("origin", ORIGIN)],
        )
        .await;
    assert_eq!(refusal(&wrong), (400, "INVALID_PASSWORD".into()));
    let asked = s
        .post(
            "/delete-user",
            json!({"callbackURL": "/goodbye"}),
            &[("cookie", &owner), ("origin", ORIGIN)],
        )
        .await;
    assert_eq!(
        asked.body,
        r#"{"success":true,"message":"Verification email sent"}"#
    );
    let mail = s
        .one_mail(MailKind::DeleteAccount, "del1@example.com")
        .await;
    let link = path_of(&mail.link);
    assert!(link.ends_with("&callbackURL=%2Fgoodbye"), "{link}");

    let anonymous = s.get(&link, &[]).await;
    assert_eq!(refusal(&anonymous), (404, "FAILED_TO_GET_USER_INFO".into()));
    // Opened by someone else: refused, and still the owner's to use (Better Auth burns it).
    let intruder = s.get(&link, &[("cookie", &other)]).await;
    assert_eq!(refusal(&intruder), (404, "INVALID_TOKEN".into()));
    let deleted = s.get(&link, &[("cookie", &owner)]).await;
    assert_eq!(
        (deleted.status, deleted.header("location")),
        (StatusCode::FOUND, Some("/goodbye"))
    );
    assert_eq!(
        deleted.cookies().len(),
        3,
        "the session cookies are cleared"
    );
    assert_eq!(
        s.get("/get-session", &[("cookie", &owner)]).await.body,
        "null"
    );
    assert_eq!(
        refusal(&s.sign_in("del1@example.com", PASSWORD).await),
        (401, "INVALID_EMAIL_OR_PASSWORD".into())
    );
    assert!(
        s.store
            .find_user_by_email(&auth_core::model::Email::parse("del1@example.com").expect("email"))
            .await
            .expect("lookup")
            .is_none()
    );
}
