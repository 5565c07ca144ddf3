//! The second step of a sign-in: a user with two-factor on gets a challenge instead of a
//! session, unless the device presents a trust record; and the trust records themselves.
//!
//! A challenge is a verification row `{identifier: "2fa-<20>", value: <userId>}` that lives
//! `challenge_ttl`; its identifier is the `two_factor` cookie. A trust record is a row
//! `{identifier: "trust-device-<32>", value: <userId>}`; the `trust_device` cookie carries it
//! with an HMAC that binds it to the user: `<base64url(HMAC(secret, "<userId>!<identifier>"))>!<identifier>`.
//! Both are Better Auth's formats.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::Auth;
use crate::config::TwoFactorOptions;
use crate::error::AuthError;
use crate::model::{User, UserId, Verification};
use crate::social::state::random_string;
use crate::two_factor::{
    TRUSTED_DEVICE_PREFIX as TRUST_PREFIX, TwoFactorChallenge, TwoFactorMethod,
};

/// The identifier prefix of a challenge row (and the `two_factor` cookie's value).
pub(crate) const CHALLENGE_PREFIX: &str = "2fa-";
/// Random characters after [`CHALLENGE_PREFIX`].
const CHALLENGE_LEN: usize = 20;
/// Random characters after [`TRUST_PREFIX`].
const TRUST_LEN: usize = 32;

/// A device the user chose to trust: the `trust_device` cookie's value, which skips the second
/// factor at the next sign-in (and is replaced by a new one then).
#[derive(Clone, PartialEq, Eq)]
pub struct TrustedDevice(String);

impl TrustedDevice {
    /// The cookie value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TrustedDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrustedDevice(<redacted>)")
    }
}

/// True for a string shaped like a challenge token, so nothing else is looked up by it.
pub(crate) fn is_challenge_token(token: &str) -> bool {
    token.strip_prefix(CHALLENGE_PREFIX).is_some_and(|rest| {
        rest.len() == CHALLENGE_LEN
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

impl Auth {
    /// The gate every sign-in passes once the first factor holds: `Ok(None)` to go ahead,
    /// `Ok(Some(device))` to go ahead and set the rotated trust cookie, or
    /// [`AuthError::TwoFactorRequired`] with a fresh challenge.
    pub(crate) async fn second_factor(
        &self,
        user: &User,
        remember_me: bool,
        trusted_device: Option<&str>,
    ) -> Result<Option<TrustedDevice>, AuthError> {
        let Some(options) = self.config().two_factor() else {
            return Ok(None);
        };
        if user.two_factor_enabled != Some(true) {
            return Ok(None);
        }
        if let Some(cookie) = trusted_device
            && let Some(rotated) = self.rotate_trusted_device(&user.id, cookie).await?
        {
            tracing::info!(user_id = %user.id, "second factor skipped: trusted device");
            return Ok(Some(rotated));
        }
        let state = self.store().find_two_factor(&user.id).await?;
        let mut methods = Vec::new();
        if state.row.as_ref().is_some_and(|row| row.is_verified()) {
            methods.push(TwoFactorMethod::Totp);
        }
        if self.sends_two_factor_otp() {
            methods.push(TwoFactorMethod::Otp);
        }
        let now = self.now();
        // Abandoned challenges (and expired trust records) go too, without a mail worker.
        self.sweep_expired_states(now).await;
        let token = format!("{CHALLENGE_PREFIX}{}", random_string(CHALLENGE_LEN));
        let row = Verification::new(
            token.clone(),
            &user.id,
            now,
            now.saturating_add(options.challenge_lifetime()),
        );
        self.store().insert_verification(&row).await?;
        tracing::info!(user_id = %user.id, "sign-in waits for the second factor");
        Err(AuthError::TwoFactorRequired(Box::new(TwoFactorChallenge {
            token,
            methods,
            remember_me,
            clear_trusted_device: trusted_device.is_some(),
        })))
    }

    /// The two-factor options; `NotFound` when two-factor is not configured (every two-factor
    /// flow starts here, so that its routes are 404 as they would be without the plugin).
    pub(crate) fn two_factor_options(&self) -> Result<&TwoFactorOptions, AuthError> {
        self.config().two_factor().ok_or(AuthError::NotFound)
    }

    /// Whether codes by email can be sent: on in the options, and a mailer set.
    pub(crate) fn sends_two_factor_otp(&self) -> bool {
        self.config()
            .two_factor()
            .is_some_and(|options| options.sends_email_otp())
            && self.can_mail()
    }

    /// A new trust record for `user_id`, and its cookie value.
    pub(crate) async fn trust_device(&self, user_id: &UserId) -> Result<TrustedDevice, AuthError> {
        let ttl = self
            .config()
            .two_factor()
            .map(|options| options.trust_device_lifetime())
            .unwrap_or_default();
        let now = self.now();
        let identifier = format!("{TRUST_PREFIX}{}", random_string(TRUST_LEN));
        let row = Verification::new(identifier.clone(), user_id, now, now.saturating_add(ttl));
        self.store().insert_verification(&row).await?;
        let tag = self.trust_tag(user_id, &identifier);
        Ok(TrustedDevice(format!("{tag}!{identifier}")))
    }

    /// Checks a trust cookie for `user_id` and, when it holds, spends its record and issues the
    /// next one (a sliding window; the old value is dead from then on). `None` when it does not
    /// hold: forged, another user's, expired, or already rotated away.
    async fn rotate_trusted_device(
        &self,
        user_id: &UserId,
        cookie: &str,
    ) -> Result<Option<TrustedDevice>, AuthError> {
        let Some(identifier) = self.trusted_identifier(user_id, cookie) else {
            return Ok(None);
        };
        let store = self.store();
        let Some(row) = store.find_verification(identifier, self.now()).await? else {
            return Ok(None);
        };
        // Consuming first makes the rotation single-use even when two sign-ins race.
        if row.value != user_id.as_str() || !store.consume_verification(&row.id).await? {
            return Ok(None);
        }
        self.trust_device(user_id).await.map(Some)
    }

    /// The trust record's identifier named by a cookie whose tag is right for `user_id`.
    pub(crate) fn trusted_identifier<'c>(
        &self,
        user_id: &UserId,
        cookie: &'c str,
    ) -> Option<&'c str> {
        let (tag, identifier) = cookie.split_once('!')?;
        let random = identifier.strip_prefix(TRUST_PREFIX)?;
        if random.len() != TRUST_LEN {
            return None;
        }
        let expected = self.trust_tag(user_id, identifier);
        bool::from(expected.as_bytes().ct_eq(tag.as_bytes())).then_some(identifier)
    }

    fn trust_tag(&self, user_id: &UserId, identifier: &str) -> String {
        // HMAC takes keys of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(self.config().secret().expose())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(user_id.as_str().as_bytes());
        mac.update(b"!");
        mac.update(identifier.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_tokens_have_one_shape() {
        assert!(is_challenge_token("2fa-abcdefghij0123456789"));
        assert!(is_challenge_token("2fa-abc_efghij-123456789"));
        assert!(!is_challenge_token("2fa-abcdefghij012345678"));
        assert!(!is_challenge_token("2fa-otp-2fa-abcdefghij0123"));
        assert!(!is_challenge_token("trust-device-abcdefghij0123456789"));
        assert!(!is_challenge_token("2fa-abcdefghij012345678!"));
    }
}
