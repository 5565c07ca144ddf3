//! A browser in front of the protocol (`AuthService`, no socket): a cookie jar that stores what
//! `Set-Cookie` says and sends it back, the `Origin` a browser adds to requests that carry
//! cookies, and answers read as status, headers and body. The scenario tests (social sign-in,
//! two-factor) drive the protocol through it.

use std::collections::BTreeMap;
use std::net::IpAddr;

use auth_core::Auth;
use auth_core::http::{AuthService, ClientAddr};
use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::Full;
use serde_json::{Value, json};

/// What came back.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Answer {
    /// The body as JSON; panics (showing it) when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!(
                "{}: not JSON: {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The `Location` header; panics when there is none.
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| {
                panic!(
                    "{}: no location: {:?}",
                    self.status,
                    String::from_utf8_lossy(&self.body)
                )
            })
            .to_owned()
    }

    /// Asserts a 200 and returns the JSON body.
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.json());
        self.json()
    }

    /// Asserts the status and the error code.
    pub fn refused(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.json());
        assert_eq!(self.json()["code"], code, "{}", self.json());
    }

    /// The `Set-Cookie` lines.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }
}

/// A browser on `origin`: its cookies by name, sent with every request.
#[derive(Clone)]
pub struct Browser {
    service: AuthService,
    origin: String,
    client: Option<IpAddr>,
    /// The cookie jar: name → value, as `Set-Cookie` left them.
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    /// A browser with an empty jar on the site `origin` (`http://127.0.0.1:3000`).
    pub fn new(auth: &Auth, origin: &str) -> Self {
        Self {
            service: AuthService::new(auth),
            origin: origin.to_owned(),
            client: None,
            cookies: BTreeMap::new(),
        }
    }

    /// Requests come from `ip` (as an adapter hands the socket's address over), so the rate
    /// limits by address apply.
    #[must_use]
    pub fn from_address(mut self, ip: IpAddr) -> Self {
        self.client = Some(ip);
        self
    }

    /// Sends a request (a JSON body when given), stores the cookies of the answer. Asserts that
    /// no answer is a server error other than 502 (the one a provider's outage may cause).
    pub async fn send(
        &mut self,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(path_and_query)
            .header("user-agent", "conformance-browser/1.0");
        if !self.cookies.is_empty() {
            let line: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            // A browser names the page's origin on requests that carry cookies.
            request = request
                .header("cookie", line.join("; "))
                .header("origin", &self.origin);
        }
        let body = match body {
            Some(value) => {
                request = request.header("content-type", "application/json");
                Bytes::from(value.to_string())
            }
            None => Bytes::new(),
        };
        let mut request = request.body(Full::new(body)).expect("request");
        if let Some(ip) = self.client {
            request.extensions_mut().insert(ClientAddr(ip));
        }
        let response = self.service.respond(request).await;
        for line in response.headers().get_all("set-cookie") {
            let line = line.to_str().expect("cookie");
            let pair = line.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || line.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let (parts, body) = response.into_parts();
        assert!(
            !parts.status.is_server_error() || parts.status == StatusCode::BAD_GATEWAY,
            "{method} {path_and_query}: {} {:?}",
            parts.status,
            String::from_utf8_lossy(&body)
        );
        Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// `POST` with a JSON body.
    pub async fn post(&mut self, path: &str, body: Value) -> Answer {
        self.send("POST", path, Some(body)).await
    }

    /// `GET /api/auth/get-session`'s JSON.
    pub async fn session(&mut self) -> Value {
        self.send("GET", "/api/auth/get-session", None).await.json()
    }

    /// `POST /api/auth/sign-in/social` with an ID token.
    pub async fn id_token_sign_in(&mut self, provider: &str, id_token: Value) -> Answer {
        self.post(
            "/api/auth/sign-in/social",
            json!({"provider": provider, "idToken": id_token}),
        )
        .await
    }

    /// Follows a redirect back to this site (an absolute URL on its origin).
    pub async fn back(&mut self, redirect: &str) -> Answer {
        let path = redirect
            .strip_prefix(&self.origin)
            .unwrap_or_else(|| panic!("{redirect} does not come back to {}", self.origin))
            .to_owned();
        self.send("GET", &path, None).await
    }

    /// Whether the jar holds Better Auth's cookie `better-auth.<which>`.
    pub fn has(&self, which: &str) -> bool {
        self.cookies.contains_key(&format!("better-auth.{which}"))
    }

    /// The value of `better-auth.<which>`.
    pub fn cookie(&self, which: &str) -> Option<String> {
        self.cookies.get(&format!("better-auth.{which}")).cloned()
    }
}
