//! Accounts: the credential account (where an email/password user's hash lives) and any
//! account row with a provider's tokens (social sign-in).

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

/// A row of Better Auth's `"account"` table, of any provider: `credential` (the password, whose
/// hash this type does not carry) or a social provider such as `github` or `google`, with the
/// tokens the provider issued.
///
/// The tokens are the user's keys to the provider: `Debug` prints none of them.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Account {
    /// 32-character row id (what `unlink-account` and `get-access-token` name).
    pub id: AccountId,
    /// The owner.
    pub user_id: UserId,
    /// `credential`, `github`, `google`, or a configured provider's id.
    pub provider_id: String,
    /// The user's id at the provider (GitHub's numeric id, an OpenID Connect `sub`); the user
    /// id for `credential`.
    pub account_id: String,
    /// The provider's access token, stored as received.
    pub access_token: Option<String>,
    /// The provider's refresh token.
    pub refresh_token: Option<String>,
    /// The OpenID Connect ID token the provider issued with the tokens.
    pub id_token: Option<String>,
    /// When the access token expires, when the provider said.
    pub access_token_expires_at: Option<Timestamp>,
    /// When the refresh token expires, when the provider said.
    pub refresh_token_expires_at: Option<Timestamp>,
    /// Granted scopes, comma-separated (Better Auth's storage format).
    pub scope: Option<String>,
    /// When the account was linked.
    pub created_at: Timestamp,
    /// When the row last changed.
    pub updated_at: Timestamp,
}

impl Account {
    /// A new account of `provider_id` for `user_id`, without tokens, created at `now`.
    pub fn new(
        user_id: UserId,
        provider_id: impl Into<String>,
        account_id: impl Into<String>,
        now: Timestamp,
    ) -> Self {
        Self {
            id: AccountId::generate(),
            user_id,
            provider_id: provider_id.into(),
            account_id: account_id.into(),
            access_token: None,
            refresh_token: None,
            id_token: None,
            access_token_expires_at: None,
            refresh_token_expires_at: None,
            scope: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The granted scopes, split as `list-accounts` shows them: on commas (Better Auth's
    /// separator) and whitespace (GitHub sends `read:user,user:email` as one scope string),
    /// without empty entries or repeats.
    pub fn scopes(&self) -> Vec<String> {
        let mut scopes: Vec<String> = Vec::new();
        for scope in self
            .scope
            .as_deref()
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            if !scopes.iter().any(|known| known == scope) {
                scopes.push(scope.to_owned());
            }
        }
        scopes
    }
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |token: &Option<String>| token.as_ref().map(|_| "<redacted>");
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("provider_id", &self.provider_id)
            .field("account_id", &self.account_id)
            .field("access_token", &redacted(&self.access_token))
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("id_token", &redacted(&self.id_token))
            .field("access_token_expires_at", &self.access_token_expires_at)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// What [`UserStore::unlink_account`](crate::store::UserStore::unlink_account) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unlinked {
    /// The account is gone.
    Unlinked,
    /// The user has no account with that id.
    NotFound,
    /// It is the user's only account (their last way in): kept.
    LastAccount,
}
