//! sqlx errors to `StoreError`: what is "the database cannot be reached" and what is not.

use auth_core::store::StoreError;

/// Classifies a driver error. Connection-level failures (refused, reset, TLS, pool timed out,
/// server shutting down or out of connection slots) are `Unavailable`, so that callers answer
/// 503 with `Retry-After` instead of 500.
pub(crate) fn classify(error: sqlx::Error) -> StoreError {
    let unavailable = match &error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // 08xxx connection exceptions; 57P01-03 shutdown / cannot connect now; 53300 too many
            // connections.
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    };
    if unavailable {
        StoreError::Unavailable(Box::new(error))
    } else {
        StoreError::Other(Box::new(error))
    }
}

/// `EmailTaken` for a unique violation on the user's email, else [`classify`].
pub(crate) fn classify_user_insert(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error
        && db.is_unique_violation()
    {
        let on_email = db.constraint().is_some_and(|c| c.contains("email"))
            // SQLite names no constraint; its message does: `UNIQUE constraint failed: user.email`.
            || db.message().contains("user.email");
        if on_email {
            return StoreError::EmailTaken;
        }
    }
    classify(error)
}

/// Whether inserting an account row failed on a unique index other than the primary key: Better
/// Auth 1.7's (`"issuer"`, `"accountId"`) one, when a Better Auth server sharing the database
/// linked the same identity meanwhile (it does not take our lock).
pub(crate) fn is_linked_identity(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = error else {
        return false;
    };
    db.is_unique_violation()
        && !db.constraint().is_some_and(|c| c.ends_with("_pkey"))
        // SQLite names no constraint: `UNIQUE constraint failed: account.id` is the key.
        && !db.message().ends_with("account.id")
}
