//! [`TwoFactorRefusal`]: why a two-factor request was refused, with Better Auth's codes.

/// Why a two-factor route refused; each has Better Auth's code and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TwoFactorRefusal {
    /// `enable` while a verified TOTP secret exists.
    #[error("TOTP is already enabled")]
    TotpAlreadyEnabled,
    /// No (verified, on a sign-in challenge) TOTP secret.
    #[error("TOTP not enabled")]
    TotpNotEnabled,
    /// Codes by email are off, or no mailer is set.
    #[error("otp isn't configured")]
    OtpNotConfigured,
    /// No session, and no live sign-in challenge.
    #[error("invalid two factor cookie")]
    InvalidChallenge,
    /// A wrong (or already used) TOTP or emailed code.
    #[error("invalid code")]
    InvalidCode,
    /// A backup code that is not among the user's remaining ones.
    #[error("invalid backup code")]
    InvalidBackupCode,
    /// No (verified) second factor to take backup codes for.
    #[error("backup codes aren't enabled")]
    BackupCodesNotEnabled,
    /// Another request spent a code of the same list at the same moment.
    #[error("backup codes changed concurrently")]
    BackupCodesChanged,
    /// The challenge (or the emailed code) had its attempts.
    #[error("too many attempts")]
    TooManyAttempts,
    /// No emailed code is pending, or it expired.
    #[error("OTP has expired")]
    OtpExpired,
    /// Too many failed verifications: the second factor is locked for a while.
    #[error("account temporarily locked")]
    AccountLocked,
    /// The user has no second factor on.
    #[error("two factor isn't enabled")]
    TwoFactorNotEnabled,
}

impl TwoFactorRefusal {
    /// The stable code (Better Auth's).
    pub fn code(self) -> &'static str {
        match self {
            Self::TotpAlreadyEnabled => "TOTP_ALREADY_ENABLED",
            Self::TotpNotEnabled => "TOTP_NOT_ENABLED",
            Self::OtpNotConfigured => "OTP_NOT_CONFIGURED",
            Self::InvalidChallenge => "INVALID_TWO_FACTOR_COOKIE",
            Self::InvalidCode => "INVALID_CODE",
            Self::InvalidBackupCode => "INVALID_BACKUP_CODE",
            Self::BackupCodesNotEnabled => "BACKUP_CODES_NOT_ENABLED",
            // Better Auth sends no code with this one; a stable one is clearer.
            Self::BackupCodesChanged => "BACKUP_CODES_CHANGED",
            Self::TooManyAttempts => "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE",
            Self::OtpExpired => "OTP_HAS_EXPIRED",
            Self::AccountLocked => "ACCOUNT_TEMPORARILY_LOCKED",
            Self::TwoFactorNotEnabled => "TWO_FACTOR_NOT_ENABLED",
        }
    }

    /// The message (Better Auth's).
    pub fn message(self) -> &'static str {
        match self {
            Self::TotpAlreadyEnabled => "TOTP is already enabled",
            Self::TotpNotEnabled => "TOTP not enabled",
            Self::OtpNotConfigured => "otp isn't configured",
            Self::InvalidChallenge => "Invalid two factor cookie",
            Self::InvalidCode => "Invalid code",
            Self::InvalidBackupCode => "Invalid backup code",
            Self::BackupCodesNotEnabled => "Backup codes aren't enabled",
            Self::BackupCodesChanged => "Failed to verify backup code. Please try again.",
            Self::TooManyAttempts => "Too many attempts. Please request a new code.",
            Self::OtpExpired => "OTP has expired",
            Self::AccountLocked => {
                "Too many failed verification attempts. Your account is temporarily locked. Please try again later."
            }
            Self::TwoFactorNotEnabled => "Two factor isn't enabled",
        }
    }
}
