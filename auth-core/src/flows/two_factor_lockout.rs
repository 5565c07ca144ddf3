//! The lockout of the second factor: after `lockout_threshold` failed verifications (10), no
//! code is checked or sent for `lockout_duration` (15 minutes), signed in or on a challenge.
//!
//! A user with an authenticator keeps the count in the `twoFactor` row, as Better Auth does
//! (reset by a success). A user with codes by email only has no such row, and Better Auth no
//! lockout for them: here their failures are counted in the shared request counters, in a
//! window of `lockout_duration` from the first, and the lock is a `verification` row
//! ([`LOCK_PREFIX`]) that every instance sees.

use crate::Auth;
use crate::error::AuthError;
use crate::model::{Timestamp, TwoFactorState, UserId, Verification};
use crate::two_factor::TwoFactorRefusal;

/// Identifier prefix of the lock row of a user without a `twoFactor` row (`:` keeps it apart
/// from challenge tokens, whose alphabet has none).
const LOCK_PREFIX: &str = "2fa-lock:";

fn lock_identifier(user_id: &UserId) -> String {
    format!("{LOCK_PREFIX}{user_id}")
}

impl Auth {
    /// `ACCOUNT_TEMPORARILY_LOCKED` while the user's second factor is locked.
    pub(crate) async fn refuse_if_locked(
        &self,
        user_id: &UserId,
        state: &TwoFactorState,
        now: Timestamp,
    ) -> Result<(), AuthError> {
        let locked = match &state.row {
            Some(row) => row.is_locked(now),
            None => self
                .store()
                .find_verification(&lock_identifier(user_id), now)
                .await?
                .is_some(),
        };
        if locked {
            return Err(TwoFactorRefusal::AccountLocked.into());
        }
        Ok(())
    }

    /// Counts a failed verification; the one that reaches the threshold locks.
    pub(crate) async fn count_failure(
        &self,
        user_id: &UserId,
        state: &TwoFactorState,
        now: Timestamp,
    ) -> Result<(), AuthError> {
        let Some(options) = self.config().two_factor() else {
            return Ok(());
        };
        let (threshold, lock_for) = options.lockout_policy();
        let locked = match &state.row {
            Some(row) => self
                .store()
                .record_two_factor_failure(&row.id, now, threshold, lock_for)
                .await?
                .is_some_and(|row| row.is_locked(now)),
            None => {
                let hit = self
                    .rate_limit_store()
                    .hit(&format!("2fa-failures:{user_id}"), lock_for, now)
                    .await?;
                // Each concurrent failure sees its own count: exactly one writes the lock.
                let reached = hit.count == u64::from(threshold);
                if reached {
                    let lock = Verification::new(
                        lock_identifier(user_id),
                        user_id,
                        now,
                        now.saturating_add(lock_for),
                    );
                    self.store().insert_verification(&lock).await?;
                }
                reached
            }
        };
        if locked {
            tracing::warn!(user_id = %user_id, "second factor locked: too many failures");
        }
        Ok(())
    }

    /// A success ends the run of failures (in the `twoFactor` row; the counters of a user
    /// without one run out with their window).
    pub(crate) async fn clear_failures(&self, state: &TwoFactorState) -> Result<(), AuthError> {
        if let Some(row) = &state.row
            && (row.failed_count() > 0 || row.locked_until.is_some())
        {
            self.store().clear_two_factor_failures(&row.id).await?;
        }
        Ok(())
    }
}
