//! The credential account: where an email/password user's hash lives.

use super::{AccountId, Timestamp, User, UserId};

/// A row of Better Auth's `"account"` table with `providerId = 'credential'`.
///
/// `accountId` equals `userId` for credential accounts, as in Better Auth. The hash is a secret
/// too (it allows offline guessing): `Debug` prints nothing of it.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialAccount {
    /// 32-character id.
    pub id: AccountId,
    /// The owner.
    pub user_id: UserId,
    /// The password hash: argon2id PHC string, or a Better Auth scrypt hash until upgraded.
    pub password_hash: Option<String>,
    /// When the account was created.
    pub created_at: Timestamp,
    /// When the row last changed.
    pub updated_at: Timestamp,
}

impl CredentialAccount {
    /// `user_id`'s credential account, created at `created_at` with `password_hash`.
    pub fn new(
        id: AccountId,
        user_id: UserId,
        password_hash: Option<String>,
        created_at: Timestamp,
    ) -> Self {
        Self {
            id,
            user_id,
            password_hash,
            created_at,
            updated_at: created_at,
        }
    }
}

impl std::fmt::Debug for CredentialAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialAccount")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "<redacted>"),
            )
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// A user found by email together with their credential account, in one store round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserWithCredential {
    /// The user.
    pub user: User,
    /// The credential account, when the user has one.
    pub credential: Option<CredentialAccount>,
}

impl UserWithCredential {
    /// The user and their credential account, if any.
    pub fn new(user: User, credential: Option<CredentialAccount>) -> Self {
        Self { user, credential }
    }
}
