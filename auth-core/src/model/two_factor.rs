//! A user's second factor: a row of Better Auth's `"twoFactor"` table.

use std::fmt;

use super::{Timestamp, UserId, random_id};

/// A row of Better Auth's `"twoFactor"` table (plus our `"lastUsedCounter"`).
///
/// `secret` and `backup_codes` are the encrypted column values (see
/// [`two_factor::SecretKeys`](crate::two_factor::SecretKeys)); `Debug` prints neither.
/// Better Auth takes the first row of a user when there are several (there is no unique
/// constraint on `userId`).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TwoFactor {
    /// 32-character id.
    pub id: String,
    /// The user it belongs to (`"userId"`, deleted with the user).
    pub user_id: UserId,
    /// The encrypted TOTP secret (`"secret"`).
    pub secret: String,
    /// The encrypted JSON array of the remaining backup codes (`"backupCodes"`).
    pub backup_codes: String,
    /// `Some(false)` from `enable` until a first TOTP code is verified; `None` (rows of older
    /// versions) counts as verified.
    pub verified: Option<bool>,
    /// Consecutive failed verifications on sign-in challenges (`None` counts as 0).
    pub failed_verification_count: Option<i32>,
    /// Until when verification on sign-in is refused after too many failures.
    pub locked_until: Option<Timestamp>,
    /// Ours (`"lastUsedCounter"`, Better Auth ignores it): the TOTP time step of the last code
    /// accepted, so that it and older ones are refused; `None` when no code was accepted yet or
    /// Better Auth wrote the row.
    pub last_used_counter: Option<i64>,
}

impl TwoFactor {
    /// A new row as Better Auth's `enable` writes it: unverified, no failures, not locked.
    pub fn new(user_id: UserId, secret: String, backup_codes: String) -> Self {
        Self {
            id: random_id(),
            user_id,
            secret,
            backup_codes,
            verified: Some(false),
            failed_verification_count: Some(0),
            locked_until: None,
            last_used_counter: None,
        }
    }

    /// Whether a TOTP code was verified since `enable` (`verified` is not `false`).
    pub fn is_verified(&self) -> bool {
        self.verified != Some(false)
    }

    /// The failed verification count, `NULL` read as 0.
    pub fn failed_count(&self) -> i32 {
        self.failed_verification_count.unwrap_or(0)
    }

    /// True while `locked_until` is after `now`.
    pub fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

impl fmt::Debug for TwoFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwoFactor")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("secret", &"<redacted>")
            .field("backup_codes", &"<redacted>")
            .field("verified", &self.verified)
            .field("failed_verification_count", &self.failed_verification_count)
            .field("locked_until", &self.locked_until)
            .field("last_used_counter", &self.last_used_counter)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_debug() {
        let row = TwoFactor::new(
            UserId::new("u1"),
            "e70712702e549c25".into(),
            "cf74c869d10f8471".into(),
        );
        assert_eq!(row.id.len(), 32);
        assert!(!row.is_verified());
        assert_eq!(row.failed_count(), 0);
        assert!(!row.is_locked(Timestamp::now()));
        let shown = format!("{row:?}");
        assert!(!shown.contains("e70712702e549c25"), "{shown}");
        assert!(!shown.contains("cf74c869d10f8471"), "{shown}");

        let old = TwoFactor {
            verified: None,
            failed_verification_count: None,
            locked_until: Some(Timestamp::max()),
            ..row
        };
        assert!(old.is_verified());
        assert_eq!(old.failed_count(), 0);
        assert!(old.is_locked(Timestamp::now()));
    }
}

/// Whether a user has two-factor authentication on, and their row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TwoFactorState {
    /// `"user"."twoFactorEnabled"` (`NULL` and a missing user read as `false`).
    pub enabled: bool,
    /// The user's `"twoFactor"` row (the first, as Better Auth's `findOne` takes it).
    pub row: Option<TwoFactor>,
}

impl TwoFactorState {
    /// A state as read from a store.
    pub fn new(enabled: bool, row: Option<TwoFactor>) -> Self {
        Self { enabled, row }
    }
}
