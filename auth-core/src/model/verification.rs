//! Verification rows: single-use tokens for password resets and account deletion.

use super::{Timestamp, UserId, random_id};

/// A row of Better Auth's `"verification"` table.
///
/// `identifier` carries the token (`reset-password:<token>`, `delete-account-<token>`), so it is
/// a bearer secret: `Debug` prints only its prefix. `value` is the user id the token is for, or
/// (social sign-in) the state of the flow as JSON.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verification {
    /// 32-character id.
    pub id: String,
    /// What the row is looked up by: a purpose prefix and the token.
    pub identifier: String,
    /// The user the token is for.
    pub value: String,
    /// When the token stops working.
    pub expires_at: Timestamp,
    /// When the row was written.
    pub created_at: Timestamp,
    /// When the row last changed.
    pub updated_at: Timestamp,
}

impl Verification {
    /// A new row for `user_id`, created at `now`, valid until `expires_at`.
    pub fn new(
        identifier: String,
        user_id: &UserId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Self {
        Self {
            id: random_id(),
            identifier,
            value: user_id.as_str().to_owned(),
            expires_at,
            created_at: now,
            updated_at: now,
        }
    }

    /// A row carrying `value` (a social sign-in's state, as JSON), created at `now`, valid until
    /// `expires_at`.
    pub fn with_value(
        identifier: String,
        value: String,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Self {
        Self {
            id: random_id(),
            identifier,
            value,
            expires_at,
            created_at: now,
            updated_at: now,
        }
    }

    /// True once `now` has reached `expires_at`.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now
    }
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The prefix says what the row is for; the rest is the token.
        let purpose = ["reset-password:", "delete-account-", "auth-state:"]
            .into_iter()
            .find(|prefix| self.identifier.starts_with(prefix))
            .unwrap_or("");
        f.debug_struct("Verification")
            .field("id", &self.id)
            .field("identifier", &format_args!("{purpose}…<redacted>"))
            // A state row's value holds its PKCE verifier.
            .field(
                "value",
                &if purpose == "auth-state:" {
                    "<redacted>"
                } else {
                    self.value.as_str()
                },
            )
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}
