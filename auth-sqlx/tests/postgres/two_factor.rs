//! Migration 0004 (two-factor authentication) on every database it may meet: a fresh one, one
//! with Better Auth's core schema, one Better Auth created with the twoFactor plugin, and one
//! Better Auth upgraded to it (the DDL of the shared spec `better-auth-2fa-transcripts.md`,
//! "DDL"). Better Auth's tables and rows stay as they are; only our "lastUsedCounter" is added.
//! And a user who turned two-factor on with Better Auth signs in through us with its rows.

use auth_sqlx::PgStore;
use sqlx::Connection;

use crate::common::{better_auth_database, catalog, options, store};
use crate::migrations::better_auths_tables;

/// `migrate-2fa.mjs --print` on an empty database: Better Auth 1.7.25's schema for
/// emailAndPassword + jwt() + bearer() + twoFactor().
const FRESH_DDL: &str = r#"
create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null, "twoFactorEnabled" boolean);
create table "session" ("id" text not null primary key, "expiresAt" timestamptz not null, "token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade);
create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text, "password" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null);
create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null);
create table "jwks" ("id" text not null primary key, "publicKey" text not null, "privateKey" text not null, "createdAt" timestamptz not null, "expiresAt" timestamptz, "alg" text, "crv" text);
create table "twoFactor" ("id" text not null primary key, "secret" text not null, "backupCodes" text not null, "userId" text not null references "user" ("id") on delete cascade, "verified" boolean, "failedVerificationCount" integer, "lockedUntil" timestamptz);
create index "session_userId_idx" on "session" ("userId");
create index "account_userId_idx" on "account" ("userId");
create index "verification_identifier_idx" on "verification" ("identifier");
create index "twoFactor_secret_idx" on "twoFactor" ("secret");
create index "twoFactor_userId_idx" on "twoFactor" ("userId");
"#;

/// The same command on a database already migrated with the core config.
const UPGRADE_DDL: &str = r#"
alter table "user" add column "twoFactorEnabled" boolean default false;
create table "twoFactor" ("id" text not null primary key, "secret" text not null, "backupCodes" text not null, "userId" text not null references "user" ("id") on delete cascade, "verified" boolean, "failedVerificationCount" integer, "lockedUntil" timestamptz);
create index "twoFactor_secret_idx" on "twoFactor" ("secret");
create index "twoFactor_userId_idx" on "twoFactor" ("userId");
"#;

/// Rows as Better Auth writes them (its kysely adapter names every column it knows, and only
/// those): alice after `enable` (step 6 of the recording) and bob without 2FA.
const ROWS: &str = r#"
INSERT INTO "user" ("id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "twoFactorEnabled")
VALUES ('aUWLGE1qTXBlVGtZKF3TXbCwaUk7a0tM', 'Alice', 'alice.mx2714k1@example.com', false, NULL,
        '2026-11-29T18:49:30.100Z', '2026-11-29T18:49:30.100Z', false),
       ('bob00000000000000000000000000000', 'Bob', 'bob@example.com', false, NULL,
        '2026-11-29T18:49:30.100Z', '2026-11-29T18:49:30.100Z', false);
INSERT INTO "twoFactor" ("id", "secret", "backupCodes", "userId", "verified", "failedVerificationCount", "lockedUntil")
VALUES ('DP98NKNyNKj5hGt1rw0uRvEdv79ubJ1V',
        'e70712702e549c25c60ccfa952a09b363a49b99908154791d7a3bc129a860268e93291ce18387a34a558ff730ff71259c861a05c8411fcb7ea8df8572fdc5221694844d4595d5721',
        'cf74c869d10f8471047a262d1a15081a43fa9a2363740ab2f609cc29ffd2bb0b597803f11294e02cde0f62b28240428ebbd309bcd26a0ecc77f74067228fbd9832789d0175457eb1027d8752539a4e36a6fd693386a0dc329155828200f1baa292d2f71b333f3a1c1d820060103f8a302732c56ae187b20d901e63cb036fe7181bb95fbbfd029e33a9eab3917696e53a9d6f801534f9952c7b824e28645906a2c1da01bb505cc71ca77102b6db4caa5bf613443004',
        'aUWLGE1qTXBlVGtZKF3TXbCwaUk7a0tM', false, 0, NULL);
"#;

type Rows = (
    Vec<(String, Option<bool>)>,
    Vec<(
        String,
        String,
        String,
        String,
        Option<bool>,
        Option<i32>,
        Option<String>,
    )>,
);

async fn rows(store: &PgStore) -> Rows {
    let users = sqlx::query_as(r#"SELECT "id", "twoFactorEnabled" FROM "user" ORDER BY "id""#)
        .fetch_all(store.pool())
        .await
        .expect("users");
    let two_factor = sqlx::query_as(
        r#"SELECT "id", "secret", "backupCodes", "userId", "verified", "failedVerificationCount",
                  "lockedUntil"::text
             FROM "twoFactor" ORDER BY "id""#,
    )
    .fetch_all(store.pool())
    .await
    .expect("twoFactor");
    (users, two_factor)
}

/// A fresh database with each of `ddls` run on it, and a store on it (not migrated).
async fn database_with(ddls: &[&'static str]) -> PgStore {
    let db = auth_test_harness::postgres::fresh_database().await;
    for ddl in ddls {
        // A connection each: the pg_dump sets search_path to '' for its session.
        let mut conn = sqlx::postgres::PgConnection::connect(&db.url)
            .await
            .expect("connect");
        sqlx::raw_sql(*ddl)
            .execute(&mut conn)
            .await
            .expect("Better Auth's DDL");
        conn.close().await.expect("close");
    }
    PgStore::connect(&db.url, options()).await.expect("connect")
}

/// The catalog without what is ours alone: "rateLimit", "mailOutbox", "lastUsedCounter".
fn without_ours(catalog: &[String]) -> Vec<String> {
    catalog
        .iter()
        .filter(|line| {
            !line.contains("rateLimit")
                && !line.contains("mailOutbox")
                && !line.contains("lastUsedCounter")
        })
        .cloned()
        .collect()
}

fn two_factor_lines(catalog: &[String]) -> Vec<String> {
    catalog
        .iter()
        .filter(|line| line.contains("twoFactor"))
        .cloned()
        .collect()
}

const LAST_USED_COUNTER: &str = "column twoFactor.lastUsedCounter bigint null=YES default=-";

#[tokio::test]
async fn on_a_fresh_database_the_schema_is_better_auths_upgrade_path_plus_our_counter() {
    let ours = catalog(store().await.pool()).await;
    // Better Auth's core schema upgraded to the plugin: "twoFactorEnabled" default false.
    let theirs = database_with(&[crate::common::BETTER_AUTH_SCHEMA, UPGRADE_DDL]).await;
    let theirs = catalog(theirs.pool()).await;
    assert_eq!(without_ours(&ours), theirs);
    assert!(ours.iter().any(|l| l == LAST_USED_COUNTER), "{ours:#?}");
    for expected in [
        "column user.twoFactorEnabled boolean null=YES default=false",
        "column twoFactor.secret text null=NO default=-",
        "column twoFactor.backupCodes text null=NO default=-",
        "column twoFactor.userId text null=NO default=-",
        "column twoFactor.verified boolean null=YES default=-",
        "column twoFactor.failedVerificationCount integer null=YES default=-",
        "column twoFactor.lockedUntil timestamp with time zone null=YES default=-",
        r#"constraint "twoFactor" twoFactor_pkey PRIMARY KEY (id)"#,
        r#"constraint "twoFactor" twoFactor_userId_fkey FOREIGN KEY ("userId") REFERENCES "user"(id) ON DELETE CASCADE"#,
        r#"index CREATE INDEX "twoFactor_secret_idx" ON public."twoFactor" USING btree (secret)"#,
        r#"index CREATE INDEX "twoFactor_userId_idx" ON public."twoFactor" USING btree ("userId")"#,
    ] {
        assert!(
            ours.iter().any(|l| l == expected),
            "{expected} not in {ours:#?}"
        );
    }
}

#[tokio::test]
async fn over_better_auths_fresh_two_factor_database_only_the_counter_is_added() {
    let store = database_with(&[FRESH_DDL, ROWS]).await;
    let schema_before = catalog(store.pool()).await;
    let rows_before = rows(&store).await;
    store.migrate().await.expect("first run");
    let after = catalog(store.pool()).await;
    store.migrate().await.expect("second run");
    assert_eq!(
        catalog(store.pool()).await,
        after,
        "the second run is a no-op"
    );
    // Better Auth's column keeps its missing default; nothing else of theirs changes.
    assert_eq!(without_ours(&after), schema_before);
    assert!(
        after
            .iter()
            .any(|l| l == "column user.twoFactorEnabled boolean null=YES default=-")
    );
    assert!(after.iter().any(|l| l == LAST_USED_COUNTER));
    assert_eq!(rows(&store).await, rows_before);
    still_usable_by_better_auth(&store).await;
}

#[tokio::test]
async fn over_a_database_better_auth_upgraded_to_two_factor_only_the_counter_is_added() {
    let store = database_with(&[crate::common::BETTER_AUTH_SCHEMA, UPGRADE_DDL, ROWS]).await;
    let schema_before = catalog(store.pool()).await;
    let rows_before = rows(&store).await;
    store.migrate().await.expect("first run");
    store.migrate().await.expect("second run");
    assert_eq!(without_ours(&catalog(store.pool()).await), schema_before);
    assert_eq!(rows(&store).await, rows_before);
    still_usable_by_better_auth(&store).await;
}

#[tokio::test]
async fn over_better_auths_core_schema_the_plugin_schema_is_added() {
    let store = better_auth_database().await;
    sqlx::raw_sql(
        r#"INSERT INTO "user" VALUES ('u1', 'Ada', 'ada@example.com', false, NULL, '2026-11-25T12:00:00Z', '2026-11-25T12:00:00Z');"#,
    )
    .execute(store.pool())
    .await
    .expect("row");
    let before = catalog(store.pool()).await;
    assert!(two_factor_lines(&before).is_empty());
    store.migrate().await.expect("first run");
    store.migrate().await.expect("second run");
    let after = catalog(store.pool()).await;
    // The same as on a fresh database of ours, and the core tables untouched.
    assert_eq!(after, catalog(crate::common::store().await.pool()).await);
    assert_eq!(better_auths_tables(&after), before);
    // Existing users get "twoFactorEnabled" = false.
    let (users, two_factor) = rows(&store).await;
    assert_eq!(users, [("u1".to_owned(), Some(false))]);
    assert!(two_factor.is_empty());
}

/// What Better Auth does with the table after our migration still works: its insert (the
/// columns it knows), its `select *`, our counter alongside, and the cascade on user deletion.
async fn still_usable_by_better_auth(store: &PgStore) {
    sqlx::raw_sql(
        r#"INSERT INTO "twoFactor" ("id", "secret", "backupCodes", "userId", "verified", "failedVerificationCount", "lockedUntil")
           VALUES ('second00000000000000000000000000', 'aa', 'bb', 'bob00000000000000000000000000000', false, 0, NULL);
           UPDATE "twoFactor" SET "lastUsedCounter" = 59865939 WHERE "id" = 'DP98NKNyNKj5hGt1rw0uRvEdv79ubJ1V';
           UPDATE "twoFactor" SET "verified" = true, "secret" = 'cc' WHERE "id" = 'DP98NKNyNKj5hGt1rw0uRvEdv79ubJ1V';"#,
    )
    .execute(store.pool())
    .await
    .expect("Better Auth's writes");
    let counters: Vec<(String, Option<i64>)> = sqlx::query_as(
        r#"SELECT "id", "lastUsedCounter" FROM (SELECT * FROM "twoFactor") AS t ORDER BY "id""#,
    )
    .fetch_all(store.pool())
    .await
    .expect("select *");
    assert_eq!(
        counters,
        [
            (
                "DP98NKNyNKj5hGt1rw0uRvEdv79ubJ1V".to_owned(),
                Some(59_865_939)
            ),
            ("second00000000000000000000000000".to_owned(), None),
        ]
    );
    sqlx::query(r#"DELETE FROM "user" WHERE "id" = 'bob00000000000000000000000000000'"#)
        .execute(store.pool())
        .await
        .expect("delete bob");
    let left: i64 = sqlx::query_scalar(r#"SELECT count(*) FROM "twoFactor""#)
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(left, 1, "bob's row went with him");
}

/// Alice as Better Auth left her after confirming TOTP (the step-6 secret and backup codes of
/// the recording, `verified` true, `twoFactorEnabled` true), with a credential account whose
/// scrypt hash is Better Auth's for "correct horse battery" (the core recording's).
const ENROLLED: &str = r#"
UPDATE "user" SET "twoFactorEnabled" = true WHERE "id" = 'aUWLGE1qTXBlVGtZKF3TXbCwaUk7a0tM';
UPDATE "twoFactor" SET "verified" = true WHERE "id" = 'DP98NKNyNKj5hGt1rw0uRvEdv79ubJ1V';
INSERT INTO "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt")
VALUES ('acct0000000000000000000000000000', 'aUWLGE1qTXBlVGtZKF3TXbCwaUk7a0tM', 'credential',
        'aUWLGE1qTXBlVGtZKF3TXbCwaUk7a0tM',
        '7f7ab9ab7a57f9b073ed2264aed8dc25:b18719cee76219a3111280669b0f175f5cbbabc79747f99585fa01c26bfa98cff0f1346eff35bd044656e07f5c6aadbde91bd07c5c9aa09f4c8ae86a010b9fb8',
        '2026-11-29T18:49:30.100Z', '2026-11-29T18:49:30.100Z');
"#;

/// A user who turned two-factor on with Better Auth signs in through us: the challenge, the
/// code of the authenticator Better Auth set up (its encrypted secret decrypts), a backup code
/// Better Auth issued; the spent code leaves the rest in Better Auth's format.
#[tokio::test]
async fn a_better_auth_two_factor_user_signs_in_through_us() {
    use std::sync::Arc;

    use auth_core::clock::ManualClock;
    use auth_core::config::{AuthConfig, TwoFactorOptions};
    use auth_core::flows::{SecondFactor, SignIn, TwoFactorCaller, TwoFactorVerify};
    use auth_core::model::{ClientInfo, Email, Password, Timestamp};
    use auth_core::token::{JwtIssuer, JwtKey};
    use auth_core::two_factor::{BackupCodes, SecretKeys, Totp, TotpSecret};
    use auth_core::{Auth, AuthError};
    use zeroize::Zeroizing;

    const SECRET: &str = "throwaway-reference-secret-0123456789abcdef0123456789abcdef";
    let store = database_with(&[FRESH_DDL, ROWS, ENROLLED]).await;
    store.migrate().await.expect("migrate");
    let pool = store.pool().clone();
    let config = AuthConfig::builder(SECRET, "http://127.0.0.1:3012")
        .two_factor(TwoFactorOptions::new("Example"))
        .build()
        .expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    let clock = ManualClock::new(Timestamp::from_unix_millis(1_795_978_185_000).expect("time"));
    let auth = Auth::builder()
        .config(config)
        .store(Arc::new(store))
        .issuer(issuer)
        .default_hasher()
        .clock(clock.clone())
        .build();
    let email = Email::parse("alice.mx2714k1@example.com").expect("email");
    let challenge = || async {
        let input = SignIn::new(email.clone(), Password::new("correct horse battery"));
        match auth.sign_in(input, &ClientInfo::default()).await {
            Err(AuthError::TwoFactorRequired(challenge)) => challenge.token,
            other => panic!("expected a challenge, got {other:?}"),
        }
    };
    let verify = |token: String, factor: SecondFactor| {
        let auth = auth.clone();
        async move {
            auth.verify_two_factor(
                TwoFactorCaller::Challenge {
                    token,
                    remember_me: true,
                },
                TwoFactorVerify::new(factor),
                &ClientInfo::default(),
            )
            .await
        }
    };

    let totp = Totp::new(&TotpSecret::new("7smY8n2E3iKmk2eMqi32skoK7dBOICpK")).expect("totp");
    use auth_core::clock::Clock;
    let code = totp.code_at(clock.now());
    let signed = verify(challenge().await, SecondFactor::Totp(code))
        .await
        .expect("the authenticator Better Auth set up works");
    assert_eq!(signed.user.email, "alice.mx2714k1@example.com");
    assert_eq!(signed.user.two_factor_enabled, Some(true));

    let signed = verify(
        challenge().await,
        SecondFactor::BackupCode(Zeroizing::new("L0ugJ-wEHKd".to_owned())),
    )
    .await
    .expect("a backup code Better Auth issued works");
    assert!(signed.created);
    let column: String = sqlx::query_scalar(
        r#"SELECT "backupCodes" FROM "twoFactor" WHERE "id" = 'DP98NKNyNKj5hGt1rw0uRvEdv79ubJ1V'"#,
    )
    .fetch_one(&pool)
    .await
    .expect("row");
    let left =
        BackupCodes::decrypt(&column, &SecretKeys::new(SECRET)).expect("Better Auth's format");
    assert_eq!(left.len(), 9);
    assert!(!left.codes().iter().any(|c| c == "L0ugJ-wEHKd"));
    assert!(left.codes().iter().any(|c| c == "SeEJC-h5L0J"));
}
