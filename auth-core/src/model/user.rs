//! Users and the changes a user may make to their profile.

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// A user, as stored in Better Auth's `"user"` table and sent in its JSON.
///
/// Fields are declared in the order Better Auth's JSON uses, so responses match it key for key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Display name (may be empty).
    pub name: String,
    /// Email address, lower-cased.
    pub email: String,
    /// Whether the address was verified (always `false` for email/password sign-ups).
    pub email_verified: bool,
    /// Avatar URL, if any.
    pub image: Option<String>,
    /// When the user signed up.
    pub created_at: Timestamp,
    /// When the profile last changed.
    pub updated_at: Timestamp,
    /// 32-character id.
    pub id: String,
}

/// A profile change: each `Some` field is written, each `None` left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserUpdate {
    /// A new display name.
    pub name: Option<String>,
    /// A new avatar: `Some(None)` removes it.
    pub image: Option<Option<String>>,
}

impl UserUpdate {
    /// True when the update would change nothing.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.image.is_none()
    }

    /// Applies the update to `user` in memory (stores that keep rows as values use this).
    pub fn apply_to(&self, user: &mut User, now: Timestamp) {
        if let Some(name) = &self.name {
            user.name.clone_from(name);
        }
        if let Some(image) = &self.image {
            user.image.clone_from(image);
        }
        user.updated_at = now;
    }
}
