//! Real OAuth 2.0 / OpenID Connect providers for the social sign-in tests, on loopback
//! (tests/oauth-providers, installed with `npm ci` on first use), each in a process group of its
//! own that is stopped when dropped:
//!
//! - [`FakeSocial`]: a server that speaks GitHub's and Google's OAuth APIs (authorize, token,
//!   user, emails, certs) with the checks those make (client authentication, single-use codes,
//!   `redirect_uri`, PKCE), whose users, answers and failures a test sets, and which logs every
//!   request it got with the outcome of each check.
//! - [`OidcProvider`]: panva's certified `oidc-provider` with one confidential client (PKCE S256
//!   required, refresh tokens), whose login and consent pages a test drives with plain HTTP
//!   ([`OidcProvider::login`]) or with Chromium.
//!
//! The routes, the environment and the pages' selectors are in tests/oauth-providers/README.md.

use serde_json::{Value, json};

use crate::http::Reply;
use crate::node::NodeProgram;

/// The GitHub client id [`FakeSocial`] expects unless told otherwise (`GITHUB_CLIENT_ID`).
pub const GITHUB_CLIENT_ID: &str = "fake-github-client-id";
/// The GitHub client secret [`FakeSocial`] expects unless told otherwise (`GITHUB_CLIENT_SECRET`).
pub const GITHUB_CLIENT_SECRET: &str = "fake-github-client-secret";
/// The Google client id [`FakeSocial`] expects unless told otherwise (`GOOGLE_CLIENT_ID`).
pub const GOOGLE_CLIENT_ID: &str = "fake-google-client-id.apps.googleusercontent.com";
/// The Google client secret [`FakeSocial`] expects unless told otherwise (`GOOGLE_CLIENT_SECRET`).
pub const GOOGLE_CLIENT_SECRET: &str = "fake-google-client-secret";
/// The `iss` of the fake Google's ID tokens and authorization responses (Google's own).
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
/// The `kid` of the key the fake Google signs ID tokens with and publishes at its certs URL.
pub const GOOGLE_KEY_ID: &str = "fake-google-key-1";

/// The `npm ci` marker of tests/oauth-providers.
const PACKAGE: &str = "tests/oauth-providers";
const MARKER: &str = "node_modules/oidc-provider/package.json";

/// `Basic base64(urlencode(id):urlencode(secret))`: client_secret_basic as RFC 6749 §2.3.1
/// writes it, for a test's own token request.
pub fn basic_authorization(client_id: &str, client_secret: &str) -> String {
    let credentials = format!("{}:{}", form_encode(client_id), form_encode(client_secret));
    format!("Basic {}", base64(credentials.as_bytes()))
}

/// `application/x-www-form-urlencoded` of `pairs` (`a=1&b=2`), for a test's own token request.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", form_encode(name), form_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The query parameter `name` of `url`, decoded (`None` when it has none).
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (form_decode(key) == name).then(|| form_decode(value))
    })
}

fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An absolute `http://host:port/path` split into its `host:port` and its path (with query).
fn split_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("http://")?;
    match rest.find('/') {
        Some(slash) => Some((&rest[..slash], &rest[slash..])),
        None => Some((rest, "/")),
    }
}

/// A running fake GitHub + Google (tests/oauth-providers/fake-social.mjs).
///
/// Its base URLs stand for the real hosts: a client configured with [`github_web`]
/// (`https://github.com`), [`github_api`] (`https://api.github.com`), [`google_accounts`]
/// (`https://accounts.google.com`), [`google_token_url`] and [`google_certs_url`] talks to it as
/// it would to GitHub and Google.
///
/// [`github_web`]: Self::github_web
/// [`github_api`]: Self::github_api
/// [`google_accounts`]: Self::google_accounts
/// [`google_token_url`]: Self::google_token_url
/// [`google_certs_url`]: Self::google_certs_url
pub struct FakeSocial {
    program: NodeProgram,
}

impl FakeSocial {
    /// Starts it with the default client credentials ([`GITHUB_CLIENT_ID`] and the others).
    ///
    /// # Panics
    ///
    /// When Node.js/npm are missing or it does not start, saying why.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts it with extra environment (`GITHUB_CLIENT_ID`, `GITHUB_CLIENT_SECRET`,
    /// `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`).
    ///
    /// # Panics
    ///
    /// When Node.js/npm are missing or it does not start, saying why.
    pub fn start_with(env: &[(&str, &str)]) -> Self {
        Self {
            program: NodeProgram::start(PACKAGE, MARKER, "fake-social.mjs", env),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        self.program.url()
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.program.port()
    }

    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.program.stderr()
    }

    /// `…/github.com`: stands for `https://github.com` (the authorize and token endpoints).
    pub fn github_web(&self) -> String {
        format!("{}/github.com", self.base_url())
    }

    /// `…/api.github.com`: stands for `https://api.github.com` (`/user`, `/user/emails`).
    pub fn github_api(&self) -> String {
        format!("{}/api.github.com", self.base_url())
    }

    /// GitHub's authorize endpoint (`…/github.com/login/oauth/authorize`).
    pub fn github_authorize_url(&self) -> String {
        format!("{}/login/oauth/authorize", self.github_web())
    }

    /// GitHub's token endpoint (`…/github.com/login/oauth/access_token`).
    pub fn github_token_url(&self) -> String {
        format!("{}/login/oauth/access_token", self.github_web())
    }

    /// GitHub's user endpoint (`…/api.github.com/user`).
    pub fn github_user_url(&self) -> String {
        format!("{}/user", self.github_api())
    }

    /// GitHub's emails endpoint (`…/api.github.com/user/emails`).
    pub fn github_emails_url(&self) -> String {
        format!("{}/user/emails", self.github_api())
    }

    /// `…/accounts.google.com`: stands for `https://accounts.google.com`.
    pub fn google_accounts(&self) -> String {
        format!("{}/accounts.google.com", self.base_url())
    }

    /// Google's authorize endpoint (`…/accounts.google.com/o/oauth2/v2/auth`).
    pub fn google_authorize_url(&self) -> String {
        format!("{}/o/oauth2/v2/auth", self.google_accounts())
    }

    /// Google's token endpoint (`…/oauth2.googleapis.com/token`).
    pub fn google_token_url(&self) -> String {
        format!("{}/oauth2.googleapis.com/token", self.base_url())
    }

    /// Google's JWKS (`…/www.googleapis.com/oauth2/v3/certs`).
    pub fn google_certs_url(&self) -> String {
        format!("{}/www.googleapis.com/oauth2/v3/certs", self.base_url())
    }

    /// Google's userinfo endpoint (`…/openidconnect.googleapis.com/v1/userinfo`).
    pub fn google_userinfo_url(&self) -> String {
        format!(
            "{}/openidconnect.googleapis.com/v1/userinfo",
            self.base_url()
        )
    }

    /// Adds or replaces a GitHub user: `{login, id (number), name, email (public, or null),
    /// avatar_url, emails: [{email, primary, verified, visibility}]}`. The first user added is
    /// the one who consents until [`set_current`](Self::set_current) picks another.
    pub fn add_github_user(&self, user: Value) {
        self.program.control(
            "/__fake/users",
            &json!({ "provider": "github", "user": user }),
        );
    }

    /// Adds or replaces a Google user: `{sub, email, email_verified, name, picture, given_name,
    /// family_name}`. The first user added is the one who consents until
    /// [`set_current`](Self::set_current) picks another.
    pub fn add_google_user(&self, user: Value) {
        self.program.control(
            "/__fake/users",
            &json!({ "provider": "google", "user": user }),
        );
    }

    /// Picks who consents at `provider`'s (`"github"` or `"google"`) authorize endpoint from
    /// now on: the user `id` (GitHub's numeric id, as text, or Google's `sub`), or, with
    /// `deny`, who refuses (the client gets `error=access_denied`).
    pub fn set_current(&self, provider: &str, id: &str, deny: bool) {
        assert!(
            matches!(provider, "github" | "google"),
            "provider is github or google, not {provider}"
        );
        self.program.control(
            "/__fake/current",
            &json!({ "provider": provider, "id": id, "deny": deny }),
        );
    }

    /// Makes its answers fail from now on (until set back to `"ok"` or [`reset`](Self::reset)):
    /// `{provider, token?: "ok"|"500"|"garbage"|"hang", user?: "ok"|"401"|"500"|"garbage"|"hang",
    /// emails?: "ok"|"404", certs?: "ok"|"500"|"hang", id_token?: "ok"|"foreign"|"none"}`.
    pub fn behaviour(&self, behaviour: Value) {
        self.program.control("/__fake/behaviour", &behaviour);
    }

    /// An ID token as Google would sign it for the current Google user, with `request`'s
    /// changes: `{claims: {…overrides; null removes one}, key?: "good"|"foreign",
    /// alg?: "RS256"|"HS256"|"none", kid?, secret? (HS256's key; default the client secret)}`.
    pub fn id_token(&self, request: Value) -> String {
        let answer = self.program.control("/__fake/id-token", &request);
        answer["id_token"]
            .as_str()
            .expect("an id_token in the answer")
            .to_owned()
    }

    /// Makes a refresh token the fake Google issued invalid (`invalid_grant` from now on).
    pub fn revoke(&self, refresh_token: &str) {
        self.program
            .control("/__fake/revoke", &json!({ "refresh_token": refresh_token }));
    }

    /// Every provider request it got so far, oldest first: `{provider, endpoint, method, path,
    /// query, headers, body, form, checks, at}`; at the token endpoints `checks` is
    /// `{client_auth, code, redirect_uri, pkce}` (or `{client_auth, refresh_token}`), each `"ok"`
    /// or why not (`pkce` may also be `"not used"`).
    pub fn log(&self) -> Vec<Value> {
        let reply = self.program.request("GET", "/__fake/log", &[], None);
        assert_eq!(reply.status, 200, "GET /__fake/log: {}", reply.text());
        match reply.json() {
            Value::Array(entries) => entries,
            other => panic!("GET /__fake/log is not an array: {other}"),
        }
    }

    /// The logged requests to `provider`'s `endpoint` (`"authorize"`, `"token"`, `"user"`,
    /// `"emails"`, `"certs"`, `"userinfo"`), oldest first.
    pub fn log_of(&self, provider: &str, endpoint: &str) -> Vec<Value> {
        self.log()
            .into_iter()
            .filter(|entry| entry["provider"] == provider && entry["endpoint"] == endpoint)
            .collect()
    }

    /// Empties the log.
    pub fn clear_log(&self) {
        self.program.control("/__fake/log/clear", &json!({}));
    }

    /// Forgets users, behaviours, codes, tokens and the log (and ends hanging answers).
    pub fn reset(&self) {
        self.program.control("/__fake/reset", &json!({}));
    }

    /// The browser's visit to an authorize URL (GitHub's or Google's, on this fake): the
    /// redirect back to the client (`code` and `state`, or `error=access_denied`), not
    /// requested.
    ///
    /// # Panics
    ///
    /// When the fake does not redirect (an unknown client, no current user…), with its answer.
    pub fn authorize(&self, authorize_url: &str) -> String {
        let path = authorize_url
            .strip_prefix(self.base_url())
            .unwrap_or_else(|| panic!("{authorize_url} is not on the fake ({})", self.base_url()));
        let reply = self.program.request("GET", path, &[], None);
        assert_eq!(
            reply.status,
            302,
            "the fake's authorize endpoint: {}",
            reply.text()
        );
        reply
            .header("location")
            .expect("a location header")
            .to_owned()
    }
}

/// A running OpenID Connect provider (tests/oauth-providers/oidc.mjs: panva's `oidc-provider`)
/// with one confidential client: `client_secret_basic` (or `client_secret_post`), the code flow
/// with PKCE S256 required, and a refresh token with every code exchange. Any login name is an
/// account of that name (`sub` = the name, `email` = `<name>@oidc.test`, verified, `name` = the
/// name capitalised); any password goes.
pub struct OidcProvider {
    program: NodeProgram,
}

/// The client id and secret [`OidcProvider`] registers.
const OIDC_CLIENT_ID: &str = "auth-rs-test";
const OIDC_CLIENT_SECRET: &str = "auth-rs-test-secret";

impl OidcProvider {
    /// Starts it with a client whose redirect URIs are exactly `redirect_uris`.
    ///
    /// # Panics
    ///
    /// When `redirect_uris` is empty, Node.js/npm are missing or it does not start, saying why.
    pub fn start(redirect_uris: &[&str]) -> Self {
        assert!(!redirect_uris.is_empty(), "the client needs a redirect URI");
        let uris = redirect_uris.join(",");
        Self {
            program: NodeProgram::start(PACKAGE, MARKER, "oidc.mjs", &[("REDIRECT_URIS", &uris)]),
        }
    }

    /// `http://127.0.0.1:<port>`: its issuer (discovery at
    /// `<issuer>/.well-known/openid-configuration`).
    pub fn issuer(&self) -> &str {
        self.program.url()
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.program.port()
    }

    /// `<issuer>/.well-known/openid-configuration`.
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer())
    }

    /// The client's id.
    pub fn client_id(&self) -> &str {
        OIDC_CLIENT_ID
    }

    /// The client's secret.
    pub fn client_secret(&self) -> &str {
        OIDC_CLIENT_SECRET
    }

    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.program.stderr()
    }

    /// Replaces the client's redirect URIs (for a client whose port is known only later).
    pub fn set_redirect_uris(&self, redirect_uris: &[&str]) {
        self.program.control(
            "/__oidc/clients",
            &json!({ "redirect_uris": redirect_uris }),
        );
    }

    /// A person signing in as `login` at `authorize_url` (on this provider) and consenting, in
    /// plain HTTP: redirects followed with a cookie jar, the login and consent forms posted.
    /// Returns the redirect back to the client (its redirect URI with `code`, `state` and `iss`,
    /// or an `error`), not requested.
    ///
    /// # Panics
    ///
    /// When a page is not what a sign-in expects (an error page for a wrong redirect URI, a
    /// missing PKCE challenge…), showing it.
    pub fn login(&self, authorize_url: &str, login: &str) -> String {
        self.drive(authorize_url, Some(login))
    }

    /// A person cancelling at the login page of `authorize_url`: the redirect back to the
    /// client with `error=access_denied`, not requested.
    pub fn deny(&self, authorize_url: &str) -> String {
        self.drive(authorize_url, None)
    }

    /// Whether `authority` (`host:port`) is this provider.
    fn is_here(&self, authority: &str) -> bool {
        let port = self.port();
        authority == format!("127.0.0.1:{port}") || authority == format!("localhost:{port}")
    }

    fn drive(&self, authorize_url: &str, login: Option<&str>) -> String {
        let (authority, path) = split_url(authorize_url)
            .unwrap_or_else(|| panic!("not an http:// URL: {authorize_url}"));
        assert!(
            self.is_here(authority),
            "{authorize_url} is not on this provider ({})",
            self.issuer()
        );
        let mut jar = CookieJar::default();
        let mut method = "GET";
        let mut path = path.to_owned();
        let mut body: Option<String> = None;
        for _ in 0..20 {
            let cookie = jar.header(&path);
            let mut headers = Vec::new();
            if let Some(cookie) = &cookie {
                headers.push(("cookie", cookie.as_str()));
            }
            if body.is_some() {
                headers.push(("content-type", "application/x-www-form-urlencoded"));
            }
            let reply =
                self.program
                    .request(method, &path, &headers, body.as_deref().map(str::as_bytes));
            jar.store(&reply);
            if (300..400).contains(&reply.status) {
                let location = reply.header("location").expect("a location header");
                match split_url(location) {
                    Some((authority, next)) if self.is_here(authority) => path = next.to_owned(),
                    Some(_) => return location.to_owned(),
                    None if location.starts_with('/') => path = location.to_owned(),
                    None => return location.to_owned(),
                }
                method = "GET";
                body = None;
                continue;
            }
            let page = reply.text();
            assert_eq!(
                reply.status, 200,
                "the provider's page at {path} is not a sign-in step:\n{page}"
            );
            let forms = form_actions(&page);
            let action = match login {
                Some(_) => forms.first(),
                None => forms.iter().find(|action| action.ends_with("/abort")),
            }
            .unwrap_or_else(|| panic!("no form to submit at {path}:\n{page}"))
            .clone();
            body = Some(match login {
                Some(login) if page.contains(r#"name="login""#) => {
                    form(&[("login", login), ("password", "password")])
                }
                _ => String::new(),
            });
            method = "POST";
            path = action;
        }
        panic!("no redirect back to the client after 20 steps from {authorize_url}")
    }
}

/// The `action` of every `<form>` of `page`, in order (HTML entities of `&` undone).
fn form_actions(page: &str) -> Vec<String> {
    page.match_indices("<form")
        .filter_map(|(at, _)| {
            let tag = &page[at..at + page[at..].find('>')?];
            let start = tag.find(r#"action=""#)? + r#"action=""#.len();
            let end = start + tag[start..].find('"')?;
            Some(tag[start..end].replace("&amp;", "&"))
        })
        .collect()
}

/// Cookies by name and path, sent back where their path matches.
#[derive(Default)]
struct CookieJar {
    cookies: Vec<(String, String, String)>,
}

impl CookieJar {
    fn store(&mut self, reply: &Reply) {
        for line in reply.headers_named("set-cookie") {
            let mut parts = line.split(';');
            let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
                continue;
            };
            let (name, value) = (name.trim().to_owned(), value.trim().to_owned());
            let mut path = "/".to_owned();
            let mut expired = value.is_empty();
            for attribute in parts {
                let attribute = attribute.trim();
                let lower = attribute.to_ascii_lowercase();
                if let Some(p) = attribute.get(5..).filter(|_| lower.starts_with("path=")) {
                    path = p.to_owned();
                }
                if lower == "max-age=0" || lower.starts_with("expires=thu, 01 jan 1970") {
                    expired = true;
                }
            }
            self.cookies.retain(|(n, _, p)| !(n == &name && p == &path));
            if !expired {
                self.cookies.push((name, value, path));
            }
        }
    }

    fn header(&self, request_path: &str) -> Option<String> {
        let path = request_path.split('?').next().unwrap_or(request_path);
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .filter(|(_, _, p)| {
                path == p || path.starts_with(&format!("{}/", p.trim_end_matches('/')))
            })
            .map(|(n, v, _)| format!("{n}={v}"))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}
