//! Golden tests for social sign-in: the exchanges Better Auth 1.7.25 answered in
//! `tests/conformance/fixtures/better-auth-1.7.25-social-transcripts.md`, sections A–G (GitHub
//! sign-in, GitHub callback failures, Google by redirect, Google by ID token, implicit linking,
//! explicit linking and account management, provider tokens), replayed in order against our
//! protocol with the recording's secret, base URL and linking rules, on PostgreSQL (so the rows
//! are Better Auth's schema), our GitHub and Google pointed at the fake providers of
//! tests/oauth-providers, set up to behave as the recorder's fake did for each exchange: its
//! users, failures (token endpoint 500, `/user` 401, `/user/emails` 404, an ID token signed by an
//! unknown key, a revoked refresh token) and the ID tokens a client sends (minted by the fake
//! with the recorded claims and defects).
//!
//! For every exchange: the same status; the same protocol headers; cookies of the same shape;
//! the same `Location` (after swapping recorded states, codes and ids for ours), where an
//! authorization URL has the same endpoint and the same parameters (state and PKCE challenge
//! aside); the same JSON keys in the same order with the same values (ids, dates and the tokens
//! providers mint aside); the same requests to the providers (which endpoints, in order), each
//! passing the fake's checks (client authentication, single-use code, redirect URI, PKCE) where
//! the recorded flow succeeded. After every exchange the recording lists rows for: the same
//! users (name, email, verified, image), accounts (provider, provider's id, scope, which tokens
//! and expiries are stored), number of live sessions, and state rows (`auth-state:<state>`,
//! their value's keys and values).
//!
//! Where we differ from Better Auth on purpose, the test expects OUR answer, written out in
//! [`deliberate`] and [`RULES`] with the reason. Section H (`storeStateStrategy: "cookie"`, the
//! whole state in an encrypted cookie) is not implemented and not replayed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use auth_conformance::compare::{self, Json};
use auth_conformance::golden::{Answer, Report, SECRET, reason_lines, signed};
use auth_conformance::substitute::{Substitutions, uri_encode};
use auth_conformance::transcript::{self, Exchange, Message, Row};
use auth_core::Auth;
use auth_core::config::{AccountLinking, AuthConfig};
use auth_core::hash::{Argon2Hasher, Argon2Params, HashPool};
use auth_core::http::AuthService;
use auth_core::model::{Email, Session, SessionId, SessionToken, Timestamp, User, Verification};
use auth_core::rate_limit::RateLimit;
use auth_core::social::{GitHub, Google};
use auth_core::store::UserStore;
use auth_core::token::{JwtIssuer, JwtKey};
use auth_sqlx::{PgStore, StoreOptions};
use auth_test_harness::oauth::{self, FakeSocial};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use serde_json::{Map, Value, json};

/// The recording's secret (the transcripts' throwaway), so signed cookies can be compared.
/// The recording's server; base path `/api/auth`.
const BASE_URL: &str = "http://127.0.0.1:3011";
const USER_AGENT: &str = "ba-transcripts/1.0";
/// The password of the email/password users the recorder set up (link1, link2, keen).
const PASSWORD: &str = "correct horse battery";
/// Sections A–G hold exchanges 1 to 125.
const RECORDED: u32 = 125;

/// The recording's sections: letter, first and last exchange, subject.
const SECTIONS: [(char, u32, u32, &str); 7] = [
    ('A', 1, 24, "GitHub sign-in"),
    (
        'B',
        25,
        49,
        "GitHub callback: state, cookie and provider errors",
    ),
    ('C', 50, 55, "Google sign-in by redirect"),
    ('D', 56, 75, "Google sign-in with an ID token"),
    ('E', 76, 81, "implicit account linking"),
    ('F', 82, 110, "explicit linking and account management"),
    ('G', 111, 125, "provider tokens"),
];

fn section_of(number: u32) -> char {
    SECTIONS
        .iter()
        .find(|(_, first, last, _)| (*first..=*last).contains(&number))
        .map_or('?', |(letter, ..)| *letter)
}

// ---------------------------------------------------------------------------------------------
// Where we differ on purpose

/// Our answer where it is not Better Auth's.
enum Ours {
    /// The whole answer, written as the recording writes one (recorded values in it are
    /// swapped for ours before comparing).
    Answer(&'static str),
    /// The recorded answer with one change.
    Edit(fn(&mut Message)),
}

/// An exchange we answer differently on purpose (no option reproduces Better Auth there).
struct Deliberate {
    number: u32,
    why: &'static str,
    ours: Ours,
}

fn deliberate() -> Vec<Deliberate> {
    vec![
        Deliberate {
            number: 37,
            why: "a state works only at the callback of the provider it was made for: a GitHub \
                  state at /callback/google is state_mismatch (to the flow's errorCallbackURL) and \
                  Google is not called; Better Auth accepts it and sends the GitHub code to \
                  Google's token endpoint (summary item 4)",
            ours: Ours::Answer(
                "HTTP/1.1 302 Found\ncontent-type: application/json\n\
                 location: /auth-error?error=state_mismatch\n\
                 set-cookie: better-auth.state=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax\n\n",
            ),
        },
        Deliberate {
            number: 38,
            why: "a state expires as a whole: its row is only found while unexpired, and without \
                  the row the errorCallbackURL is unknown, so an expired state lands on the \
                  default error page (the recorder moved only the expiry inside Better Auth's \
                  row value; Better Auth consumes the row, then reads that expiry)",
            ours: Ours::Edit(|message| {
                set_header(
                    message,
                    "location",
                    "http://127.0.0.1:3011/api/auth/error?error=state_mismatch",
                );
                // Never found, never used: the browser's state cookie is left alone.
                message
                    .headers
                    .retain(|(n, v)| !(n == "set-cookie" && v.starts_with("better-auth.state=;")));
            }),
        },
        Deliberate {
            number: 46,
            why: "the form-post callback only redirects to the GET callback (it reads no cookie, \
                  consumes nothing, sets nothing), so it checks no Origin: a provider's \
                  cross-site POST that carries cookies (SameSite=None) gets the same 302 as one \
                  without; Better Auth answers 403 INVALID_ORIGIN (summary item 7)",
            ours: Ours::Answer(
                "HTTP/1.1 302 Found\ncontent-type: application/json\n\
                 location: http://127.0.0.1:3011/api/auth/callback/github?code=538e1693c5432837becf&state=WnDBeDs8Bm4tnPCq-q9c8pApC94xekLE\n\n",
            ),
        },
        Deliberate {
            number: 53,
            why: "every ID token is verified, the token endpoint's too: one signed by a key \
                  Google does not publish signs nobody in (unable_to_get_user_info); Better Auth \
                  only decodes it and signs the user in (summary item 2)",
            ours: Ours::Answer(
                "HTTP/1.1 302 Found\ncontent-type: application/json\n\
                 location: /auth-error?error=unable_to_get_user_info\n\
                 set-cookie: better-auth.state=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax\n\n",
            ),
        },
        Deliberate {
            number: 99,
            why: "scopes merge without repeats when an account is linked again (#85): GitHub's \
                  account lists read:user, user:email, repo once each; Better Auth splits \
                  GitHub's comma-separated scope on whitespace only and stores read:user and \
                  user:email twice (summary item 1)",
            ours: Ours::Edit(|message| {
                message.body = message.body.replace(
                    r#""scopes":["read:user","user:email","read:user","user:email","repo"]"#,
                    r#""scopes":["read:user","user:email","repo"]"#,
                );
            }),
        },
        Deliberate {
            number: 110,
            why: "unlink-account names the rule that refused: an id that is none of the user's \
                  accounts is ACCOUNT_NOT_FOUND however many are left; Better Auth counts the \
                  accounts first and says FAILED_TO_UNLINK_LAST_ACCOUNT (summary item 9)",
            ours: Ours::Answer(
                "HTTP/1.1 400 Bad Request\ncontent-type: application/json\n\n\
                 {\"message\":\"Account not found\",\"code\":\"ACCOUNT_NOT_FOUND\"}",
            ),
        },
        Deliberate {
            number: 116,
            why: "every 401 has a JSON body: get-access-token, refresh-token and account-info \
                  without a session answer like every other route; Better Auth sends an empty \
                  body there (summary item 8)",
            ours: Ours::Answer(
                "HTTP/1.1 401 Unauthorized\ncontent-type: application/json\n\n\
                 {\"message\":\"Unauthorized\",\"code\":\"UNAUTHORIZED\"}",
            ),
        },
    ]
}

/// Deliberate differences that run through many exchanges, each counted where it applies.
const RULES: [(&str, &str); 6] = [
    (
        "state cookie",
        "the state cookie lives as long as the state: Max-Age=600 (Better Auth's 300 s cookie \
         dies before its 600 s state, summary item 3)",
    ),
    (
        "google nonce",
        "Google's authorization URL carries a nonce, which the ID token must echo (OpenID \
         Connect core 3.1.2.1)",
    ),
    (
        "state row",
        "the state row's value also names the provider it was made for (providerId) and the \
         nonce (idTokenNonce); a link-social state holds the linking session's id \
         (link.sessionId), not its token encrypted (link.encryptedSessionToken)",
    ),
    (
        "jwks cached",
        "Google's keys are fetched once and cached; Better Auth fetches them for every ID token \
         it verifies (summary item 12)",
    ),
    (
        "no repeated scopes",
        "linking again merges the new scopes without repeats (#85; summary item 1)",
    ),
    (
        "unverified code-flow token",
        "after #53 no user was created for g-foreign (see #53)",
    ),
];

/// Differences that are not deliberate: reported, and expected here as they are until fixed.
/// Once auth-core answers as Better Auth does, the exchange "differs" from the answer written
/// here: remove its entry.
fn pending() -> Vec<Deliberate> {
    // None left: #4, #28, #30, #31, #33 (state cookie cleared only when the state is used),
    // #36 (oauth_provider_not_found) and #50 (include_granted_scopes) were fixed.
    Vec::new()
}

fn set_header(message: &mut Message, name: &str, value: &str) {
    for (n, v) in &mut message.headers {
        if n.eq_ignore_ascii_case(name) {
            *v = value.to_owned();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The fake providers' users, as the recorder's fake had them

/// GitHub users: key (as the recording names them), numeric id, email tag, the public address
/// (`None`: private or none), and the addresses `/user/emails` lists (address, verified,
/// visibility).
type GitHubUser = (
    &'static str,
    u64,
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, bool, &'static str)],
);

const GITHUB_USERS: [GitHubUser; 12] = [
    (
        "gh1",
        383_274_961,
        "gh1",
        Some("gh1.mx274iiw@example.com"),
        &[("gh1.mx274iiw@example.com", true, "public")],
    ),
    (
        "gh-private",
        383_274_962,
        "ghpriv",
        None,
        &[("ghpriv.mx274iiw@example.com", true, "private")],
    ),
    ("gh-noemail", 383_274_963, "ghnoemail", None, &[]),
    (
        "gh-nouser",
        383_274_964,
        "ghnouser",
        Some("ghnouser.mx274iiw@example.com"),
        &[("ghnouser.mx274iiw@example.com", true, "public")],
    ),
    (
        "gh-tokenfail",
        383_274_965,
        "ghtokenfail",
        Some("ghtokenfail.mx274iiw@example.com"),
        &[("ghtokenfail.mx274iiw@example.com", true, "public")],
    ),
    (
        "gh-noemails",
        383_274_966,
        "ghnoemails",
        Some("ghnoemails.mx274iiw@example.com"),
        &[("ghnoemails.mx274iiw@example.com", true, "public")],
    ),
    (
        "gh-link2-unv",
        383_274_967,
        "ghlink2unv",
        Some("link2.mx274iiw@example.com"),
        &[("link2.mx274iiw@example.com", false, "public")],
    ),
    (
        "gh-link2",
        383_274_968,
        "ghlink2",
        Some("link2.mx274iiw@example.com"),
        &[("link2.mx274iiw@example.com", true, "public")],
    ),
    (
        "gh-keen",
        383_274_969,
        "ghkeen",
        Some("keen.mx274iiw@example.com"),
        &[("keen.mx274iiw@example.com", true, "public")],
    ),
    (
        "gh-keen-other",
        383_274_970,
        "ghkeenother",
        Some("ghkeenother.mx274iiw@example.com"),
        &[("ghkeenother.mx274iiw@example.com", true, "public")],
    ),
    (
        "gh-keen-unv",
        383_274_971,
        "ghkeenunv",
        Some("keen.mx274iiw@example.com"),
        &[("keen.mx274iiw@example.com", false, "public")],
    ),
    (
        "gh-x",
        383_274_972,
        "ghx",
        Some("ghx.mx274iiw@example.com"),
        &[("ghx.mx274iiw@example.com", true, "public")],
    ),
];

/// Google users: key, `sub`, tag (name `Google <tag>`, picture `fake-<tag>`), address,
/// `email_verified`.
const GOOGLE_USERS: [(&str, &str, &str, Option<&str>, bool); 9] = [
    (
        "g1",
        "197832749600000000001",
        "g1",
        Some("g1.mx274iiw@example.com"),
        true,
    ),
    (
        "g-foreign",
        "197832749600000000002",
        "gforeign",
        Some("gforeign.mx274iiw@example.com"),
        true,
    ),
    (
        "g2",
        "197832749600000000003",
        "g2",
        Some("g2.mx274iiw@example.com"),
        true,
    ),
    (
        "g-unverified",
        "197832749600000000004",
        "gunverified",
        Some("gunverified.mx274iiw@example.com"),
        false,
    ),
    (
        "g-noemail",
        "197832749600000000005",
        "gnoemail",
        None,
        false,
    ),
    (
        "g-link1",
        "197832749600000000006",
        "glink1",
        Some("link1.mx274iiw@example.com"),
        true,
    ),
    (
        "g-keen",
        "197832749600000000007",
        "gkeen",
        Some("keen.mx274iiw@example.com"),
        true,
    ),
    (
        "g-keen-other",
        "197832749600000000008",
        "gkeenother",
        Some("gkeenother.mx274iiw@example.com"),
        true,
    ),
    (
        "g-keen-unv",
        "197832749600000000009",
        "gkeenunv",
        Some("keen.mx274iiw@example.com"),
        false,
    ),
];

/// A GitHub user as the fake takes it; gh1 has the profile the recording shows in full (P2),
/// the others the fake's defaults.
fn github_user(key: &str, email_override: Option<&str>) -> Value {
    let (_, id, tag, public, emails) = GITHUB_USERS
        .iter()
        .find(|u| u.0 == key)
        .unwrap_or_else(|| panic!("no GitHub user {key}"));
    let list: Vec<Value> = emails
        .iter()
        .map(|(address, verified, visibility)| {
            json!({"email": email_override.unwrap_or(address), "primary": true,
                   "verified": verified, "visibility": visibility})
        })
        .collect();
    let mut user = json!({
        "login": format!("{tag}-mx274iiw"),
        "id": id,
        "name": format!("GitHub {tag}"),
        "email": email_override.or(*public),
        "emails": list,
    });
    if key == "gh1" {
        for (name, value) in [
            ("node_id", json!("U_MzgzMjc0OTYx")),
            ("public_repos", json!(3)),
            ("followers", json!(1)),
            ("created_at", json!("2020-01-02T03:04:05Z")),
            ("updated_at", json!("2025-01-02T03:04:05Z")),
        ] {
            user[name] = value;
        }
    }
    user
}

fn github_id(key: &str) -> String {
    GITHUB_USERS
        .iter()
        .find(|u| u.0 == key)
        .map(|u| u.1.to_string())
        .unwrap_or_else(|| panic!("no GitHub user {key}"))
}

fn google_user((_, sub, tag, email, verified): &(&str, &str, &str, Option<&str>, bool)) -> Value {
    json!({
        "sub": sub,
        "email": email,
        "email_verified": verified,
        "name": format!("Google {tag}"),
        "picture": format!("https://lh3.googleusercontent.com/a/fake-{tag}=s96-c"),
        "given_name": "Google",
        "family_name": tag,
    })
}

fn google_sub(key: &str) -> String {
    GOOGLE_USERS
        .iter()
        .find(|u| u.0 == key)
        .map(|u| u.1.to_owned())
        .unwrap_or_else(|| panic!("no Google user {key}"))
}

/// The recorder's client-side ID tokens signed by the fake's second key (same kid, not in the
/// JWKS): #61 ("a key not in the JWKS") and #96 ("bad signature", the same claims as #92 with
/// another signature).
const FOREIGN_KEY: [u32; 2] = [61, 96];

/// The claims the fake puts in every ID token unless told otherwise.
const BASE_CLAIMS: [&str; 12] = [
    "iss",
    "azp",
    "aud",
    "sub",
    "email",
    "email_verified",
    "name",
    "picture",
    "given_name",
    "family_name",
    "iat",
    "exp",
];

// ---------------------------------------------------------------------------------------------
// Helpers

/// The `Cookie` line of a browser holding the session with this (recorded) token.
fn session_cookie(token: &str) -> String {
    format!("better-auth.session_token={}", uri_encode(&signed(token)))
}

/// The raw (still encoded) value of `name` in `url`'s query.
fn raw_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Every query parameter of `url`, decoded, in order.
fn params(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, _) = pair.split_once('=').unwrap_or((pair, ""));
            (
                key.to_owned(),
                oauth::query_param(url, key).unwrap_or_default(),
            )
        })
        .collect()
}

fn is_authorization_url(url: &str) -> bool {
    url.starts_with("https://github.com/") || url.starts_with("https://accounts.google.com/")
}

/// The provider endpoint a recorded URL names, as the fake's log names it.
fn endpoint_of(url: &str) -> (String, String) {
    let (provider, endpoint) = match url {
        "https://github.com/login/oauth/access_token" => ("github", "token"),
        "https://api.github.com/user" => ("github", "user"),
        "https://api.github.com/user/emails" => ("github", "emails"),
        "https://oauth2.googleapis.com/token" => ("google", "token"),
        "https://www.googleapis.com/oauth2/v3/certs" => ("google", "certs"),
        other => panic!("a provider URL the recording does not have: {other}"),
    };
    (provider.to_owned(), endpoint.to_owned())
}

/// Google's scopes as the recorder's fake granted them (full URLs) and as ours grants them (the
/// names asked for): the same scopes.
fn short_scope(scope: &str) -> &str {
    match scope {
        "https://www.googleapis.com/auth/userinfo.email" => "email",
        "https://www.googleapis.com/auth/userinfo.profile" => "profile",
        other => other,
    }
}

/// What kind of provider token `token` is (each provider mints its own, differently every run).
fn token_kind(token: &str) -> String {
    ["eyJ", "gho_", "ya29.", "1//"]
        .iter()
        .find(|prefix| token.starts_with(**prefix))
        .map_or_else(|| token.to_owned(), |prefix| format!("{prefix}…"))
}

fn string(value: impl Into<String>) -> Json {
    Json::Scalar(Value::String(value.into()))
}

/// A JSON body with what differs on every run (or by provider) made comparable: provider
/// tokens by kind, their expiries by presence, `at_hash` not at all, authorization URLs (which
/// are compared on their own), Google's scope URLs as their names.
fn normalize(json: &Json) -> Json {
    match json {
        Json::Object(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, value)| (key.clone(), normalize_entry(key, value)))
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(normalize).collect()),
        scalar => scalar.clone(),
    }
}

fn normalize_entry(key: &str, value: &Json) -> Json {
    match (key, value) {
        ("accessToken" | "refreshToken" | "idToken", Json::Scalar(Value::String(token))) => {
            string(token_kind(token))
        }
        ("accessTokenExpiresAt" | "refreshTokenExpiresAt", Json::Scalar(Value::String(_))) => {
            string("<date>")
        }
        ("at_hash", Json::Scalar(Value::String(_))) => string("<hash>"),
        // account-info's `data` is the provider's profile passed through; ours comes out with
        // its keys sorted (serde_json keeps no order): the same object, compared as one.
        ("data", Json::Object(entries)) => {
            let mut sorted = entries.clone();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            normalize(&Json::Object(sorted))
        }
        ("url", Json::Scalar(Value::String(url))) if is_authorization_url(url) => {
            string("<authorization URL>")
        }
        ("scopes", Json::Array(items)) => Json::Array(
            items
                .iter()
                .map(|item| match item {
                    Json::Scalar(Value::String(scope)) => string(short_scope(scope)),
                    other => other.clone(),
                })
                .collect(),
        ),
        ("scope", Json::Scalar(Value::String(scope))) => string(
            scope
                .split(',')
                .map(short_scope)
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => normalize(value),
    }
}

/// The time of the recorded `Date` header (`Sun, 29 Nov 2026 18:52:07 GMT`), in Unix seconds.
fn recorded_date(exchange: &Exchange) -> i64 {
    let date = exchange
        .response
        .header_values("date")
        .first()
        .copied()
        .expect("a recorded Date header");
    let mut parts = date.split(' ').skip(1);
    let (Some(day), Some(month), Some(year), Some(time)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("a Date header: {date}");
    };
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months.iter().position(|m| *m == month).expect("a month") + 1;
    Timestamp::parse(&format!("{year}-{month:02}-{day:0>2}T{time}.000Z"))
        .expect("a date")
        .unix_seconds()
}

fn json_of(part: &str) -> Value {
    URL_SAFE_NO_PAD
        .decode(part)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null)
}

/// Our answer, as plain parts.
/// A flow we started, under the state the recording has for it.
struct Flow {
    recorded: String,
    ours: String,
    url: String,
    provider: String,
    section: char,
}

/// What was compared, for the summary.
#[derive(Default)]
struct Counts {
    exchanges: u32,
    exact: u32,
    deliberate: Vec<u32>,
    pending: Vec<u32>,
    rules: BTreeMap<&'static str, Vec<u32>>,
    rows: u32,
    row_exchanges: u32,
    provider_calls: u32,
    certs_recorded: u32,
    certs_ours: u32,
    id_tokens_minted: u32,
}

struct Replay {
    fake: FakeSocial,
    store: Arc<PgStore>,
    // Kept alive for the service.
    _auth: Auth,
    service: AuthService,
    subs: Substitutions,
    flows: Vec<Flow>,
    /// Recorded user id → email, from every user row the recording lists.
    recorded_users: BTreeMap<String, String>,
    /// Recorded account row id → (providerId, accountId, recorded user id).
    recorded_accounts: BTreeMap<String, (String, String, String)>,
    counts: Counts,
    notes: Vec<String>,
}

impl Replay {
    async fn new() -> Self {
        let fake = FakeSocial::start();
        for (key, ..) in GITHUB_USERS {
            fake.add_github_user(github_user(key, None));
        }
        for user in &GOOGLE_USERS {
            fake.add_google_user(google_user(user));
        }
        let database = auth_test_harness::postgres::fresh_database().await;
        let store = Arc::new(
            PgStore::connect(&database.url, StoreOptions::default())
                .await
                .expect("connect"),
        );
        store.migrate().await.expect("migrate");
        let config = AuthConfig::builder(SECRET, BASE_URL)
            // Better Auth's default 7-day sessions; its rate limiter is off without NODE_ENV.
            .session_ttl(Duration::from_secs(7 * 86_400))
            .rate_limit(RateLimit::disabled())
            .account_linking(AccountLinking::default().trusted_providers(["google"]))
            .build()
            .expect("config");
        let github = GitHub::new(oauth::GITHUB_CLIENT_ID, oauth::GITHUB_CLIENT_SECRET)
            .expect("github")
            .base_urls(&fake.github_web(), &fake.github_api());
        let google = Google::new(oauth::GOOGLE_CLIENT_ID, oauth::GOOGLE_CLIENT_SECRET)
            .expect("google")
            .endpoints(
                &fake.google_authorize_url(),
                &fake.google_token_url(),
                &fake.google_certs_url(),
            )
            .expect("google endpoints");
        let auth = Auth::builder()
            .issuer(JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer"))
            .config(config)
            .store(Arc::clone(&store))
            // The hash is not on the wire; a cheap one keeps the replay fast.
            .hasher(
                Argon2Hasher::new(Argon2Params::new(64, 1, 1), HashPool::new(2, 64))
                    .expect("hasher"),
            )
            .social_provider(github)
            .social_provider(google)
            .build();
        let mut recorded_users = BTreeMap::new();
        let mut recorded_accounts = BTreeMap::new();
        for row in transcript::rows_in(transcript::SOCIAL_TRANSCRIPTS) {
            let text = |key: &str| row.value[key].as_str().unwrap_or_default().to_owned();
            match row.table.as_str() {
                "user" => {
                    recorded_users.insert(text("id"), text("email"));
                }
                "account" => {
                    recorded_accounts.insert(
                        text("id"),
                        (text("providerId"), text("accountId"), text("userId")),
                    );
                }
                _ => {}
            }
        }
        Self {
            fake,
            service: AuthService::new(&auth),
            _auth: auth,
            store,
            subs: Substitutions::default(),
            flows: Vec::new(),
            recorded_users,
            recorded_accounts,
            counts: Counts::default(),
            notes: Vec::new(),
        }
    }

    fn count_rule(&mut self, rule: &'static str, number: u32) {
        let numbers = self.counts.rules.entry(rule).or_default();
        if numbers.last() != Some(&number) {
            numbers.push(number);
        }
    }

    async fn send(&self, request: Request<Full<Bytes>>) -> Answer {
        self.service.respond(request).await.into()
    }

    /// A JSON POST as the recorder's browser sends one: with a Cookie line (recorded values
    /// swapped for ours) also a trusted Origin.
    async fn post(&self, path: &str, body: &Value, cookie: Option<&str>) -> Answer {
        let mut builder = Request::post(path)
            .header("user-agent", USER_AGENT)
            .header("content-type", "application/json");
        if let Some(cookie) = cookie {
            builder = builder
                .header("cookie", self.subs.apply(cookie))
                .header("origin", BASE_URL);
        }
        let request = builder
            .body(Full::new(Bytes::from(self.subs.apply(&body.to_string()))))
            .expect("request");
        self.send(request).await
    }

    fn request(&self, exchange: &Exchange) -> Request<Full<Bytes>> {
        self.subs.request(exchange)
    }

    fn learn_session(&mut self, recorded: &str, ours: &str) {
        self.subs.learn_signed(&signed(recorded), &signed(ours));
    }

    /// Learns the state of a flow whose authorization URL we answered with.
    fn learn_flow(&mut self, recorded_state: &str, our_url: &str, number: u32) {
        let ours = oauth::query_param(our_url, "state").expect("a state in our URL");
        self.subs
            .learn_signed(&signed(recorded_state), &signed(&ours));
        let provider = if our_url.starts_with(&self.fake.github_web()) {
            "github"
        } else {
            "google"
        };
        self.flows.push(Flow {
            recorded: recorded_state.to_owned(),
            ours,
            url: our_url.to_owned(),
            provider: provider.to_owned(),
            section: section_of(number),
        });
    }

    /// A flow the recorder started off the record (`path` is `/sign-in/social` or
    /// `/link-social`), known from now on under `recorded_state`.
    async fn start_flow(
        &mut self,
        number: u32,
        recorded_state: &str,
        path: &str,
        body: Value,
        cookie: Option<&str>,
    ) {
        let answer = self.post(&format!("/api/auth{path}"), &body, cookie).await;
        assert_eq!(answer.status, 200, "set-up {path} {body}: {}", answer.body);
        let url = answer.json()["url"]
            .as_str()
            .expect("an authorization URL")
            .to_owned();
        self.learn_flow(recorded_state, &url, number);
    }

    /// The browser at the provider: `user` consents (or, with `deny`, refuses) to the flow
    /// recorded as `recorded_state`; the code the provider sends back is ours for
    /// `recorded_code` (as it stands in the recorded callback URL).
    fn consent(&mut self, recorded_state: &str, user: &str, recorded_code: Option<&str>) {
        let flow = self
            .flows
            .iter()
            .find(|f| f.recorded == recorded_state)
            .unwrap_or_else(|| panic!("no flow {recorded_state}"));
        let (provider, id) = if flow.provider == "github" {
            ("github", github_id(user))
        } else {
            ("google", google_sub(user))
        };
        self.fake
            .set_current(provider, &id, recorded_code.is_none());
        let back = self.fake.authorize(&flow.url);
        assert_eq!(
            oauth::query_param(&back, "state").as_deref(),
            Some(flow.ours.as_str())
        );
        if let Some(recorded_code) = recorded_code {
            let ours = raw_param(&back, "code").expect("a code").to_owned();
            self.subs.learn(recorded_code, &ours);
        }
    }

    async fn sign_up(&mut self, name: &str, email: &str, recorded_session: &str) {
        let body = json!({"name": name, "email": email, "password": PASSWORD});
        let answer = self.post("/api/auth/sign-up/email", &body, None).await;
        assert_eq!(
            answer.status, 200,
            "set-up sign-up {email}: {}",
            answer.body
        );
        let token = answer.json()["token"]
            .as_str()
            .expect("a session")
            .to_owned();
        self.learn_session(recorded_session, &token);
    }

    async fn user(&self, email: &str) -> Option<User> {
        self.store
            .find_user_by_email(&Email::parse(email).expect("an email"))
            .await
            .expect("user lookup")
    }

    /// Learns our ids for the recorded user and account ids `text` holds (looked up by the
    /// user's email and the account's provider and provider id).
    async fn resolve_ids(&mut self, text: &str) {
        let users: Vec<(String, String)> = self
            .recorded_users
            .iter()
            .filter(|(id, _)| text.contains(id.as_str()) && !self.subs.knows(id))
            .map(|(id, email)| (id.clone(), email.clone()))
            .collect();
        for (recorded, email) in users {
            if let Some(user) = self.user(&email).await {
                self.subs.learn(&recorded, user.id.as_str());
            }
        }
        let accounts: Vec<(String, (String, String, String))> = self
            .recorded_accounts
            .iter()
            .filter(|(id, _)| text.contains(id.as_str()) && !self.subs.knows(id))
            .map(|(id, account)| (id.clone(), account.clone()))
            .collect();
        for (recorded, (provider, account_id, user_id)) in accounts {
            let Some(email) = self.recorded_users.get(&user_id).cloned() else {
                continue;
            };
            let Some(user) = self.user(&email).await else {
                continue;
            };
            let ours = self
                .store
                .list_accounts(&user.id)
                .await
                .expect("accounts")
                .into_iter()
                .find(|a| {
                    a.provider_id == provider
                        && (provider == "credential" || a.account_id == account_id)
                });
            if let Some(account) = ours {
                self.subs.learn(&recorded, account.id.as_str());
            }
        }
    }

    /// Mints, with the fake's key, the ID token a recorded request sends: the recorded claims
    /// (times moved by as long as has passed since the recording), header and defect.
    fn mint_id_token(&mut self, exchange: &Exchange) {
        let Ok(body) = serde_json::from_str::<Value>(&exchange.request.body) else {
            return;
        };
        let Some(token) = body["idToken"]["token"].as_str() else {
            return;
        };
        if !token.starts_with("eyJ") || self.subs.knows(token) {
            return;
        }
        let mut parts = token.split('.');
        let (header, claims) = (
            json_of(parts.next().unwrap_or_default()),
            json_of(parts.next().unwrap_or_default()),
        );
        let shift = Timestamp::now().unix_seconds() - recorded_date(exchange);
        let mut claims: Map<String, Value> = claims.as_object().cloned().expect("claims");
        for time in ["iat", "exp"] {
            if let Some(at) = claims.get(time).and_then(Value::as_i64) {
                claims.insert(time.to_owned(), json!(at + shift));
            }
        }
        for claim in BASE_CLAIMS {
            claims.entry(claim).or_insert(Value::Null);
        }
        let key = if FOREIGN_KEY.contains(&exchange.number) {
            "foreign"
        } else {
            "good"
        };
        let minted = self.fake.id_token(json!({
            "claims": claims,
            "key": key,
            "alg": header["alg"],
            "kid": header["kid"],
        }));
        self.subs.learn(token, &minted);
        self.counts.id_tokens_minted += 1;
    }

    /// The recorder's flows for `keen`'s links, started from browser K (keen's first session).
    async fn link_flow(&mut self, number: u32, recorded_state: &str, body: Value) {
        let cookie = session_cookie(KEEN_SESSION);
        self.start_flow(number, recorded_state, "/link-social", body, Some(&cookie))
            .await;
    }

    /// The google account of g1, whose tokens section G uses.
    async fn g1_google_account(&self) -> auth_core::model::Account {
        let user = self.user("g1.mx274iiw@example.com").await.expect("g1");
        self.store
            .list_accounts(&user.id)
            .await
            .expect("accounts")
            .into_iter()
            .find(|a| a.provider_id == "google")
            .expect("g1's google account")
    }

    /// What the recorder did off the record before `number` (the "Set-up" notes), and the
    /// provider's behaviour for it.
    #[allow(clippy::too_many_lines)]
    async fn set_up(&mut self, number: u32) {
        let step1 = json!({"provider": "github", "callbackURL": "/dashboard",
                           "errorCallbackURL": "/auth-error", "newUserCallbackURL": "/welcome"});
        let google1 = json!({"provider": "google", "callbackURL": "/dashboard",
                             "errorCallbackURL": "/auth-error", "newUserCallbackURL": "/welcome"});
        let link_github = json!({"provider": "github", "callbackURL": "/settings",
                                 "errorCallbackURL": "/settings?tab=accounts"});
        let sign_in = "/sign-in/social";
        match number {
            2 => self.consent(
                "UGvlf92P4hmAJGLI9IqeDLESrl7mY23V",
                "gh1",
                Some("61c1443b98d01eeeff97"),
            ),
            6 => self.consent(
                "qkTQ-aG3cIh15fTBKVGTQ71WEiU5R1DG",
                "gh1",
                Some("55d705c35a1eb7976f4e"),
            ),
            8 => self.consent(
                "crvWpXF5otro1vx5vw5X7b9d6oRU2xxC",
                "gh1",
                Some("0132f12b9ee5d38e1b9c"),
            ),
            28 => {
                // Flows F1 (browser B) and F2 (browser B2, errorCallbackURL /other-error); F1's
                // browser consents as gh1.
                self.start_flow(
                    number,
                    "hrmWMMuroSCMVaZlIQdrGKJVPPpWTieZ",
                    sign_in,
                    step1.clone(),
                    None,
                )
                .await;
                let mut f2 = step1.clone();
                f2["errorCallbackURL"] = json!("/other-error");
                self.start_flow(
                    number,
                    "pEJu9czQ5VCxza88fYdJVkxi_obPUTGg",
                    sign_in,
                    f2,
                    None,
                )
                .await;
                self.consent(
                    "hrmWMMuroSCMVaZlIQdrGKJVPPpWTieZ",
                    "gh1",
                    Some("4b142627eb26ceeca37b"),
                );
            }
            35 => {
                self.start_flow(
                    number,
                    "CvvjN5ApQhnZstJfT1VHa0fZpYB7_xKJ",
                    sign_in,
                    step1,
                    None,
                )
                .await;
            }
            36..=38 | 45 => {
                let (state, code) = match number {
                    36 => ("79R0tQXLW3eAsfTIRxM0afgAcCFxyFxD", "6058a08338899d5e321d"),
                    37 => ("CcrV3FQrlh5JzOwJba27pvwCcmxHCun9", "16ca543ce965d2ce6bcd"),
                    38 => ("LoSyJH-Yu90BkhfRGn0Npqr7oG90bx5v", "6ef043b2c5731f0dd77f"),
                    _ => ("WnDBeDs8Bm4tnPCq-q9c8pApC94xekLE", "538e1693c5432837becf"),
                };
                self.start_flow(number, state, sign_in, step1, None).await;
                self.consent(state, "gh1", Some(code));
                if number == 38 {
                    self.expire_state(state).await;
                }
            }
            39..=44 => {
                let (state, user, code, behaviour) = match number {
                    39 => (
                        "NH6x9A18wlhhcxmHdg5VmI39Evcnmdd6",
                        "gh-tokenfail",
                        "f44f329289bc5885e0db",
                        json!({"provider": "github", "token": "500"}),
                    ),
                    40 => (
                        "ZAZn9gKgKVfJDTFgprocdDGZ1t2e12bZ",
                        "gh-nouser",
                        "9d7e2c54b9b7d4b21262",
                        json!({"provider": "github", "user": "401"}),
                    ),
                    41 => (
                        "TCgfGWFCvSXLOPmerBB2oD0e5dC6DRw2",
                        "gh-noemail",
                        "2a1c09ae4dd8a8b9c578",
                        json!({"provider": "github"}),
                    ),
                    42 => (
                        "OLbiPCjrDT7CFe3sYqJSU5TXhkYNJz6h",
                        "gh-private",
                        "769ca09f2e227dc59ea8",
                        json!({"provider": "github"}),
                    ),
                    43 => (
                        "6D3q6ppYWmJj27n9zZE8PP16abVNCch7",
                        "gh-noemails",
                        "b18011accf8f92181a56",
                        json!({"provider": "github", "emails": "404"}),
                    ),
                    _ => (
                        "TGFm6mbDtZ3QhNMVuReB7l7hghrwcbIt",
                        "gh-noemails",
                        "2660f54f65f0b2bae953",
                        json!({"provider": "github"}),
                    ),
                };
                self.start_flow(number, state, sign_in, step1, None).await;
                self.consent(state, user, Some(code));
                self.fake.behaviour(behaviour);
            }
            51 => self.consent(
                "0xZLRUnAEIlJH-3jU1Ski2p05pFnsOn_",
                "g1",
                Some("4%2F0pEPE68ZLNLkV9YwG0_M1eK5zdejI4yRkIpwS-AaYPWhnTA2993DXNay4xp6hoT2AOEOhYj"),
            ),
            53 => {
                let state = "Mwo_WPt-Sb-YWRJDwxZ83t20jC23qNmN";
                self.start_flow(number, state, sign_in, google1, None).await;
                self.consent(
                    state,
                    "g-foreign",
                    Some(
                        "4%2F0MQiP3dnUMX9YSpFYLnhJdoNnF0T2Mzf95ldwIADQLAeLmRlUXDecZ4I3dHse8f1JHOiqie",
                    ),
                );
                self.fake
                    .behaviour(json!({"provider": "google", "id_token": "foreign"}));
            }
            // A fresh state for #51's (spent) code.
            54 => {
                self.start_flow(
                    number,
                    "IALjilfAfsW5kycd9asMAXL4GOcHmxjL",
                    sign_in,
                    google1,
                    None,
                )
                .await;
            }
            55 => {
                let state = "VyLX8fi5wR5QsCRO3gjpssPj47vCR8A6";
                self.start_flow(number, state, sign_in, google1, None).await;
                self.consent(state, "g1", None);
            }
            76 => {
                self.sign_up(
                    "Link One",
                    "link1.mx274iiw@example.com",
                    "NARb4kzP3st0STKVrdR0ZSsviAa3hHXN",
                )
                .await;
                self.sign_up(
                    "Link Two",
                    "link2.mx274iiw@example.com",
                    "o2sqZ76qFA7eAv9wrJnPnFDWsuhZMsAe",
                )
                .await;
                let state = "q3aXAYfkrHCXIOgTcmSeoskT0sMZ_3f6";
                let cookie = session_cookie(LINK1_SESSION);
                self.start_flow(number, state, sign_in, google1, Some(&cookie))
                    .await;
                self.consent(
                    state,
                    "g-link1",
                    Some(
                        "4%2F0NM68D69W6105tJ2jHjEVoWYFoz18poe9flvJ7AIb4_sWNSrJKvBu1s3W6nKe5gr4AX2wI1",
                    ),
                );
            }
            78 => {
                // "user.emailVerified set to true for link1 and link2 directly in the database".
                for email in ["link1.mx274iiw@example.com", "link2.mx274iiw@example.com"] {
                    let user = self.user(email).await.expect("user");
                    self.store
                        .mark_email_verified(&user.id, Timestamp::now())
                        .await
                        .expect("verify");
                }
                let state = "yHGlBZuYbL2TriAIC16YMouYINy3gydp";
                let cookie = session_cookie(LINK1_SESSION);
                self.start_flow(number, state, sign_in, google1, Some(&cookie))
                    .await;
                self.consent(
                    state,
                    "g-link1",
                    Some(
                        "4%2F00TvX0PN9-4K5sMHEgbXsnGbgei2mVWScZtaU8FXa54HIaGZmsUtrPrE19uXoSCVgFAVxIm",
                    ),
                );
            }
            79 | 80 => {
                let (state, user, code) = if number == 79 {
                    (
                        "SjPkSfsfuEGuRb1FVV9f2fms4GEoB88E",
                        "gh-link2-unv",
                        "29f9467a28be925d02de",
                    )
                } else {
                    (
                        "8kZE1z1mvgM9bVfc5MfpMs1XENdE2sKx",
                        "gh-link2",
                        "7e661581437f5d81be50",
                    )
                };
                let cookie = session_cookie(LINK2_SESSION);
                self.start_flow(number, state, sign_in, step1, Some(&cookie))
                    .await;
                self.consent(state, user, Some(code));
            }
            82 => {
                self.sign_up("Keen Linker", "keen.mx274iiw@example.com", KEEN_SESSION)
                    .await;
            }
            83 => self.consent(
                "W33Jndz1iYXA7pIJ2Tk0bWmRR-sio1HJ",
                "gh-keen",
                Some("c50cf7e8e9b14b6dd2c4"),
            ),
            85..=87 => {
                let (state, user, code, scopes) = match number {
                    85 => (
                        "XVCro7vtRsQOdqP21_fwyBMWk5gyCsv6",
                        "gh-keen",
                        "185cdccbabd210b8727e",
                        Some(json!(["repo"])),
                    ),
                    86 => (
                        "XEKVNs8TuLB1q8BnkdBGyN9LKkIHrdXq",
                        "gh-keen-other",
                        "e3515330130d715ef044",
                        None,
                    ),
                    _ => (
                        "ypgYc8lMO7e2xfB2GgvW2J_vztjL4uyP",
                        "gh-keen-unv",
                        "65c81bce2e98f09bc779",
                        None,
                    ),
                };
                let mut body = link_github;
                if let Some(scopes) = scopes {
                    body["scopes"] = scopes;
                }
                self.link_flow(number, state, body).await;
                self.consent(state, user, Some(code));
            }
            88 => {
                // gh-x signs in with GitHub (a new user X), then changes its GitHub address to
                // keen's.
                let setup = "(set-up before #88: gh-x signs in)";
                self.start_flow(number, setup, sign_in, step1, None).await;
                self.consent(setup, "gh-x", Some("(gh-x's code)"));
                let state = self.subs.apply(setup);
                let path = format!(
                    "/api/auth/callback/github?code={}&state={state}",
                    self.subs.apply("(gh-x's code)")
                );
                let request = Request::get(path)
                    .header("user-agent", USER_AGENT)
                    .header(
                        "cookie",
                        format!("better-auth.state={}", uri_encode(&signed(&state))),
                    )
                    .body(Full::new(Bytes::new()))
                    .expect("request");
                let answer = self.send(request).await;
                assert_eq!(
                    (answer.status, answer.header("location")),
                    (302, Some("/welcome")),
                    "set-up: gh-x signs up"
                );
                self.fake
                    .add_github_user(github_user("gh-x", Some("keen.mx274iiw@example.com")));
                let state = "PtcXCHIM0rIv2T1WlL_0gUyUF5WwYcku";
                self.link_flow(number, state, link_github).await;
                self.consent(state, "gh-x", Some("7bbdcb263fe900e5af8d"));
            }
            89 => {
                // keen signs in again (browser K2), starts link-social github, consents, and
                // signs out in K2 before the callback.
                let body = json!({"email": "keen.mx274iiw@example.com", "password": PASSWORD});
                let answer = self.post("/api/auth/sign-in/email", &body, None).await;
                assert_eq!(answer.status, 200, "set-up: keen signs in: {}", answer.body);
                let k2 = answer.json()["token"].as_str().expect("token").to_owned();
                let cookie = session_cookie(&k2);
                let state = "SF8ZIFECyna9GbeS8ZwGb1ZrrKFihVBX";
                self.start_flow(number, state, "/link-social", link_github, Some(&cookie))
                    .await;
                self.consent(state, "gh-keen", Some("3a51ae7aa9c4d3128feb"));
                let answer = self
                    .post("/api/auth/sign-out", &json!({}), Some(&cookie))
                    .await;
                assert_eq!(answer.status, 200, "set-up: K2 signs out: {}", answer.body);
            }
            98 => {
                let state = "fP5aYeD4aWDLEAcsnSHxiLY40HmV2Cah";
                let body = json!({"provider": "google", "callbackURL": "/settings",
                                  "errorCallbackURL": "/settings?tab=accounts"});
                self.link_flow(number, state, body).await;
                self.consent(
                    state,
                    "g-keen-unv",
                    Some(
                        "4%2F08193cLQ5NA9OWXCAEoz4PW2uVvA7lGDFyYBNSgZ-HQFjDvvyHOrWbHpP9qF73mnUp-GH8K",
                    ),
                );
            }
            106 => {
                // keen signs in again (browser K3); that session's createdAt moved 2 days back.
                let keen = self.user("keen.mx274iiw@example.com").await.expect("keen");
                let now = Timestamp::now();
                let session = Session::new(
                    SessionId::generate(),
                    SessionToken::generate(),
                    keen.id,
                    now.saturating_sub(Duration::from_secs(2 * 86_400)),
                    now.saturating_add(Duration::from_secs(5 * 86_400)),
                );
                self.store.create_session(&session).await.expect("insert");
                self.learn_session("LygHdOPqgxHNR7JIHeFt1VVF0KrHTeSe", session.token.expose());
            }
            // "the google account's accessTokenExpiresAt moved 1 minute into the past"; before
            // #124 also "the refresh token was revoked at the fake provider".
            112 | 124 => {
                let mut account = self.g1_google_account().await;
                if number == 124 {
                    self.fake
                        .revoke(account.refresh_token.as_deref().expect("a refresh token"));
                }
                account.access_token_expires_at =
                    Some(Timestamp::now().saturating_sub(Duration::from_secs(60)));
                assert!(self.store.update_account(&account).await.expect("update"));
            }
            _ => {}
        }
    }

    /// The provider's behaviour back to normal after `number`.
    fn tear_down(&self, number: u32) {
        match number {
            39 | 40 | 43 => self.fake.behaviour(
                json!({"provider": "github", "token": "ok", "user": "ok", "emails": "ok"}),
            ),
            53 => self
                .fake
                .behaviour(json!({"provider": "google", "id_token": "ok"})),
            _ => {}
        }
    }

    /// The state as expired as a whole: its row (and the expiry inside its value) 601 seconds
    /// old. See deliberate #38.
    async fn expire_state(&self, recorded_state: &str) {
        let ours = self.subs.apply(recorded_state);
        let identifier = format!("auth-state:{ours}");
        let now = Timestamp::now();
        let row = self
            .store
            .find_verification(&identifier, now)
            .await
            .expect("lookup")
            .expect("the state row");
        assert!(
            self.store
                .consume_verification(&row.id)
                .await
                .expect("take")
        );
        let past = now.saturating_sub(Duration::from_secs(1));
        let mut value: Value = serde_json::from_str(&row.value).expect("JSON");
        value["expiresAt"] = json!(past.unix_millis());
        let expired = Verification::with_value(
            identifier,
            value.to_string(),
            now.saturating_sub(Duration::from_secs(601)),
            past,
        );
        self.store
            .insert_verification(&expired)
            .await
            .expect("insert");
    }

    // -----------------------------------------------------------------------------------------
    // Comparing

    /// `text` with the fake's URLs written as the real providers' (JSON strings escape no `/`).
    fn real_hosts(&self, text: &str) -> String {
        text.replace(&self.fake.github_web(), "https://github.com")
            .replace(&self.fake.google_accounts(), "https://accounts.google.com")
    }

    /// An authorization URL of ours against the recorded one: the same endpoint, the same
    /// parameters with the same values (the state being ours for the recorded one, the PKCE
    /// challenge any), plus Google's nonce.
    fn authorization_differences(
        &mut self,
        number: u32,
        recorded: &str,
        ours: &str,
    ) -> Vec<String> {
        let ours = self.real_hosts(ours);
        let mut problems = Vec::new();
        let base = |url: &str| url.split('?').next().unwrap_or_default().to_owned();
        if base(recorded) != base(&ours) {
            problems.push(format!(
                "authorization URL: recorded {}, ours {}",
                base(recorded),
                base(&ours)
            ));
            return problems;
        }
        let google = recorded.starts_with("https://accounts.google.com/");
        let (theirs, mine) = (params(recorded), params(&ours));
        let find = |list: &[(String, String)], name: &str| {
            list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        };
        for (name, value) in &theirs {
            let Some(our_value) = find(&mine, name) else {
                problems.push(format!(
                    "authorization URL: no {name} (recorded {name}={value})"
                ));
                continue;
            };
            let same = match name.as_str() {
                "state" => our_value == self.subs.apply(value),
                "code_challenge" => our_value.len() == 43,
                _ => &our_value == value,
            };
            if !same {
                problems.push(format!(
                    "authorization URL: {name}: recorded {value:?}, ours {our_value:?}"
                ));
            }
        }
        for (name, value) in &mine {
            if find(&theirs, name).is_some() {
                continue;
            }
            if google && name == "nonce" && value.len() == 32 {
                self.count_rule("google nonce", number);
            } else {
                problems.push(format!(
                    "authorization URL: {name}={value} (the recording has none)"
                ));
            }
        }
        if google && find(&mine, "nonce").is_none() {
            problems.push("authorization URL: Google's without a nonce".into());
        }
        let order = |list: &[(String, String)], other: &[(String, String)]| {
            list.iter()
                .filter(|(n, _)| find(other, n).is_some())
                .map(|(n, _)| n.clone())
                .collect::<Vec<_>>()
        };
        if problems.is_empty() && order(&theirs, &mine) != order(&mine, &theirs) {
            let note = format!(
                "#{number}: authorization URL parameters in another order (recorded {:?}, ours {:?})",
                order(&theirs, &mine),
                order(&mine, &theirs)
            );
            if !self.notes.contains(&note) {
                self.notes.push(note);
            }
        }
        problems
    }

    /// Status, headers, `Location`, cookies and body of our answer against `expected`.
    fn response_differences(
        &mut self,
        number: u32,
        expected: &Message,
        ours: &Answer,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        let status = expected.status();
        if status != ours.status {
            problems.push(format!("status: recorded {status}, ours {}", ours.status));
        }
        let theirs = compare::protocol_headers(&expected.headers);
        let mine = compare::protocol_headers(&ours.headers);
        let names = |headers: &[(String, String)]| {
            let mut names: Vec<String> = headers.iter().map(|(n, _)| n.clone()).collect();
            names.sort();
            names
        };
        if names(&theirs) != names(&mine) {
            problems.push(format!(
                "header names: recorded {:?}, ours {:?}",
                names(&theirs),
                names(&mine)
            ));
        }
        let values = |headers: &[(String, String)], name: &str| {
            headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        let mut seen = BTreeSet::new();
        for (name, _) in &theirs {
            if !seen.insert(name.clone()) {
                continue;
            }
            let (recorded, ours_values) = (values(&theirs, name), values(&mine, name));
            match name.as_str() {
                "set-cookie" => {
                    let recorded: Vec<String> = recorded
                        .iter()
                        .map(|line| {
                            if line.starts_with("better-auth.state=")
                                && !line.starts_with("better-auth.state=;")
                                && line.contains("Max-Age=300")
                            {
                                self.count_rule("state cookie", number);
                                line.replace("Max-Age=300", "Max-Age=600")
                            } else {
                                line.clone()
                            }
                        })
                        .collect();
                    let shape = |lines: &[String]| {
                        lines
                            .iter()
                            .map(|l| compare::cookie_shape(l))
                            .collect::<Vec<_>>()
                    };
                    if shape(&recorded) != shape(&ours_values) {
                        problems.push(format!(
                            "set-cookie: recorded {recorded:?}, ours {ours_values:?}"
                        ));
                    }
                    // The state cookie is signed as Better Auth signs it.
                    for line in &ours_values {
                        if let Some(value) = line
                            .strip_prefix("better-auth.state=")
                            .and_then(|rest| rest.split(';').next())
                            .filter(|v| !v.is_empty())
                        {
                            let state = value.split('.').next().unwrap_or_default();
                            if value != uri_encode(&signed(state)) {
                                problems.push(format!(
                                    "state cookie not signed as Better Auth signs: {line}"
                                ));
                            }
                        }
                    }
                }
                "location" => {
                    let (Some(recorded), Some(mine)) = (recorded.first(), ours_values.first())
                    else {
                        continue;
                    };
                    if is_authorization_url(recorded) {
                        problems.extend(self.authorization_differences(number, recorded, mine));
                    } else if self.subs.apply(recorded) != *mine {
                        problems.push(format!(
                            "location: recorded {:?} (ours for it: {:?}), ours {mine:?}",
                            recorded,
                            self.subs.apply(recorded)
                        ));
                    }
                }
                // Tokens: compared by presence (the names above); sessions are learned.
                "set-auth-token" | "set-auth-jwt" => {}
                _ => {
                    let recorded: Vec<String> =
                        recorded.iter().map(|v| self.subs.apply(v)).collect();
                    if recorded != ours_values {
                        problems.push(format!(
                            "{name}: recorded {recorded:?}, ours {ours_values:?}"
                        ));
                    }
                }
            }
        }
        problems.extend(self.body_differences(number, expected, ours));
        problems
    }

    fn body_differences(&mut self, number: u32, expected: &Message, ours: &Answer) -> Vec<String> {
        let recorded = self.subs.apply(&expected.body);
        let ours = Answer {
            status: ours.status,
            headers: Vec::new(),
            body: self.real_hosts(&ours.body),
        };
        let html = |body: &str| body.starts_with("<!DOCTYPE html>");
        match (recorded.is_empty(), ours.body.is_empty()) {
            (true, true) => Vec::new(),
            // Better Auth's error page (#49): the recorder kept only its first bytes; ours is
            // another page. Both are HTML documents.
            (false, false) if html(&recorded) => {
                if html(&ours.body) {
                    Vec::new()
                } else {
                    vec![format!("body: recorded an HTML page, ours {:?}", ours.body)]
                }
            }
            (false, false) => match (Json::parse(&recorded), Json::parse(&ours.body)) {
                (Ok(theirs), Ok(mine)) => {
                    let mut problems: Vec<String> = Vec::new();
                    let url = |json: &Value| json["url"].as_str().map(str::to_owned);
                    let (their_value, our_value): (Value, Value) = (
                        serde_json::from_str(&recorded).unwrap_or_default(),
                        serde_json::from_str(&ours.body).unwrap_or_default(),
                    );
                    if let (Some(theirs), Some(mine)) = (url(&their_value), url(&our_value))
                        && is_authorization_url(&theirs)
                    {
                        problems.extend(self.authorization_differences(number, &theirs, &mine));
                    }
                    problems.extend(compare::json_differences(
                        "body",
                        &normalize(&theirs),
                        &normalize(&mine),
                    ));
                    problems
                }
                (theirs, mine) => vec![format!(
                    "body is not JSON: recorded {theirs:?}, ours {mine:?}"
                )],
            },
            (theirs_empty, _) => vec![format!(
                "body: recorded {}, ours {:?}",
                if theirs_empty {
                    "empty".to_owned()
                } else {
                    recorded
                },
                ours.body
            )],
        }
    }

    /// Learns what our answer to `expected` introduced: a session, a flow's state.
    fn learn_from(&mut self, number: u32, expected: &Message, ours: &Answer) -> Vec<String> {
        let mut problems = Vec::new();
        if let (Some(recorded), Some(mine)) = (
            expected.header_values("set-auth-token").first(),
            ours.header("set-auth-token"),
        ) {
            let (recorded, mine) = (
                recorded.split('.').next().unwrap_or_default().to_owned(),
                mine.split('.').next().unwrap_or_default().to_owned(),
            );
            if self.subs.knows(&recorded) {
                if self.subs.apply(&recorded) != mine {
                    problems
                        .push("set-auth-token: recorded the same session, ours a new one".into());
                }
            } else {
                self.learn_session(&recorded, &mine);
            }
        }
        let url = |body: &str| {
            serde_json::from_str::<Value>(body)
                .ok()
                .and_then(|json| json["url"].as_str().map(str::to_owned))
        };
        if let (Some(theirs), Some(mine)) = (url(&expected.body), url(&ours.body))
            && is_authorization_url(&theirs)
            && let Some(state) = oauth::query_param(&theirs, "state")
            && !self.subs.knows(&state)
        {
            self.learn_flow(&state, &mine, number);
        }
        problems
    }

    /// The provider requests we made during `exchange` against the recorded ones: the same
    /// endpoints in the same order (Google's keys aside: cached), each token request passing the
    /// fake's checks where the recorded flow succeeded.
    fn provider_call_differences(
        &mut self,
        exchange: &Exchange,
        expected: &Message,
        calls: &[Value],
    ) -> Vec<String> {
        let mut problems = Vec::new();
        let certs = |list: &[(String, String)]| list.iter().filter(|(_, e)| e == "certs").count();
        let mut theirs: Vec<(String, String)> = exchange
            .provider_calls
            .iter()
            .map(|call| endpoint_of(&call.url))
            .collect();
        let mine: Vec<(String, String)> = calls
            .iter()
            .map(|call| {
                (
                    call["provider"].as_str().unwrap_or_default().to_owned(),
                    call["endpoint"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        self.counts.certs_recorded += certs(&theirs) as u32;
        self.counts.certs_ours += certs(&mine) as u32;
        if certs(&theirs) > certs(&mine) {
            self.count_rule("jwks cached", exchange.number);
        }
        if exchange.number == 37 {
            // Deliberate #37: the state is refused before any provider call.
            theirs.clear();
        }
        let without_certs = |list: &[(String, String)]| {
            list.iter()
                .filter(|(_, e)| e != "certs")
                .cloned()
                .collect::<Vec<_>>()
        };
        if without_certs(&theirs) != without_certs(&mine) {
            problems.push(format!(
                "provider requests: recorded {:?}, ours {:?}",
                without_certs(&theirs),
                without_certs(&mine)
            ));
        }
        self.counts.provider_calls += without_certs(&mine).len() as u32;
        let location = expected
            .header_values("location")
            .first()
            .copied()
            .unwrap_or_default();
        let succeeded = expected.first_line.contains(" 200 ")
            || (expected.first_line.contains(" 302 ") && !location.contains("error="));
        if succeeded {
            for call in calls.iter().filter(|c| c["endpoint"] == "token") {
                let checks = call["checks"].as_object().cloned().unwrap_or_default();
                if checks.is_empty() || checks.values().any(|v| v != "ok") {
                    problems.push(format!("token request: the fake's checks {checks:?}"));
                }
            }
        }
        problems
    }

    /// The rows the recording lists after `number` against ours: users (by email), their
    /// accounts, their live sessions, and this section's state rows.
    async fn row_differences(&mut self, number: u32, rows: &[Row]) -> Vec<String> {
        let listed: Vec<String> = rows.iter().map(|r| r.value.to_string()).collect();
        self.resolve_ids(&listed.join("\n")).await;
        let mut problems = Vec::new();
        let now = Timestamp::now();
        let text = |value: &Value, key: &str| value[key].as_str().unwrap_or_default().to_owned();
        // Deliberate #53: g-foreign was not signed up.
        let skipped = |email: &str| number >= 53 && email.starts_with("gforeign.");
        let mut compared = 0;
        for row in rows.iter().filter(|r| r.table == "user") {
            let email = text(&row.value, "email");
            let ours = self.user(&email).await;
            if skipped(&email) {
                if ours.is_some() {
                    problems.push(format!("rows: user {email} exists"));
                }
                self.count_rule("unverified code-flow token", number);
                continue;
            }
            let Some(user) = ours else {
                problems.push(format!("rows: no user {email}"));
                continue;
            };
            compared += 1;
            let theirs = (
                text(&row.value, "name"),
                row.value["emailVerified"].as_bool(),
                row.value["image"].as_str().map(str::to_owned),
            );
            let mine = (
                user.name.clone(),
                Some(user.email_verified),
                user.image.clone(),
            );
            if theirs != mine {
                problems.push(format!(
                    "rows: user {email} (name, emailVerified, image): recorded {theirs:?}, ours {mine:?}"
                ));
            }
        }
        // Accounts and sessions, per user.
        let mut owners: BTreeSet<String> = BTreeSet::new();
        for row in rows
            .iter()
            .filter(|r| r.table == "account" || r.table == "session")
        {
            owners.insert(text(&row.value, "userId"));
        }
        for owner in owners {
            let Some(email) = self.recorded_users.get(&owner).cloned() else {
                problems.push(format!(
                    "rows: a recorded user {owner} the recording never lists"
                ));
                continue;
            };
            if skipped(&email) {
                continue;
            }
            let Some(user) = self.user(&email).await else {
                problems.push(format!("rows: no user {email}"));
                continue;
            };
            let key = |provider: &str, account_id: &str| {
                if provider == "credential" {
                    (provider.to_owned(), "(the user's id)".to_owned())
                } else {
                    (provider.to_owned(), account_id.to_owned())
                }
            };
            let theirs: BTreeMap<(String, String), &Value> = rows
                .iter()
                .filter(|r| r.table == "account" && text(&r.value, "userId") == owner)
                .map(|r| {
                    (
                        key(&text(&r.value, "providerId"), &text(&r.value, "accountId")),
                        &r.value,
                    )
                })
                .collect();
            let accounts = self.store.list_accounts(&user.id).await.expect("accounts");
            let mine: BTreeMap<(String, String), &auth_core::model::Account> = accounts
                .iter()
                .map(|a| (key(&a.provider_id, &a.account_id), a))
                .collect();
            if !theirs.is_empty()
                && theirs.keys().collect::<Vec<_>>() != mine.keys().collect::<Vec<_>>()
            {
                problems.push(format!(
                    "rows: {email}'s accounts: recorded {:?}, ours {:?}",
                    theirs.keys().collect::<Vec<_>>(),
                    mine.keys().collect::<Vec<_>>()
                ));
            }
            for (account_key, recorded) in &theirs {
                let Some(account) = mine.get(account_key) else {
                    continue;
                };
                compared += 1;
                let present = |key: &str| !recorded[key].is_null();
                // Google's scope URLs as their names; repeats merged (rule "no repeated
                // scopes": Better Auth stores GitHub's scopes twice after #85).
                let recorded_scope = recorded["scope"].as_str().map(|scope| {
                    let items: Vec<&str> = scope.split(',').map(short_scope).collect();
                    let mut merged: Vec<&str> = Vec::new();
                    for item in &items {
                        if !merged.contains(item) {
                            merged.push(item);
                        }
                    }
                    if merged.len() < items.len() {
                        self.count_rule("no repeated scopes", number);
                    }
                    merged.join(",")
                });
                let theirs = (
                    recorded_scope,
                    present("accessToken"),
                    present("refreshToken"),
                    present("idToken"),
                    present("accessTokenExpiresAt"),
                    present("refreshTokenExpiresAt"),
                );
                let ours = (
                    account.scope.clone(),
                    account.access_token.is_some(),
                    account.refresh_token.is_some(),
                    account.id_token.is_some(),
                    account.access_token_expires_at.is_some(),
                    account.refresh_token_expires_at.is_some(),
                );
                if theirs != ours {
                    problems.push(format!(
                        "rows: {email}'s {account_key:?} account (scope, accessToken, refreshToken, \
                         idToken, accessTokenExpiresAt, refreshTokenExpiresAt): recorded {theirs:?}, ours {ours:?}"
                    ));
                }
            }
            let sessions = rows
                .iter()
                .filter(|r| r.table == "session" && text(&r.value, "userId") == owner)
                .count();
            if sessions > 0 {
                let ours = self
                    .store
                    .list_sessions(&user.id, now)
                    .await
                    .expect("sessions")
                    .len();
                compared += 1;
                if ours != sessions {
                    problems.push(format!(
                        "rows: {email}'s live sessions: recorded {sessions}, ours {ours}"
                    ));
                }
            }
        }
        // This section's state rows: the same ones live, with the same value.
        let section = section_of(number);
        let live: BTreeMap<String, &Value> = rows
            .iter()
            .filter(|r| r.table == "verification")
            .filter_map(|r| {
                let state = text(&r.value, "identifier")
                    .strip_prefix("auth-state:")?
                    .to_owned();
                Some((state, &r.value))
            })
            .collect();
        let flows: Vec<(String, String, String)> = self
            .flows
            .iter()
            .filter(|f| f.section == section)
            .map(|f| (f.recorded.clone(), f.ours.clone(), f.provider.clone()))
            .collect();
        for (recorded, ours, provider) in flows {
            let row = self
                .store
                .find_verification(&format!("auth-state:{ours}"), now)
                .await
                .expect("state lookup");
            match (live.get(&recorded), row) {
                (None, None) => {}
                (Some(_), None) => {
                    problems.push(format!("rows: state {recorded}: recorded live, ours gone"))
                }
                (None, Some(_)) => {
                    problems.push(format!("rows: state {recorded}: recorded gone, ours live"))
                }
                (Some(theirs), Some(mine)) => {
                    compared += 1;
                    problems.extend(
                        self.state_row_differences(number, theirs, &mine, &ours, &provider),
                    );
                }
            }
        }
        self.counts.rows += compared;
        self.counts.row_exchanges += 1;
        problems
    }

    /// A state row of ours against the recorded one: the same keys (ours has providerId and
    /// idTokenNonce too, and link.sessionId for link.encryptedSessionToken: rule "state row"),
    /// the same values (the verifier, state and times being ours).
    fn state_row_differences(
        &mut self,
        number: u32,
        recorded: &Value,
        ours: &Verification,
        our_state: &str,
        provider: &str,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        let theirs = &recorded["value (JSON string, parsed here)"];
        let mine: Value = serde_json::from_str(&ours.value).unwrap_or_default();
        let keys = |value: &Value| {
            value
                .as_object()
                .map(|o| o.keys().cloned().collect::<BTreeSet<_>>())
                .unwrap_or_default()
        };
        let mut expected = keys(theirs);
        expected.extend(["providerId".to_owned(), "idTokenNonce".to_owned()]);
        if keys(&mine) != expected {
            problems.push(format!(
                "state row value keys: recorded {:?} (+ providerId, idTokenNonce), ours {:?}",
                keys(theirs),
                keys(&mine)
            ));
        }
        self.count_rule("state row", number);
        for (key, value) in theirs.as_object().into_iter().flatten() {
            let mine = &mine[key];
            let same = match key.as_str() {
                "codeVerifier" => mine.as_str().is_some_and(|v| v.len() == 128),
                "oauthState" => mine.as_str() == Some(our_state),
                "expiresAt" => mine.as_i64() == Some(ours.expires_at.unix_millis()),
                "link" => {
                    let mut expected = keys(value);
                    expected.remove("encryptedSessionToken");
                    expected.insert("sessionId".to_owned());
                    keys(mine) == expected
                        && mine["email"] == value["email"]
                        && mine["userId"].as_str()
                            == Some(
                                self.subs
                                    .apply(value["userId"].as_str().unwrap_or_default())
                                    .as_str(),
                            )
                        && mine["sessionId"].as_str().is_some_and(|id| id.len() == 32)
                }
                _ => mine == value,
            };
            if !same {
                problems.push(format!(
                    "state row value {key}: recorded {value}, ours {mine}"
                ));
            }
        }
        if mine["providerId"].as_str() != Some(provider)
            || mine["idTokenNonce"].as_str().is_none_or(|n| n.len() != 32)
        {
            problems.push(format!(
                "state row value: providerId {}, idTokenNonce {}",
                mine["providerId"], mine["idTokenNonce"]
            ));
        }
        let lifetime = ours.expires_at.unix_seconds() - ours.created_at.unix_seconds();
        if lifetime != recorded["(expiresAt-createdAt s)"].as_i64().unwrap_or(600) {
            problems.push(format!("state row lives {lifetime} s"));
        }
        problems
    }

    /// Replays one exchange: set-up, request, comparisons, learning. Its problems, if any.
    async fn replay(
        &mut self,
        exchange: &Exchange,
        deliberate: &[Deliberate],
        pending: &[Deliberate],
    ) -> Vec<String> {
        let number = exchange.number;
        self.set_up(number).await;
        self.mint_id_token(exchange);
        let request_text = format!("{}\n{}", exchange.path(), exchange.request.body);
        self.resolve_ids(&request_text).await;
        let log_start = self.fake.log().len();
        let request = self.request(exchange);
        let ours = self.send(request).await;
        let calls: Vec<Value> = self.fake.log().split_off(log_start);
        self.tear_down(number);

        let special = deliberate
            .iter()
            .chain(pending)
            .find(|d| d.number == number);
        let expected = match special.map(|d| &d.ours) {
            None => exchange.response.clone(),
            Some(Ours::Answer(text)) => Message::parse(text),
            Some(Ours::Edit(edit)) => {
                let mut message = exchange.response.clone();
                edit(&mut message);
                message
            }
        };
        self.resolve_ids(&format!("{}\n{}", exchange.response.body, expected.body))
            .await;
        // Learned first: the answer names the state and session it introduces.
        let mut problems = self.learn_from(number, &expected, &ours);
        problems.extend(self.response_differences(number, &expected, &ours));
        problems.extend(self.provider_call_differences(exchange, &expected, &calls));
        if let Some(rows) = &exchange.rows {
            problems.extend(self.row_differences(number, rows).await);
        }
        let mut seen = BTreeSet::new();
        problems.retain(|p| seen.insert(p.clone()));
        self.counts.exchanges += 1;
        match special {
            Some(d) if deliberate.iter().any(|x| x.number == d.number) => {
                self.counts.deliberate.push(number);
            }
            Some(_) => self.counts.pending.push(number),
            None if problems.is_empty() => self.counts.exact += 1,
            None => {}
        }
        problems
    }
}

/// keen's first session (browser K), link1's and link2's (from their sign-ups).
const KEEN_SESSION: &str = "GdC4a1fA8V7atglyOpDNibmLSjWnLppv";
const LINK1_SESSION: &str = "NARb4kzP3st0STKVrdR0ZSsviAa3hHXN";
const LINK2_SESSION: &str = "o2sqZ76qFA7eAv9wrJnPnFDWsuhZMsAe";

// ---------------------------------------------------------------------------------------------
// The tests

#[test]
fn the_social_recording_parses() {
    let exchanges = transcript::social_exchanges();
    assert_eq!(
        exchanges.iter().map(|e| e.number).collect::<Vec<_>>(),
        (1..=RECORDED).collect::<Vec<_>>(),
        "sections A–G, in order"
    );
    for exchange in &exchanges {
        assert!(
            exchange.response.first_line.starts_with("HTTP/1.1 "),
            "#{}",
            exchange.number
        );
        for call in &exchange.provider_calls {
            endpoint_of(&call.url);
        }
    }
    assert_eq!(
        exchanges
            .iter()
            .map(|e| e.provider_calls.len())
            .sum::<usize>(),
        88,
        "P1–P88 belong to sections A–G"
    );
    // The recording's secret signs its state cookies (so ours can be compared).
    let first = &exchanges[0];
    let state =
        oauth::query_param(first.response.header_values("location")[0], "state").expect("a state");
    assert!(
        first.response.header_values("set-cookie")[0].starts_with(&format!(
            "better-auth.state={};",
            uri_encode(&signed(&state))
        ))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_social_exchange_a_to_g_gets_the_same_answer_and_rows() {
    let exchanges = transcript::social_exchanges();
    let deliberate = deliberate();
    let pending = pending();
    let mut replay = Replay::new().await;
    let mut report = Report::new();
    for (letter, first, last, subject) in SECTIONS {
        for exchange in exchanges
            .iter()
            .filter(|e| (first..=last).contains(&e.number))
        {
            let problems = replay.replay(exchange, &deliberate, &pending).await;
            let expected = deliberate
                .iter()
                .chain(&pending)
                .find(|d| d.number == exchange.number);
            report.exchange(exchange, &problems, expected.map(|d| d.why));
        }
        report.section(letter, subject);
    }

    let counts = &replay.counts;
    let mut summary = vec![format!(
        "social golden replay: {} exchanges (sections A–G; section H, the cookie state strategy, \
         is not implemented and not replayed)",
        counts.exchanges
    )];
    summary.extend_from_slice(report.section_lines());
    summary.push(format!(
        "  {} answered as Better Auth did; {} deliberately otherwise {:?}; {} pending {:?}",
        counts.exact,
        counts.deliberate.len(),
        counts.deliberate,
        counts.pending.len(),
        counts.pending
    ));
    // One line per reason, with the exchanges it covers.
    for (label, list) in [("deliberate", &deliberate), ("pending", &pending)] {
        summary.extend(reason_lines(label, list.iter().map(|d| (d.number, d.why))));
    }
    for (rule, why) in RULES {
        summary.push(format!(
            "  rule \"{rule}\" applied in {:?}: {why}",
            counts.rules.get(rule).cloned().unwrap_or_default()
        ));
    }
    summary.push(format!(
        "  rows compared: {} (after {} exchanges); provider requests compared: {}; ID tokens \
         minted: {}; Google key set fetched {} times (Better Auth: {})",
        counts.rows,
        counts.row_exchanges,
        counts.provider_calls,
        counts.id_tokens_minted,
        counts.certs_ours,
        counts.certs_recorded
    ));
    for note in &replay.notes {
        summary.push(format!("  note {note}"));
    }
    println!("{}", summary.join("\n"));

    report.assert_none_differ();
    assert_eq!(counts.exchanges, RECORDED);
    assert_eq!(
        counts.deliberate.len(),
        deliberate.len(),
        "every deliberate difference replayed"
    );
    assert_eq!(
        counts.exact as usize,
        RECORDED as usize - deliberate.len() - pending.len(),
        "every other exchange gets Better Auth's answer"
    );
    // Rule "jwks cached": one fetch of Google's keys where Better Auth made one per ID token.
    // (A refetch for #62's unknown kid only if more than the 30 s cooldown passed since #51.)
    assert_eq!(counts.certs_recorded, 23, "the recording's key set fetches");
    assert!(
        (1..=2).contains(&counts.certs_ours),
        "Google's keys fetched {} times",
        counts.certs_ours
    );
    for (rule, _) in RULES {
        assert!(
            counts.rules.get(rule).is_some_and(|n| !n.is_empty()),
            "rule {rule} never applied"
        );
    }
}
