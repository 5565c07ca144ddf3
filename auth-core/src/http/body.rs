//! Reading a request body: the size limit, the allowed content types, JSON or form parsing.

use bytes::Bytes;
use http::HeaderMap;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http_body::Body;
use http_body_util::{BodyExt, Limited};
use serde_json::{Map, Value};

use super::error::ProtocolError;
use crate::BoxError;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// Reads the body as JSON (or, where `accepts_form`, as a form whose values are strings).
///
/// `Ok(None)` is Better Auth's "undefined" body: none, empty, or without a content type. A body
/// over `limit` bytes is `PayloadTooLarge` (checked from `Content-Length` before reading, and
/// while reading); another content type is `UnsupportedMediaType`; bad JSON is `InvalidJson`.
pub(crate) async fn read<B>(
    headers: &HeaderMap,
    body: B,
    limit: usize,
    accepts_form: bool,
) -> Result<Option<Value>, ProtocolError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(ProtocolError::PayloadTooLarge);
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    let form = match content_type.as_deref() {
        None => return Ok(None),
        Some(JSON) => false,
        Some(FORM) if accepts_form => true,
        Some(other) => {
            return Err(ProtocolError::UnsupportedMediaType {
                given: other.to_owned(),
                allowed: if accepts_form {
                    "application/x-www-form-urlencoded, application/json"
                } else {
                    JSON
                },
            });
        }
    };
    let bytes: Bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            return Err(ProtocolError::PayloadTooLarge);
        }
        // The client went away or sent a broken body: nothing to answer that it will read.
        Err(_) => return Err(ProtocolError::InvalidJson),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if form {
        let fields: Map<String, Value> = form_urlencoded::parse(&bytes)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Ok(Some(Value::Object(fields)));
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|_| ProtocolError::InvalidJson)
}
