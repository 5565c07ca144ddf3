//! Two-factor authentication over the protocol (`AuthService`, in-memory store, a manual clock
//! so that TOTP steps are chosen, not waited for): enable → confirm → sign-in challenge →
//! verify by TOTP, backup code and emailed code → trusted device → disable; and what an
//! attacker tries: wrong, replayed and foreign codes, forged and foreign cookies, brute force
//! against the attempt limit and the lockout.

use std::sync::Arc;
use std::time::Duration;

use auth_conformance::browser::{Answer, Browser};
use auth_core::Auth;
use auth_core::clock::ManualClock;
use auth_core::config::{AuthConfig, TwoFactorOptions};
use auth_core::mail::{ConsoleMailer, MailKind};
use auth_core::model::Timestamp;
use auth_core::rate_limit::RateLimit;
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use auth_core::two_factor::{Totp, TotpSecret};
use http::StatusCode;
use serde_json::{Value, json};

const SECRET: &str = "two-factor-test-secret-0123456789abcdef0123";
const ORIGIN: &str = "http://127.0.0.1:3000";
const PASSWORD: &str = "correct horse battery";

/// A browser on ORIGIN whose requests come from loopback (so the rate limits by address apply).
fn new_browser(auth: &Auth) -> Browser {
    Browser::new(auth, ORIGIN).from_address(std::net::Ipv4Addr::LOCALHOST.into())
}

async fn sign_in(browser: &mut Browser, email: &str) -> Answer {
    browser
        .post(
            "/api/auth/sign-in/email",
            json!({"email": email, "password": PASSWORD}),
        )
        .await
}

struct Setup {
    auth: Auth,
    store: Arc<MemoryStore>,
    clock: ManualClock,
}

fn setup(options: Option<TwoFactorOptions>) -> Setup {
    setup_with(options, RateLimit::disabled())
}

fn setup_with(options: Option<TwoFactorOptions>, limits: RateLimit) -> Setup {
    let mut builder = AuthConfig::builder(SECRET, ORIGIN).rate_limit(limits);
    if let Some(options) = options {
        builder = builder.two_factor(options);
    }
    let config = builder.build().expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    let store = Arc::new(MemoryStore::new());
    // In the middle of a 30-second step, so that "the next step" is exactly 30 s away.
    let clock = ManualClock::new(Timestamp::from_unix_millis(1_800_000_015_000).expect("time"));
    let auth = Auth::builder()
        .config(config)
        .store(store.clone())
        .issuer(issuer)
        .default_hasher()
        .clock(clock.clone())
        .mailer(ConsoleMailer::new())
        .build();
    Setup { auth, store, clock }
}

fn two_factor_on() -> Setup {
    setup(Some(TwoFactorOptions::new("Example")))
}

impl Setup {
    fn now(&self) -> Timestamp {
        use auth_core::clock::Clock;
        self.clock.now()
    }

    fn next_step(&self) {
        self.clock.advance(Duration::from_secs(30));
    }

    /// The emailed sign-in codes since the last call.
    fn codes(&self) -> Vec<(String, String)> {
        self.store
            .take_mail()
            .into_iter()
            .filter(|m| m.kind == MailKind::TwoFactorOtp)
            .map(|m| (m.to.clone(), m.link.clone()))
            .collect()
    }
}

/// The authenticator: the secret read from the `otpauth://` URI, as an app scanning it would.
fn authenticator(uri: &str) -> Totp {
    let query = uri.split_once('?').expect("query").1;
    let base32 = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "secret")
        .expect("secret")
        .1
        .into_owned();
    Totp::new(&TotpSecret::new(format!("base32:{base32}"))).expect("secret")
}

async fn signed_up(s: &Setup, email: &str) -> Browser {
    let mut browser = new_browser(&s.auth);
    browser
        .post(
            "/api/auth/sign-up/email",
            json!({"name": "Ada", "email": email, "password": PASSWORD}),
        )
        .await
        .ok();
    browser
}

/// Signs up, enables and confirms TOTP; returns the browser (signed in), the authenticator
/// and the backup codes.
async fn enrolled(s: &Setup, email: &str) -> (Browser, Totp, Vec<String>) {
    let mut browser = signed_up(s, email).await;
    let (totp, codes) = set_up_totp(s, &mut browser).await;
    (browser, totp, codes)
}

/// Enables and confirms TOTP for the browser's user; returns the authenticator and the backup
/// codes.
async fn set_up_totp(s: &Setup, browser: &mut Browser) -> (Totp, Vec<String>) {
    let enabled = browser
        .post("/api/auth/two-factor/enable", json!({"password": PASSWORD}))
        .await
        .ok();
    let totp = authenticator(enabled["totpURI"].as_str().expect("uri"));
    let codes: Vec<String> = serde_json::from_value(enabled["backupCodes"].clone()).expect("codes");
    let code = totp.code_at(s.now());
    verify_totp(browser, code.as_str()).await.ok();
    s.next_step();
    (totp, codes)
}

#[tokio::test]
async fn enable_confirm_challenge_trust_backup_otp_disable() {
    let s = two_factor_on();
    let mut browser = signed_up(&s, "ada@example.com").await;
    let raw = browser.send("GET", "/api/auth/get-session", None).await;
    assert_eq!(raw.json()["user"]["twoFactorEnabled"], false);
    // Better Auth's key order: the plugin's field between updatedAt and id.
    let text = String::from_utf8_lossy(&raw.body);
    assert!(
        text.contains(r#","twoFactorEnabled":false,"id":"#) && text.contains(r#""updatedAt":"#),
        "{text}"
    );

    browser
        .post(
            "/api/auth/two-factor/enable",
            json!({"password": "wrong password"}),
        )
        .await
        .refused(400, "INVALID_PASSWORD");
    browser
        .post(
            "/api/auth/two-factor/enable",
            json!({"password": PASSWORD, "method": "sms"}),
        )
        .await
        .refused(400, "VALIDATION_ERROR");
    let enabled = browser
        .post("/api/auth/two-factor/enable", json!({"password": PASSWORD}))
        .await
        .ok();
    assert_eq!(enabled["method"], "totp");
    let uri = enabled["totpURI"].as_str().expect("uri");
    assert!(
        uri.starts_with("otpauth://totp/Example:ada%40example.com?secret="),
        "{uri}"
    );
    let codes = enabled["backupCodes"].as_array().expect("codes");
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| {
        let c = c.as_str().unwrap_or_default();
        c.len() == 11 && c.as_bytes()[5] == b'-'
    }));
    // get-totp-uri names the same issuer as enable (Better Auth's names the app instead).
    let again = browser
        .post(
            "/api/auth/two-factor/get-totp-uri",
            json!({"password": PASSWORD}),
        )
        .await
        .ok();
    assert_eq!(again["totpURI"], uri);

    // Not on until a code is verified: sign-in still answers a session.
    let totp = authenticator(uri);
    let mut other = new_browser(&s.auth);
    assert!(sign_in(&mut other, "ada@example.com").await.ok()["token"].is_string());
    // Backup codes do not work before the authenticator is confirmed.
    browser
        .post(
            "/api/auth/two-factor/verify-backup-code",
            json!({"code": codes[0].as_str()}),
        )
        .await
        .refused(400, "BACKUP_CODES_NOT_ENABLED");

    verify_totp(&mut browser, "000000")
        .await
        .refused(401, "INVALID_CODE");
    let old_token = browser.session().await["session"]["token"].clone();
    let code = totp.code_at(s.now());
    let confirmed = verify_totp(&mut browser, code.as_str()).await;
    let body = confirmed.ok();
    // The new session's token in the body (Better Auth answers the deleted one's).
    assert_ne!(body["token"], old_token);
    assert_eq!(body["user"]["twoFactorEnabled"], true);
    let header = confirmed
        .headers
        .get("set-auth-token")
        .and_then(|v| v.to_str().ok())
        .expect("set-auth-token");
    assert!(header.starts_with(body["token"].as_str().expect("token")));
    assert_eq!(browser.session().await["session"]["token"], body["token"]);
    browser
        .post("/api/auth/two-factor/enable", json!({"password": PASSWORD}))
        .await
        .refused(400, "TOTP_ALREADY_ENABLED");

    // The challenge: no session, no token, the two_factor cookie.
    let mut phone = new_browser(&s.auth);
    let challenge = sign_in(&mut phone, "ada@example.com").await;
    assert_eq!(
        challenge.ok(),
        json!({"twoFactorRedirect": true, "twoFactorMethods": ["totp", "otp"]})
    );
    assert!(challenge.headers.get("set-auth-token").is_none());
    assert!(phone.has("two_factor"));
    assert!(!phone.has("session_token"));
    assert_eq!(phone.session().await, Value::Null);
    // The code that confirmed the authenticator cannot be replayed (same step).
    verify_totp(&mut phone, code.as_str())
        .await
        .refused(401, "INVALID_CODE");
    s.next_step();
    let code = totp.code_at(s.now());
    let signed = phone
        .post(
            "/api/auth/two-factor/verify-totp",
            json!({"code": code.as_str(), "trustDevice": true}),
        )
        .await;
    let body = signed.ok();
    assert_eq!(body["user"]["email"], "ada@example.com");
    assert!(!phone.has("two_factor"), "{:?}", signed.set_cookies());
    assert!(phone.has("trust_device"));
    assert_eq!(phone.session().await["session"]["token"], body["token"]);
    // Used: the same code again, on a new challenge, is refused.
    let mut tablet = new_browser(&s.auth);
    sign_in(&mut tablet, "ada@example.com").await.ok();
    verify_totp(&mut tablet, code.as_str())
        .await
        .refused(401, "INVALID_CODE");

    // The trusted device signs in without the second factor, and its cookie rotates.
    let old_trust = phone.cookie("trust_device").expect("trust");
    phone.post("/api/auth/sign-out", json!({})).await.ok();
    let trusted = sign_in(&mut phone, "ada@example.com").await.ok();
    assert!(trusted["token"].is_string(), "{trusted}");
    let new_trust = phone.cookie("trust_device").expect("trust");
    assert_ne!(old_trust, new_trust);
    // The rotated-away value is dead: a copy of it gets the challenge, and loses the cookie.
    let mut copy = new_browser(&s.auth);
    copy.cookies
        .insert("better-auth.trust_device".into(), old_trust);
    let answer = sign_in(&mut copy, "ada@example.com").await;
    assert_eq!(answer.ok()["twoFactorRedirect"], true);
    assert!(!copy.has("trust_device"));

    // A backup code answers the challenge once.
    let code = codes[3].as_str().expect("code");
    copy.post(
        "/api/auth/two-factor/verify-backup-code",
        json!({"code": code}),
    )
    .await
    .ok();
    let mut again = new_browser(&s.auth);
    sign_in(&mut again, "ada@example.com").await.ok();
    again
        .post(
            "/api/auth/two-factor/verify-backup-code",
            json!({"code": code}),
        )
        .await
        .refused(401, "INVALID_BACKUP_CODE");
    again
        .post(
            "/api/auth/two-factor/verify-backup-code",
            json!({"code": codes[4].as_str().expect("code").to_lowercase()}),
        )
        .await
        .refused(401, "INVALID_BACKUP_CODE");

    // A code by email: only the newest one works, once.
    s.codes();
    again
        .post("/api/auth/two-factor/send-otp", json!({}))
        .await
        .ok();
    again
        .send("POST", "/api/auth/two-factor/send-otp", None)
        .await
        .ok();
    let mailed = s.codes();
    assert_eq!(mailed.len(), 2);
    assert_eq!(mailed[0].0, "ada@example.com");
    assert!(
        mailed
            .iter()
            .all(|(_, c)| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
    );
    if mailed[0].1 != mailed[1].1 {
        again
            .post(
                "/api/auth/two-factor/verify-otp",
                json!({"code": mailed[0].1}),
            )
            .await
            .refused(401, "INVALID_CODE");
    }
    let signed = again
        .post(
            "/api/auth/two-factor/verify-otp",
            json!({"code": mailed[1].1}),
        )
        .await
        .ok();
    assert!(signed["token"].is_string());

    // New backup codes replace the old ones.
    let fresh = again
        .post(
            "/api/auth/two-factor/generate-backup-codes",
            json!({"password": PASSWORD}),
        )
        .await
        .ok();
    assert_eq!(fresh["status"], true);
    let mut last = new_browser(&s.auth);
    sign_in(&mut last, "ada@example.com").await.ok();
    last.post(
        "/api/auth/two-factor/verify-backup-code",
        json!({"code": codes[5].as_str().expect("code")}),
    )
    .await
    .refused(401, "INVALID_BACKUP_CODE");

    // Disable: the session is replaced, sign-in is one step again.
    let before = phone.session().await["session"]["token"].clone();
    phone
        .post(
            "/api/auth/two-factor/disable",
            json!({"password": "wrong password"}),
        )
        .await
        .refused(400, "INVALID_PASSWORD");
    assert_eq!(
        phone
            .post(
                "/api/auth/two-factor/disable",
                json!({"password": PASSWORD})
            )
            .await
            .ok(),
        json!({"status": true})
    );
    let after = phone.session().await;
    assert_ne!(after["session"]["token"], before);
    assert_eq!(after["user"]["twoFactorEnabled"], false);
    assert!(!phone.has("trust_device"));
    let mut fresh_browser = new_browser(&s.auth);
    assert!(sign_in(&mut fresh_browser, "ada@example.com").await.ok()["token"].is_string());
    phone
        .post(
            "/api/auth/two-factor/get-totp-uri",
            json!({"password": PASSWORD}),
        )
        .await
        .refused(400, "TOTP_NOT_ENABLED");
}

/// Trusts a device: signs in on it and answers the challenge with "trust this device".
async fn trusted_device(s: &Setup, email: &str, totp: &Totp) -> Browser {
    let mut device = new_browser(&s.auth);
    let challenge = sign_in(&mut device, email).await.ok();
    assert_eq!(challenge["twoFactorRedirect"], true, "{challenge}");
    let code = totp.code_at(s.now());
    device
        .post(
            "/api/auth/two-factor/verify-totp",
            json!({"code": code.as_str(), "trustDevice": true}),
        )
        .await
        .ok();
    s.next_step();
    assert!(device.has("trust_device"));
    device
}

// Better Auth forgets only the trust record of the device that turns two-factor off; the others
// would skip the second factor again once it is back on. Here every one goes.
#[tokio::test]
async fn turning_it_off_forgets_every_trusted_device() {
    let s = two_factor_on();
    let (mut laptop, totp, _) = enrolled(&s, "ada@example.com").await;
    let mut phone = trusted_device(&s, "ada@example.com", &totp).await;

    laptop
        .post(
            "/api/auth/two-factor/disable",
            json!({"password": PASSWORD}),
        )
        .await
        .ok();
    set_up_totp(&s, &mut laptop).await;
    assert_eq!(laptop.session().await["user"]["twoFactorEnabled"], true);

    // The phone, trusted before two-factor went off, meets the challenge and loses its cookie.
    phone.post("/api/auth/sign-out", json!({})).await.ok();
    let answer = sign_in(&mut phone, "ada@example.com").await;
    assert_eq!(
        answer.ok(),
        json!({"twoFactorRedirect": true, "twoFactorMethods": ["totp", "otp"]})
    );
    assert!(!phone.has("trust_device"));
    assert!(phone.has("two_factor"));
}

#[tokio::test]
async fn five_attempts_per_challenge_then_the_lockout() {
    let s = two_factor_on();
    let (mut signed_in, totp, _) = enrolled(&s, "bob@example.com").await;
    let mut attacker = new_browser(&s.auth);
    sign_in(&mut attacker, "bob@example.com").await.ok();
    for _ in 0..5 {
        verify_totp(&mut attacker, "123456")
            .await
            .refused(401, "INVALID_CODE");
    }
    // The sixth attempt is refused even with the right code, and ends the challenge.
    let right = totp.code_at(s.now());
    let answer = verify_totp(&mut attacker, right.as_str()).await;
    answer.refused(400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE");
    assert!(!attacker.has("two_factor"));
    verify_totp(&mut attacker, right.as_str())
        .await
        .refused(401, "INVALID_TWO_FACTOR_COOKIE");

    // Five more failures on a second challenge (by backup code and emailed code too): ten in
    // a row lock the second factor for 15 minutes, right codes included.
    sign_in(&mut attacker, "bob@example.com").await.ok();
    for (route, code) in [
        ("verify-totp", "INVALID_CODE"),
        ("verify-backup-code", "INVALID_BACKUP_CODE"),
        ("verify-totp", "INVALID_CODE"),
        ("verify-backup-code", "INVALID_BACKUP_CODE"),
    ] {
        attacker
            .post(
                &format!("/api/auth/two-factor/{route}"),
                json!({"code": "AAAAA-BBBBB"}),
            )
            .await
            .refused(401, code);
    }
    attacker
        .post("/api/auth/two-factor/send-otp", json!({}))
        .await
        .ok();
    attacker
        .post("/api/auth/two-factor/verify-otp", json!({"code": "999999"}))
        .await
        .refused(401, "INVALID_CODE");
    let mut owner = new_browser(&s.auth);
    sign_in(&mut owner, "bob@example.com").await.ok();
    let right = totp.code_at(s.now());
    let right = json!({"code": right.as_str()});
    refused_as_locked(&mut owner, "verify-totp", right.clone()).await;
    refused_as_locked(&mut owner, "send-otp", json!({})).await;
    // Signed in too: no codes, no verifications while locked.
    refused_as_locked(&mut signed_in, "send-otp", json!({})).await;
    refused_as_locked(&mut signed_in, "verify-totp", right).await;
    s.clock.advance(Duration::from_secs(15 * 60));
    let mut later = new_browser(&s.auth);
    sign_in(&mut later, "bob@example.com").await.ok();
    let right = totp.code_at(s.now());
    verify_totp(&mut later, right.as_str()).await.ok();
}

/// Answers with an authenticator's code: the signed-in user's check, or a challenge's.
async fn verify_totp(browser: &mut Browser, code: &str) -> Answer {
    browser
        .post("/api/auth/two-factor/verify-totp", json!({"code": code}))
        .await
}

/// `route` answers 429 `ACCOUNT_TEMPORARILY_LOCKED` to this browser.
async fn refused_as_locked(browser: &mut Browser, route: &str, body: Value) {
    browser
        .post(&format!("/api/auth/two-factor/{route}"), body)
        .await
        .refused(429, "ACCOUNT_TEMPORARILY_LOCKED");
}

/// A code that is not `code` (its last digit changed).
fn wrong(code: &str) -> String {
    let (head, last) = code.split_at(code.len() - 1);
    format!("{head}{}", if last == "0" { "1" } else { "0" })
}

/// Sends a code by email on the browser's challenge and reads it from the mail.
async fn mailed_code(s: &Setup, browser: &mut Browser) -> String {
    browser
        .post("/api/auth/two-factor/send-otp", json!({}))
        .await
        .ok();
    s.codes().pop().expect("a mailed code").1
}

// Better Auth has no lockout for a user with codes by email only (no `twoFactor` row to count
// in); here ten failures within 15 minutes lock them as they lock an authenticator's user.
#[tokio::test]
async fn codes_by_email_only_lock_too() {
    let s = two_factor_on();
    let mut owner = signed_up(&s, "cleo@example.com").await;
    let enabled = owner
        .post(
            "/api/auth/two-factor/enable",
            json!({"password": PASSWORD, "method": "otp"}),
        )
        .await
        .ok();
    assert_eq!(enabled["method"], "otp");
    assert_eq!(owner.session().await["user"]["twoFactorEnabled"], true);

    // Nine failures over two challenges (five is a challenge's limit), then a tenth.
    let mut attacker = new_browser(&s.auth);
    for failures in [5, 4, 1] {
        let challenge = sign_in(&mut attacker, "cleo@example.com").await.ok();
        assert_eq!(challenge["twoFactorRedirect"], true, "{challenge}");
        let code = mailed_code(&s, &mut attacker).await;
        for _ in 0..failures {
            attacker
                .post(
                    "/api/auth/two-factor/verify-otp",
                    json!({"code": wrong(&code)}),
                )
                .await
                .refused(401, "INVALID_CODE");
        }
        if failures == 1 {
            // Locked: the right code is refused, and no new one is sent.
            refused_as_locked(&mut attacker, "verify-otp", json!({"code": code})).await;
        }
    }
    refused_as_locked(&mut attacker, "send-otp", json!({})).await;
    refused_as_locked(&mut owner, "send-otp", json!({})).await;
    assert!(s.codes().is_empty());

    // Fifteen minutes later the owner signs in with a code.
    s.clock.advance(Duration::from_secs(15 * 60));
    let mut later = new_browser(&s.auth);
    sign_in(&mut later, "cleo@example.com").await.ok();
    let code = mailed_code(&s, &mut later).await;
    let signed = later
        .post("/api/auth/two-factor/verify-otp", json!({"code": code}))
        .await
        .ok();
    assert!(signed["token"].is_string(), "{signed}");
}

#[tokio::test]
async fn foreign_and_forged_cookies_get_nowhere() {
    let s = two_factor_on();
    let (mut ada, ada_totp, _) = enrolled(&s, "ada@example.com").await;
    let (_, eve_totp, _) = enrolled(&s, "eve@example.com").await;

    // Eve holds Ada's challenge: her own code does not answer it.
    let mut eve = new_browser(&s.auth);
    sign_in(&mut eve, "ada@example.com").await.ok();
    let code = eve_totp.code_at(s.now());
    eve.post(
        "/api/auth/two-factor/verify-totp",
        json!({"code": code.as_str()}),
    )
    .await
    .refused(401, "INVALID_CODE");

    // A two_factor cookie that is not signed, or signed by another secret, is no challenge.
    for forged in [
        "2fa-abcdefghij0123456789".to_owned(),
        "2fa-abcdefghij0123456789.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D".to_owned(),
    ] {
        let mut forger = new_browser(&s.auth);
        forger
            .cookies
            .insert("better-auth.two_factor".into(), forged);
        let code = ada_totp.code_at(s.now());
        verify_totp(&mut forger, code.as_str())
            .await
            .refused(401, "INVALID_TWO_FACTOR_COOKIE");
        forger
            .post("/api/auth/two-factor/send-otp", json!({}))
            .await
            .refused(401, "INVALID_TWO_FACTOR_COOKIE");
    }

    // Eve's trusted-device cookie does not let her (or anyone) skip Ada's second factor.
    let eve_device = trusted_device(&s, "eve@example.com", &eve_totp).await;
    let trust = eve_device.cookie("trust_device").expect("trusted");
    let mut borrowed = new_browser(&s.auth);
    borrowed
        .cookies
        .insert("better-auth.trust_device".into(), trust.clone());
    let answer = sign_in(&mut borrowed, "ada@example.com").await;
    assert_eq!(answer.ok()["twoFactorRedirect"], true);
    // A trust cookie edited to name Ada's id with Eve's record fails its signature.
    let mut edited = new_browser(&s.auth);
    edited
        .cookies
        .insert("better-auth.trust_device".into(), format!("x{trust}"));
    assert_eq!(
        sign_in(&mut edited, "ada@example.com").await.ok()["twoFactorRedirect"],
        true
    );

    // Signed in, the setup routes need the password; without a session, 401.
    let mut nobody = new_browser(&s.auth);
    nobody
        .post("/api/auth/two-factor/enable", json!({"password": PASSWORD}))
        .await
        .refused(401, "UNAUTHORIZED");
    nobody
        .post("/api/auth/two-factor/disable", json!({}))
        .await
        .refused(400, "VALIDATION_ERROR");
    ada.post(
        "/api/auth/two-factor/generate-backup-codes",
        json!({"password": "nope"}),
    )
    .await
    .refused(400, "INVALID_PASSWORD");
}

#[tokio::test]
async fn without_two_factor_configured_nothing_changes() {
    let s = setup(None);
    let mut browser = signed_up(&s, "ada@example.com").await;
    let session = browser.session().await;
    assert!(
        session["user"].get("twoFactorEnabled").is_none(),
        "{session}"
    );
    let answer = browser
        .post("/api/auth/two-factor/enable", json!({"password": PASSWORD}))
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(answer.body.is_empty());
}

#[tokio::test]
async fn better_auths_rate_limit_rule_per_two_factor_route() {
    let s = setup_with(
        Some(TwoFactorOptions::new("Example")),
        RateLimit::better_auth(),
    );
    let mut browser = signed_up(&s, "ada@example.com").await;
    for _ in 0..3 {
        verify_totp(&mut browser, "000000")
            .await
            .refused(400, "TOTP_NOT_ENABLED");
    }
    let limited = verify_totp(&mut browser, "000000").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key("x-retry-after"));
    // Each route has its own bucket.
    browser
        .post("/api/auth/two-factor/send-otp", json!({}))
        .await
        .ok();
    s.clock.advance(Duration::from_secs(10));
    verify_totp(&mut browser, "000000")
        .await
        .refused(400, "TOTP_NOT_ENABLED");
}
