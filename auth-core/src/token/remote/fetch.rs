//! One fetch of a JWKS: a bounded HTTP GET (timeout, body cap, no redirects), the set parsed,
//! its unusable keys skipped, and how long the answer may be cached.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::jwk::{RawJwk, usable};
use crate::token::verify::PreparedKey;

/// Why a fetch gave no keys. The old keys stay in use (until the stale ceiling).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// No answer: connection refused, DNS, TLS, or the timeout.
    #[error("the JWKS could not be fetched")]
    Unreachable(#[source] reqwest::Error),
    /// An answer other than `200 OK` (redirects are not followed).
    #[error("the JWKS answered {0}")]
    Status(u16),
    /// A body over the size cap.
    #[error("the JWKS is larger than {0} bytes")]
    TooLarge(usize),
    /// Not a JWK set.
    #[error("the JWKS is not a JWK set")]
    NotAKeySet(#[source] serde_json::Error),
    /// A set without a single key we can use.
    #[error("the JWKS has no usable key")]
    NoUsableKey,
}

/// What a fetch got.
pub(super) struct Fetched {
    pub(super) keys: HashMap<String, Arc<PreparedKey>>,
    /// From `Cache-Control: max-age`, when the server sent one.
    pub(super) max_age: Option<Duration>,
}

#[derive(Deserialize)]
struct RawSet {
    keys: Vec<serde_json::Value>,
}

/// `max-age` from a `Cache-Control` header; `no-store`/`no-cache` count as zero.
pub(super) fn max_age(cache_control: &str) -> Option<Duration> {
    let mut age = None;
    for directive in cache_control.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(Duration::ZERO);
        }
        if let Some(seconds) = lower.strip_prefix("max-age=") {
            age = seconds
                .trim_matches('"')
                .parse()
                .ok()
                .map(Duration::from_secs);
        }
    }
    age
}

/// The usable keys of a set, the first of each `kid`; the others are logged and skipped.
pub(super) fn parse(
    body: &[u8],
    url: &str,
) -> Result<HashMap<String, Arc<PreparedKey>>, FetchError> {
    let set: RawSet = serde_json::from_slice(body).map_err(FetchError::NotAKeySet)?;
    let mut keys = HashMap::new();
    for member in set.keys {
        let outcome = serde_json::from_value::<RawJwk>(member)
            .map_err(|_| "not a JSON object of strings".to_owned())
            .and_then(|raw| usable(&raw));
        match outcome {
            Ok(key) if keys.contains_key(&key.kid) => {
                tracing::warn!(%url, kid = %key.kid, "JWKS key skipped: a second key with this kid");
            }
            Ok(key) => {
                keys.insert(key.kid, Arc::new(key.key));
            }
            Err(reason) => tracing::warn!(%url, %reason, "JWKS key skipped"),
        }
    }
    if keys.is_empty() {
        return Err(FetchError::NoUsableKey);
    }
    Ok(keys)
}

/// GETs the set at `url`.
pub(super) async fn fetch(
    client: &reqwest::Client,
    url: &str,
    max_bytes: usize,
) -> Result<Fetched, FetchError> {
    let mut response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(FetchError::Unreachable)?;
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        return Err(FetchError::Status(status.as_u16()));
    }
    if response
        .content_length()
        .is_some_and(|len| len > max_bytes as u64)
    {
        return Err(FetchError::TooLarge(max_bytes));
    }
    let max_age = response
        .headers()
        .get(reqwest::header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .and_then(max_age);
    // Read in chunks, so a body without a length (or with a false one) is capped too.
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(FetchError::Unreachable)? {
        if body.len() + chunk.len() > max_bytes {
            return Err(FetchError::TooLarge(max_bytes));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        keys: parse(&body, url)?,
        max_age,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_gives_the_lifetime() {
        assert_eq!(
            max_age("public, max-age=600"),
            Some(Duration::from_secs(600))
        );
        assert_eq!(
            max_age("max-age=\"30\", must-revalidate"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(max_age("public"), None);
    }

    #[test]
    fn one_bad_key_never_empties_the_set() {
        let body = br#"{"keys":[
            {"kty":"OKP","crv":"Ed448","x":"AA","kid":"bad"},
            {"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"good","alg":"EdDSA"},
            "not even an object",
            {"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
        ]}"#;
        let keys = parse(body, "test").expect("one usable key");
        assert_eq!(keys.keys().collect::<Vec<_>>(), ["good"]);
        assert!(matches!(
            parse(br#"{"keys":[]}"#, "test"),
            Err(FetchError::NoUsableKey)
        ));
        assert!(matches!(
            parse(b"<html>", "test"),
            Err(FetchError::NotAKeySet(_))
        ));
    }
}
