//! Sending requests through `AuthService` and reading the answers, for the protocol tests.

use auth_core::Auth;
use auth_core::http::AuthService;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use serde_json::Value;

/// An answer: status, headers, body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {:?}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn cookies(&self) -> Vec<&str> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }
    /// Asserts that `keys` appear in the raw body in this order (first occurrences): the wire
    /// order, which a parsed `Value` would not keep.
    pub fn assert_key_order(&self, keys: &[&str]) {
        let text = std::str::from_utf8(&self.body).expect("utf-8");
        let positions: Vec<usize> = keys
            .iter()
            .map(|k| {
                text.find(&format!("\"{k}\":"))
                    .unwrap_or_else(|| panic!("no key {k} in {text}"))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "keys out of order {keys:?} in {text}"
        );
    }

    pub fn error(&self) -> (u16, String, String) {
        let body = self.json();
        assert_eq!(body.as_object().expect("error object").len(), 2);
        self.assert_key_order(&["message", "code"]);
        (
            self.status.as_u16(),
            body["code"].as_str().unwrap_or_default().to_owned(),
            body["message"].as_str().unwrap_or_default().to_owned(),
        )
    }
    /// The session cookie's value (`token.signature`), decoded.
    pub fn session_cookie(&self) -> String {
        let line = self
            .cookies()
            .into_iter()
            .find(|c| c.starts_with("better-auth.session_token="))
            .expect("session cookie");
        let value = line
            .split(';')
            .next()
            .expect("pair")
            .trim_start_matches("better-auth.session_token=");
        percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .expect("utf-8")
            .into_owned()
    }
}

pub async fn send(auth: &Auth, request: Request<Full<Bytes>>) -> Reply {
    let response: Response<Bytes> = AuthService::new(auth).respond(request).await;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body();
    Reply {
        status,
        headers,
        body,
    }
}

pub fn post(path: &str, body: Value) -> http::request::Builder {
    let _ = body;
    Request::post(format!("/api/auth{path}")).header("content-type", "application/json")
}

pub fn json_request(path: &str, body: &Value, headers: &[(&str, &str)]) -> Request<Full<Bytes>> {
    let mut builder = post(path, Value::Null);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request")
}

pub fn get(path: &str, headers: &[(&str, &str)]) -> Request<Full<Bytes>> {
    let mut builder = Request::get(format!("/api/auth{path}"));
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(Full::default()).expect("request")
}

/// A `Cookie` header presenting the session cookie `reply` set.
pub fn cookie_header(reply: &Reply) -> String {
    let value = reply.session_cookie();
    format!(
        "better-auth.session_token={}",
        value
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    )
}
