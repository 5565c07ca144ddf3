//! One list of HTTP scenarios, run against the same app built with each adapter (axum, poem,
//! salvo: the minimal examples) on an ephemeral loopback port. Each answer is checked, and the
//! three adapters must give the same answers: same status, same protocol headers and cookie
//! attributes, same JSON (ids, tokens, dates and signatures aside).

use std::net::TcpListener;

use auth_conformance::compare::{self, Json};
use auth_core::Auth;
use std::time::Duration;

use auth_core::config::{AuthConfig, EmailFlows};
use auth_core::mail::ConsoleMailer;
use auth_core::rate_limit::RateLimit;
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey, TokenIssuer};
use auth_test_harness::http::{Reply, request};

const FRONT_END: &str = "http://localhost:3000";
const PASSWORD: &str = "correct horse battery";
const SECRET: &str = "conformance-secret-0123456789abcdef0123";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

fn auth(port: u16) -> Auth {
    let config = AuthConfig::builder(SECRET, format!("http://127.0.0.1:{port}"))
        .trusted_origins([FRONT_END])
        // Better Auth's limits, but room for the scenarios' sign-ups and sign-ins from one address;
        // `/ok` allows three an hour, which the last scenarios use up.
        .rate_limit(
            RateLimit::better_auth()
                .rule("/sign-in", Duration::from_secs(10), 100)
                .rule("/sign-up", Duration::from_secs(10), 100)
                .rule("/change-password", Duration::from_secs(10), 100)
                .rule("/ok", Duration::from_secs(3600), 3),
        )
        .refusal_pause(Duration::ZERO)
        .email_flows(
            EmailFlows::new()
                .auto_sign_in_after_verification(true)
                .response_floor(Duration::ZERO),
        )
        .build()
        .expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .default_hasher()
        .issuer(issuer)
        .mailer(ConsoleMailer::new())
        .build()
}

/// A verification link's token for `email`, as the server (and Better Auth) signs it: HS256
/// with the secret's bytes.
fn verification_token(email: &str) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::Mac;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let payload = format!(r#"{{"email":"{email}","iat":{now},"exp":{}}}"#, now + 3600);
    let input = format!("eyJhbGciOiJIUzI1NiJ9.{}", URL_SAFE_NO_PAD.encode(payload));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// Each adapter's minimal example app, serving the `Auth` that `auth` makes for its port.
async fn start_axum(auth: impl FnOnce(u16) -> Auth) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = auth_example_axum::app(auth(port));
    // As an app must serve it for per-address rate limits: with the socket's address.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

async fn start_poem(auth: impl FnOnce(u16) -> Auth) -> u16 {
    let port = free_port();
    let app = auth_example_poem::app(auth(port));
    let listener = poem::listener::TcpListener::bind(format!("127.0.0.1:{port}"));
    tokio::spawn(async move { poem::Server::new(listener).run(app).await });
    port
}

async fn start_salvo(auth: impl FnOnce(u16) -> Auth) -> u16 {
    use salvo::conn::{Acceptor, Listener};
    let port = free_port();
    let app = auth_example_salvo::app(auth(port));
    let acceptor = salvo::conn::TcpListener::new(format!("127.0.0.1:{port}"))
        .bind()
        .await;
    let _ = acceptor.holdings();
    tokio::spawn(async move { salvo::Server::new(acceptor).serve(app).await });
    port
}

fn wait_until_up(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("nothing listens on {port}");
}

/// One scenario's outcome.
struct Step {
    name: &'static str,
    reply: Reply,
    /// The app's own routes: the framework writes their JSON, so only status and body count.
    app_route: bool,
}

fn json_post(port: u16, path: &str, body: &str, extra: &[(&str, &str)]) -> Reply {
    let mut headers = vec![("content-type", "application/json")];
    headers.extend_from_slice(extra);
    request(port, "POST", path, &headers, Some(body.as_bytes()))
}

fn expect(name: &str, reply: &Reply, status: u16, code: Option<&str>) {
    assert_eq!(reply.status, status, "{name}: {}", reply.text());
    if let Some(code) = code {
        assert_eq!(reply.json()["code"], code, "{name}");
    }
}

/// The scenarios, in order, against the server on `port`.
fn scenarios(port: u16) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    macro_rules! step {
        ($name:expr, $reply:expr, $app:expr $(,)?) => {{
            steps.push(Step {
                name: $name,
                reply: $reply,
                app_route: $app,
            });
            &steps.last().expect("pushed").reply
        }};
    }
    let sign_up = r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#;

    let r = step!("ok", request(port, "GET", "/api/auth/ok", &[], None), false);
    expect("ok", r, 200, None);
    let r = step!(
        "sign-up",
        json_post(port, "/api/auth/sign-up/email", sign_up, &[]),
        false,
    );
    expect("sign-up", r, 200, None);
    let r = step!(
        "sign-up again",
        json_post(port, "/api/auth/sign-up/email", sign_up, &[]),
        false,
    );
    expect(
        "sign-up again",
        r,
        422,
        Some("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"),
    );
    let r = step!(
        "short password",
        json_post(
            port,
            "/api/auth/sign-up/email",
            r#"{"name":"B","email":"b@example.com","password":"abc"}"#,
            &[],
        ),
        false,
    );
    expect("short password", r, 400, Some("PASSWORD_TOO_SHORT"));
    let r = step!(
        "missing field",
        json_post(
            port,
            "/api/auth/sign-up/email",
            r#"{"email":"b@example.com"}"#,
            &[],
        ),
        false,
    );
    expect("missing field", r, 400, Some("VALIDATION_ERROR"));
    let r = step!(
        "bad JSON",
        json_post(port, "/api/auth/sign-in/email", "{", &[]),
        false,
    );
    expect("bad JSON", r, 400, Some("BAD_REQUEST"));
    let big = "x".repeat(1024 * 1024);
    let r = step!(
        "1 MB body",
        json_post(port, "/api/auth/sign-in/email", &big, &[]),
        false,
    );
    expect("1 MB body", r, 413, Some("PAYLOAD_TOO_LARGE"));
    let wrong = r#"{"email":"ada@example.com","password":"wrong password"}"#;
    let r = step!(
        "wrong password",
        json_post(port, "/api/auth/sign-in/email", wrong, &[]),
        false,
    );
    expect("wrong password", r, 401, Some("INVALID_EMAIL_OR_PASSWORD"));

    let sign_in = format!(r#"{{"email":"ada@example.com","password":"{PASSWORD}"}}"#);
    let r = step!(
        "sign-in",
        json_post(port, "/api/auth/sign-in/email", &sign_in, &[]),
        false,
    );
    expect("sign-in", r, 200, None);
    let signed = r
        .header("set-auth-token")
        .expect("set-auth-token")
        .to_owned();
    let raw = r.json()["token"].as_str().expect("token").to_owned();
    let cookie = r.cookie_pair();
    let bearer = format!("Bearer {signed}");

    let r = step!(
        "get-session by cookie",
        request(
            port,
            "GET",
            "/api/auth/get-session",
            &[("cookie", &cookie)],
            None,
        ),
        false,
    );
    assert_eq!(r.json()["user"]["email"], "ada@example.com");
    let r = step!(
        "get-session by bearer",
        request(
            port,
            "GET",
            "/api/auth/get-session",
            &[("authorization", &bearer)],
            None,
        ),
        false,
    );
    assert_eq!(r.json()["user"]["email"], "ada@example.com");
    let jwt = r.header("set-auth-jwt").expect("set-auth-jwt").to_owned();
    let r = step!(
        "get-session by raw token",
        request(
            port,
            "GET",
            "/api/auth/get-session",
            &[("authorization", &format!("Bearer {raw}"))],
            None,
        ),
        false,
    );
    assert_eq!(r.json()["user"]["email"], "ada@example.com");
    let r = step!(
        "get-session anonymous",
        request(port, "GET", "/api/auth/get-session", &[], None),
        false,
    );
    assert_eq!(r.text(), "null");
    let r = step!(
        "token",
        request(
            port,
            "GET",
            "/api/auth/token",
            &[("authorization", &bearer)],
            None,
        ),
        false,
    );
    expect("token", r, 200, None);
    let r = step!(
        "jwks",
        request(port, "GET", "/api/auth/jwks", &[], None),
        false,
    );
    expect("jwks", r, 200, None);

    let with_jwt = format!("Bearer {jwt}");
    let r = step!(
        "JWT on a protected route",
        request(
            port,
            "GET",
            "/api/me",
            &[("authorization", &with_jwt)],
            None,
        ),
        true,
    );
    expect("JWT on a protected route", r, 200, None);
    assert_eq!(r.json()["email"], "ada@example.com");
    let r = step!(
        "session token on a protected route",
        request(port, "GET", "/api/me", &[("authorization", &bearer)], None),
        true,
    );
    assert_eq!(r.json()["via"], "Session");
    let r = step!(
        "no credentials on a protected route",
        request(port, "GET", "/api/me", &[], None),
        false,
    );
    expect("no credentials", r, 401, Some("UNAUTHORIZED"));
    let r = step!(
        "forged JWT",
        request(
            port,
            "GET",
            "/api/me",
            &[("authorization", &format!("{with_jwt}x"))],
            None,
        ),
        false,
    );
    expect("forged JWT", r, 401, Some("INVALID_TOKEN"));
    let r = step!(
        "guarded subtree",
        request(
            port,
            "GET",
            "/api/private/hello",
            &[("cookie", &cookie)],
            None,
        ),
        true,
    );
    assert_eq!(r.json()["hello"], "Ada");
    let r = step!(
        "guarded subtree, anonymous",
        request(port, "GET", "/api/private/hello", &[], None),
        false,
    );
    expect("guarded subtree, anonymous", r, 401, Some("UNAUTHORIZED"));

    let r = step!(
        "CSRF: cookie without Origin",
        json_post(port, "/api/auth/sign-out", "{}", &[("cookie", &cookie)]),
        false,
    );
    expect(
        "CSRF: cookie without Origin",
        r,
        403,
        Some("MISSING_OR_NULL_ORIGIN"),
    );
    let r = step!(
        "CSRF: foreign Origin",
        json_post(
            port,
            "/api/auth/sign-in/email",
            &sign_in,
            &[("origin", "http://evil.example")],
        ),
        false,
    );
    expect("CSRF: foreign Origin", r, 403, Some("INVALID_ORIGIN"));
    let r = step!(
        "CSRF: cross-site navigation",
        json_post(
            port,
            "/api/auth/sign-in/email",
            &sign_in,
            &[
                ("origin", "http://evil.example"),
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "navigate"),
            ],
        ),
        false,
    );
    expect(
        "CSRF: cross-site navigation",
        r,
        403,
        Some("CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"),
    );

    let preflight = [
        ("origin", FRONT_END),
        ("access-control-request-method", "POST"),
        ("access-control-request-headers", "content-type"),
    ];
    let r = step!(
        "CORS preflight",
        request(port, "OPTIONS", "/api/auth/sign-in/email", &preflight, None),
        false,
    );
    expect("CORS preflight", r, 204, None);
    assert_eq!(r.header("access-control-allow-origin"), Some(FRONT_END));
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    let r = step!(
        "CORS on a response",
        request(
            port,
            "GET",
            "/api/auth/get-session",
            &[("origin", FRONT_END), ("authorization", &bearer)],
            None,
        ),
        false,
    );
    assert_eq!(r.header("access-control-allow-origin"), Some(FRONT_END));
    assert_eq!(
        r.header("access-control-expose-headers"),
        Some("set-auth-jwt, set-auth-token")
    );
    let r = step!(
        "preflight from elsewhere",
        request(
            port,
            "OPTIONS",
            "/api/auth/sign-in/email",
            &[
                ("origin", "http://evil.example"),
                ("access-control-request-method", "POST"),
            ],
            None,
        ),
        false,
    );
    expect("preflight from elsewhere", r, 404, None);

    let r = step!(
        "unknown auth route",
        request(port, "GET", "/api/auth/nope", &[], None),
        false,
    );
    assert_eq!((r.status, r.body.len()), (404, 0));
    let r = step!(
        "POST get-session",
        json_post(port, "/api/auth/get-session", "{}", &[]),
        false,
    );
    expect(
        "POST get-session",
        r,
        405,
        Some("METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED"),
    );

    let r = step!(
        "sign-out",
        json_post(
            port,
            "/api/auth/sign-out",
            "{}",
            &[("authorization", &bearer)],
        ),
        false,
    );
    expect("sign-out", r, 200, None);
    assert_eq!(r.headers_named("set-cookie").len(), 3);
    let r = step!(
        "get-session after sign-out",
        request(
            port,
            "GET",
            "/api/auth/get-session",
            &[("authorization", &bearer)],
            None,
        ),
        false,
    );
    assert_eq!(r.text(), "null");
    let r = step!(
        "JWT after sign-out",
        request(
            port,
            "GET",
            "/api/me",
            &[("authorization", &with_jwt)],
            None,
        ),
        false,
    );
    expect("JWT after sign-out", r, 401, Some("INVALID_TOKEN"));
    // The email flows: redirects with and without cookies, an HTML page, refusals of flows
    // that are off; the protocol decides, each adapter only carries the answer.
    let r = step!(
        "request-password-reset",
        json_post(
            port,
            "/api/auth/request-password-reset",
            r#"{"email":"ada@example.com","redirectTo":"/reset"}"#,
            &[],
        ),
        false,
    );
    expect("request-password-reset", r, 200, None);
    let r = step!(
        "reset link, unknown token",
        request(
            port,
            "GET",
            "/api/auth/reset-password/unknown?callbackURL=http%3A%2F%2Flocalhost%3A3000%2Freset",
            &[],
            None,
        ),
        false,
    );
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location"),
        Some("http://localhost:3000/reset?error=INVALID_TOKEN")
    );
    let r = step!(
        "error page",
        request(
            port,
            "GET",
            "/api/auth/error?error=INVALID_TOKEN",
            &[],
            None
        ),
        false,
    );
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, Some("text/html"))
    );
    let r = step!(
        "verify-email, bad token",
        request(
            port,
            "GET",
            "/api/auth/verify-email?token=bad&callbackURL=%2Fv",
            &[],
            None
        ),
        false,
    );
    assert_eq!(
        (r.status, r.header("location")),
        (302, Some("/v?error=INVALID_TOKEN"))
    );
    let link = format!(
        "/api/auth/verify-email?token={}&callbackURL=%2Fwelcome",
        verification_token("ada@example.com")
    );
    let r = step!(
        "verify-email",
        request(port, "GET", &link, &[], None),
        false
    );
    assert_eq!((r.status, r.header("location")), (302, Some("/welcome")));
    assert!(
        r.header("set-auth-token").is_some(),
        "signed in by the link"
    );
    assert_eq!(r.headers_named("set-cookie").len(), 1);
    let r = step!(
        "change-email, off",
        json_post(
            port,
            "/api/auth/change-email",
            r#"{"newEmail":"new@example.com"}"#,
            &[("authorization", &bearer)],
        ),
        false,
    );
    expect("change-email, off", r, 401, Some("UNAUTHORIZED"));
    let r = step!(
        "delete-user, off",
        json_post(port, "/api/auth/delete-user", "{}", &[]),
        false,
    );
    expect("delete-user, off", r, 401, Some("UNAUTHORIZED"));

    // Rate limits count by the socket's address, which each adapter hands to the protocol.
    for _ in 0..2 {
        let r = step!(
            "ok within the limit",
            request(port, "GET", "/api/auth/ok", &[], None),
            false,
        );
        expect("ok within the limit", r, 200, None);
    }
    let r = step!(
        "ok over the limit",
        request(port, "GET", "/api/auth/ok", &[], None),
        false,
    );
    assert_eq!(r.status, 429, "ok over the limit: {}", r.text());
    let wait: u64 = r
        .header("x-retry-after")
        .and_then(|v| v.parse().ok())
        .expect("x-retry-after in seconds");
    assert!((3000..=3600).contains(&wait), "x-retry-after: {wait}");
    steps
}

/// Not the protocol's, or (`x-retry-after`) counting down while the scenarios run; its presence
/// is checked in the scenario.
const NOT_PROTOCOL: [&str; 6] = [
    "date",
    "content-length",
    "server",
    "connection",
    "vary",
    "x-retry-after",
];

fn headers(reply: &Reply, app_route: bool) -> Vec<(String, String)> {
    reply
        .headers
        .iter()
        .filter(|(n, _)| {
            !(NOT_PROTOCOL.contains(&n.as_str()) || (app_route && n == "content-type"))
        })
        .cloned()
        .collect()
}

fn differences(reference: &Step, other: &Step) -> Vec<String> {
    let mut problems = Vec::new();
    if reference.reply.status != other.reply.status {
        problems.push(format!(
            "status {} vs {}",
            reference.reply.status, other.reply.status
        ));
    }
    problems.extend(compare::header_differences(
        &headers(&reference.reply, reference.app_route),
        &headers(&other.reply, other.app_route),
    ));
    let (a, b) = (reference.reply.text(), other.reply.text());
    match (Json::parse(&a), Json::parse(&b)) {
        (Ok(x), Ok(y)) => problems.extend(compare::json_differences("body", &x, &y)),
        _ if a == b => {}
        _ => problems.push(format!("body {a:?} vs {b:?}")),
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn axum_poem_and_salvo_give_the_same_answers() {
    let ports = [
        ("axum", start_axum(auth).await),
        ("poem", start_poem(auth).await),
        ("salvo", start_salvo(auth).await),
    ];
    let mut runs = Vec::new();
    for (name, port) in ports {
        let steps = tokio::task::spawn_blocking(move || {
            wait_until_up(port);
            scenarios(port)
        })
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        runs.push((name, steps));
    }
    let (reference_name, reference) = &runs[0];
    let mut problems = Vec::new();
    for (name, steps) in &runs[1..] {
        assert_eq!(steps.len(), reference.len());
        for (a, b) in reference.iter().zip(steps) {
            for problem in differences(a, b) {
                problems.push(format!(
                    "{} ({reference_name} vs {name}): {problem}",
                    a.name
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the adapters disagree:\n{}",
        problems.join("\n")
    );
    assert_eq!(reference.len(), 42, "every scenario ran");
}

/// Verify-only mode against a real Better Auth server (the npm package, on PostgreSQL): its
/// JWTs are accepted by all three adapters' extractors and guards; tampered, expired,
/// wrong-issuer, wrong-audience and foreign-key tokens are refused with the usual JSON errors;
/// a key Better Auth rotates in is accepted once the cooldown allows a refetch, and the old
/// key's tokens keep verifying while Better Auth publishes it; the auth API is not served.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_only_accepts_better_auths_tokens_in_every_adapter() {
    use auth_core::token::remote::{RemoteJwks, RemoteVerifier};
    use auth_test_harness::better_auth::BetterAuthServer;

    let database = auth_test_harness::postgres::fresh_database().await;
    // Better Auth's own key rotation (its `jwt()` options): a new key every 2 s, the old ones
    // published for a minute after; tokens live 8 s.
    let better_auth = BetterAuthServer::start(
        &database.url,
        &[
            ("JWT_EXPIRATION", "8s"),
            ("JWKS_ROTATION_INTERVAL", "2"),
            ("JWKS_GRACE_PERIOD", "60"),
        ],
    );
    let issuer = better_auth.url.clone();
    let jwks_url = format!("{issuer}/api/auth/jwks");
    let verify_only = |iss: &str, aud: &str| {
        let jwks = RemoteJwks::builder(&jwks_url)
            .cooldown(Duration::from_secs(1), Duration::from_secs(1))
            .build()
            .expect("jwks");
        Auth::verify_only(RemoteVerifier::new(jwks, iss, aud))
    };
    let shared = verify_only(&issuer, &issuer);
    let ports = [
        ("axum", start_axum(|_| shared.clone()).await),
        ("poem", start_poem(|_| shared.clone()).await),
        ("salvo", start_salvo(|_| shared.clone()).await),
    ];
    for (_, port) in ports {
        wait_until_up(port);
    }
    // The server runs on this test's runtime: its blocking HTTP client must not hold a worker.
    async fn me(port: u16, jwt: &str) -> Reply {
        let authorization = format!("Bearer {jwt}");
        tokio::task::spawn_blocking(move || {
            request(
                port,
                "GET",
                "/api/me",
                &[("authorization", &authorization)],
                None,
            )
        })
        .await
        .expect("join")
    }

    let bearer = better_auth.sign_up("ada@example.com");
    let jwt = better_auth.jwt(&bearer);
    // Better Auth made its first key for this token: the rotation clock starts here.
    let minted = std::time::Instant::now();
    for (name, port) in ports {
        let reply = me(port, &jwt).await;
        assert_eq!(reply.status, 200, "{name}: {}", reply.text());
        assert_eq!(reply.json()["email"], "ada@example.com", "{name}");
        let api = request(port, "GET", "/api/auth/get-session", &[], None);
        assert_eq!(api.status, 404, "{name}: verify-only serves no auth route");
        let guarded = request(
            port,
            "GET",
            "/api/private/hello",
            &[("authorization", &format!("Bearer {jwt}"))],
            None,
        );
        assert_eq!(guarded.status, 200, "{name}: the guard lets it through");
        let anonymous = request(port, "GET", "/api/private/hello", &[], None);
        expect(name, &anonymous, 401, Some("UNAUTHORIZED"));
    }

    // Refusals, in every adapter.
    let at = jwt.find('.').expect("dot") + 5;
    let swapped = if &jwt[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{swapped}{}", &jwt[..at], &jwt[at + 1..]);
    let foreign = {
        // Better Auth's claims and kid, signed with a key Better Auth never published.
        let claims: auth_core::token::Claims =
            serde_json::from_slice(&base64_url(jwt.split('.').nth(1).expect("payload")))
                .expect("Better Auth's claims read as ours");
        let key = JwtKey::ed25519_from_seed(kid_of(&jwt), &[9; 32]).expect("key");
        JwtIssuer::builder(&issuer, &issuer)
            .signing_key(key)
            .build()
            .expect("issuer")
            .sign(&claims)
            .expect("sign")
            .expose()
            .to_owned()
    };
    for (name, port) in ports {
        expect(name, &me(port, &tampered).await, 401, Some("INVALID_TOKEN"));
        expect(name, &me(port, &foreign).await, 401, Some("INVALID_TOKEN"));
        expect(
            name,
            &me(port, "not.a.jwt").await,
            401,
            Some("INVALID_TOKEN"),
        );
    }
    // Wrong issuer or audience: the same token, checked by APIs that expect others.
    for (iss, aud) in [
        ("http://other.example", issuer.as_str()),
        (issuer.as_str(), "http://other.example"),
    ] {
        let strict = start_axum(|_| verify_only(iss, aud)).await;
        wait_until_up(strict);
        expect(
            "wrong iss/aud",
            &me(strict, &jwt).await,
            401,
            Some("INVALID_TOKEN"),
        );
    }

    // Rotation: a token signed with the new key verifies once a refetch is allowed; the old
    // key's tokens still do while Better Auth publishes it (its grace period).
    // Past the rotation interval, Better Auth signs with a new key (it rotates when it signs).
    tokio::time::sleep(Duration::from_millis(2_500).saturating_sub(minted.elapsed())).await;
    let rotated = better_auth.jwt(&bearer);
    assert_ne!(kid_of(&rotated), kid_of(&jwt), "a new key signs");
    let mut accepted = false;
    for _ in 0..40 {
        if me(ports[0].1, &rotated).await.status == 200 {
            accepted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        accepted,
        "the rotated key is fetched once the cooldown (1 s) allows: {} {}",
        me(ports[0].1, &rotated).await.text(),
        http_get_text(&format!("{issuer}/api/auth/jwks"))
    );
    for (name, port) in ports {
        assert_eq!(me(port, &rotated).await.status, 200, "{name}: rotated key");
        assert_eq!(
            me(port, &jwt).await.status,
            200,
            "{name}: old key, still published"
        );
    }

    // Expired: Better Auth's tokens here live 8 s.
    tokio::time::sleep(Duration::from_secs(9).saturating_sub(minted.elapsed())).await;
    for (name, port) in ports {
        expect(name, &me(port, &jwt).await, 401, Some("TOKEN_EXPIRED"));
    }
}

fn base64_url(part: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url")
}

fn kid_of(jwt: &str) -> String {
    let header: serde_json::Value =
        serde_json::from_slice(&base64_url(jwt.split('.').next().expect("header"))).expect("json");
    header["kid"].as_str().expect("kid").to_owned()
}

fn http_get_text(url: &str) -> String {
    let rest = url.trim_start_matches("http://127.0.0.1:");
    let (port, path) = rest.split_at(rest.find('/').expect("path"));
    request(port.parse().expect("port"), "GET", path, &[], None).text()
}

/// The `name=value` of the `Set-Cookie` named `name`.
fn set_cookie_pair(reply: &Reply, name: &str) -> String {
    reply
        .headers_named("set-cookie")
        .into_iter()
        .map(|line| line.split(';').next().unwrap_or_default().trim().to_owned())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie: {:?}", reply.headers))
}

/// Social sign-in through each adapter's app, against the fake GitHub on loopback: the start,
/// the provider's redirect back with the state cookie, the session it makes, the form-post
/// callback, and the account routes. The adapters only route; the answers are the core's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn social_sign_in_works_in_every_adapter() {
    use auth_core::social::GitHub;
    use auth_test_harness::oauth::{self, FakeSocial};
    let fake = std::sync::Arc::new(FakeSocial::start());
    fake.add_github_user(serde_json::json!({
        "login": "octo", "id": 77, "name": "Octo", "email": "octo@example.com",
        "emails": [{"email": "octo@example.com", "primary": true, "verified": true, "visibility": "public"}],
    }));
    fake.set_current("github", "77", false);
    let social_auth = |fake: std::sync::Arc<FakeSocial>| {
        move |port: u16| {
            let config = AuthConfig::builder(SECRET, format!("http://127.0.0.1:{port}"))
                .build()
                .expect("config");
            let issuer =
                JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
            let github = GitHub::new(oauth::GITHUB_CLIENT_ID, oauth::GITHUB_CLIENT_SECRET)
                .expect("github")
                .base_urls(&fake.github_web(), &fake.github_api());
            Auth::builder()
                .config(config)
                .store(MemoryStore::new())
                .default_hasher()
                .issuer(issuer)
                .social_provider(github)
                .build()
        }
    };
    let ports = [
        ("axum", start_axum(social_auth(fake.clone())).await),
        ("poem", start_poem(social_auth(fake.clone())).await),
        ("salvo", start_salvo(social_auth(fake.clone())).await),
    ];
    for (name, port) in ports {
        let fake = fake.clone();
        tokio::task::spawn_blocking(move || {
            wait_until_up(port);
            let r = json_post(
                port,
                "/api/auth/sign-in/social",
                r#"{"provider":"github","callbackURL":"/home"}"#,
                &[],
            );
            assert_eq!(r.status, 200, "{name}: {}", r.text());
            let url = r.json()["url"].as_str().expect("url").to_owned();
            assert_eq!(r.header("location"), Some(url.as_str()), "{name}");
            let state_cookie = set_cookie_pair(&r, "better-auth.state");
            let back = fake.authorize(&url);
            let path = back
                .strip_prefix(&format!("http://127.0.0.1:{port}"))
                .expect("back to us")
                .to_owned();
            let r = request(port, "GET", &path, &[("cookie", &state_cookie)], None);
            assert_eq!(
                (r.status, r.header("location")),
                (302, Some("/home")),
                "{name}: {}",
                r.text()
            );
            let session = set_cookie_pair(&r, "better-auth.session_token");
            let r = request(
                port,
                "GET",
                "/api/auth/get-session",
                &[("cookie", &session)],
                None,
            );
            assert_eq!(r.json()["user"]["email"], "octo@example.com", "{name}");
            let r = request(
                port,
                "GET",
                "/api/auth/list-accounts",
                &[("cookie", &session)],
                None,
            );
            assert_eq!(r.json()[0]["providerId"], "github", "{name}: {}", r.text());
            // The form-post callback redirects to the GET one, whatever the framework.
            let r = request(
                port,
                "POST",
                "/api/auth/callback/github",
                &[("content-type", "application/x-www-form-urlencoded")],
                Some(b"code=c&state=s"),
            );
            assert_eq!(r.status, 302, "{name}: {}", r.text());
            assert_eq!(
                r.header("location"),
                Some(
                    format!("http://127.0.0.1:{port}/api/auth/callback/github?code=c&state=s")
                        .as_str()
                ),
                "{name}"
            );
        })
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// Two-factor through each adapter's app: enable and confirm by bearer, the sign-in challenge
/// (its cookies, no session), a wrong code, then a backup code with "trust this device" on the
/// challenge cookie, and the trusted device signing in directly. The adapters only route and
/// carry cookies; the answers are the core's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_factor_works_in_every_adapter() {
    use auth_core::config::TwoFactorOptions;
    use auth_core::two_factor::{Totp, TotpSecret};

    let two_factor_auth = |port: u16| {
        let config = AuthConfig::builder(SECRET, format!("http://127.0.0.1:{port}"))
            .two_factor(TwoFactorOptions::new("Example"))
            .build()
            .expect("config");
        let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
        Auth::builder()
            .config(config)
            .store(MemoryStore::new())
            .default_hasher()
            .issuer(issuer)
            .build()
    };
    let ports = [
        ("axum", start_axum(two_factor_auth).await),
        ("poem", start_poem(two_factor_auth).await),
        ("salvo", start_salvo(two_factor_auth).await),
    ];
    for (name, port) in ports {
        tokio::task::spawn_blocking(move || {
            wait_until_up(port);
            let origin = format!("http://127.0.0.1:{port}");
            let r = json_post(
                port,
                "/api/auth/sign-up/email",
                &format!(r#"{{"name":"Tess","email":"tess@example.com","password":"{PASSWORD}"}}"#),
                &[],
            );
            assert_eq!(r.json()["user"]["twoFactorEnabled"], false, "{name}");
            let bearer = format!("Bearer {}", r.header("set-auth-token").expect("token"));
            let r = json_post(
                port,
                "/api/auth/two-factor/enable",
                &format!(r#"{{"password":"{PASSWORD}"}}"#),
                &[("authorization", &bearer)],
            );
            assert_eq!(r.status, 200, "{name}: {}", r.text());
            let enabled = r.json();
            let uri = enabled["totpURI"].as_str().expect("uri");
            let base32 = uri
                .split("secret=")
                .nth(1)
                .and_then(|rest| rest.split('&').next())
                .expect("secret");
            let totp = Totp::new(&TotpSecret::new(format!("base32:{base32}"))).expect("totp");
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs();
            let code = totp.code_for_counter(now / 30);
            let r = json_post(
                port,
                "/api/auth/two-factor/verify-totp",
                &format!(r#"{{"code":"{}"}}"#, code.as_str()),
                &[("authorization", &bearer)],
            );
            assert_eq!(r.status, 200, "{name}: {}", r.text());
            assert_eq!(r.json()["user"]["twoFactorEnabled"], true, "{name}");

            let sign_in = format!(r#"{{"email":"tess@example.com","password":"{PASSWORD}"}}"#);
            let r = json_post(port, "/api/auth/sign-in/email", &sign_in, &[]);
            assert_eq!(
                r.json(),
                serde_json::json!({"twoFactorRedirect": true, "twoFactorMethods": ["totp"]}),
                "{name}"
            );
            assert!(r.header("set-auth-token").is_none(), "{name}");
            let challenge = set_cookie_pair(&r, "better-auth.two_factor");
            let cookies = [("cookie", challenge.as_str()), ("origin", origin.as_str())];
            let r = json_post(
                port,
                "/api/auth/two-factor/verify-totp",
                r#"{"code":"000000"}"#,
                &cookies,
            );
            expect(name, &r, 401, Some("INVALID_CODE"));
            let backup = enabled["backupCodes"][0].as_str().expect("code");
            let r = json_post(
                port,
                "/api/auth/two-factor/verify-backup-code",
                &format!(r#"{{"code":"{backup}","trustDevice":true}}"#),
                &cookies,
            );
            assert_eq!(r.status, 200, "{name}: {}", r.text());
            let session = set_cookie_pair(&r, "better-auth.session_token");
            let trust = set_cookie_pair(&r, "better-auth.trust_device");
            let r = request(
                port,
                "GET",
                "/api/auth/get-session",
                &[("cookie", &session)],
                None,
            );
            assert_eq!(r.json()["user"]["email"], "tess@example.com", "{name}");
            // The trusted device signs in at once, and gets the next trust cookie.
            let r = json_post(
                port,
                "/api/auth/sign-in/email",
                &sign_in,
                &[("cookie", &trust), ("origin", &origin)],
            );
            assert!(r.json()["token"].is_string(), "{name}: {}", r.text());
            assert_ne!(
                set_cookie_pair(&r, "better-auth.trust_device"),
                trust,
                "{name}"
            );
        })
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
