//! The extractors' rejection, answered with the protocol's JSON error.

use auth_core::AuthError;
use auth_core::http::ProtocolError;
use axum::body::Body;
use axum::response::{IntoResponse, Response};

/// Why [`CurrentUser`](crate::CurrentUser), [`MaybeUser`](crate::MaybeUser) or
/// [`Jwt`](crate::Jwt) rejected a request. Its response is the one every adapter gives: the
/// status, headers and `{"message","code"}` of the error (a missing `install` is a 500 whose
/// log line says so).
#[derive(Debug)]
pub struct AuthRejection(pub AuthError);

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        ProtocolError::from(self.0).response::<Body>()
    }
}
