//! A database that a real Better Auth 1.7.25 server wrote keeps working: the rows recorded in
//! tests/conformance/fixtures/better-auth-1.7.25-transcripts.md ("Stored rows"), loaded into
//! Better Auth's schema.

use std::sync::Arc;

use auth_core::clock::ManualClock;
use auth_core::config::AuthConfig;
use auth_core::flows::SignIn;
use auth_core::model::{ClientInfo, Email, Password, SessionToken, Timestamp};
use auth_core::store::UserStore;
use auth_core::token::TokenIssuer;
use auth_core::{Auth, AuthError};

use crate::common::better_auth_database;

const SECRET: &str = "throwaway-reference-secret-0123456789abcdef0123456789abcdef";
const RECORDED_ROWS: &str = r#"
INSERT INTO "user" ("id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt")
VALUES ('AbY9znP3LstAPbPWXx5CRVAbXIpmENOQ', 'Alice Example', 'alice.mww4l1jd@example.com', false, NULL,
        '2026-11-25T12:54:22.901Z', '2026-11-25T12:54:22.901Z');
INSERT INTO "account" ("id", "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken",
                       "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "password", "createdAt", "updatedAt")
VALUES ('wxin0vZbWNHkcUSyBS4A7Fxv5wpxqnj0', 'AbY9znP3LstAPbPWXx5CRVAbXIpmENOQ', 'credential',
        'AbY9znP3LstAPbPWXx5CRVAbXIpmENOQ', NULL, NULL, NULL, NULL, NULL, NULL,
        '7f7ab9ab7a57f9b073ed2264aed8dc25:b18719cee76219a3111280669b0f175f5cbbabc79747f99585fa01c26bfa98cff0f1346eff35bd044656e07f5c6aadbde91bd07c5c9aa09f4c8ae86a010b9fb8',
        '2026-11-25T12:54:22.903Z', '2026-11-25T12:54:22.903Z');
INSERT INTO "session" ("id", "expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId")
VALUES ('bxHA46mrIzRQZzJDsCHQcL2sSa2rzHp9', '2026-12-02T12:54:22.904Z', 'YUl3aQquqNzLNUFUV57PtnnZQZaRLcdS',
        '2026-11-25T12:54:22.904Z', '2026-11-25T12:54:22.904Z', '', 'ba-transcripts/1.0',
        'AbY9znP3LstAPbPWXx5CRVAbXIpmENOQ');
INSERT INTO "jwks" ("id", "publicKey", "privateKey", "createdAt", "expiresAt", "alg", "crv")
VALUES ('NhJuEZdE3AvItKxxGYR8fnaaQze1XeuX',
        '{"crv":"Ed25519","x":"U7ojDIFx2gQfWMvv66cg1BCp1j0rFLpLZCCaLLHxabo","kty":"OKP"}',
        '"f0361fb24746e09b92d926c445f111e3dccb2039b300a61557fa88d07f4d6e79e3a643f8d292077fb9d74cdf6529674d01de620a461fa0263a0b373e4ef70684eadb28cd5c54600ba79f4cd58a806f6de5cf9f3a2c197cb5156ebc25499fa891a0ffc1eea71ab5de9784bf14c6578251eb62ece0bd94c6e2333b144cbc1661088e7eb213f20c82f51770b40f7f796e5364432121f47789be6e06cadb1f9425f7d0c54fb57363a5002d"',
        '2026-11-25T12:48:55.657Z', NULL, 'EdDSA', 'Ed25519');
"#;

/// The `/token` JWT Better Auth issued in the same recording.
const RECORDED_JWT: &str = "eyJhbGciOiJFZERTQSIsImtpZCI6Ik5oSnVFWmRFM0F2SXRLeHhHWVI4Zm5hYVF6ZTFYZXVYIn0.eyJpYXQiOjE3OTU2MTEyNjQsIm5hbWUiOiJBbGljZSBFeGFtcGxlIiwiZW1haWwiOiJhbGljZS5td3c0bDFqZEBleGFtcGxlLmNvbSIsImVtYWlsVmVyaWZpZWQiOmZhbHNlLCJpbWFnZSI6bnVsbCwiY3JlYXRlZEF0IjoiMjAyNi0xMS0yNVQxMjo1NDoyMi45MDFaIiwidXBkYXRlZEF0IjoiMjAyNi0xMS0yNVQxMjo1NDoyMi45MDFaIiwiaWQiOiJBYlk5em5QM0xzdEFQYlBXWHg1Q1JWQWJYSXBtRU5PUSIsInN1YiI6IkFiWTl6blAzTHN0QVBiUFdYeDVDUlZBYlhJcG1FTk9RIiwiZXhwIjoxNzk1NjEyMTY0LCJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjMwMDUiLCJhdWQiOiJodHRwOi8vMTI3LjAuMC4xOjMwMDUifQ.ljyhJ2NbO4X97HLGXv02o2N5MEMgiBIyS9LswFFV7OS6DXPtYyxRmM0C99Xty3BV2UzcKFrciUaspxPhYqZqCQ";

#[tokio::test]
async fn better_auths_users_sessions_and_keys_keep_working() {
    let store = Arc::new(better_auth_database().await);
    sqlx::raw_sql(RECORDED_ROWS)
        .execute(store.pool())
        .await
        .expect("recorded rows");
    store
        .migrate()
        .await
        .expect("migrate over Better Auth's database");

    let config = AuthConfig::builder(SECRET, "http://127.0.0.1:3005")
        .build()
        .expect("config");
    let issuer = store
        .jwt_issuer(&config)
        .await
        .expect("issuer from Better Auth's jwks row");
    assert_eq!(
        issuer.jwks().keys.len(),
        1,
        "Better Auth's key is reused, no new key is made"
    );
    assert_eq!(
        issuer.jwks().keys[0].kid,
        "NhJuEZdE3AvItKxxGYR8fnaaQze1XeuX"
    );
    let at_issue = Timestamp::from_unix_millis(1_795_611_264_000).expect("iat");
    let claims = issuer
        .verify(RECORDED_JWT, at_issue)
        .expect("Better Auth's JWT verifies");
    assert_eq!(claims.sub.as_str(), "AbY9znP3LstAPbPWXx5CRVAbXIpmENOQ");

    let clock = ManualClock::new(Timestamp::parse("2026-11-25T13:00:00.000Z").expect("time"));
    let auth = Auth::builder()
        .config(config)
        .store(Arc::clone(&store))
        .issuer(issuer)
        .clock(clock)
        .default_hasher()
        .build();

    // The recorded session is found by its token.
    let token = SessionToken::new("YUl3aQquqNzLNUFUV57PtnnZQZaRLcdS");
    let found = store
        .find_session(&token)
        .await
        .expect("lookup")
        .expect("found");
    assert_eq!(
        found.session.id.as_str(),
        "bxHA46mrIzRQZzJDsCHQcL2sSa2rzHp9"
    );
    assert_eq!(found.session.ip_address.as_deref(), Some(""));
    assert_eq!(found.user.email, "alice.mww4l1jd@example.com");
    let lookup = auth.get_session(&token, true).await.expect("get-session");
    let current = lookup.expect("valid").current;
    assert_eq!(
        current.user.created_at.to_string(),
        "2026-11-25T12:54:22.901Z"
    );
    // A JWT we issue for it is signed with Better Auth's key.
    let jwt = auth.issue_token(&current).expect("token");
    auth.verify_token(jwt.expose())
        .await
        .expect("our token verifies");

    // The recorded password signs in, and the scrypt hash becomes argon2id.
    let email = Email::parse("alice.mww4l1jd@example.com").expect("email");
    let sign_in = |password: &str| SignIn::new(email.clone(), Password::new(password));
    let wrong = auth
        .sign_in(sign_in("wrong password"), &ClientInfo::default())
        .await;
    assert!(matches!(wrong, Err(AuthError::InvalidEmailOrPassword)));
    auth.sign_in(sign_in("correct horse battery"), &ClientInfo::default())
        .await
        .expect("recorded password");
    let hash: String = sqlx::query_scalar(
        r#"SELECT "password" FROM "account" WHERE "id" = 'wxin0vZbWNHkcUSyBS4A7Fxv5wpxqnj0'"#,
    )
    .fetch_one(store.pool())
    .await
    .expect("hash");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    auth.sign_in(sign_in("correct horse battery"), &ClientInfo::default())
        .await
        .expect("again, on argon2id");
}
