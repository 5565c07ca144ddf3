//! `AuthError`: every way a flow can fail, with Better Auth's stable code, message and status.

use std::borrow::Cow;
use std::time::Duration;

use http::StatusCode;

use crate::hash::HashError;
use crate::store::StoreError;
use crate::token::TokenError;

/// A boxed error kept as the cause of an internal failure (for logs only).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a flow failed.
///
/// [`code`](Self::code), [`message`](Self::message) and [`status`](Self::status) are what a
/// client sees, and they are stable: they match Better Auth's where Better Auth has the case.
/// `Display` is for logs: it may name an internal cause, which never reaches a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Sign-up with an email that already has an account (in any letter case).
    #[error("user already exists")]
    UserAlreadyExists,
    /// Sign-in with an unknown email or a wrong password (deliberately indistinguishable).
    #[error("invalid email or password")]
    InvalidEmailOrPassword,
    /// An email address that is not syntactically valid.
    #[error("invalid email")]
    InvalidEmail,
    /// A wrong current password (change-password).
    #[error("invalid password")]
    InvalidPassword,
    /// A new password shorter than the policy allows.
    #[error("password too short")]
    PasswordTooShort,
    /// A new password longer than the policy allows.
    #[error("password too long")]
    PasswordTooLong,
    /// Input that fails schema validation; the message says which field and why.
    #[error("validation error: {0}")]
    Validation(String),
    /// No valid session or token.
    #[error("unauthorized")]
    Unauthorized,
    /// A JWT that was refused; the reason is kept for logs and decides the code.
    #[error("invalid token: {0}")]
    InvalidToken(#[source] TokenError),
    /// The session is older than the freshness window the operation requires.
    #[error("session is not fresh")]
    SessionNotFresh,
    /// The user has no email/password account.
    #[error("credential account not found")]
    CredentialAccountNotFound,
    /// An attempt to change the email through update-user.
    #[error("email can not be updated")]
    EmailCanNotBeUpdated,
    /// An update-user request that changes nothing.
    #[error("no fields to update")]
    NoFieldsToUpdate,
    /// A request body that is not valid JSON.
    #[error("invalid JSON in request body")]
    InvalidJson,
    /// A request body whose `Content-Type` the route does not take; holds the given type and the
    /// allowed ones.
    #[error("unsupported content type {given:?}")]
    UnsupportedMediaType {
        /// The `Content-Type` the request had.
        given: String,
        /// What the route accepts, comma-separated.
        allowed: &'static str,
    },
    /// A request body over the configured limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// A request body that is JSON but not an object.
    #[error("body must be an object")]
    BodyMustBeAnObject,
    /// A state-changing request from an origin that is not trusted.
    #[error("invalid origin")]
    InvalidOrigin,
    /// A state-changing request with cookies but without an `Origin` (or `Referer`).
    #[error("missing or null origin")]
    MissingOrNullOrigin,
    /// A cross-site form navigation to sign-in or sign-up (a login CSRF).
    #[error("cross-site navigation login blocked")]
    CrossSiteNavigationLoginBlocked,
    /// A `callbackURL` that is neither a relative path nor on a trusted origin.
    #[error("invalid callbackURL")]
    InvalidCallbackUrl,
    /// `POST /get-session`, which Better Auth only allows with deferred session refresh.
    #[error("POST get-session without deferred refresh")]
    GetSessionMethodNotAllowed,
    /// Over a rate limit (see [`crate::rate_limit`]); the client may retry after the duration.
    /// Better Auth answers `429` with `x-retry-after` and a body without a `code`.
    #[error("rate limited")]
    TooManyRequests {
        /// How long until the window ends (whole seconds, at least one).
        retry_after: Duration,
    },
    /// The password-hashing queue is full; the client should retry shortly.
    #[error("password hashing is overloaded")]
    Overloaded,
    /// The store cannot be reached (database down, pool exhausted).
    #[error("store unavailable: {0}")]
    Unavailable(#[source] BoxError),
    /// Anything else; the cause is logged, the client sees only "Internal Server Error".
    #[error("internal error: {0}")]
    Internal(#[source] BoxError),
}

impl AuthError {
    /// The stable, machine-readable code (`UPPER_SNAKE`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::UserAlreadyExists => "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            Self::InvalidEmailOrPassword => "INVALID_EMAIL_OR_PASSWORD",
            Self::InvalidEmail => "INVALID_EMAIL",
            Self::InvalidPassword => "INVALID_PASSWORD",
            Self::PasswordTooShort => "PASSWORD_TOO_SHORT",
            Self::PasswordTooLong => "PASSWORD_TOO_LONG",
            Self::Validation(_) => "VALIDATION_ERROR",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::InvalidToken(TokenError::Expired) => "TOKEN_EXPIRED",
            Self::InvalidToken(_) => "INVALID_TOKEN",
            Self::SessionNotFresh => "SESSION_NOT_FRESH",
            Self::CredentialAccountNotFound => "CREDENTIAL_ACCOUNT_NOT_FOUND",
            Self::EmailCanNotBeUpdated => "EMAIL_CAN_NOT_BE_UPDATED",
            Self::NoFieldsToUpdate => "NO_FIELDS_TO_UPDATE",
            Self::InvalidJson => "BAD_REQUEST",
            Self::UnsupportedMediaType { .. } => "UNSUPPORTED_MEDIA_TYPE",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::BodyMustBeAnObject => "BODY_MUST_BE_AN_OBJECT",
            Self::InvalidOrigin => "INVALID_ORIGIN",
            Self::MissingOrNullOrigin => "MISSING_OR_NULL_ORIGIN",
            Self::CrossSiteNavigationLoginBlocked => "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
            Self::InvalidCallbackUrl => "INVALID_CALLBACK_URL",
            Self::GetSessionMethodNotAllowed => "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
            Self::TooManyRequests { .. } => "TOO_MANY_REQUESTS",
            Self::Overloaded => "SERVER_BUSY",
            Self::Unavailable(_) => "SERVICE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The human-readable message a client may show (Better Auth's text where it has one).
    pub fn message(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::UserAlreadyExists => "User already exists. Use another email.",
            Self::InvalidEmailOrPassword => "Invalid email or password",
            Self::InvalidEmail => "Invalid email",
            Self::InvalidPassword => "Invalid password",
            Self::PasswordTooShort => "Password too short",
            Self::PasswordTooLong => "Password too long",
            Self::Validation(message) => return Cow::Borrowed(message),
            Self::Unauthorized => "Unauthorized",
            Self::InvalidToken(TokenError::Expired) => "Token expired",
            Self::InvalidToken(_) => "Invalid token",
            Self::SessionNotFresh => "Session is not fresh",
            Self::CredentialAccountNotFound => "Credential account not found",
            Self::EmailCanNotBeUpdated => "Email can not be updated",
            Self::NoFieldsToUpdate => "No fields to update",
            Self::InvalidJson => "Invalid JSON in request body",
            Self::UnsupportedMediaType { given, allowed } => {
                return Cow::Owned(format!(
                    "Content-Type \"{given}\" is not allowed. Allowed types: {allowed}"
                ));
            }
            Self::PayloadTooLarge => "Request body is too large",
            Self::BodyMustBeAnObject => "Body must be an object",
            Self::InvalidOrigin => "Invalid origin",
            Self::MissingOrNullOrigin => "Missing or null Origin",
            Self::CrossSiteNavigationLoginBlocked => {
                "Cross-site navigation login blocked. This request appears to be a CSRF attack."
            }
            Self::InvalidCallbackUrl => "Invalid callbackURL",
            Self::GetSessionMethodNotAllowed => {
                "POST method requires deferSessionRefresh to be enabled in session config"
            }
            Self::TooManyRequests { .. } => "Too many requests. Please try again later.",
            Self::Overloaded => "The server is busy. Please try again shortly.",
            Self::Unavailable(_) => "Service temporarily unavailable. Please try again shortly.",
            Self::Internal(_) => "Internal Server Error",
        })
    }

    /// The HTTP status Better Auth answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::UserAlreadyExists => StatusCode::UNPROCESSABLE_ENTITY,
            Self::InvalidEmailOrPassword | Self::Unauthorized | Self::InvalidToken(_) => {
                StatusCode::UNAUTHORIZED
            }
            Self::InvalidEmail
            | Self::InvalidPassword
            | Self::PasswordTooShort
            | Self::PasswordTooLong
            | Self::Validation(_)
            | Self::CredentialAccountNotFound
            | Self::EmailCanNotBeUpdated
            | Self::NoFieldsToUpdate
            | Self::InvalidJson
            | Self::BodyMustBeAnObject => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::SessionNotFresh
            | Self::InvalidOrigin
            | Self::MissingOrNullOrigin
            | Self::CrossSiteNavigationLoginBlocked
            | Self::InvalidCallbackUrl => StatusCode::FORBIDDEN,
            Self::GetSessionMethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Overloaded | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// How long the client should wait before retrying: `Retry-After` on 503s, Better Auth's
    /// `x-retry-after` on 429s.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::TooManyRequests { retry_after } => Some(*retry_after),
            Self::Overloaded => Some(Duration::from_secs(1)),
            Self::Unavailable(_) => Some(Duration::from_secs(5)),
            _ => None,
        }
    }

    /// Wraps any error as [`AuthError::Internal`].
    pub fn internal(error: impl Into<BoxError>) -> Self {
        Self::Internal(error.into())
    }
}

impl From<StoreError> for AuthError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::EmailTaken => Self::UserAlreadyExists,
            StoreError::Unavailable(cause) => Self::Unavailable(cause),
            StoreError::Other(cause) => Self::Internal(cause),
        }
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
        match error {
            TokenError::Signing(_) => Self::Internal(Box::new(error)),
            other => Self::InvalidToken(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_statuses_and_messages_match_better_auth() {
        let cases = [
            (
                AuthError::UserAlreadyExists,
                422,
                "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            ),
            (
                AuthError::InvalidEmailOrPassword,
                401,
                "INVALID_EMAIL_OR_PASSWORD",
            ),
            (AuthError::PasswordTooShort, 400, "PASSWORD_TOO_SHORT"),
            (AuthError::PasswordTooLong, 400, "PASSWORD_TOO_LONG"),
            (AuthError::InvalidEmail, 400, "INVALID_EMAIL"),
            (AuthError::Unauthorized, 401, "UNAUTHORIZED"),
            (AuthError::SessionNotFresh, 403, "SESSION_NOT_FRESH"),
        ];
        for (error, status, code) in cases {
            assert_eq!(error.status().as_u16(), status, "{code}");
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
    fn internal_causes_stay_out_of_the_client_message() {
        let error = AuthError::internal("connection refused to db.internal:5432");
        assert_eq!(error.message(), "Internal Server Error");
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            error.to_string().contains("db.internal"),
            "the log line keeps the cause"
        );
        let unavailable = AuthError::from(StoreError::Unavailable("pool timed out".into()));
        assert_eq!(unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(!unavailable.message().contains("pool"));
        assert!(unavailable.retry_after().is_some());
    }
}
