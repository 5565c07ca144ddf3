//! The credential account: where an email/password user's hash lives.

use super::Timestamp;

/// Better Auth's `providerId` for email/password accounts.
pub const CREDENTIAL_PROVIDER: &str = "credential";

/// Better Auth 1.7's `issuer` for email/password accounts.
pub const CREDENTIAL_ISSUER: &str = "local:credential";

/// A row of Better Auth's `"account"` table with `providerId = 'credential'`.
///
/// `account_id` equals `user_id` for credential accounts, as in Better Auth.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialAccount {
    /// 32-character id.
    pub id: String,
    /// The owner.
    pub user_id: String,
    /// The password hash: argon2id PHC string, or a Better Auth scrypt hash until upgraded.
    pub password_hash: Option<String>,
    /// When the account was created.
    pub created_at: Timestamp,
    /// When the row last changed.
    pub updated_at: Timestamp,
}

impl std::fmt::Debug for CredentialAccount {
    // The hash is a secret too (offline guessing); keep it out of logs.
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
pub struct UserWithCredential {
    /// The user.
    pub user: super::User,
    /// The credential account, when the user has one.
    pub credential: Option<CredentialAccount>,
}
