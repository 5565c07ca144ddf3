//! Answering with the second factor: a TOTP code, a backup code or a code sent by email, either
//! on a sign-in challenge (which then becomes a session) or signed in (which confirms a new
//! authenticator, or only checks).
//!
//! Stricter than Better Auth where its client cannot tell: every accepted TOTP step is
//! remembered (a code works once); failures count towards the lockout whether signed in or
//! not; a challenge's attempts are shared by all methods (a new emailed code does not bring
//! new ones); backup codes work only once the authenticator is confirmed; the first code of a
//! new authenticator answers with the new session's token, not the deleted one's.

use std::fmt;

use rand::Rng;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::two_factor_challenge::{TrustedDevice, is_challenge_token};
use crate::Auth;
use crate::error::AuthError;
use crate::mail::MailKind;
use crate::model::{
    AuthSession, ClientInfo, Session, Timestamp, TwoFactorState, User, Verification,
};
use crate::two_factor::{BackupCodes, SecretKeys, Totp, TotpSecret, TwoFactorRefusal};

/// Identifier prefix of an emailed code's row.
const OTP_PREFIX: &str = "2fa-otp-";
const OTP_DIGITS: usize = 6;

/// Who answers: a signed-in user, or the holder of a sign-in challenge.
#[derive(Clone)]
#[non_exhaustive]
pub enum TwoFactorCaller {
    /// A signed-in user (a session cookie or bearer token; it wins over a challenge).
    Session(Box<AuthSession>),
    /// The `two_factor` cookie's value, and whether the session it leads to is long-lived.
    Challenge {
        /// The challenge token.
        token: String,
        /// Long-lived session (no `dont_remember` cookie) or a one-day one.
        remember_me: bool,
    },
}

impl fmt::Debug for TwoFactorCaller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Session(current) => f.debug_tuple("Session").field(&current.session.id).finish(),
            Self::Challenge { remember_me, .. } => f
                .debug_struct("Challenge")
                .field("token", &"<redacted>")
                .field("remember_me", remember_me)
                .finish(),
        }
    }
}

/// The second factor offered.
#[derive(Clone)]
#[non_exhaustive]
pub enum SecondFactor {
    /// A code from the authenticator app.
    Totp(Zeroizing<String>),
    /// One of the backup codes.
    BackupCode(Zeroizing<String>),
    /// The code sent by email.
    Otp(Zeroizing<String>),
}

impl fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Totp(_) => "Totp(<redacted>)",
            Self::BackupCode(_) => "BackupCode(<redacted>)",
            Self::Otp(_) => "Otp(<redacted>)",
        })
    }
}

/// A verification request.
#[derive(Debug, Clone)]
#[must_use]
pub struct TwoFactorVerify {
    pub(crate) factor: SecondFactor,
    pub(crate) trust_device: bool,
    pub(crate) disable_session: bool,
}

impl TwoFactorVerify {
    /// Verifies `factor`.
    pub fn new(factor: SecondFactor) -> Self {
        Self {
            factor,
            trust_device: false,
            disable_session: false,
        }
    }

    /// On a challenge: also trust this device, so its next sign-ins skip the second factor.
    pub fn trust_device(mut self, trust: bool) -> Self {
        self.trust_device = trust;
        self
    }

    /// On a challenge with a backup code: spend the code and end the challenge without
    /// creating a session (Better Auth's `disableSession`).
    pub fn disable_session(mut self, disable: bool) -> Self {
        self.disable_session = disable;
        self
    }
}

/// A verification that succeeded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TwoFactorVerified {
    /// The user, as they are now.
    pub user: User,
    /// The session the answer names: a new one (a challenge met, or two-factor just turned
    /// on) or the caller's; `None` with `disable_session`.
    pub session: Option<Session>,
    /// Whether `session` was created by this call (its cookie is to be set).
    pub created: bool,
    /// Whether the new session is long-lived.
    pub remember_me: bool,
    /// The trust cookie to set, when the device was trusted.
    pub trusted_device: Option<TrustedDevice>,
}

/// What checking a factor found.
enum Checked {
    /// Right, and spent (a TOTP step recorded, a backup code removed, an emailed code used).
    Accepted,
    /// A TOTP code that confirms a new authenticator: its step, recorded when two-factor is
    /// turned on.
    Confirms { row_id: String, counter: i64 },
    /// Wrong; the refusal to answer.
    Wrong(TwoFactorRefusal),
}

impl Auth {
    /// Checks a second factor. On a challenge, success creates the session (and the trust
    /// record, when asked); signed in, the first TOTP code of a new authenticator turns
    /// two-factor on and replaces the session, any other success changes nothing.
    pub async fn verify_two_factor(
        &self,
        caller: TwoFactorCaller,
        input: TwoFactorVerify,
        client: &ClientInfo,
    ) -> Result<TwoFactorVerified, AuthError> {
        self.two_factor_options()?;
        match caller {
            TwoFactorCaller::Session(current) => {
                self.verify_signed_in(*current, input, client).await
            }
            TwoFactorCaller::Challenge { token, remember_me } => {
                self.verify_challenge(&token, remember_me, input, client)
                    .await
            }
        }
    }

    async fn verify_signed_in(
        &self,
        current: AuthSession,
        input: TwoFactorVerify,
        client: &ClientInfo,
    ) -> Result<TwoFactorVerified, AuthError> {
        let store = self.store();
        let now = self.now();
        let user = &current.user;
        let state = store.find_two_factor(&user.id).await?;
        self.refuse_if_locked(&user.id, &state, now).await?;
        let otp_key = format!("{}!{}", user.id, current.session.id);
        match self
            .check_factor(&state, &input.factor, &otp_key, now)
            .await?
        {
            Checked::Wrong(refusal) => {
                self.count_failure(&user.id, &state, now).await?;
                Err(refusal.into())
            }
            Checked::Accepted => {
                self.clear_failures(&state).await?;
                Ok(TwoFactorVerified {
                    user: current.user,
                    session: Some(current.session),
                    created: false,
                    remember_me: true,
                    trusted_device: None,
                })
            }
            Checked::Confirms { row_id, counter } => {
                if !store
                    .enable_two_factor(&user.id, &row_id, counter, now)
                    .await?
                {
                    // The step was used meanwhile (a replay racing this request).
                    return Err(TwoFactorRefusal::InvalidCode.into());
                }
                self.clear_failures(&state).await?;
                let mut user = current.user.clone();
                user.two_factor_enabled = Some(true);
                user.updated_at = now;
                self.present(&mut user);
                if state.enabled {
                    // Adding an authenticator to codes by email: the session stays.
                    tracing::info!(user_id = %user.id, "authenticator confirmed");
                    return Ok(TwoFactorVerified {
                        user,
                        session: Some(current.session),
                        created: false,
                        remember_me: true,
                        trusted_device: None,
                    });
                }
                // Two-factor is on from now: the session becomes one made with it.
                let session = self.replace_session(&current, client).await?;
                tracing::info!(user_id = %user.id, "two-factor authentication turned on");
                Ok(TwoFactorVerified {
                    user,
                    session: Some(session),
                    created: true,
                    remember_me: true,
                    trusted_device: None,
                })
            }
        }
    }

    async fn verify_challenge(
        &self,
        token: &str,
        remember_me: bool,
        input: TwoFactorVerify,
        client: &ClientInfo,
    ) -> Result<TwoFactorVerified, AuthError> {
        let store = self.store();
        let now = self.now();
        let challenge = self.find_challenge(token, now).await?;
        let user_id = crate::model::UserId::new(challenge.value.clone());
        let state = store.find_two_factor(&user_id).await?;
        self.refuse_if_locked(&user_id, &state, now).await?;
        // An authenticator that was never confirmed does not sign anyone in.
        let confirmed = state.row.as_ref().is_some_and(|row| row.is_verified());
        if matches!(input.factor, SecondFactor::Totp(_)) && !confirmed {
            return Err(TwoFactorRefusal::TotpNotEnabled.into());
        }
        self.count_attempt(&challenge).await?;
        match self.check_factor(&state, &input.factor, token, now).await? {
            Checked::Wrong(refusal) => {
                self.count_failure(&user_id, &state, now).await?;
                return Err(refusal.into());
            }
            Checked::Confirms { .. } => return Err(TwoFactorRefusal::TotpNotEnabled.into()),
            Checked::Accepted => {}
        }
        // One success per challenge, even when two verifications race.
        if !store.consume_verification(&challenge.id).await? {
            return Err(TwoFactorRefusal::InvalidChallenge.into());
        }
        self.clear_failures(&state).await?;
        let Some(mut user) = store.find_user_by_id(&user_id).await? else {
            return Err(TwoFactorRefusal::InvalidChallenge.into());
        };
        self.present(&mut user);
        if input.disable_session && matches!(input.factor, SecondFactor::BackupCode(_)) {
            tracing::info!(user_id = %user.id, "backup code spent without a session");
            return Ok(TwoFactorVerified {
                user,
                session: None,
                created: false,
                remember_me,
                trusted_device: None,
            });
        }
        let session = self.new_session(&user.id, remember_me, client);
        store.create_session(&session).await?;
        let trusted_device = if input.trust_device {
            Some(self.trust_device(&user.id).await?)
        } else {
            None
        };
        tracing::info!(user_id = %user.id, "user signed in with the second factor");
        Ok(TwoFactorVerified {
            user,
            session: Some(session),
            created: true,
            remember_me,
            trusted_device,
        })
    }

    /// Sends a one-time code by email, for the signed-in user or the challenge's.
    pub async fn send_two_factor_otp(&self, caller: TwoFactorCaller) -> Result<(), AuthError> {
        let options = self.two_factor_options()?;
        if !self.sends_two_factor_otp() {
            return Err(TwoFactorRefusal::OtpNotConfigured.into());
        }
        let store = self.store();
        let now = self.now();
        let (user, key) = match caller {
            TwoFactorCaller::Session(current) => {
                // Signed in as on a challenge: a locked second factor gets no codes.
                let state = store.find_two_factor(&current.user.id).await?;
                self.refuse_if_locked(&current.user.id, &state, now).await?;
                let key = format!("{}!{}", current.user.id, current.session.id);
                (current.user, key)
            }
            TwoFactorCaller::Challenge { token, .. } => {
                let challenge = self.find_challenge(&token, now).await?;
                let user_id = crate::model::UserId::new(challenge.value);
                let state = store.find_two_factor(&user_id).await?;
                self.refuse_if_locked(&user_id, &state, now).await?;
                let user = store
                    .find_user_by_id(&user_id)
                    .await?
                    .ok_or(TwoFactorRefusal::InvalidChallenge)?;
                (user, token)
            }
        };
        let code = random_otp();
        let row = Verification::with_value(
            format!("{OTP_PREFIX}{key}"),
            hash_otp(&code),
            now,
            now.saturating_add(options.otp_lifetime()),
        );
        let Some(mail) = self.compose(MailKind::TwoFactorOtp, &user, &user.email, &code, None)
        else {
            return Err(TwoFactorRefusal::OtpNotConfigured.into());
        };
        store.create_verification(&row, &mail).await?;
        self.mail_queued();
        tracing::info!(user_id = %user.id, "two-factor code queued");
        Ok(())
    }

    /// The live challenge row a token names.
    async fn find_challenge(&self, token: &str, now: Timestamp) -> Result<Verification, AuthError> {
        if !is_challenge_token(token) {
            return Err(TwoFactorRefusal::InvalidChallenge.into());
        }
        self.store()
            .find_verification(token, now)
            .await?
            .ok_or_else(|| TwoFactorRefusal::InvalidChallenge.into())
    }

    /// Counts one attempt on a challenge, in the shared request counters (so that instances
    /// sharing a database share the count); past the limit the challenge ends.
    async fn count_attempt(&self, challenge: &Verification) -> Result<(), AuthError> {
        let Some(options) = self.config().two_factor() else {
            return Ok(());
        };
        let hit = self
            .rate_limit_store()
            .hit(
                &format!("2fa-attempts:{}", challenge.id),
                options.challenge_lifetime(),
                self.now(),
            )
            .await?;
        if hit.count > u64::from(options.attempts()) {
            self.store().consume_verification(&challenge.id).await?;
            tracing::info!(user_id = %challenge.value, "sign-in challenge ended: too many attempts");
            return Err(TwoFactorRefusal::TooManyAttempts.into());
        }
        Ok(())
    }

    async fn check_factor(
        &self,
        state: &TwoFactorState,
        factor: &SecondFactor,
        otp_key: &str,
        now: Timestamp,
    ) -> Result<Checked, AuthError> {
        let store = self.store();
        match factor {
            SecondFactor::Totp(code) => {
                let Some(row) = &state.row else {
                    return Err(TwoFactorRefusal::TotpNotEnabled.into());
                };
                let secret = TotpSecret::new(self.two_factor_keys().decrypt(&row.secret)?.as_str());
                let last = row.last_used_counter.and_then(|c| u64::try_from(c).ok());
                let Some(step) = Totp::new(&secret)?.verify(code, now, last) else {
                    return Ok(Checked::Wrong(TwoFactorRefusal::InvalidCode));
                };
                let counter = i64::try_from(step).unwrap_or(i64::MAX);
                if !row.is_verified() {
                    return Ok(Checked::Confirms {
                        row_id: row.id.clone(),
                        counter,
                    });
                }
                Ok(if store.use_totp_counter(&row.id, counter).await? {
                    Checked::Accepted
                } else {
                    Checked::Wrong(TwoFactorRefusal::InvalidCode)
                })
            }
            SecondFactor::BackupCode(code) => {
                let Some(row) = state.row.as_ref().filter(|row| row.is_verified()) else {
                    return Err(TwoFactorRefusal::BackupCodesNotEnabled.into());
                };
                let keys = self.two_factor_keys();
                let codes = BackupCodes::decrypt(&row.backup_codes, &keys)?;
                let Some(remaining) = codes.verify(code) else {
                    return Ok(Checked::Wrong(TwoFactorRefusal::InvalidBackupCode));
                };
                if store
                    .swap_backup_codes(&row.id, &row.backup_codes, &remaining.encrypt(&keys))
                    .await?
                {
                    Ok(Checked::Accepted)
                } else {
                    Err(TwoFactorRefusal::BackupCodesChanged.into())
                }
            }
            SecondFactor::Otp(code) => self.check_otp(otp_key, code, now).await,
        }
    }

    async fn check_otp(&self, key: &str, code: &str, now: Timestamp) -> Result<Checked, AuthError> {
        let store = self.store();
        let Some(row) = store
            .find_verification(&format!("{OTP_PREFIX}{key}"), now)
            .await?
        else {
            return Err(TwoFactorRefusal::OtpExpired.into());
        };
        // Each code has its attempts too (signed in, where no challenge counts them).
        if let Some(options) = self.config().two_factor() {
            let hit = self
                .rate_limit_store()
                .hit(
                    &format!("2fa-otp-attempts:{}", row.id),
                    options.otp_lifetime(),
                    now,
                )
                .await?;
            if hit.count > u64::from(options.attempts()) {
                store.consume_verification(&row.id).await?;
                return Err(TwoFactorRefusal::TooManyAttempts.into());
            }
        }
        if !bool::from(hash_otp(code).as_bytes().ct_eq(row.value.as_bytes())) {
            return Ok(Checked::Wrong(TwoFactorRefusal::InvalidCode));
        }
        if !store.consume_verification(&row.id).await? {
            return Err(TwoFactorRefusal::OtpExpired.into());
        }
        Ok(Checked::Accepted)
    }

    /// The keys that encrypt two-factor secrets: Better Auth's, from the auth secret.
    pub(crate) fn two_factor_keys(&self) -> SecretKeys {
        SecretKeys::new(self.config().secret().expose_str())
    }
}

/// Six digits, uniformly, from the OS CSPRNG.
fn random_otp() -> Zeroizing<String> {
    let mut rng = rand::rngs::OsRng;
    Zeroizing::new(
        (0..OTP_DIGITS)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect(),
    )
}

/// How an emailed code is stored: Better Auth's `storeOTP: "hashed"` (base64url of SHA-256,
/// the digest PKCE's S256 challenge is), so a read of the verification table does not hand
/// out live codes.
fn hash_otp(code: &str) -> String {
    crate::social::state::code_challenge(code)
}
