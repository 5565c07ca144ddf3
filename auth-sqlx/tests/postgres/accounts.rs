//! Provider accounts on real PostgreSQL: the rows a Better Auth 1.7.25 server wrote at social
//! sign-ins read back as they are, and a database with Better Auth's later `"account"."issuer"`
//! column gets the issuer Better Auth writes.

use std::time::Duration;

use auth_core::model::{Account, Session, SessionId, SessionToken, Timestamp, User, UserId};
use auth_core::store::UserStore;
use auth_sqlx::PgStore;
use sqlx::{Connection, Executor};

use crate::common::{better_auth_database, options, store_and_url};

/// From tests/conformance's social transcripts ("Rows afterwards", sections 2 and the first
/// Google sign-in); the ID token is shortened.
const RECORDED_ROWS: &str = r#"
INSERT INTO "user" ("id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt")
VALUES ('uMGnYbK7KPPA321mBs1RhcXd0x4gTY0T', 'GitHub gh1', 'gh1.mx274iiw@example.com', true,
        'https://avatars.githubusercontent.com/u/383274961?v=4', '2026-11-29T18:52:07.643Z', '2026-11-29T18:52:07.643Z'),
       ('QZRyMMSs4UFWUYhpKHlm472AS5yy2O9m', 'Google g1', 'g1.mx274iiw@example.com', true,
        'https://lh3.googleusercontent.com/a/fake-g1=s96-c', '2026-11-29T18:52:09.773Z', '2026-11-29T18:52:09.773Z');
INSERT INTO "account" ("id", "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken",
                       "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "password", "createdAt", "updatedAt")
VALUES ('6tNwi5MMmQguXwBfuTTGUN5hGTuvJROw', '383274961', 'github', 'uMGnYbK7KPPA321mBs1RhcXd0x4gTY0T',
        'gho_WsI0VDMfOaKRzH9hpIrDXmHy4lUlqnxEMdau', NULL, NULL, NULL, NULL, 'read:user,user:email', NULL,
        '2026-11-29T18:52:07.645Z', '2026-11-29T18:52:07.645Z'),
       ('WniTbR8RBO8Lc0i2v6h8yVoGn1FH0oFc', '197832749600000000001', 'google', 'QZRyMMSs4UFWUYhpKHlm472AS5yy2O9m',
        'ya29.j3yafJ25Yx92ibRzB7bwfp_lsE8O8U3NxJMYGK-kfDDgtxoSReM97w0nFyfZ', '1//0UzH4V-BvfwDKZ5clB3vjdRdGmoP_r9ZKlweaQEwW',
        'eyJhbGciOiJSUzI1NiIs.shortened.sig', '2026-11-29T19:52:08.769Z', NULL,
        'https://www.googleapis.com/auth/userinfo.email,https://www.googleapis.com/auth/userinfo.profile,openid', NULL,
        '2026-11-29T18:52:09.776Z', '2026-11-29T18:52:09.776Z');
"#;

fn time(text: &str) -> Timestamp {
    Timestamp::parse(text).expect("time")
}

#[tokio::test]
async fn better_auths_provider_accounts_are_found_listed_and_updated() {
    let store = better_auth_database().await;
    sqlx::raw_sql(RECORDED_ROWS)
        .execute(store.pool())
        .await
        .expect("recorded rows");
    store
        .migrate()
        .await
        .expect("migrate over Better Auth's database");

    let github = store
        .find_account("github", "383274961")
        .await
        .expect("find")
        .expect("recorded account");
    assert_eq!(github.id.as_str(), "6tNwi5MMmQguXwBfuTTGUN5hGTuvJROw");
    assert_eq!(github.user_id.as_str(), "uMGnYbK7KPPA321mBs1RhcXd0x4gTY0T");
    assert_eq!(
        github.access_token.as_deref(),
        Some("gho_WsI0VDMfOaKRzH9hpIrDXmHy4lUlqnxEMdau")
    );
    assert_eq!(
        (github.refresh_token.as_deref(), github.id_token.as_deref()),
        (None, None)
    );
    assert_eq!(github.access_token_expires_at, None);
    assert_eq!(github.scopes(), ["read:user", "user:email"]);
    assert_eq!(github.created_at, time("2026-11-29T18:52:07.645Z"));

    let google_user = UserId::new("QZRyMMSs4UFWUYhpKHlm472AS5yy2O9m");
    let listed = store.list_accounts(&google_user).await.expect("list");
    assert_eq!(listed.len(), 1);
    let google = &listed[0];
    assert_eq!(google.provider_id, "google");
    assert_eq!(google.account_id, "197832749600000000001");
    assert_eq!(
        google.refresh_token.as_deref(),
        Some("1//0UzH4V-BvfwDKZ5clB3vjdRdGmoP_r9ZKlweaQEwW")
    );
    assert_eq!(
        google.access_token_expires_at,
        Some(time("2026-11-29T19:52:08.769Z"))
    );
    assert_eq!(google.refresh_token_expires_at, None);
    assert_eq!(google.updated_at, time("2026-11-29T18:52:09.776Z"));

    // A later sign-in overwrites the tokens, as Better Auth's does.
    let mut signed_in = github.clone();
    signed_in.access_token = Some("gho_zwAcP4lzKs9QAwS7bAQQFzRPqWYn39LzQhSB".into());
    signed_in.updated_at = time("2026-11-29T18:52:07.902Z");
    assert!(store.update_account(&signed_in).await.expect("update"));
    let stored: (String, String, Option<String>, String) = sqlx::query_as(
        r#"SELECT "accessToken", "scope", "password", to_char("updatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM "account" WHERE "id" = '6tNwi5MMmQguXwBfuTTGUN5hGTuvJROw'"#,
    )
    .fetch_one(store.pool())
    .await
    .expect("row");
    assert_eq!(
        stored,
        (
            "gho_zwAcP4lzKs9QAwS7bAQQFzRPqWYn39LzQhSB".to_owned(),
            "read:user,user:email".to_owned(),
            None,
            "2026-11-29T18:52:07.902Z".to_owned()
        )
    );
}

fn social_user(email: &str, provider: &str, account_id: &str) -> (User, Account, Session) {
    let now = Timestamp::now();
    let user = User::new(UserId::generate(), "Social", email, now);
    let account = Account::new(user.id.clone(), provider, account_id, now);
    let session = Session::new(
        SessionId::generate(),
        SessionToken::generate(),
        user.id.clone(),
        now,
        now + Duration::from_secs(3_600),
    );
    (user, account, session)
}

#[tokio::test]
async fn provider_accounts_carry_better_auths_issuer_where_the_column_exists() {
    let (first, url) = store_and_url().await;
    // Better Auth's later schema: "issuer" NOT NULL, unique with "accountId".
    sqlx::raw_sql(
        r#"ALTER TABLE "account" ADD COLUMN "issuer" text NOT NULL;
           CREATE UNIQUE INDEX "account_issuer_accountId_uidx" ON "account" ("issuer", "accountId");"#,
    )
    .execute(first.pool())
    .await
    .expect("issuer column");
    let store = PgStore::connect(&url, options()).await.expect("connect");

    let (user, github, session) = social_user("gh@example.com", "github", "1001");
    store
        .create_social_user(&user, &github, &session)
        .await
        .expect("social sign-up");
    let google = Account::new(user.id.clone(), "google", "g-1", Timestamp::now());
    assert!(store.link_account(&google).await.expect("link"));
    assert!(
        !store
            .link_account(&Account::new(
                user.id.clone(),
                "google",
                "g-1",
                Timestamp::now()
            ))
            .await
            .expect("link"),
        "linked already"
    );
    let issuers: Vec<(String, String)> =
        sqlx::query_as(r#"SELECT "providerId", "issuer" FROM "account" ORDER BY "providerId""#)
            .fetch_all(store.pool())
            .await
            .expect("issuers");
    assert_eq!(
        issuers,
        [
            ("github".to_owned(), "local:oauth:github".to_owned()),
            (
                "google".to_owned(),
                "https://accounts.google.com".to_owned()
            ),
        ]
    );

    // A Better Auth server on the same database (it takes no lock of ours) links the identity
    // meanwhile: our link waits on its row and, once it commits, answers `false`.
    let mut better_auth = sqlx::postgres::PgConnection::connect(&url)
        .await
        .expect("connect");
    better_auth.execute("BEGIN").await.expect("begin");
    sqlx::query(
        r#"INSERT INTO "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt", "issuer") VALUES ('better-auth-row-0000000000000000', '2002', 'github', $1, NULL, now(), now(), 'local:oauth:github')"#,
    )
    .bind(user.id.as_str())
    .execute(&mut better_auth)
    .await
    .expect("Better Auth's insert");
    let racing = Account::new(user.id.clone(), "github", "2002", Timestamp::now());
    let link = tokio::spawn(async move { store.link_account(&racing).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    better_auth.execute("COMMIT").await.expect("commit");
    assert!(!link.await.expect("join").expect("link"), "taken meanwhile");
    let rows: i64 = sqlx::query_scalar(
        r#"SELECT count(*) FROM "account" WHERE "providerId" = 'github' AND "accountId" = '2002'"#,
    )
    .fetch_one(first.pool())
    .await
    .expect("count");
    assert_eq!(rows, 1);
}
