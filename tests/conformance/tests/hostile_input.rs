//! Hostile input against the HTTP API (the axum app over the protocol, PostgreSQL behind it):
//! broken and deeply nested JSON, huge and non-UTF-8 bodies, odd emails, 10 KB passwords,
//! control characters, forged and re-signed cookies, and JWTs built to get past a careless
//! verifier. Each gets its documented 4xx JSON error; nothing answers 5xx, nothing panics, and
//! nothing refused leaves a row behind.

use auth_axum::{AuthRouterExt, CurrentUser};
use auth_core::Auth;
use auth_core::config::AuthConfig;
use auth_core::rate_limit::RateLimit;
use auth_core::token::{JwtIssuer, JwtKey};
use auth_sqlx::{PgStore, StoreOptions};
use axum::Router;
use axum::body::Body;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::Signer;
use hmac::Mac;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const SECRET: &str = "hostile-input-secret-0123456789abcdef0123";
const ORIGIN: &str = "http://127.0.0.1:3000";
const SEED: [u8; 32] = [7; 32];
const PASSWORD: &str = "correct horse battery";

struct Answer {
    status: StatusCode,
    body: Value,
}

async fn call(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("{status}: not JSON: {:?}", String::from_utf8_lossy(&bytes)))
    };
    Answer { status, body }
}

fn post(path: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .body(body.into())
        .expect("request")
}

fn get_with(path: &str, name: &str, value: &str) -> Request<Body> {
    Request::get(path)
        .header(name, value)
        .body(Body::empty())
        .expect("request")
}

/// A compact JWS with this header and payload, signed by `sign` over the signing input.
fn jws(header: &Value, payload: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let signature = sign(message.as_bytes());
    format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature))
}

fn with_the_key(message: &[u8]) -> Vec<u8> {
    ed25519_dalek::SigningKey::from_bytes(&SEED)
        .sign(message)
        .to_bytes()
        .to_vec()
}

fn hmac_with(key: &[u8]) -> impl Fn(&[u8]) -> Vec<u8> + '_ {
    move |message| {
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any length");
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
}

fn expect(name: &str, answer: &Answer, status: u16, code: Option<&str>) {
    assert_eq!(answer.status.as_u16(), status, "{name}: {}", answer.body);
    assert!(
        answer.body.is_object() || status == 200,
        "{name}: JSON error body"
    );
    if let Some(code) = code {
        assert_eq!(answer.body["code"], code, "{name}: {}", answer.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_gets_documented_4xx_and_writes_nothing() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let store = PgStore::connect(&database.url, StoreOptions::default())
        .await
        .expect("connect");
    store.migrate().await.expect("migrate");
    let config = AuthConfig::builder(SECRET, ORIGIN)
        .rate_limit(RateLimit::disabled())
        .build()
        .expect("config");
    let key = JwtKey::ed25519_from_seed("hostile", &SEED).expect("key");
    let public = key.public_jwk().expect("public").clone();
    let issuer = JwtIssuer::for_config(&config, key).expect("issuer");
    let auth = Auth::builder()
        .config(config)
        .store(store)
        .default_hasher()
        .issuer(issuer)
        .build();
    async fn me(caller: CurrentUser) -> axum::Json<Value> {
        axum::Json(json!({ "email": caller.user.email }))
    }
    let app: Router = Router::new()
        .route("/api/me", axum::routing::get(me))
        .with_auth(&auth);

    // One real user, whose session and JWT the forgeries imitate.
    let up = call(
        &app,
        post(
            "/api/auth/sign-up/email",
            json!({"name": "Ada", "email": "ada@example.com", "password": PASSWORD}).to_string(),
        ),
    )
    .await;
    expect("sign-up", &up, 200, None);
    let user = up.body["user"].clone();
    let session_token = up.body["token"].as_str().expect("token").to_owned();
    let session = call(
        &app,
        get_with(
            "/api/auth/get-session",
            "authorization",
            &format!("Bearer {session_token}"),
        ),
    )
    .await;
    let session_id = session.body["session"]["id"].clone();
    let before = database.row_counts().await;
    assert_eq!(before, [1, 1, 1]);

    // ---- bodies ----
    let nested_arrays = "[".repeat(60_000);
    let nested_objects = "{\"a\":".repeat(10_000);
    let mut not_utf8 = br#"{"name":""#.to_vec();
    not_utf8.extend_from_slice(&[0xff, 0xfe, 0xfd]);
    not_utf8.extend_from_slice(br#"","email":"x@example.com","password":"correct horse battery"}"#);
    let huge = format!(
        r#"{{"name":"{}","email":"big@example.com","password":"{PASSWORD}"}}"#,
        "a".repeat(1 << 20)
    );
    let bodies: Vec<(&str, Body, u16, &str)> = vec![
        (
            "malformed JSON",
            Body::from(r#"{"email": "a@example.com", "pass"#),
            400,
            "BAD_REQUEST",
        ),
        (
            "nested arrays",
            Body::from(nested_arrays),
            400,
            "BAD_REQUEST",
        ),
        (
            "nested objects",
            Body::from(nested_objects),
            400,
            "BAD_REQUEST",
        ),
        ("invalid UTF-8", Body::from(not_utf8), 400, "BAD_REQUEST"),
        ("a 1 MiB body", Body::from(huge), 413, "PAYLOAD_TOO_LARGE"),
        (
            "JSON that is not an object",
            Body::from("[1,2,3]"),
            400,
            "VALIDATION_ERROR",
        ),
    ];
    for (name, body, status, code) in bodies {
        let answer = call(&app, post("/api/auth/sign-up/email", body)).await;
        expect(name, &answer, status, Some(code));
    }

    // ---- fields ----
    let long = "p".repeat(10 * 1024);
    let sign_ups: Vec<(&str, Value, u16, &str)> = vec![
        (
            "unicode email",
            json!({"name": "Ü", "email": "ü@exämple.com", "password": PASSWORD}),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "email with spaces",
            json!({"name": "Ada", "email": "ada @example.com", "password": PASSWORD}),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "SQL in the email",
            json!({"name": "Ada", "email": "x'); DROP TABLE \"user\"; --@example.com", "password": PASSWORD}),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "a 10 KB password",
            json!({"name": "Ada", "email": "long@example.com", "password": long}),
            400,
            "PASSWORD_TOO_LONG",
        ),
        (
            "NUL in the name",
            json!({"name": "Ada\u{0}Lovelace", "email": "nul@example.com", "password": PASSWORD}),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "control characters in the name",
            json!({"name": "Ada\u{1b}[31m\u{7}", "email": "ctl@example.com", "password": PASSWORD}),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "a name that is a number",
            json!({"name": 7, "email": "num@example.com", "password": PASSWORD}),
            400,
            "VALIDATION_ERROR",
        ),
    ];
    for (name, body, status, code) in sign_ups {
        let answer = call(&app, post("/api/auth/sign-up/email", body.to_string())).await;
        expect(name, &answer, status, Some(code));
    }
    for (name, body) in [
        (
            "sign-in with a 10 KB password",
            json!({"email": "ada@example.com", "password": long}),
        ),
        (
            "sign-in with SQL in the email",
            json!({"email": "ada@example.com' OR '1'='1", "password": PASSWORD}),
        ),
    ] {
        let answer = call(&app, post("/api/auth/sign-in/email", body.to_string())).await;
        assert!(
            matches!(answer.status.as_u16(), 400 | 401),
            "{name}: {} {}",
            answer.status,
            answer.body
        );
    }

    // ---- cookies ----
    let forged_signature = format!(
        "better-auth.session_token={session_token}.{}",
        STANDARD.encode([0u8; 32])
    );
    let resigned = {
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(b"some-other-secret-0123456789abcdef")
                .expect("key");
        mac.update(session_token.as_bytes());
        format!(
            "better-auth.session_token={session_token}.{}",
            STANDARD.encode(mac.finalize().into_bytes())
        )
    };
    for (name, cookie) in [
        ("a forged cookie", forged_signature),
        ("a cookie re-signed with another secret", resigned),
    ] {
        let me = call(&app, get_with("/api/me", "cookie", &cookie)).await;
        expect(name, &me, 401, Some("UNAUTHORIZED"));
        let session = call(&app, get_with("/api/auth/get-session", "cookie", &cookie)).await;
        assert_eq!(
            (session.status.as_u16(), &session.body),
            (200, &Value::Null),
            "{name}"
        );
    }

    // ---- tokens ----
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let claims = |iat: i64, exp: i64, extra: Value| {
        let mut claims = user.clone();
        let object = claims.as_object_mut().expect("user object");
        object.insert("sub".into(), user["id"].clone());
        object.insert("iat".into(), iat.into());
        object.insert("exp".into(), exp.into());
        object.insert("iss".into(), ORIGIN.into());
        object.insert("aud".into(), ORIGIN.into());
        object.insert("sid".into(), session_id.clone());
        if let Value::Object(extra) = extra {
            object.extend(extra);
        }
        claims
    };
    let valid = claims(now, now + 3600, json!({}));
    let header = json!({"alg": "EdDSA", "kid": "hostile"});
    // The baseline: a token built this way with the real key is accepted, so the refusals below
    // are the attacks', not the construction's.
    let baseline = jws(&header, &valid, with_the_key);
    let ok = call(
        &app,
        get_with("/api/me", "authorization", &format!("Bearer {baseline}")),
    )
    .await;
    assert_eq!(ok.status, 200, "the baseline token: {}", ok.body);
    let public_x = URL_SAFE_NO_PAD
        .decode(public.x.as_deref().expect("x"))
        .expect("x bytes");
    let public_json = serde_json::to_vec(&public).expect("jwk json");
    let tokens: Vec<(&str, String, &str)> = vec![
        (
            "alg none",
            format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"hostile"}"#),
                URL_SAFE_NO_PAD.encode(valid.to_string())
            ),
            "INVALID_TOKEN",
        ),
        (
            "HS256 keyed with the public key",
            jws(
                &json!({"alg": "HS256", "kid": "hostile"}),
                &valid,
                hmac_with(&public_x),
            ),
            "INVALID_TOKEN",
        ),
        (
            "HS256 keyed with the public JWK",
            jws(
                &json!({"alg": "HS256", "kid": "hostile"}),
                &valid,
                hmac_with(&public_json),
            ),
            "INVALID_TOKEN",
        ),
        (
            "a kid with path characters",
            jws(
                &json!({"alg": "EdDSA", "kid": "../../../../etc/passwd"}),
                &valid,
                with_the_key,
            ),
            "INVALID_TOKEN",
        ),
        (
            "a wrong typ",
            jws(
                &json!({"alg": "EdDSA", "kid": "hostile", "typ": "at+jwt"}),
                &valid,
                with_the_key,
            ),
            "INVALID_TOKEN",
        ),
        (
            "a 100 KB token",
            jws(
                &header,
                &claims(now, now + 3600, json!({"pad": "x".repeat(100 * 1024)})),
                |_| vec![0; 64],
            ),
            "INVALID_TOKEN",
        ),
        (
            "an expired token",
            jws(
                &header,
                &claims(now - 7200, now - 3600, json!({})),
                with_the_key,
            ),
            "TOKEN_EXPIRED",
        ),
        (
            "a future nbf",
            jws(
                &header,
                &claims(now, now + 3600, json!({"nbf": now + 3600})),
                with_the_key,
            ),
            "INVALID_TOKEN",
        ),
        (
            "a payload changed after signing",
            {
                let mut parts: Vec<String> = baseline.split('.').map(str::to_owned).collect();
                parts[1] =
                    URL_SAFE_NO_PAD.encode(claims(now, now + 365 * 86_400, json!({})).to_string());
                parts.join(".")
            },
            "INVALID_TOKEN",
        ),
    ];
    for (name, token, code) in tokens {
        let answer = call(
            &app,
            get_with("/api/me", "authorization", &format!("Bearer {token}")),
        )
        .await;
        expect(name, &answer, 401, Some(code));
    }

    // Nothing refused wrote a row.
    assert_eq!(database.row_counts().await, before);
    // And the real session still works.
    let me = call(
        &app,
        get_with(
            "/api/me",
            "authorization",
            &format!("Bearer {session_token}"),
        ),
    )
    .await;
    assert_eq!(me.status, 200);
}

/// Rows in every table a refused email-flow request could write to.
async fn email_rows(database: &auth_test_harness::postgres::TestDatabase) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["user", "account", "session", "verification", "mailOutbox"] {
        counts.push(database.count(table).await);
    }
    counts
}

fn post_with(path: &str, body: Value, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = post(path, body.to_string());
    for (name, value) in headers {
        request.headers_mut().insert(
            http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
            http::HeaderValue::from_str(value).expect("value"),
        );
    }
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_to_the_email_flows_gets_4xx_and_writes_nothing() {
    use auth_core::config::EmailFlows;
    use auth_core::mail::{ConsoleMailer, Delivery, MailKind};
    use auth_core::store::UserStore;

    let database = auth_test_harness::postgres::fresh_database().await;
    let store = std::sync::Arc::new(
        PgStore::connect(&database.url, StoreOptions::default())
            .await
            .expect("connect"),
    );
    store.migrate().await.expect("migrate");
    let config = AuthConfig::builder(SECRET, ORIGIN)
        .rate_limit(RateLimit::disabled())
        .email_flows(
            EmailFlows::new()
                .change_email(true)
                .delete_user(true)
                .confirm_delete_by_email(true)
                .response_floor(std::time::Duration::ZERO),
        )
        .build()
        .expect("config");
    let issuer = JwtIssuer::for_config(
        &config,
        JwtKey::ed25519_from_seed("hostile", &SEED).expect("key"),
    )
    .expect("issuer");
    let auth = Auth::builder()
        .config(config)
        .store(std::sync::Arc::clone(&store))
        .default_hasher()
        .issuer(issuer)
        .mailer(ConsoleMailer::new())
        .build();
    let app: Router = Router::new().with_auth(&auth);
    let links = |kind: MailKind| {
        let store = std::sync::Arc::clone(&store);
        async move {
            let mut found = Vec::new();
            let now = auth_core::model::Timestamp::now();
            for mail in store
                .claim_mail(now, std::time::Duration::from_secs(60), 50)
                .await
                .expect("outbox")
            {
                if mail.message.kind == kind {
                    found.push(mail.message.link.clone());
                }
                store
                    .finish_mail(&mail.claim, &Delivery::Sent)
                    .await
                    .expect("finish");
            }
            found
        }
    };

    // Two users; Ada asks for a deletion link, which Bob will try to use.
    let mut cookies = Vec::new();
    for email in ["ada@example.com", "bob@example.com"] {
        let up = app
            .clone()
            .oneshot(post(
                "/api/auth/sign-up/email",
                json!({"name": "A", "email": email, "password": PASSWORD}).to_string(),
            ))
            .await
            .expect("infallible");
        assert_eq!(up.status(), 200);
        let cookie = up.headers()["set-cookie"].to_str().expect("ascii");
        cookies.push(cookie.split(';').next().expect("pair").to_owned());
    }
    let (ada, bob) = (cookies[0].clone(), cookies[1].clone());
    let signed_in = |cookie: &str| [("cookie", cookie.to_owned()), ("origin", ORIGIN.to_owned())];
    let ada_headers = signed_in(&ada);
    let ada_headers: Vec<(&str, &str)> =
        ada_headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bob_headers = signed_in(&bob);
    let bob_headers: Vec<(&str, &str)> =
        bob_headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let asked = call(
        &app,
        post_with("/api/auth/delete-user", json!({}), &ada_headers),
    )
    .await;
    expect("delete link", &asked, 200, None);
    let delete_link = links(MailKind::DeleteAccount)
        .await
        .pop()
        .expect("a deletion link");
    let delete_token = delete_link
        .split("token=")
        .nth(1)
        .and_then(|t| t.split('&').next())
        .expect("token")
        .to_owned();
    let before = email_rows(&database).await;

    // A verification JWT signed with another key, one with `alg: none`, an expired one.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let claims = json!({"email": "ada@example.com", "iat": now, "exp": now + 3600});
    let other_key = jws(
        &json!({"alg": "HS256"}),
        &claims,
        hmac_with(b"not-the-secret-0123456789abcdef0123"),
    );
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let expired = jws(
        &json!({"alg": "HS256"}),
        &json!({"email": "ada@example.com", "iat": now - 7200, "exp": now - 3600}),
        hmac_with(SECRET.as_bytes()),
    );
    let long = "x".repeat(10 * 1024);
    let gets: Vec<(&str, String, u16, &str)> = vec![
        (
            "verify: another key",
            format!("/api/auth/verify-email?token={other_key}"),
            401,
            "INVALID_TOKEN",
        ),
        (
            "verify: alg none",
            format!("/api/auth/verify-email?token={none}"),
            401,
            "INVALID_TOKEN",
        ),
        (
            "verify: expired",
            format!("/api/auth/verify-email?token={expired}"),
            401,
            "TOKEN_EXPIRED",
        ),
        (
            "verify: 10 KiB token",
            format!("/api/auth/verify-email?token={long}"),
            401,
            "INVALID_TOKEN",
        ),
        (
            "verify: no token",
            "/api/auth/verify-email".into(),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "verify: foreign callback",
            format!(
                "/api/auth/verify-email?token={expired}&callbackURL=https%3A%2F%2Fevil.example%2F"
            ),
            403,
            "INVALID_CALLBACK_URL",
        ),
        (
            "verify: protocol-relative callback",
            format!("/api/auth/verify-email?token={expired}&callbackURL=%2F%2Fevil.example"),
            403,
            "INVALID_CALLBACK_URL",
        ),
        (
            "verify: javascript callback",
            format!("/api/auth/verify-email?token={expired}&callbackURL=javascript%3Aalert(1)"),
            403,
            "INVALID_CALLBACK_URL",
        ),
        (
            "reset link: foreign callback",
            "/api/auth/reset-password/abc?callbackURL=https%3A%2F%2Fevil.example%2F".into(),
            403,
            "INVALID_CALLBACK_URL",
        ),
        (
            "delete link: no session",
            format!("/api/auth/delete-user/callback?token={delete_token}"),
            404,
            "FAILED_TO_GET_USER_INFO",
        ),
    ];
    for (name, path, status, code) in gets {
        let answer = call(
            &app,
            Request::get(path).body(Body::empty()).expect("request"),
        )
        .await;
        expect(name, &answer, status, Some(code));
    }
    // Another user's deletion token, forged ones, and a foreign callback, as Bob.
    for (name, path, status, code) in [
        (
            "delete link: another user's",
            format!("/api/auth/delete-user/callback?token={delete_token}"),
            404,
            "INVALID_TOKEN",
        ),
        (
            "delete link: unknown",
            "/api/auth/delete-user/callback?token=0000".into(),
            404,
            "INVALID_TOKEN",
        ),
        (
            "delete link: path characters",
            "/api/auth/delete-user/callback?token=..%2F..%2Fx".into(),
            404,
            "INVALID_TOKEN",
        ),
        (
            "delete link: foreign callback",
            format!(
                "/api/auth/delete-user/callback?token={delete_token}&callbackURL=https%3A%2F%2Fevil.example"
            ),
            403,
            "INVALID_CALLBACK_URL",
        ),
    ] {
        let request = Request::get(path)
            .header("cookie", &bob)
            .body(Body::empty())
            .expect("request");
        expect(name, &call(&app, request).await, status, Some(code));
    }
    // A reset link the router refuses outright: a slash in the token.
    let slashed = call(
        &app,
        Request::get("/api/auth/reset-password/a/b?callbackURL=%2F")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(slashed.status, 404);

    // (name, path, body, headers, status, code)
    type Case<'a> = (
        &'a str,
        &'a str,
        Value,
        Vec<(&'a str, &'a str)>,
        u16,
        &'a str,
    );
    let posts: Vec<Case> = vec![
        (
            "resend: foreign callback",
            "/api/auth/send-verification-email",
            json!({"email": "ada@example.com", "callbackURL": "https://evil.example"}),
            vec![],
            403,
            "INVALID_CALLBACK_URL",
        ),
        (
            "resend: 10 KiB email",
            "/api/auth/send-verification-email",
            json!({"email": format!("{long}@example.com")}),
            vec![],
            400,
            "VALIDATION_ERROR",
        ),
        (
            "resend: email is a number",
            "/api/auth/send-verification-email",
            json!({"email": 42}),
            vec![],
            400,
            "VALIDATION_ERROR",
        ),
        (
            "reset request: foreign redirect",
            "/api/auth/request-password-reset",
            json!({"email": "ada@example.com", "redirectTo": "https://evil.example/reset"}),
            vec![],
            403,
            "INVALID_REDIRECT_URL",
        ),
        (
            "reset request: not an email",
            "/api/auth/request-password-reset",
            json!({"email": "ada"}),
            vec![],
            400,
            "VALIDATION_ERROR",
        ),
        (
            "reset: unknown token",
            "/api/auth/reset-password",
            json!({"newPassword": PASSWORD, "token": "abcdefghijklmnopqrstuvwx"}),
            vec![],
            400,
            "INVALID_TOKEN",
        ),
        (
            "reset: path characters",
            "/api/auth/reset-password",
            json!({"newPassword": PASSWORD, "token": "../../etc/passwd"}),
            vec![],
            400,
            "INVALID_TOKEN",
        ),
        (
            "reset: 10 KiB token",
            "/api/auth/reset-password",
            json!({"newPassword": PASSWORD, "token": long}),
            vec![],
            400,
            "INVALID_TOKEN",
        ),
        (
            "reset: 10 KiB password",
            "/api/auth/reset-password",
            json!({"newPassword": long, "token": "abcdefghijklmnopqrstuvwx"}),
            vec![],
            400,
            "PASSWORD_TOO_LONG",
        ),
        (
            "reset: token is an object",
            "/api/auth/reset-password",
            json!({"newPassword": PASSWORD, "token": {"$ne": ""}}),
            vec![],
            400,
            "VALIDATION_ERROR",
        ),
        (
            "change email: no session",
            "/api/auth/change-email",
            json!({"newEmail": "eve@example.com"}),
            vec![],
            401,
            "UNAUTHORIZED",
        ),
        (
            "change email: not an email",
            "/api/auth/change-email",
            json!({"newEmail": "eve"}),
            ada_headers.clone(),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "change email: 10 KiB",
            "/api/auth/change-email",
            json!({"newEmail": format!("{long}@example.com")}),
            ada_headers.clone(),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "change email: foreign callback",
            "/api/auth/change-email",
            json!({"newEmail": "eve@example.com", "callbackURL": "https://evil.example"}),
            ada_headers.clone(),
            403,
            "INVALID_CALLBACK_URL",
        ),
        (
            "change email: cookie, no origin",
            "/api/auth/change-email",
            json!({"newEmail": "eve@example.com"}),
            vec![("cookie", ada.as_str())],
            403,
            "MISSING_OR_NULL_ORIGIN",
        ),
        (
            "delete: another user's token",
            "/api/auth/delete-user",
            json!({"token": delete_token}),
            bob_headers.clone(),
            404,
            "INVALID_TOKEN",
        ),
        (
            "delete: wrong password",
            "/api/auth/delete-user",
            json!({"password": "not it"}),
            bob_headers.clone(),
            400,
            "INVALID_PASSWORD",
        ),
        (
            "delete: 10 KiB password",
            "/api/auth/delete-user",
            json!({"password": long}),
            bob_headers.clone(),
            400,
            "INVALID_PASSWORD",
        ),
        (
            "delete: foreign callback",
            "/api/auth/delete-user",
            json!({"callbackURL": "https://evil.example"}),
            bob_headers.clone(),
            403,
            "INVALID_CALLBACK_URL",
        ),
        (
            "delete: no session",
            "/api/auth/delete-user",
            json!({}),
            vec![],
            401,
            "UNAUTHORIZED",
        ),
    ];
    for (name, path, body, headers, status, code) in posts {
        let answer = call(&app, post_with(path, body, &headers)).await;
        expect(name, &answer, status, Some(code));
    }
    assert_eq!(
        email_rows(&database).await,
        before,
        "a refusal wrote nothing"
    );

    // The owner's link still works after all of that.
    let owner = Request::get(format!(
        "/api/auth/delete-user/callback?token={delete_token}"
    ))
    .header("cookie", &ada)
    .body(Body::empty())
    .expect("request");
    expect(
        "delete link: its owner",
        &call(&app, owner).await,
        200,
        None,
    );
    assert_eq!(database.user_emails().await, ["bob@example.com"]);
}
