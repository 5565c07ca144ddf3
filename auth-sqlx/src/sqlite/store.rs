//! `UserStore` for `SqliteStore`.

use async_trait::async_trait;
use auth_core::mail::{Delivery, MailClaim, OutboundMail, QueuedMail};
use auth_core::model::{
    Account, AccountId, AuthSession, CredentialAccount, Email, Session, SessionId, SessionToken,
    Timestamp, TwoFactor, TwoFactorState, Unlinked, User, UserId, UserUpdate, UserWithCredential,
    Verification,
};
use auth_core::store::{Hit, RateLimitStore, StoreError, UserStore};
use sqlx::Row;
use std::time::Duration;

use super::SqliteStore;
use crate::error::{classify, classify_user_insert, is_linked_identity};
use crate::rate_limit::impl_rate_limit_store;
use crate::rows::{self, RowAccess};
use crate::sql;
use crate::user_store::impl_user_store;

/// Timestamps are text in Better Auth's JSON format, which sorts as it compares.
fn time(at: Timestamp) -> String {
    at.to_string()
}

impl_rate_limit_store!(sqlx::sqlite::SqlitePool);
impl_user_store!(SqliteStore, time, sqlx::SqliteConnection);
