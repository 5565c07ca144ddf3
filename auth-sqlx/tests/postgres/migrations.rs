//! Migrations: idempotent, and exactly Better Auth's schema.

use crate::common::{better_auth_database, catalog, store};

#[tokio::test]
async fn running_twice_is_a_no_op() {
    let store = store().await;
    let before = catalog(store.pool()).await;
    store.migrate().await.expect("second run");
    assert_eq!(catalog(store.pool()).await, before);
    let ledger: i64 = sqlx::query_scalar(r#"SELECT count(*) FROM "_auth_sqlx_migrations""#)
        .fetch_one(store.pool())
        .await
        .expect("ledger");
    assert_eq!(ledger, 4);
}

#[tokio::test]
async fn the_schema_is_better_auths_to_the_column_index_and_constraint() {
    let ours = store().await;
    let theirs = better_auth_database().await;
    let ours = catalog(ours.pool()).await;
    let theirs = catalog(theirs.pool()).await;
    assert!(
        theirs.len() > 40,
        "the catalog query sees Better Auth's schema: {theirs:#?}"
    );
    assert_eq!(better_auths_tables(&ours), theirs);
    // And Better Auth's optional "rateLimit" table (`rateLimit.storage: "database"`), with
    // the key unique as its contract says.
    let rate_limit: Vec<&String> = ours.iter().filter(|l| l.contains("rateLimit")).collect();
    for expected in [
        r#"column rateLimit.id text null=NO default=-"#,
        r#"column rateLimit.key text null=NO default=-"#,
        r#"column rateLimit.count integer null=NO default=-"#,
        r#"column rateLimit.lastRequest bigint null=NO default=-"#,
        r#"index CREATE UNIQUE INDEX "rateLimit_key_uidx" ON public."rateLimit" USING btree (key)"#,
    ] {
        assert!(
            rate_limit.iter().any(|l| l.as_str() == expected),
            "{expected} not in {rate_limit:#?}"
        );
    }
    // And our mail outbox, its times typed as Better Auth's are.
    let outbox: Vec<&String> = ours.iter().filter(|l| l.contains("mailOutbox")).collect();
    for expected in [
        r#"column mailOutbox.id text null=NO default=-"#,
        r#"column mailOutbox.createdAt timestamp with time zone null=NO default=-"#,
        r#"column mailOutbox.nextAttemptAt timestamp with time zone null=NO default=-"#,
        r#"column mailOutbox.attempts integer null=NO default=0"#,
        r#"column mailOutbox.lockedUntil timestamp with time zone null=YES default=-"#,
        r#"column mailOutbox.claim text null=YES default=-"#,
        r#"column mailOutbox.failedAt timestamp with time zone null=YES default=-"#,
        r#"constraint "mailOutbox" mailOutbox_pkey PRIMARY KEY (id)"#,
    ] {
        assert!(
            outbox.iter().any(|l| l.as_str() == expected),
            "{expected} not in {outbox:#?}"
        );
    }
}

/// The catalog without our additions: Better Auth's optional "rateLimit" table, our own
/// "mailOutbox", and the twoFactor plugin's schema (compared with Better Auth's in
/// two_factor.rs).
pub fn better_auths_tables(catalog: &[String]) -> Vec<String> {
    catalog
        .iter()
        .filter(|line| {
            !line.contains("rateLimit")
                && !line.contains("mailOutbox")
                && !line.contains("twoFactor")
        })
        .cloned()
        .collect()
}

#[tokio::test]
async fn over_a_better_auth_database_tables_and_rows_stay_as_they_are() {
    let store = better_auth_database().await;
    sqlx::raw_sql(
        r#"INSERT INTO "user" VALUES ('u1', 'Ada', 'ada@example.com', false, NULL, '2026-11-25T12:00:00Z', '2026-11-25T12:00:00Z');
           INSERT INTO "account" ("id", "accountId", "providerId", "userId", "password", "updatedAt")
                VALUES ('a1', 'u1', 'credential', 'u1', 'salt:key', '2026-11-25T12:00:00Z');"#,
    )
    .execute(store.pool())
    .await
    .expect("rows");
    let rows = |pool| async move {
        let users: Vec<(String, String, String)> =
            sqlx::query_as(r#"SELECT "id", "email", "createdAt"::text FROM "user" ORDER BY "id""#)
                .fetch_all(pool)
                .await
                .expect("users");
        let accounts: Vec<(String, Option<String>, String)> = sqlx::query_as(
            r#"SELECT "id", "password", "createdAt"::text FROM "account" ORDER BY "id""#,
        )
        .fetch_all(pool)
        .await
        .expect("accounts");
        (users, accounts)
    };
    let schema_before = catalog(store.pool()).await;
    let rows_before = rows(store.pool()).await;
    store.migrate().await.expect("first run");
    store.migrate().await.expect("second run");
    assert_eq!(
        better_auths_tables(&catalog(store.pool()).await),
        schema_before
    );
    assert_eq!(rows(store.pool()).await, rows_before);
}
