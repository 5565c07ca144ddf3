//! The hot lookups (user by email at sign-in, session by token on every request) use unique
//! indexes.

use sqlx::Executor;

use crate::common::store;

#[tokio::test]
async fn lookups_by_email_and_by_token_use_unique_indexes() {
    let store = store().await;
    let mut conn = store.pool().acquire().await.expect("connection");
    // With sequential scans priced out, the plan names the index if one can serve the query.
    conn.execute("SET enable_seqscan = off").await.expect("set");
    for (query, index) in [
        (
            r#"EXPLAIN SELECT * FROM "user" WHERE "email" = 'a@example.com'"#,
            "user_email_key",
        ),
        (
            r#"EXPLAIN SELECT * FROM "session" WHERE "token" = 'abc'"#,
            "session_token_key",
        ),
        (
            r#"EXPLAIN SELECT * FROM "session" WHERE "id" = 'abc'"#,
            "session_pkey",
        ),
        (
            r#"EXPLAIN SELECT * FROM "account" WHERE "userId" = 'u' AND "providerId" = 'credential'"#,
            "account_userId_idx",
        ),
    ] {
        let plan: Vec<(String,)> = sqlx::query_as(query)
            .fetch_all(&mut *conn)
            .await
            .expect("explain");
        let plan: String = plan
            .into_iter()
            .map(|(line,)| line)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(plan.contains(index), "{query}\n{plan}");
    }
    let unique: Vec<(String,)> = sqlx::query_as(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%' ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("indexes");
    let unique: Vec<String> = unique.into_iter().map(|(n,)| n).collect();
    assert!(
        unique.contains(&"user_email_key".to_owned())
            && unique.contains(&"session_token_key".to_owned())
    );
}
