//! Setting two-factor up and tearing it down, each behind the password: `enable` (a new
//! authenticator secret and backup codes, or codes by email), the secret's URI again, new
//! backup codes, `disable`.

use zeroize::Zeroizing;

use crate::Auth;
use crate::error::AuthError;
use crate::model::{AuthSession, ClientInfo, Password, Session, TwoFactor};
use crate::two_factor::{BackupCodes, TotpSecret, TwoFactorRefusal, totp_uri};

/// What `enable` is asked for.
#[derive(Debug, Clone)]
#[must_use]
pub struct TwoFactorEnable {
    pub(crate) password: Password,
    pub(crate) by_email: bool,
    pub(crate) issuer: Option<String>,
}

impl TwoFactorEnable {
    /// An authenticator app (TOTP) with backup codes, confirmed by the first code verified.
    pub fn totp(password: Password) -> Self {
        Self {
            password,
            by_email: false,
            issuer: None,
        }
    }

    /// Codes by email only: two-factor is on at once (Better Auth's `method: "otp"`).
    pub fn otp(password: Password) -> Self {
        Self {
            password,
            by_email: true,
            issuer: None,
        }
    }

    /// The issuer the URI names, instead of the configured one.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }
}

/// What `enable` did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TwoFactorEnabled {
    /// A new authenticator, waiting for its first code: the `otpauth://` URI to scan, and the
    /// backup codes to show once.
    Totp {
        /// The `otpauth://` URI.
        uri: Zeroizing<String>,
        /// The backup codes.
        backup_codes: BackupCodes,
    },
    /// Codes by email are on; the session was replaced by this one.
    Otp {
        /// The new session.
        session: Session,
    },
}

impl Auth {
    /// Starts two-factor: with TOTP, stores a new secret and backup codes (two-factor turns on
    /// when the first code is verified); with codes by email, turns it on at once and replaces
    /// the session.
    pub async fn enable_two_factor(
        &self,
        current: &AuthSession,
        input: TwoFactorEnable,
        client: &ClientInfo,
    ) -> Result<TwoFactorEnabled, AuthError> {
        let options = self.two_factor_options()?;
        let user = &current.user;
        self.check_password(&user.id, &input.password).await?;
        let store = self.store();
        let now = self.now();
        if input.by_email {
            if !self.sends_two_factor_otp() {
                return Err(TwoFactorRefusal::OtpNotConfigured.into());
            }
            store.set_two_factor_enabled(&user.id, true, now).await?;
            let session = self.replace_session(current, client).await?;
            tracing::info!(user_id = %user.id, "two-factor authentication turned on (codes by email)");
            return Ok(TwoFactorEnabled::Otp { session });
        }
        let state = store.find_two_factor(&user.id).await?;
        if state.row.as_ref().is_some_and(|row| row.is_verified()) {
            return Err(TwoFactorRefusal::TotpAlreadyEnabled.into());
        }
        let keys = self.two_factor_keys();
        let secret = TotpSecret::generate();
        let backup_codes = BackupCodes::generate();
        let row = TwoFactor::new(
            user.id.clone(),
            keys.encrypt(secret.expose()),
            backup_codes.encrypt(&keys),
        );
        if !store.put_two_factor(&row).await? {
            return Err(TwoFactorRefusal::TotpAlreadyEnabled.into());
        }
        let issuer = input.issuer.as_deref().unwrap_or(options.issuer());
        let uri = totp_uri(&secret, issuer, &user.email)?;
        tracing::info!(user_id = %user.id, "authenticator secret issued, waiting for its first code");
        Ok(TwoFactorEnabled::Totp { uri, backup_codes })
    }

    /// The `otpauth://` URI of the user's authenticator secret, with the configured issuer
    /// (Better Auth's answer names the application instead; the same secret then shows up
    /// under two names).
    pub async fn two_factor_uri(
        &self,
        current: &AuthSession,
        password: &Password,
    ) -> Result<Zeroizing<String>, AuthError> {
        let options = self.two_factor_options()?;
        let user = &current.user;
        self.check_password(&user.id, password).await?;
        let state = self.store().find_two_factor(&user.id).await?;
        let row = state.row.ok_or(TwoFactorRefusal::TotpNotEnabled)?;
        let secret = TotpSecret::new(self.two_factor_keys().decrypt(&row.secret)?.as_str());
        Ok(totp_uri(&secret, options.issuer(), &user.email)?)
    }

    /// Replaces the user's backup codes with ten new ones.
    pub async fn regenerate_backup_codes(
        &self,
        current: &AuthSession,
        password: &Password,
    ) -> Result<BackupCodes, AuthError> {
        self.two_factor_options()?;
        let user = &current.user;
        self.check_password(&user.id, password).await?;
        let store = self.store();
        let state = store.find_two_factor(&user.id).await?;
        let row = state
            .row
            .filter(|_| state.enabled)
            .ok_or(TwoFactorRefusal::TwoFactorNotEnabled)?;
        let codes = BackupCodes::generate();
        let keys = self.two_factor_keys();
        if !store
            .swap_backup_codes(&row.id, &row.backup_codes, &codes.encrypt(&keys))
            .await?
        {
            return Err(TwoFactorRefusal::BackupCodesChanged.into());
        }
        tracing::info!(user_id = %user.id, "backup codes replaced");
        Ok(codes)
    }

    /// Turns two-factor off: the flag, the secret and backup codes, and the trust records of
    /// all the user's devices go (Better Auth forgets only the asking device's, and honours the
    /// others again if two-factor is turned back on); the session is replaced. Off already is
    /// not an error (as Better Auth).
    pub async fn disable_two_factor(
        &self,
        current: &AuthSession,
        password: &Password,
        client: &ClientInfo,
    ) -> Result<Session, AuthError> {
        self.two_factor_options()?;
        let user = &current.user;
        self.check_password(&user.id, password).await?;
        self.store()
            .disable_two_factor(&user.id, self.now())
            .await?;
        let session = self.replace_session(current, client).await?;
        tracing::info!(user_id = %user.id, "two-factor authentication turned off");
        Ok(session)
    }

    /// A new session in place of `current` (after a change to how the user signs in).
    pub(crate) async fn replace_session(
        &self,
        current: &AuthSession,
        client: &ClientInfo,
    ) -> Result<Session, AuthError> {
        let store = self.store();
        let session = self.new_session(&current.user.id, true, client);
        store.create_session(&session).await?;
        store.delete_session(&current.session.token).await?;
        Ok(session)
    }
}
