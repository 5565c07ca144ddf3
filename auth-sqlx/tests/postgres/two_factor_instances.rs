//! Two instances on one PostgreSQL database share every two-factor limit: a challenge's
//! attempts, the lockout after ten failures (with an authenticator, and with codes by email
//! only), and the record of used TOTP steps. An attacker spreading guesses over instances gets
//! no more than one instance would give.

use std::sync::Arc;
use std::time::Duration;

use auth_core::clock::{Clock, ManualClock};
use auth_core::config::{AuthConfig, TwoFactorOptions};
use auth_core::flows::{
    SecondFactor, SignIn, SignUp, TwoFactorCaller, TwoFactorEnable, TwoFactorEnabled,
    TwoFactorVerify,
};
use auth_core::mail::ConsoleMailer;
use auth_core::model::{AuthSession, ClientInfo, Email, Password, Timestamp};
use auth_core::token::{JwtIssuer, JwtKey};
use auth_core::two_factor::{Totp, TotpSecret, TwoFactorRefusal};
use auth_core::{Auth, AuthError};
use auth_sqlx::PgStore;
use sqlx::{Connection, PgConnection};
use zeroize::Zeroizing;

use crate::common::{options, store_and_url};

const PASSWORD: &str = "correct horse battery";

fn instance(store: PgStore, clock: &ManualClock) -> Auth {
    let config = AuthConfig::builder(
        "pg-two-factor-secret-0123456789abcdef012",
        "http://localhost:3000",
    )
    .two_factor(TwoFactorOptions::new("Example"))
    .build()
    .expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    Auth::builder()
        .config(config)
        .store(Arc::new(store))
        .issuer(issuer)
        .default_hasher()
        .clock(clock.clone())
        // Codes by email wait in the shared outbox (no worker sends them), where the test reads them.
        .mailer(ConsoleMailer::new())
        .build()
}

fn totp_from(uri: &str) -> Totp {
    let base32 = uri
        .split("secret=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("secret");
    Totp::new(&TotpSecret::new(format!("base32:{base32}"))).expect("totp")
}

/// Two instances on one fresh database, on one manual clock; and the database's URL.
async fn two_instances() -> (Auth, Auth, ManualClock, String) {
    let (store_a, url) = store_and_url().await;
    let store_b = PgStore::connect(&url, options()).await.expect("connect");
    let clock = ManualClock::new(Timestamp::from_unix_millis(1_800_000_015_000).expect("time"));
    let a = instance(store_a, &clock);
    let b = instance(store_b, &clock);
    (a, b, clock, url)
}

/// Signs a new user up through `auth`; their session.
async fn signed_up(auth: &Auth, email: &Email) -> AuthSession {
    let signed_up = auth
        .sign_up(
            SignUp::new("Ada", email.clone(), Password::new(PASSWORD)),
            &ClientInfo::default(),
        )
        .await
        .expect("sign-up")
        .signed_in()
        .expect("session");
    auth.get_session(&signed_up.session.token, false)
        .await
        .expect("session")
        .expect("live")
        .current
}

/// A sign-in that must answer with a challenge; its token.
async fn challenge(auth: &Auth, email: &Email) -> String {
    let input = SignIn::new(email.clone(), Password::new(PASSWORD));
    match auth.sign_in(input, &ClientInfo::default()).await {
        Err(AuthError::TwoFactorRequired(challenge)) => challenge.token,
        other => panic!("expected a challenge, got {other:?}"),
    }
}

/// Answers the challenge with an authenticator's code.
async fn verify(auth: &Auth, token: &str, code: &str) -> Result<(), AuthError> {
    answer(
        auth,
        token,
        SecondFactor::Totp(Zeroizing::new(code.to_owned())),
    )
    .await
}

/// Answers the challenge; a success must create the session.
async fn answer(auth: &Auth, token: &str, factor: SecondFactor) -> Result<(), AuthError> {
    let caller = TwoFactorCaller::Challenge {
        token: token.to_owned(),
        remember_me: true,
    };
    auth.verify_two_factor(caller, TwoFactorVerify::new(factor), &ClientInfo::default())
        .await
        .map(|verified| assert!(verified.created))
}

fn refused(result: Result<(), AuthError>, expected: TwoFactorRefusal) {
    match result {
        Err(AuthError::TwoFactor(reason)) if reason == expected => {}
        other => panic!("expected {expected:?}, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempts_lockout_and_used_codes_hold_across_instances() {
    let (a, b, clock, _) = two_instances().await;

    // Enrolled through A.
    let email = Email::parse("ada@example.com").expect("email");
    let client = ClientInfo::default();
    let current = signed_up(&a, &email).await;
    let TwoFactorEnabled::Totp { uri, .. } = a
        .enable_two_factor(
            &current,
            TwoFactorEnable::totp(Password::new(PASSWORD)),
            &client,
        )
        .await
        .expect("enable")
    else {
        panic!("TOTP asked for");
    };
    let totp = totp_from(&uri);
    let first = totp.code_at(clock.now());
    let confirmed = a
        .verify_two_factor(
            TwoFactorCaller::Session(Box::new(current)),
            TwoFactorVerify::new(SecondFactor::Totp(first.clone())),
            &client,
        )
        .await
        .expect("confirm");
    assert_eq!(confirmed.user.two_factor_enabled, Some(true));

    // B signs the same user in with a challenge; the confirming code is spent on B too.
    let token = challenge(&b, &email).await;
    refused(
        verify(&b, &token, &first).await,
        TwoFactorRefusal::InvalidCode,
    );

    // Attempts on one challenge are counted once, whichever instance answers: 1 above, then
    // A, B, A, B; the sixth is refused (on A) even with the right code.
    for (i, auth) in [&a, &b, &a, &b].into_iter().enumerate() {
        refused(
            verify(auth, &token, &format!("00000{i}")).await,
            TwoFactorRefusal::InvalidCode,
        );
    }
    clock.advance(Duration::from_secs(30));
    let right = totp.code_at(clock.now());
    refused(
        verify(&a, &token, &right).await,
        TwoFactorRefusal::TooManyAttempts,
    );
    refused(
        verify(&b, &token, &right).await,
        TwoFactorRefusal::InvalidChallenge,
    );

    // Five more failures, on a challenge from A answered on B and A: ten in a row lock the
    // second factor on every instance.
    let token = challenge(&a, &email).await;
    for auth in [&b, &a, &b, &a, &b] {
        refused(
            verify(auth, &token, "999999").await,
            TwoFactorRefusal::InvalidCode,
        );
    }
    let token = challenge(&a, &email).await;
    refused(
        verify(&a, &token, &right).await,
        TwoFactorRefusal::AccountLocked,
    );
    let token = challenge(&b, &email).await;
    refused(
        verify(&b, &token, &right).await,
        TwoFactorRefusal::AccountLocked,
    );

    // The lock ends after 15 minutes; the right code then signs in, once.
    clock.advance(Duration::from_secs(15 * 60));
    let right = totp.code_at(clock.now());
    let token = challenge(&b, &email).await;
    verify(&b, &token, &right).await.expect("signed in");
    let token = challenge(&a, &email).await;
    refused(
        verify(&a, &token, &right).await,
        TwoFactorRefusal::InvalidCode,
    );
}

/// Sends a code by email on the challenge, through `auth`; the code, read from the shared
/// outbox (and taken out of it).
async fn send_code(auth: &Auth, token: &str, url: &str) -> String {
    let caller = TwoFactorCaller::Challenge {
        token: token.to_owned(),
        remember_me: true,
    };
    auth.send_two_factor_otp(caller).await.expect("send");
    let mut db = PgConnection::connect(url).await.expect("connect");
    sqlx::query_scalar(
        r#"DELETE FROM "mailOutbox" WHERE "kind" = 'two-factor-otp' RETURNING "link""#,
    )
    .fetch_one(&mut db)
    .await
    .expect("one mailed code")
}

/// Answers the challenge with a code sent by email.
async fn verify_code(auth: &Auth, token: &str, code: &str) -> Result<(), AuthError> {
    answer(
        auth,
        token,
        SecondFactor::Otp(Zeroizing::new(code.to_owned())),
    )
    .await
}

/// A code that is not `code` (its last digit changed).
fn wrong(code: &str) -> String {
    let (head, last) = code.split_at(code.len() - 1);
    format!("{head}{}", if last == "0" { "1" } else { "0" })
}

// With codes by email only there is no `twoFactor` row: the failures are counted in the shared
// `rateLimit` table and the lock is a `verification` row, both seen by every instance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lockout_of_codes_by_email_holds_across_instances() {
    let (a, b, clock, url) = two_instances().await;

    let email = Email::parse("cleo@example.com").expect("email");
    let client = ClientInfo::default();
    let current = signed_up(&a, &email).await;
    let enabled = a
        .enable_two_factor(
            &current,
            TwoFactorEnable::otp(Password::new(PASSWORD)),
            &client,
        )
        .await
        .expect("enable");
    assert!(matches!(enabled, TwoFactorEnabled::Otp { .. }));

    // Ten failures over three challenges, each begun on one instance and answered on both.
    for (failures, begun, answering) in [(5, &a, [&a, &b]), (4, &b, [&b, &a]), (1, &a, [&b, &a])] {
        let token = challenge(begun, &email).await;
        let code = send_code(answering[0], &token, &url).await;
        for i in 0..failures {
            refused(
                verify_code(answering[i % 2], &token, &wrong(&code)).await,
                TwoFactorRefusal::InvalidCode,
            );
        }
        if failures == 1 {
            // Locked, on the other instance too: the right code is refused.
            refused(
                verify_code(answering[1], &token, &code).await,
                TwoFactorRefusal::AccountLocked,
            );
        }
    }
    let token = challenge(&b, &email).await;
    let caller = TwoFactorCaller::Challenge {
        token,
        remember_me: true,
    };
    match b.send_two_factor_otp(caller).await {
        Err(AuthError::TwoFactor(TwoFactorRefusal::AccountLocked)) => {}
        other => panic!("expected the lock, got {other:?}"),
    }

    // The lock ends after 15 minutes.
    clock.advance(Duration::from_secs(15 * 60));
    let token = challenge(&b, &email).await;
    let code = send_code(&a, &token, &url).await;
    verify_code(&b, &token, &code).await.expect("signed in");
}
