//! `ProtocolError`: why the protocol refused a request, and the one place where every refusal,
//! a flow's included, becomes an HTTP status, headers and Better Auth's JSON body.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use http::{Response, StatusCode};

use super::reply::Reply;
use crate::error::AuthError;
use crate::token::TokenError;
use crate::two_factor::TwoFactorRefusal;

/// Why a request to the auth API (or to a guarded route) was refused: a flow's
/// [`AuthError`], or a problem with the request itself.
///
/// [`status`](Self::status), [`code`](Self::code) and [`message`](Self::message) are Better
/// Auth's for the case; [`response`](Self::response) is the whole answer, as the protocol sends
/// it, for adapters and applications that refuse a request themselves.
///
/// ```
/// use auth_core::AuthError;
/// use auth_core::http::ProtocolError;
///
/// let refused = ProtocolError::from(AuthError::Unauthorized);
/// let response: http::Response<bytes::Bytes> = refused.response();
/// assert_eq!(response.status(), 401);
/// assert_eq!(&response.body()[..], br#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// A flow refused.
    #[error(transparent)]
    Flow(#[from] AuthError),
    /// Input that fails schema validation; the message says which field and why.
    #[error("validation error: {0}")]
    Validation(String),
    /// An email address that is not syntactically valid (sign-in).
    #[error("invalid email")]
    InvalidEmail,
    /// An attempt to change the email through update-user.
    #[error("email can not be updated")]
    EmailCanNotBeUpdated,
    /// A request body that is not valid JSON.
    #[error("invalid JSON in request body")]
    InvalidJson,
    /// A request body whose `Content-Type` the route does not take.
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
    /// An `errorCallbackURL` that is neither a relative path nor on a trusted origin.
    #[error("invalid errorCallbackURL")]
    InvalidErrorCallbackUrl,
    /// A `newUserCallbackURL` that is neither a relative path nor on a trusted origin.
    #[error("invalid newUserCallbackURL")]
    InvalidNewUserCallbackUrl,
    /// A `redirectTo` that is neither a relative path nor on a trusted origin.
    #[error("invalid redirectURL")]
    InvalidRedirectUrl,
    /// `POST /get-session`, which Better Auth only allows with deferred session refresh.
    #[error("POST get-session without deferred refresh")]
    GetSessionMethodNotAllowed,
    /// Over a rate limit; the client may retry after the duration. Better Auth answers `429`
    /// with `x-retry-after` and a body without a `code`.
    #[error("rate limited")]
    TooManyRequests {
        /// How long until the window ends (whole seconds, at least one).
        retry_after: Duration,
    },
}

impl ProtocolError {
    /// The HTTP status Better Auth answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Flow(error) => flow_status(error),
            Self::Validation(_)
            | Self::InvalidEmail
            | Self::EmailCanNotBeUpdated
            | Self::InvalidJson
            | Self::BodyMustBeAnObject => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InvalidOrigin
            | Self::MissingOrNullOrigin
            | Self::CrossSiteNavigationLoginBlocked
            | Self::InvalidCallbackUrl
            | Self::InvalidErrorCallbackUrl
            | Self::InvalidNewUserCallbackUrl
            | Self::InvalidRedirectUrl => StatusCode::FORBIDDEN,
            Self::GetSessionMethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The stable, machine-readable code (`UPPER_SNAKE`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Flow(error) => error.code(),
            Self::Validation(_) => "VALIDATION_ERROR",
            Self::InvalidEmail => "INVALID_EMAIL",
            Self::EmailCanNotBeUpdated => "EMAIL_CAN_NOT_BE_UPDATED",
            Self::InvalidJson => "BAD_REQUEST",
            Self::UnsupportedMediaType { .. } => "UNSUPPORTED_MEDIA_TYPE",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::BodyMustBeAnObject => "BODY_MUST_BE_AN_OBJECT",
            Self::InvalidOrigin => "INVALID_ORIGIN",
            Self::MissingOrNullOrigin => "MISSING_OR_NULL_ORIGIN",
            Self::CrossSiteNavigationLoginBlocked => "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
            Self::InvalidCallbackUrl => "INVALID_CALLBACK_URL",
            Self::InvalidErrorCallbackUrl => "INVALID_ERROR_CALLBACK_URL",
            Self::InvalidNewUserCallbackUrl => "INVALID_NEW_USER_CALLBACK_URL",
            Self::InvalidRedirectUrl => "INVALID_REDIRECT_URL",
            Self::GetSessionMethodNotAllowed => "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
            Self::TooManyRequests { .. } => "TOO_MANY_REQUESTS",
        }
    }

    /// The human-readable message a client may show (Better Auth's text where it has one).
    pub fn message(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Self::Flow(error) => return error.message(),
            Self::Validation(message) => message,
            Self::InvalidEmail => "Invalid email",
            Self::EmailCanNotBeUpdated => "Email can not be updated",
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
            Self::InvalidErrorCallbackUrl => "Invalid errorCallbackURL",
            Self::InvalidNewUserCallbackUrl => "Invalid newUserCallbackURL",
            Self::InvalidRedirectUrl => "Invalid redirectURL",
            Self::GetSessionMethodNotAllowed => {
                "POST method requires deferSessionRefresh to be enabled in session config"
            }
            Self::TooManyRequests { .. } => "Too many requests. Please try again later.",
        })
    }

    /// How long the client should wait before retrying: `Retry-After` on 503s, Better Auth's
    /// `x-retry-after` on 429s.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::TooManyRequests { retry_after } => Some(*retry_after),
            Self::Flow(AuthError::Overloaded) => Some(Duration::from_secs(1)),
            Self::Flow(AuthError::Unavailable(_))
            | Self::Flow(AuthError::InvalidToken(TokenError::KeysUnavailable))
            | Self::Flow(AuthError::ProviderUnavailable(_)) => Some(Duration::from_secs(5)),
            _ => None,
        }
    }

    /// The response the protocol sends for this refusal: status, `{"message","code"}` JSON,
    /// `content-type` and the retry headers, with the body type `B` of the caller's framework.
    /// A server fault is logged here, with its causes; they never reach the body.
    pub fn response<B: From<Bytes>>(&self) -> Response<B> {
        Reply::error(self).into_bytes_response().map(B::from)
    }
}

/// The status for a flow's error: the one place flows meet HTTP.
fn flow_status(error: &AuthError) -> StatusCode {
    match error {
        AuthError::UserAlreadyExists => StatusCode::UNPROCESSABLE_ENTITY,
        // The token may be fine; what checks it is out of reach.
        AuthError::InvalidToken(TokenError::KeysUnavailable) => StatusCode::SERVICE_UNAVAILABLE,
        AuthError::InvalidEmailOrPassword
        | AuthError::Unauthorized
        | AuthError::InvalidToken(_) => StatusCode::UNAUTHORIZED,
        AuthError::InvalidPassword
        | AuthError::PasswordTooShort
        | AuthError::PasswordTooLong
        | AuthError::CredentialAccountNotFound
        | AuthError::NoFieldsToUpdate
        | AuthError::VerificationEmailNotEnabled
        | AuthError::ResetPasswordDisabled
        | AuthError::ChangeEmailDisabled
        | AuthError::EmailMismatch
        | AuthError::EmailAlreadyVerified
        | AuthError::EmailIsTheSame
        | AuthError::InvalidResetToken
        | AuthError::UserNotFound
        | AuthError::SessionExpired => StatusCode::BAD_REQUEST,
        AuthError::EmailLink(_) => StatusCode::UNAUTHORIZED,
        AuthError::NotFound | AuthError::InvalidDeleteToken | AuthError::FailedToGetUserInfo => {
            StatusCode::NOT_FOUND
        }
        AuthError::SessionNotFresh | AuthError::EmailNotVerified => StatusCode::FORBIDDEN,
        AuthError::ProviderNotFound | AuthError::IdTokenNotSupported => StatusCode::NOT_FOUND,
        AuthError::InvalidIdToken(_)
        | AuthError::UserEmailNotFound
        | AuthError::AccountNotLinked
        | AuthError::LinkingNotAllowed
        | AuthError::LinkingDifferentEmails => StatusCode::UNAUTHORIZED,
        AuthError::SocialAccountAlreadyLinked => StatusCode::CONFLICT,
        AuthError::FailedToUnlinkLastAccount
        | AuthError::AccountNotFound
        | AuthError::RefreshTokenNotFound
        | AuthError::FailedToRefreshAccessToken(_)
        | AuthError::FailedToGetAccessToken(_) => StatusCode::BAD_REQUEST,
        // Not the client's mistake: the provider (or the way to it) failed.
        AuthError::ProviderUnavailable(_) => StatusCode::BAD_GATEWAY,
        AuthError::Overloaded | AuthError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AuthError::Internal(_) | AuthError::TwoFactorData(_) => StatusCode::INTERNAL_SERVER_ERROR,
        // The protocol answers the challenge itself; a caller that lets it through is refused.
        AuthError::TwoFactorRequired(_) => StatusCode::UNAUTHORIZED,
        AuthError::TwoFactor(reason) => match reason {
            TwoFactorRefusal::InvalidChallenge
            | TwoFactorRefusal::InvalidCode
            | TwoFactorRefusal::InvalidBackupCode => StatusCode::UNAUTHORIZED,
            TwoFactorRefusal::BackupCodesChanged => StatusCode::CONFLICT,
            TwoFactorRefusal::AccountLocked => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::BAD_REQUEST,
        },
    }
}

impl From<TokenError> for ProtocolError {
    fn from(error: TokenError) -> Self {
        Self::Flow(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_better_auth() {
        let cases: [(ProtocolError, u16); 10] = [
            (AuthError::UserAlreadyExists.into(), 422),
            (TokenError::KeysUnavailable.into(), 503),
            (AuthError::InvalidEmailOrPassword.into(), 401),
            (AuthError::PasswordTooShort.into(), 400),
            (AuthError::SessionNotFresh.into(), 403),
            (TokenError::Expired.into(), 401),
            (ProtocolError::InvalidEmail, 400),
            (ProtocolError::InvalidOrigin, 403),
            (ProtocolError::GetSessionMethodNotAllowed, 405),
            (
                ProtocolError::TooManyRequests {
                    retry_after: Duration::from_secs(3),
                },
                429,
            ),
        ];
        for (error, status) in cases {
            assert_eq!(error.status().as_u16(), status, "{}", error.code());
        }
    }

    #[test]
    fn server_faults_say_when_to_retry_and_nothing_of_their_cause() {
        let unavailable = ProtocolError::from(AuthError::Unavailable("pool timed out".into()));
        assert_eq!(unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(!unavailable.message().contains("pool"));
        let response: Response<Bytes> = unavailable.response();
        assert_eq!(
            response.headers().get(http::header::RETRY_AFTER),
            Some(&http::HeaderValue::from_static("5"))
        );
        assert!(!String::from_utf8_lossy(response.body()).contains("pool"));
    }
}
