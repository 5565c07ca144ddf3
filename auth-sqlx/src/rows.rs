//! Rows to domain types, written once for both drivers through a four-method accessor.

use auth_core::mail::{MailClaim, MailKind, Message, QueuedMail};
use auth_core::model::{
    Account, AccountId, CredentialAccount, Session, SessionId, SessionToken, Timestamp, TwoFactor,
    User, UserId, Verification,
};
use auth_core::store::StoreError;

/// Typed column access; each driver implements it for its row type.
pub(crate) trait RowAccess {
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn flag(&self, column: &str) -> Result<bool, StoreError>;
    fn time(&self, column: &str) -> Result<Timestamp, StoreError>;
    /// A nullable time column.
    fn opt_time(&self, column: &str) -> Result<Option<Timestamp>, StoreError>;
    /// An `integer` column.
    fn int(&self, column: &str) -> Result<i32, StoreError>;
    /// A nullable boolean column (an integer in SQLite).
    fn opt_flag(&self, column: &str) -> Result<Option<bool>, StoreError>;
    /// A nullable `integer` column.
    fn opt_int(&self, column: &str) -> Result<Option<i32>, StoreError>;
    /// A nullable `bigint` column (an integer in SQLite).
    fn opt_bigint(&self, column: &str) -> Result<Option<i64>, StoreError>;
}

/// A column whose value could not be read as the type the domain needs.
#[derive(Debug, thiserror::Error)]
#[error("cannot read column {column}")]
pub(crate) struct DecodeError {
    column: String,
    #[source]
    source: auth_core::BoxError,
}

pub(crate) fn decode_error(column: &str, source: impl Into<auth_core::BoxError>) -> StoreError {
    StoreError::Other(Box::new(DecodeError {
        column: column.to_owned(),
        source: source.into(),
    }))
}

/// A `"user"` row; `created`/`updated` name the time columns (aliased in joins).
pub(crate) fn user(
    row: &impl RowAccess,
    id: &str,
    created: &str,
    updated: &str,
) -> Result<User, StoreError> {
    let mut user = User::new(
        UserId::new(row.text(id)?),
        row.text("name")?,
        row.text("email")?,
        row.time(created)?,
    );
    user.email_verified = row.flag("emailVerified")?;
    user.image = row.opt_text("image")?;
    user.updated_at = row.time(updated)?;
    // NULL (rows Better Auth wrote before its twoFactor plugin) reads as off.
    user.two_factor_enabled = Some(row.opt_flag("twoFactorEnabled")?.unwrap_or(false));
    Ok(user)
}

pub(crate) fn plain_user(row: &impl RowAccess) -> Result<User, StoreError> {
    user(row, "id", "createdAt", "updatedAt")
}

pub(crate) fn session(row: &impl RowAccess) -> Result<Session, StoreError> {
    let mut session = Session::new(
        SessionId::new(row.text("id")?),
        SessionToken::new(row.text("token")?),
        UserId::new(row.text("userId")?),
        row.time("createdAt")?,
        row.time("expiresAt")?,
    );
    session.updated_at = row.time("updatedAt")?;
    session.ip_address = row.opt_text("ipAddress")?;
    session.user_agent = row.opt_text("userAgent")?;
    Ok(session)
}

/// The credential part of a row (`accountRowId` NULL means none, as after a LEFT JOIN).
pub(crate) fn credential(
    row: &impl RowAccess,
    user_id: &UserId,
) -> Result<Option<CredentialAccount>, StoreError> {
    let Some(id) = row.opt_text("accountRowId")? else {
        return Ok(None);
    };
    let mut account = CredentialAccount::new(
        AccountId::new(id),
        user_id.clone(),
        row.opt_text("password")?,
        row.time("accountCreatedAt")?,
    );
    account.updated_at = row.time("accountUpdatedAt")?;
    Ok(Some(account))
}

/// An `"account"` row of any provider (the password is never selected).
pub(crate) fn account(row: &impl RowAccess) -> Result<Account, StoreError> {
    let mut account = Account::new(
        UserId::new(row.text("userId")?),
        row.text("providerId")?,
        row.text("accountId")?,
        row.time("createdAt")?,
    );
    account.id = AccountId::new(row.text("id")?);
    account.access_token = row.opt_text("accessToken")?;
    account.refresh_token = row.opt_text("refreshToken")?;
    account.id_token = row.opt_text("idToken")?;
    account.access_token_expires_at = row.opt_time("accessTokenExpiresAt")?;
    account.refresh_token_expires_at = row.opt_time("refreshTokenExpiresAt")?;
    account.scope = row.opt_text("scope")?;
    account.updated_at = row.time("updatedAt")?;
    Ok(account)
}

/// A `"verification"` row (its value a user id, or a social sign-in's state).
pub(crate) fn verification(row: &impl RowAccess) -> Result<Verification, StoreError> {
    let mut verification = Verification::with_value(
        row.text("identifier")?,
        row.text("value")?,
        row.time("createdAt")?,
        row.time("expiresAt")?,
    );
    verification.id = row.text("id")?;
    verification.updated_at = row.time("updatedAt")?;
    Ok(verification)
}

/// A `"mailOutbox"` row as a claim returns it.
pub(crate) fn queued_mail(row: &impl RowAccess) -> Result<QueuedMail, StoreError> {
    let kind = row.text("kind")?;
    let kind = MailKind::parse(&kind)
        .ok_or_else(|| decode_error("kind", format!("unknown mail kind {kind:?}")))?;
    let message = Message::new(
        kind,
        row.text("recipient")?,
        row.text("subject")?,
        row.text("textBody")?,
        row.text("htmlBody")?,
        row.text("link")?,
    );
    let attempts = u32::try_from(row.int("attempts")?).map_err(|e| decode_error("attempts", e))?;
    Ok(QueuedMail::new(
        MailClaim::with_token(row.text("id")?, row.text("claim")?),
        message,
        attempts,
        row.time("createdAt")?,
    ))
}

/// A `"twoFactor"` row; `None` when its `"id"` is NULL (no row, after a LEFT JOIN).
pub(crate) fn two_factor(row: &impl RowAccess) -> Result<Option<TwoFactor>, StoreError> {
    let Some(id) = row.opt_text("id")? else {
        return Ok(None);
    };
    let mut two_factor = TwoFactor::new(
        UserId::new(row.text("userId")?),
        row.text("secret")?,
        row.text("backupCodes")?,
    );
    two_factor.id = id;
    two_factor.verified = row.opt_flag("verified")?;
    two_factor.failed_verification_count = row.opt_int("failedVerificationCount")?;
    two_factor.locked_until = row.opt_time("lockedUntil")?;
    two_factor.last_used_counter = row.opt_bigint("lastUsedCounter")?;
    Ok(Some(two_factor))
}
