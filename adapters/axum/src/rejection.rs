//! The extractors' rejection, answered with the protocol's JSON error.

use auth_core::AuthError;
use auth_core::http::error_response_as;
use axum::body::Body;
use axum::response::{IntoResponse, Response};

/// Why [`CurrentUser`](crate::CurrentUser) or [`MaybeUser`](crate::MaybeUser) rejected a request.
/// Its response is the one every adapter gives: the status and `{"message","code"}` of the error.
#[derive(Debug)]
pub enum AuthRejection {
    /// No credentials, or credentials that do not authenticate (401 and the reason's code).
    Auth(AuthError),
    /// The app forgot to install `Auth` (a programming error: 500, and a log line saying how to
    /// fix it).
    NotInstalled,
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let error = match self {
            Self::Auth(error) => error,
            Self::NotInstalled => {
                tracing::error!(
                    "auth-axum: no `Auth` for this route; call `.with_auth(auth)` on the router (or add `Extension(auth)`)"
                );
                AuthError::internal("auth-axum: Auth is not installed on this router")
            }
        };
        error_response_as::<Body>(&error)
    }
}
