//! Users and the changes a user may make to their profile.

use serde::{Deserialize, Serialize};

use super::{Timestamp, UserId};

/// A user, as stored in Better Auth's `"user"` table and sent in its JSON.
///
/// Fields are declared in the order Better Auth's JSON uses, so responses match it key for key.
/// A store builds one with [`User::new`] and sets the other fields from its row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
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
    /// Whether two-factor authentication is on (`"twoFactorEnabled"`). Stores fill it; the
    /// protocol shows it (as Better Auth's `twoFactor` plugin does) only when two-factor is
    /// configured, and leaves it out otherwise. `None` is not serialised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor_enabled: Option<bool>,
    /// 32-character id.
    pub id: UserId,
}

impl User {
    /// A user created at `created_at`: unverified, without an image, not updated since;
    /// `two_factor_enabled` unreported (`None`) until a store reads it.
    pub fn new(
        id: UserId,
        name: impl Into<String>,
        email: impl Into<String>,
        created_at: Timestamp,
    ) -> Self {
        Self {
            name: name.into(),
            email: email.into(),
            email_verified: false,
            image: None,
            created_at,
            updated_at: created_at,
            two_factor_enabled: None,
            id,
        }
    }
}

/// A profile change: each `Some` field is written, each `None` left alone.
///
/// ```
/// use auth_core::model::UserUpdate;
///
/// let update = UserUpdate::default().with_name("Ada Lovelace").with_image(None); // removes the avatar
/// assert_eq!(update.image, Some(None));
/// assert!(!update.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserUpdate {
    /// A new display name.
    pub name: Option<String>,
    /// A new avatar: `Some(None)` removes it.
    pub image: Option<Option<String>>,
}

impl UserUpdate {
    /// Also sets the display name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Also sets the avatar URL (`None` removes it).
    #[must_use]
    pub fn with_image(mut self, image: Option<String>) -> Self {
        self.image = Some(image);
        self
    }

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
