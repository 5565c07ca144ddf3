//! Translating the protocol's `http` responses into poem's: the whole of this crate's job.

use auth_core::AuthError;
use auth_core::http::ProtocolError;
use bytes::Bytes;

/// A protocol response as a poem response.
pub(crate) fn to_poem(response: http::Response<Bytes>) -> poem::Response {
    let (head, body) = response.into_parts();
    let mut translated = poem::Response::builder().status(head.status).body(body);
    *translated.headers_mut() = head.headers;
    translated
}

/// The protocol's JSON error as a poem error (what extractors and middleware return).
pub(crate) fn error(error: AuthError) -> poem::Error {
    poem::Error::from_response(to_poem(ProtocolError::from(error).response()))
}
