//! `AuthError`: every way a flow can fail, with Better Auth's stable code and message. How each
//! maps onto HTTP (status, headers) is decided once, in `http::ProtocolError`.

use std::borrow::Cow;
use std::fmt;

use crate::BoxError;
use crate::hash::HashError;
use crate::model::PasswordPolicyError;
use crate::social::ProviderError;
use crate::store::StoreError;
use crate::token::{SigningError, TokenError};
use crate::two_factor::{TwoFactorChallenge, TwoFactorError, TwoFactorRefusal};

/// Why a flow failed.
///
/// [`code`](Self::code) and [`message`](Self::message) are what a client sees, and they are
/// stable: they match Better Auth's where Better Auth has the case. `Display` is for logs; an
/// internal cause is kept as the [`source`](std::error::Error::source) and never reaches a
/// client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Sign-up with an email that already has an account (in any letter case).
    #[error("user already exists")]
    UserAlreadyExists,
    /// Sign-in with an unknown email or a wrong password (deliberately indistinguishable).
    #[error("invalid email or password")]
    InvalidEmailOrPassword,
    /// A wrong current password (change-password).
    #[error("invalid password")]
    InvalidPassword,
    /// A new password shorter than the policy allows.
    #[error("password too short")]
    PasswordTooShort,
    /// A new password longer than the policy allows.
    #[error("password too long")]
    PasswordTooLong,
    /// No valid session or token.
    #[error("unauthorized")]
    Unauthorized,
    /// A JWT that was refused; the reason decides the code.
    #[error("invalid token")]
    InvalidToken(#[source] TokenError),
    /// The session is older than the freshness window the operation requires.
    #[error("session is not fresh")]
    SessionNotFresh,
    /// The user has no email/password account.
    #[error("credential account not found")]
    CredentialAccountNotFound,
    /// An update-user request that changes nothing.
    #[error("no fields to update")]
    NoFieldsToUpdate,
    /// The right password for an email that must be verified first.
    #[error("email not verified")]
    EmailNotVerified,
    /// Email verification is not set up (no mailer).
    #[error("verification email is not enabled")]
    VerificationEmailNotEnabled,
    /// Password reset is off, or there is no mailer.
    #[error("password reset is not enabled")]
    ResetPasswordDisabled,
    /// Change of email is off.
    #[error("change email is disabled")]
    ChangeEmailDisabled,
    /// Account deletion is off (Better Auth answers a bare 404).
    #[error("not found")]
    NotFound,
    /// A signed-in user asked to verify an address that is not theirs.
    #[error("email mismatch")]
    EmailMismatch,
    /// A signed-in user asked to verify an address already verified.
    #[error("email already verified")]
    EmailAlreadyVerified,
    /// A change of email to the address the user already has.
    #[error("email is the same")]
    EmailIsTheSame,
    /// A verification or change-of-email link that does not work; the reason decides the code.
    #[error("invalid email link")]
    EmailLink(#[source] EmailLinkError),
    /// The password was right, but the user has two-factor authentication on: no session was
    /// created. The challenge says how to finish (the protocol answers Better Auth's
    /// `{"twoFactorRedirect":true}` with the `two_factor` cookie).
    #[error("two-factor authentication required")]
    TwoFactorRequired(Box<TwoFactorChallenge>),
    /// A two-factor route refused; the reason decides the code.
    #[error("two-factor refused")]
    TwoFactor(#[source] TwoFactorRefusal),
    /// A stored two-factor value did not decrypt or parse (the auth secret changed?).
    #[error("stored two-factor data is unusable")]
    TwoFactorData(#[source] TwoFactorError),
    /// A reset token that is unknown, used or expired.
    #[error("invalid reset token")]
    InvalidResetToken,
    /// A reset token for a user who no longer exists.
    #[error("user not found")]
    UserNotFound,
    /// A deletion token that is unknown, used, expired or another user's.
    #[error("invalid deletion token")]
    InvalidDeleteToken,
    /// A deletion link opened without a session.
    #[error("failed to get user info")]
    FailedToGetUserInfo,
    /// Deletion by a session older than the freshness window, without the password.
    #[error("session expired")]
    SessionExpired,
    /// A social provider that is not configured (any name: Better Auth answers 404 for all).
    #[error("provider not found")]
    ProviderNotFound,
    /// An ID token sent to a provider that does not sign in with client-sent ID tokens.
    #[error("ID tokens not supported by this provider")]
    IdTokenNotSupported,
    /// An ID token that does not verify (signature, issuer, audience, time, nonce).
    #[error("invalid ID token")]
    InvalidIdToken(#[source] ProviderError),
    /// The provider shares no email address for the user.
    #[error("user email not found")]
    UserEmailNotFound,
    /// The provider's address belongs to a user the account may not join.
    #[error("account not linked")]
    AccountNotLinked,
    /// The provider account belongs to another user.
    #[error("social account already linked")]
    SocialAccountAlreadyLinked,
    /// Linking refused: an untrusted provider that does not vouch for the address.
    #[error("linking not allowed")]
    LinkingNotAllowed,
    /// Linking refused: the provider's address is not the user's.
    #[error("linking different emails not allowed")]
    LinkingDifferentEmails,
    /// Unlinking the only account left (the user's last way in).
    #[error("cannot unlink the last account")]
    FailedToUnlinkLastAccount,
    /// No account of the user with that id.
    #[error("account not found")]
    AccountNotFound,
    /// The account holds no refresh token.
    #[error("refresh token not found")]
    RefreshTokenNotFound,
    /// The provider refused or failed to refresh the tokens.
    #[error("failed to refresh access token")]
    FailedToRefreshAccessToken(#[source] ProviderError),
    /// The access token expired and could not be refreshed.
    #[error("failed to get access token")]
    FailedToGetAccessToken(#[source] ProviderError),
    /// The provider could not be reached or answered nonsense.
    #[error("provider unavailable")]
    ProviderUnavailable(#[source] ProviderError),
    /// The password-hashing queue is full; the client should retry shortly.
    #[error("password hashing is overloaded")]
    Overloaded,
    /// The store cannot be reached (database down, pool exhausted).
    #[error("store unavailable")]
    Unavailable(#[source] BoxError),
    /// Anything else; the cause is logged, the client sees only "Internal Server Error".
    #[error("internal error")]
    Internal(#[source] BoxError),
}

impl AuthError {
    /// The stable, machine-readable code (`UPPER_SNAKE`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::UserAlreadyExists => "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            Self::InvalidEmailOrPassword => "INVALID_EMAIL_OR_PASSWORD",
            Self::InvalidPassword => "INVALID_PASSWORD",
            Self::PasswordTooShort => "PASSWORD_TOO_SHORT",
            Self::PasswordTooLong => "PASSWORD_TOO_LONG",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::InvalidToken(TokenError::Expired) => "TOKEN_EXPIRED",
            Self::InvalidToken(TokenError::KeysUnavailable) => "SIGNING_KEYS_UNAVAILABLE",
            Self::InvalidToken(_) => "INVALID_TOKEN",
            Self::SessionNotFresh => "SESSION_NOT_FRESH",
            Self::CredentialAccountNotFound => "CREDENTIAL_ACCOUNT_NOT_FOUND",
            Self::NoFieldsToUpdate => "NO_FIELDS_TO_UPDATE",
            Self::EmailNotVerified => "EMAIL_NOT_VERIFIED",
            Self::VerificationEmailNotEnabled => "VERIFICATION_EMAIL_NOT_ENABLED",
            Self::ResetPasswordDisabled => "RESET_PASSWORD_DISABLED",
            Self::ChangeEmailDisabled => "CHANGE_EMAIL_DISABLED",
            Self::NotFound => "NOT_FOUND",
            Self::EmailMismatch => "EMAIL_MISMATCH",
            Self::EmailAlreadyVerified => "EMAIL_ALREADY_VERIFIED",
            Self::EmailIsTheSame => "EMAIL_IS_THE_SAME",
            Self::EmailLink(reason) => reason.code(),
            Self::TwoFactorRequired(_) => "TWO_FACTOR_REQUIRED",
            Self::TwoFactor(reason) => reason.code(),
            Self::TwoFactorData(_) => "INTERNAL_SERVER_ERROR",
            Self::InvalidResetToken | Self::InvalidDeleteToken => "INVALID_TOKEN",
            Self::UserNotFound => "USER_NOT_FOUND",
            Self::FailedToGetUserInfo => "FAILED_TO_GET_USER_INFO",
            Self::SessionExpired => "SESSION_EXPIRED",
            Self::ProviderNotFound => "PROVIDER_NOT_FOUND",
            Self::IdTokenNotSupported => "ID_TOKEN_NOT_SUPPORTED",
            Self::InvalidIdToken(_) => "INVALID_TOKEN",
            Self::UserEmailNotFound => "USER_EMAIL_NOT_FOUND",
            Self::AccountNotLinked => "OAUTH_LINK_ERROR",
            Self::SocialAccountAlreadyLinked => "SOCIAL_ACCOUNT_ALREADY_LINKED",
            Self::LinkingNotAllowed => "LINKING_NOT_ALLOWED",
            Self::LinkingDifferentEmails => "LINKING_DIFFERENT_EMAILS_NOT_ALLOWED",
            Self::FailedToUnlinkLastAccount => "FAILED_TO_UNLINK_LAST_ACCOUNT",
            Self::AccountNotFound => "ACCOUNT_NOT_FOUND",
            Self::RefreshTokenNotFound => "REFRESH_TOKEN_NOT_FOUND",
            Self::FailedToRefreshAccessToken(_) => "FAILED_TO_REFRESH_ACCESS_TOKEN",
            Self::FailedToGetAccessToken(_) => "FAILED_TO_GET_ACCESS_TOKEN",
            Self::ProviderUnavailable(_) => "PROVIDER_UNAVAILABLE",
            Self::Overloaded => "SERVER_BUSY",
            Self::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The human-readable message a client may show (Better Auth's text where it has one).
    pub fn message(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::UserAlreadyExists => "User already exists. Use another email.",
            Self::InvalidEmailOrPassword => "Invalid email or password",
            Self::InvalidPassword => "Invalid password",
            Self::PasswordTooShort => "Password too short",
            Self::PasswordTooLong => "Password too long",
            Self::Unauthorized => "Unauthorized",
            Self::InvalidToken(TokenError::Expired) => "Token expired",
            Self::InvalidToken(TokenError::KeysUnavailable) => {
                "The keys that sign tokens cannot be reached. Please try again shortly."
            }
            Self::InvalidToken(_) => "Invalid token",
            Self::SessionNotFresh => "Session is not fresh",
            Self::CredentialAccountNotFound => "Credential account not found",
            Self::NoFieldsToUpdate => "No fields to update",
            Self::EmailNotVerified => "Email not verified",
            Self::VerificationEmailNotEnabled => "Verification email isn't enabled",
            Self::ResetPasswordDisabled => "Reset password isn't enabled",
            Self::ChangeEmailDisabled => "Change email is disabled",
            Self::NotFound => "Not found",
            Self::EmailMismatch => "Email mismatch",
            Self::EmailAlreadyVerified => "Email is already verified",
            Self::EmailIsTheSame => "Email is the same",
            Self::EmailLink(reason) => reason.message(),
            Self::TwoFactorRequired(_) => "Two-factor authentication required",
            Self::TwoFactor(reason) => reason.message(),
            Self::TwoFactorData(_) => "Internal Server Error",
            Self::InvalidResetToken | Self::InvalidDeleteToken => "Invalid token",
            Self::UserNotFound => "User not found",
            Self::FailedToGetUserInfo => "Failed to get user info",
            Self::SessionExpired => "Session expired. Re-authenticate to perform this action.",
            Self::ProviderNotFound => "Provider not found",
            Self::IdTokenNotSupported => "id_token not supported",
            Self::InvalidIdToken(_) => "Invalid token",
            Self::UserEmailNotFound => "User email not found",
            Self::AccountNotLinked => "account not linked",
            Self::SocialAccountAlreadyLinked => "Social account already linked",
            Self::LinkingNotAllowed => "Account not linked - linking not allowed",
            Self::LinkingDifferentEmails => "Account not linked - different emails not allowed",
            Self::FailedToUnlinkLastAccount => "You can't unlink your last account",
            Self::AccountNotFound => "Account not found",
            Self::RefreshTokenNotFound => "Refresh token not found",
            Self::FailedToRefreshAccessToken(_) => "Failed to refresh access token",
            Self::FailedToGetAccessToken(_) => "Failed to get a valid access token",
            Self::ProviderUnavailable(_) => {
                "The sign-in provider cannot be reached. Please try again shortly."
            }
            Self::Overloaded => "The server is busy. Please try again shortly.",
            Self::Unavailable(_) => "Service temporarily unavailable. Please try again shortly.",
            Self::Internal(_) => "Internal Server Error",
        })
    }

    /// Wraps any error as [`AuthError::Internal`].
    pub fn internal(error: impl Into<BoxError>) -> Self {
        Self::Internal(error.into())
    }

    /// True for failures of the server (a store that is down, a fault), false for the client's.
    pub fn is_server_fault(&self) -> bool {
        matches!(
            self,
            Self::Overloaded
                | Self::Unavailable(_)
                | Self::ProviderUnavailable(_)
                | Self::Internal(_)
                | Self::TwoFactorData(_)
                | Self::InvalidToken(TokenError::KeysUnavailable)
        )
    }
}

impl From<StoreError> for AuthError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::EmailTaken => Self::UserAlreadyExists,
            StoreError::Unavailable(cause) => Self::Unavailable(cause),
            other => Self::Internal(Box::new(other)),
        }
    }
}

impl From<TwoFactorRefusal> for AuthError {
    fn from(reason: TwoFactorRefusal) -> Self {
        Self::TwoFactor(reason)
    }
}

impl From<TwoFactorError> for AuthError {
    fn from(error: TwoFactorError) -> Self {
        Self::TwoFactorData(error)
    }
}

impl From<crate::two_factor::CryptoError> for AuthError {
    fn from(error: crate::two_factor::CryptoError) -> Self {
        Self::TwoFactorData(error.into())
    }
}

impl From<HashError> for AuthError {
    fn from(error: HashError) -> Self {
        match error {
            HashError::Overloaded => Self::Overloaded,
            other => Self::Internal(Box::new(other)),
        }
    }
}

impl From<TokenError> for AuthError {
    fn from(error: TokenError) -> Self {
        Self::InvalidToken(error)
    }
}

impl From<SigningError> for AuthError {
    fn from(error: SigningError) -> Self {
        Self::Internal(Box::new(error))
    }
}

impl From<PasswordPolicyError> for AuthError {
    fn from(error: PasswordPolicyError) -> Self {
        match error {
            PasswordPolicyError::TooShort => Self::PasswordTooShort,
            PasswordPolicyError::TooLong => Self::PasswordTooLong,
        }
    }
}

/// Why a verification or change-of-email link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailLinkError {
    /// Its time is up.
    #[error("the link has expired")]
    Expired,
    /// Not a link we made, or one made for an email the user no longer has.
    #[error("the link is not valid")]
    Invalid,
    /// No user has the link's email.
    #[error("no user has the link's email")]
    UserNotFound,
    /// A change-of-email link opened while signed in as someone else.
    #[error("the link is another user's")]
    InvalidUser,
}

impl EmailLinkError {
    /// The stable code (Better Auth's).
    pub fn code(self) -> &'static str {
        match self {
            Self::Expired => "TOKEN_EXPIRED",
            Self::Invalid => "INVALID_TOKEN",
            Self::UserNotFound => "USER_NOT_FOUND",
            Self::InvalidUser => "INVALID_USER",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::Expired => "Token expired",
            Self::Invalid => "Invalid token",
            Self::UserNotFound => "User not found",
            Self::InvalidUser => "Invalid user",
        }
    }
}

/// An error and its causes on one line (`a: b: c`), for logs: `Display` alone stops at the first.
pub(crate) struct Chain<'a>(pub(crate) &'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_messages_match_better_auth() {
        let cases = [
            (
                AuthError::UserAlreadyExists,
                "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            ),
            (
                AuthError::InvalidEmailOrPassword,
                "INVALID_EMAIL_OR_PASSWORD",
            ),
            (AuthError::PasswordTooShort, "PASSWORD_TOO_SHORT"),
            (AuthError::PasswordTooLong, "PASSWORD_TOO_LONG"),
            (AuthError::Unauthorized, "UNAUTHORIZED"),
            (AuthError::SessionNotFresh, "SESSION_NOT_FRESH"),
            (
                AuthError::InvalidToken(TokenError::Expired),
                "TOKEN_EXPIRED",
            ),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code);
        }
        assert_eq!(
            AuthError::UserAlreadyExists.message(),
            "User already exists. Use another email."
        );
        assert_eq!(
            AuthError::InvalidEmailOrPassword.message(),
            "Invalid email or password"
        );
    }

    #[test]
    fn internal_causes_stay_out_of_the_client_message_and_in_the_chain() {
        let error = AuthError::internal("connection refused to db.internal:5432");
        assert_eq!(error.message(), "Internal Server Error");
        assert!(error.is_server_fault());
        let logged = Chain(&error).to_string();
        assert_eq!(
            logged,
            "internal error: connection refused to db.internal:5432"
        );
        let unavailable = AuthError::from(StoreError::Unavailable("pool timed out".into()));
        assert!(!unavailable.message().contains("pool"));
        assert!(Chain(&unavailable).to_string().contains("pool timed out"));
        let hashing = AuthError::from(HashError::Panicked);
        assert!(
            Chain(&hashing)
                .to_string()
                .ends_with("a password hashing job panicked")
        );
    }
}
