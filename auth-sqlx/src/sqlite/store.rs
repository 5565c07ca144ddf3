//! `UserStore` for `SqliteStore`.

use async_trait::async_trait;
use auth_core::model::{
    AuthSession, CredentialAccount, Email, Session, Timestamp, User, UserUpdate, UserWithCredential,
};
use auth_core::store::{StoreError, UserStore};

use super::SqliteStore;
use crate::error::{classify, classify_user_insert};
use crate::rows::{self, RowAccess};
use crate::sql;
use crate::user_store::impl_user_store;

/// Timestamps are text in Better Auth's JSON format, which sorts as it compares.
fn time(at: Timestamp) -> String {
    at.to_string()
}

impl_user_store!(SqliteStore, time);
