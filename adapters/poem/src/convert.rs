//! Translating between poem's types and `http`'s: the whole of this crate's job.

use auth_core::AuthError;
use auth_core::http::error_response_as;
use bytes::Bytes;
use http_body_util::BodyExt;

/// An `http` response from the protocol as a poem response.
pub(crate) async fn to_poem<B>(response: http::Response<B>) -> poem::Response
where
    B: http_body::Body<Data = Bytes>,
{
    let (parts, body) = response.into_parts();
    // The protocol's bodies are in memory already; collecting cannot fail.
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let mut out = poem::Response::builder().status(parts.status).body(bytes);
    *out.headers_mut() = parts.headers;
    out
}

/// The protocol's JSON error as a poem error (what extractors and middleware return).
pub(crate) fn error(error: &AuthError) -> poem::Error {
    let response: http::Response<Bytes> = error_response_as(error);
    let (parts, body) = response.into_parts();
    let mut out = poem::Response::builder().status(parts.status).body(body);
    *out.headers_mut() = parts.headers;
    poem::Error::from_response(out)
}
