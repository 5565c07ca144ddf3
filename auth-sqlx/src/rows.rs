//! Rows to domain types, written once for both drivers through a four-method accessor.

use auth_core::model::{CredentialAccount, Session, Timestamp, User};
use auth_core::store::StoreError;

/// Typed column access; each driver implements it for its row type.
pub(crate) trait RowAccess {
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn flag(&self, column: &str) -> Result<bool, StoreError>;
    fn time(&self, column: &str) -> Result<Timestamp, StoreError>;
}

pub(crate) fn decode_error(column: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("cannot read column {column}: {error}").into())
}

/// A `"user"` row; `created`/`updated` name the time columns (aliased in joins).
pub(crate) fn user(
    row: &impl RowAccess,
    id: &str,
    created: &str,
    updated: &str,
) -> Result<User, StoreError> {
    Ok(User {
        name: row.text("name")?,
        email: row.text("email")?,
        email_verified: row.flag("emailVerified")?,
        image: row.opt_text("image")?,
        created_at: row.time(created)?,
        updated_at: row.time(updated)?,
        id: row.text(id)?,
    })
}

pub(crate) fn plain_user(row: &impl RowAccess) -> Result<User, StoreError> {
    user(row, "id", "createdAt", "updatedAt")
}

pub(crate) fn session(row: &impl RowAccess) -> Result<Session, StoreError> {
    Ok(Session {
        expires_at: row.time("expiresAt")?,
        token: row.text("token")?,
        created_at: row.time("createdAt")?,
        updated_at: row.time("updatedAt")?,
        ip_address: row.opt_text("ipAddress")?,
        user_agent: row.opt_text("userAgent")?,
        user_id: row.text("userId")?,
        id: row.text("id")?,
    })
}

/// The credential part of a row (`accountRowId` NULL means none, as after a LEFT JOIN).
pub(crate) fn credential(
    row: &impl RowAccess,
    user_id: &str,
) -> Result<Option<CredentialAccount>, StoreError> {
    let Some(id) = row.opt_text("accountRowId")? else {
        return Ok(None);
    };
    Ok(Some(CredentialAccount {
        id,
        user_id: user_id.to_owned(),
        password_hash: row.opt_text("password")?,
        created_at: row.time("accountCreatedAt")?,
        updated_at: row.time("accountUpdatedAt")?,
    }))
}
