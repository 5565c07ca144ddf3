//! The HTTP protocol (`AuthService`), request by request, against Better Auth's recorded
//! behaviour (tests/conformance/fixtures/better-auth-1.7.25-transcripts.md): statuses, JSON,
//! cookies and headers.

use std::time::Duration;

use auth_core::Auth;
use auth_core::config::{AuthConfig, AuthConfigBuilder};
use auth_core::hash::{Argon2Hasher, Argon2Params, HashPool};
use auth_core::http::{ClientAddr, ProtocolError};
use auth_core::rate_limit::RateLimit;
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::Full;
use serde_json::{Value, json};

mod common;
use common::wire::{Reply, cookie_header, get, json_request, send};

const SECRET: &str = "throwaway-reference-secret-0123456789abcdef0123456789abcdef";
const ORIGIN: &str = "http://127.0.0.1:3005";
const PASSWORD: &str = "correct horse battery";

fn auth_with(config: AuthConfig) -> Auth {
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .issuer(issuer)
        .hasher(cheap_hasher())
        .build()
}

/// Argon2id at its cheapest: the tests are about the protocol, not the hash.
fn cheap_hasher() -> Argon2Hasher {
    Argon2Hasher::new(Argon2Params::new(64, 1, 1), HashPool::new(2, 64)).expect("hasher")
}

/// As the transcripts were recorded: rate limiting off (its tests turn it on).
fn auth() -> Auth {
    auth_with(
        AuthConfig::builder(SECRET, ORIGIN)
            .rate_limit(RateLimit::disabled())
            .build()
            .expect("config"),
    )
}

/// `value.signature`, as Better Auth signs cookie values: base64 (standard, padded) of
/// HMAC-SHA256(secret, value). Written out here so that the test checks the protocol against
/// the recorded format, not against its own helper.
fn sign_cookie(value: &str) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(value.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!("{value}.{signature}")
}

async fn sign_up(auth: &Auth, email: &str) -> Reply {
    let body = json!({"name": "Alice Example", "email": email, "password": PASSWORD});
    let reply = send(auth, json_request("/sign-up/email", &body, &[])).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply
}

#[tokio::test]
async fn sign_up_answers_like_better_auth() {
    let auth = auth();
    let reply = sign_up(&auth, "Alice@Example.com").await;
    let body = reply.json();
    assert_eq!(body.as_object().expect("object").len(), 2);
    reply.assert_key_order(&[
        "token",
        "user",
        "name",
        "email",
        "emailVerified",
        "image",
        "createdAt",
        "updatedAt",
        "id",
    ]);
    assert_eq!(body["user"]["email"], "alice@example.com");
    assert_eq!(body["user"]["image"], Value::Null);
    let token = body["token"].as_str().expect("token");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.header("access-control-expose-headers"),
        Some("set-auth-token")
    );
    let signed = sign_cookie(token);
    assert_eq!(reply.header("set-auth-token"), Some(signed.as_str()));
    let cookie = reply.cookies();
    assert_eq!(cookie.len(), 1);
    assert!(
        cookie[0].ends_with("; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax"),
        "{}",
        cookie[0]
    );
    assert_eq!(reply.session_cookie(), signed);

    let again = send(
        &auth,
        json_request(
            "/sign-up/email",
            &json!({"name": "A", "email": "ALICE@example.com", "password": PASSWORD}),
            &[],
        ),
    )
    .await;
    assert_eq!(
        again.error(),
        (
            422,
            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL".into(),
            "User already exists. Use another email.".into()
        )
    );
}

#[tokio::test]
async fn bad_input_gets_better_auths_errors() {
    let auth = auth();
    let cases: Vec<(Value, (u16, &str, &str))> = vec![
        (
            json!({"name": "S", "email": "s@example.com", "password": "abcde"}),
            (400, "PASSWORD_TOO_SHORT", "Password too short"),
        ),
        (
            json!({"name": "L", "email": "l@example.com", "password": "x".repeat(129)}),
            (400, "PASSWORD_TOO_LONG", "Password too long"),
        ),
        (
            json!({"name": "B", "email": "not-an-email", "password": "password1234"}),
            (
                400,
                "VALIDATION_ERROR",
                "[body.email] Invalid email address",
            ),
        ),
        (
            json!({"email": "n@example.com", "password": "password1234"}),
            (
                400,
                "VALIDATION_ERROR",
                "[body.name] Invalid input: expected string, received undefined",
            ),
        ),
        (
            json!({"name": 42, "email": "n@example.com", "password": "password1234"}),
            (
                400,
                "VALIDATION_ERROR",
                "[body.name] Invalid input: expected string, received number",
            ),
        ),
        (
            json!({}),
            (
                400,
                "VALIDATION_ERROR",
                "[body.name] Invalid input: expected string, received undefined; [body.email] Invalid input: expected string, received undefined; [body.password] Invalid input: expected string, received undefined",
            ),
        ),
    ];
    for (body, (status, code, message)) in cases {
        let reply = send(&auth, json_request("/sign-up/email", &body, &[])).await;
        assert_eq!(
            reply.error(),
            (status, code.to_owned(), message.to_owned()),
            "{body}"
        );
    }
    let malformed = Request::post("/api/auth/sign-up/email")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(b"{\"name\":\"x\",\"email\":")))
        .expect("request");
    assert_eq!(
        send(&auth, malformed).await.error(),
        (
            400,
            "BAD_REQUEST".into(),
            "Invalid JSON in request body".into()
        )
    );
    let untyped = Request::post("/api/auth/sign-up/email")
        .body(Full::new(Bytes::from(
            json!({"name": "B", "email": "b@example.com", "password": "password1234"}).to_string(),
        )))
        .expect("request");
    assert_eq!(
        send(&auth, untyped).await.error(),
        (400, "VALIDATION_ERROR".into(), "[body] Invalid input: expected object, received undefined; [body] Invalid input: expected record, received undefined".into())
    );
    let text = Request::post("/api/auth/sign-in/email")
        .header("content-type", "text/plain")
        .body(Full::new(Bytes::from_static(b"{}")))
        .expect("request");
    assert_eq!(
        send(&auth, text).await.error(),
        (415, "UNSUPPORTED_MEDIA_TYPE".into(), "Content-Type \"text/plain\" is not allowed. Allowed types: application/x-www-form-urlencoded, application/json".into())
    );
    let huge = Request::post("/api/auth/sign-up/email")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(vec![b' '; 1024 * 1024])))
        .expect("request");
    assert_eq!(send(&auth, huge).await.error().0, 413);
}

#[tokio::test]
async fn routing_404s_are_empty_and_post_get_session_is_405() {
    let auth = auth();
    for request in [
        get("/does-not-exist", &[]),
        get("/sign-in/email", &[]),
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/auth/sign-in/email")
            .body(Full::default())
            .expect("request"),
        Request::get("/elsewhere")
            .body(Full::default())
            .expect("request"),
    ] {
        let reply = send(&auth, request).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert!(reply.body.is_empty());
        assert_eq!(reply.header("content-type"), None);
    }
    let reply = send(&auth, json_request("/get-session", &json!({}), &[])).await;
    assert_eq!(reply.error().0, 405);
    assert_eq!(reply.error().1, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let ok = send(&auth, get("/ok", &[])).await;
    assert_eq!(ok.json(), json!({"ok": true}));
}

#[tokio::test]
async fn sign_in_variants() {
    let auth = auth();
    sign_up(&auth, "alice@example.com").await;
    let wrong = send(
        &auth,
        json_request(
            "/sign-in/email",
            &json!({"email": "alice@example.com", "password": "nope nope"}),
            &[],
        ),
    )
    .await;
    assert_eq!(
        wrong.error(),
        (
            401,
            "INVALID_EMAIL_OR_PASSWORD".into(),
            "Invalid email or password".into()
        )
    );
    let bad = send(
        &auth,
        json_request(
            "/sign-in/email",
            &json!({"email": "nope", "password": "whatever123"}),
            &[],
        ),
    )
    .await;
    assert_eq!(
        bad.error(),
        (400, "INVALID_EMAIL".into(), "Invalid email".into())
    );

    let ok = send(
        &auth,
        json_request(
            "/sign-in/email",
            &json!({"email": "ALICE@example.com", "password": PASSWORD}),
            &[],
        ),
    )
    .await;
    let body = ok.json();
    assert_eq!(body.as_object().expect("object").len(), 3);
    ok.assert_key_order(&["redirect", "token", "user"]);
    assert_eq!(body["redirect"], false);

    let short = send(
        &auth,
        json_request(
            "/sign-in/email",
            &json!({"email": "alice@example.com", "password": PASSWORD, "rememberMe": false}),
            &[],
        ),
    )
    .await;
    let lines = short.cookies();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("better-auth.session_token=")
            && lines[0].ends_with("; Path=/; HttpOnly; SameSite=Lax")
            && !lines[0].contains("Max-Age")
    );
    assert!(
        lines[1].starts_with("better-auth.dont_remember=true."),
        "{}",
        lines[1]
    );

    let redirect = send(&auth, json_request("/sign-in/email", &json!({"email": "alice@example.com", "password": PASSWORD, "callbackURL": "/dashboard"}), &[])).await;
    assert_eq!(redirect.header("location"), Some("/dashboard"));
    let body = redirect.json();
    assert_eq!(
        (body["redirect"].clone(), body["url"].clone()),
        (json!(true), json!("/dashboard"))
    );
    let evil = send(&auth, json_request("/sign-in/email", &json!({"email": "alice@example.com", "password": PASSWORD, "callbackURL": "http://evil.example/steal"}), &[])).await;
    assert_eq!(
        evil.error(),
        (
            403,
            "INVALID_CALLBACK_URL".into(),
            "Invalid callbackURL".into()
        )
    );

    // A callback URL a header cannot carry as it is: percent-encoded in `Location` (it once
    // became an empty header), kept as given in the body; one with a line break is refused.
    let accented = send(&auth, json_request("/sign-in/email", &json!({"email": "alice@example.com", "password": PASSWORD, "callbackURL": "/welcome/Zoë Smith"}), &[])).await;
    assert_eq!(accented.status, StatusCode::OK);
    assert_eq!(
        accented.header("location"),
        Some("/welcome/Zo%C3%AB%20Smith")
    );
    assert_eq!(accented.json()["url"], json!("/welcome/Zoë Smith"));
    let injected = send(&auth, json_request("/sign-in/email", &json!({"email": "alice@example.com", "password": PASSWORD, "callbackURL": "/dashboard\r\nSet-Cookie: x=1"}), &[])).await;
    assert_eq!(
        injected.error(),
        (
            403,
            "INVALID_CALLBACK_URL".into(),
            "Invalid callbackURL".into()
        )
    );

    let form = Request::post("/api/auth/sign-in/email")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from_static(
            b"email=alice%40example.com&password=correct+horse+battery",
        )))
        .expect("request");
    assert_eq!(send(&auth, form).await.status, StatusCode::OK);
}

#[tokio::test]
async fn csrf_rules_protect_cookie_bearing_and_login_requests() {
    let auth = auth();
    let up = sign_up(&auth, "alice@example.com").await;
    let cookie = cookie_header(&up);
    let sign_in = json!({"email": "alice@example.com", "password": PASSWORD});
    type Case<'a> = (&'a str, Value, Vec<(&'a str, &'a str)>, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "/sign-out",
            json!({}),
            vec![("cookie", &cookie)],
            Some("MISSING_OR_NULL_ORIGIN"),
        ),
        (
            "/sign-out",
            json!({}),
            vec![("cookie", &cookie), ("origin", "http://evil.example")],
            Some("INVALID_ORIGIN"),
        ),
        (
            "/sign-in/email",
            sign_in.clone(),
            vec![("origin", "http://evil.example")],
            Some("INVALID_ORIGIN"),
        ),
        (
            "/sign-in/email",
            sign_in.clone(),
            vec![("sec-fetch-mode", "cors")],
            Some("MISSING_OR_NULL_ORIGIN"),
        ),
        (
            "/sign-in/email",
            sign_in.clone(),
            vec![
                ("origin", "http://evil.example"),
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "navigate"),
            ],
            Some("CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"),
        ),
        (
            "/sign-in/email",
            sign_in.clone(),
            vec![
                ("cookie", "foo=bar"),
                ("referer", "http://127.0.0.1:3005/login"),
            ],
            None,
        ),
        (
            "/sign-in/email",
            sign_in.clone(),
            vec![("sec-fetch-mode", "cors"), ("origin", ORIGIN)],
            None,
        ),
    ];
    for (path, body, headers, expected) in cases {
        let reply = send(&auth, json_request(path, &body, &headers)).await;
        match expected {
            Some(code) => assert_eq!(
                (reply.status.as_u16(), reply.error().1.as_str()),
                (403, code),
                "{path} {headers:?}"
            ),
            None => assert_eq!(reply.status, StatusCode::OK, "{path} {headers:?}"),
        }
    }
    // Validation comes before the origin check, as in Better Auth.
    let invalid = send(
        &auth,
        json_request(
            "/sign-up/email",
            &json!({"name": "x", "email": "bad", "password": "password1234"}),
            &[("sec-fetch-mode", "cors")],
        ),
    )
    .await;
    assert_eq!(invalid.error().1, "VALIDATION_ERROR");
}

#[tokio::test]
async fn get_session_by_cookie_and_by_bearer() {
    let auth = auth();
    let none = send(&auth, get("/get-session", &[])).await;
    assert_eq!(
        (none.status, none.body.as_ref()),
        (StatusCode::OK, b"null".as_ref())
    );
    assert_eq!(
        (none.header("cache-control"), none.header("pragma")),
        (Some("no-store"), Some("no-cache"))
    );
    assert!(none.cookies().is_empty());

    let up = sign_up(&auth, "alice@example.com").await;
    let raw = up.json()["token"].as_str().expect("token").to_owned();
    let signed = up.session_cookie();
    let cookie = cookie_header(&up);
    let bearer_signed = format!("Bearer {signed}");
    let bearer_raw = format!("Bearer {raw}");
    for headers in [
        vec![("cookie", cookie.as_str())],
        vec![("authorization", bearer_signed.as_str())],
        vec![("authorization", bearer_raw.as_str())],
    ] {
        let reply = send(&auth, get("/get-session", &headers)).await;
        let body = reply.json();
        assert_eq!(body["session"].as_object().expect("session").len(), 8);
        reply.assert_key_order(&[
            "session",
            "expiresAt",
            "token",
            "createdAt",
            "updatedAt",
            "ipAddress",
            "userAgent",
            "userId",
            "id",
            "user",
        ]);
        assert_eq!(body["session"]["token"], raw.as_str());
        assert_eq!(body["user"]["email"], "alice@example.com");
        assert_eq!(
            reply.header("access-control-expose-headers"),
            Some("set-auth-jwt")
        );
        let jwt = reply.header("set-auth-jwt").expect("jwt");
        assert_eq!(
            auth.verify_token(jwt).await.expect("valid jwt").email,
            "alice@example.com"
        );
        assert!(reply.cookies().is_empty(), "a fresh session is not re-sent");
    }

    let garbage = send(
        &auth,
        get(
            "/get-session",
            &[("authorization", "Bearer not-a-real-token")],
        ),
    )
    .await;
    assert_eq!(garbage.body.as_ref(), b"null");
    assert_eq!(
        garbage.cookies(),
        [
            "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
        ]
    );
    let tampered =
        format!("better-auth.session_token={raw}.Wz1mMSoFpvOBZ5dH76sv1qCTeMmwxsw38onGfShDAAAAAA");
    let reply = send(&auth, get("/get-session", &[("cookie", tampered.as_str())])).await;
    assert_eq!(reply.body.as_ref(), b"null");
    assert!(
        reply.cookies().is_empty(),
        "a bad signature is ignored, not answered with clearing cookies"
    );
}

#[tokio::test]
async fn token_jwks_and_sign_out() {
    let auth = auth();
    let up = sign_up(&auth, "alice@example.com").await;
    let cookie = cookie_header(&up);
    let token = send(&auth, get("/token", &[("cookie", cookie.as_str())])).await;
    let jwt = token.json()["token"].as_str().expect("jwt").to_owned();
    assert!(token.cookies().is_empty());
    assert_eq!(
        auth.verify_token(&jwt).await.expect("valid").sub,
        up.json()["user"]["id"].as_str().expect("id").into()
    );
    let anonymous = send(&auth, get("/token", &[])).await;
    assert_eq!(
        anonymous.error(),
        (401, "UNAUTHORIZED".into(), "Unauthorized".into())
    );

    let jwks = send(&auth, get("/jwks", &[])).await.json();
    let key = &jwks["keys"][0];
    assert_eq!(
        (
            key["alg"].as_str(),
            key["crv"].as_str(),
            key["kty"].as_str()
        ),
        (Some("EdDSA"), Some("Ed25519"), Some("OKP"))
    );

    let out = send(
        &auth,
        json_request(
            "/sign-out",
            &json!({}),
            &[("cookie", cookie.as_str()), ("origin", ORIGIN)],
        ),
    )
    .await;
    assert_eq!(out.json(), json!({"success": true}));
    assert_eq!(out.cookies().len(), 3);
    let after = send(&auth, get("/get-session", &[("cookie", cookie.as_str())])).await;
    assert_eq!(after.body.as_ref(), b"null");
    assert_eq!(
        after.cookies().len(),
        3,
        "a signed-out session's cookie is cleared"
    );
    let token_after = send(&auth, get("/token", &[("cookie", cookie.as_str())])).await;
    assert_eq!(token_after.error().1, "UNAUTHORIZED");
    assert_eq!(token_after.cookies().len(), 3);
    assert!(
        auth.verify_token(&jwt).await.is_err(),
        "the session's JWT is revoked with it"
    );

    // Bearer-only sign-out needs no Origin.
    let again = send(
        &auth,
        json_request(
            "/sign-in/email",
            &json!({"email": "alice@example.com", "password": PASSWORD}),
            &[],
        ),
    )
    .await;
    let bearer = format!("Bearer {}", again.header("set-auth-token").expect("token"));
    let out = send(
        &auth,
        json_request(
            "/sign-out",
            &json!({}),
            &[("authorization", bearer.as_str())],
        ),
    )
    .await;
    assert_eq!(out.status, StatusCode::OK);
    let gone = send(
        &auth,
        get("/get-session", &[("authorization", bearer.as_str())]),
    )
    .await;
    assert_eq!(gone.body.as_ref(), b"null");
}

#[tokio::test]
async fn session_management_password_and_profile_routes() {
    let auth = auth();
    let up = sign_up(&auth, "alice@example.com").await;
    let bearer = format!("Bearer {}", up.session_cookie());
    let other = send(
        &auth,
        json_request(
            "/sign-in/email",
            &json!({"email": "alice@example.com", "password": PASSWORD}),
            &[],
        ),
    )
    .await;
    let other_token = other.json()["token"].as_str().expect("token").to_owned();
    let h = [("authorization", bearer.as_str())];

    let listed = send(&auth, get("/list-sessions", &h)).await.json();
    assert_eq!(listed.as_array().expect("array").len(), 2);
    let revoked = send(
        &auth,
        json_request("/revoke-session", &json!({"token": other_token}), &h),
    )
    .await;
    assert_eq!(revoked.json(), json!({"status": true}));
    assert_eq!(
        send(&auth, get("/list-sessions", &h))
            .await
            .json()
            .as_array()
            .expect("array")
            .len(),
        1
    );

    let updated = send(
        &auth,
        json_request("/update-user", &json!({"name": "Alice B."}), &h),
    )
    .await;
    assert_eq!(updated.json(), json!({"status": true}));
    let email = send(
        &auth,
        json_request("/update-user", &json!({"email": "x@example.com"}), &h),
    )
    .await;
    assert_eq!(email.error().1, "EMAIL_CAN_NOT_BE_UPDATED");
    let session = send(&auth, get("/get-session", &h)).await.json();
    assert_eq!(session["user"]["name"], "Alice B.");

    let wrong = send(
        &auth,
        json_request(
            "/change-password",
            &json!({"currentPassword": "nope nope", "newPassword": "new password 1"}),
            &h,
        ),
    )
    .await;
    assert_eq!(wrong.error().1, "INVALID_PASSWORD");
    let changed = send(&auth, json_request("/change-password", &json!({"currentPassword": PASSWORD, "newPassword": "new password 1", "revokeOtherSessions": true}), &h)).await;
    let body = changed.json();
    assert!(body["token"].is_string());
    assert_eq!(
        changed.cookies().len(),
        1,
        "the replacement session's cookie"
    );
    let old = send(&auth, get("/get-session", &h)).await;
    assert_eq!(
        old.body.as_ref(),
        b"null",
        "revokeOtherSessions ended the old session too"
    );

    let fresh = format!("Bearer {}", body["token"].as_str().expect("token"));
    let all = send(
        &auth,
        json_request(
            "/revoke-sessions",
            &json!({}),
            &[("authorization", fresh.as_str())],
        ),
    )
    .await;
    assert_eq!(all.json(), json!({"status": true}));
    assert_eq!(
        send(
            &auth,
            get("/list-sessions", &[("authorization", fresh.as_str())])
        )
        .await
        .error()
        .1,
        "UNAUTHORIZED"
    );
}

#[tokio::test]
async fn authenticate_accepts_jwt_bearer_session_and_cookie() {
    let auth = auth();
    let up = sign_up(&auth, "alice@example.com").await;
    let raw = up.json()["token"].as_str().expect("token").to_owned();
    let cookie = cookie_header(&up);
    let jwt = send(&auth, get("/token", &[("cookie", cookie.as_str())]))
        .await
        .json()["token"]
        .as_str()
        .expect("jwt")
        .to_owned();
    let parts = |headers: &[(&str, &str)]| get("/anything", headers).into_parts().0.headers;

    let by_jwt = auth
        .authenticate(&parts(&[("authorization", &format!("Bearer {jwt}"))]))
        .await
        .expect("ok")
        .expect("caller");
    assert_eq!(by_jwt.method, auth_core::http::AuthMethod::Jwt);
    assert_eq!(by_jwt.user.email, "alice@example.com");
    let by_token = auth
        .authenticate(&parts(&[("authorization", &format!("Bearer {raw}"))]))
        .await
        .expect("ok")
        .expect("caller");
    assert_eq!(by_token.method, auth_core::http::AuthMethod::Session);
    let by_cookie = auth
        .authenticate(&parts(&[("cookie", &cookie)]))
        .await
        .expect("ok")
        .expect("caller");
    assert_eq!(by_cookie.session_id, by_jwt.session_id);
    assert!(auth.authenticate(&parts(&[])).await.expect("ok").is_none());
    let forged = format!("{jwt}x");
    let error = auth
        .authenticate(&parts(&[("authorization", &format!("Bearer {forged}"))]))
        .await
        .expect_err("forged");
    assert_eq!(error.code(), "INVALID_TOKEN");
    assert_eq!(
        ProtocolError::from(error).status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn expired_tokens_say_so() {
    let config = AuthConfig::builder(SECRET, ORIGIN)
        .token_ttl(Duration::from_secs(1))
        .build()
        .expect("config");
    let issuer = JwtIssuer::builder(ORIGIN, ORIGIN)
        .signing_key(JwtKey::generate_ed25519())
        .leeway(Duration::ZERO)
        .build()
        .expect("issuer");
    let clock = auth_core::clock::ManualClock::new(auth_core::model::Timestamp::now());
    let auth = Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .issuer(issuer)
        .clock(clock.clone())
        .default_hasher()
        .build();
    let up = sign_up(&auth, "alice@example.com").await;
    let cookie = cookie_header(&up);
    let jwt = send(&auth, get("/token", &[("cookie", cookie.as_str())]))
        .await
        .json()["token"]
        .as_str()
        .expect("jwt")
        .to_owned();
    clock.advance(Duration::from_secs(5));
    let parts = get("/api/me", &[("authorization", &format!("Bearer {jwt}"))])
        .into_parts()
        .0;
    let error = auth
        .authenticate(&parts.headers)
        .await
        .expect_err("expired");
    assert_eq!(
        (error.code(), error.message().as_ref()),
        ("TOKEN_EXPIRED", "Token expired")
    );
    assert_eq!(
        ProtocolError::from(error).status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_saturated_hasher_holds_its_refusal_then_sends_503_with_retry_after() {
    let pause = Duration::from_millis(300);
    let config = AuthConfig::builder(SECRET, ORIGIN)
        .refusal_pause(pause)
        .build()
        .expect("config");
    let hasher =
        Argon2Hasher::new(Argon2Params::new(64, 1, 1), HashPool::new(1, 0)).expect("hasher");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    let auth = Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .issuer(issuer)
        .hasher(hasher.clone())
        .build();
    use auth_core::hash::PasswordHasher as _;
    let held = hasher.admit().expect("the only room");
    let body = json!({"email": "alice@example.com", "password": PASSWORD});
    let started = std::time::Instant::now();
    let reply = send(&auth, json_request("/sign-in/email", &body, &[])).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(reply.json()["code"], "SERVER_BUSY");
    assert!(
        started.elapsed() >= pause,
        "the refusal was sent after {:?}, before the pause",
        started.elapsed()
    );
    // With room again, the request is served.
    drop(held);
    let reply = send(&auth, json_request("/sign-in/email", &body, &[])).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["code"], "INVALID_EMAIL_OR_PASSWORD");
}

// ---- rate limits ---------------------------------------------------------------------------

fn limited_auth(config: AuthConfigBuilder) -> (Auth, auth_core::clock::ManualClock) {
    let clock = auth_core::clock::ManualClock::new(auth_core::model::Timestamp::now());
    let config = config
        .rate_limit(RateLimit::better_auth())
        .refusal_pause(Duration::ZERO)
        .build()
        .expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    let auth = Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .issuer(issuer)
        .hasher(cheap_hasher())
        .clock(clock.clone())
        .build();
    (auth, clock)
}

fn from_ip(mut request: Request<Full<Bytes>>, ip: &str) -> Request<Full<Bytes>> {
    request
        .extensions_mut()
        .insert(ClientAddr(ip.parse().expect("ip")));
    request
}

fn sign_in_as(email: &str) -> Request<Full<Bytes>> {
    json_request(
        "/sign-in/email",
        &json!({"email": email, "password": "whatever123"}),
        &[],
    )
}

fn assert_rate_limited(reply: &Reply, seconds: &str) {
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.header("x-retry-after"), Some(seconds));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.body,
        Bytes::from_static(br#"{"message":"Too many requests. Please try again later."}"#)
    );
}

#[tokio::test]
async fn the_routes_that_mail_allow_three_a_minute_per_address() {
    let (auth, clock) = limited_auth(AuthConfig::builder(SECRET, ORIGIN));
    for path in ["/request-password-reset", "/send-verification-email"] {
        let ask = |n: u32| {
            from_ip(
                json_request(path, &json!({"email": format!("u{n}@example.com")}), &[]),
                "203.0.113.7",
            )
        };
        for n in 0..3 {
            let reply = send(&auth, ask(n)).await;
            assert_ne!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{path} #{n}");
        }
        assert_rate_limited(&send(&auth, ask(3)).await, "60");
    }
    clock.advance(Duration::from_secs(61));
    let again = json_request(
        "/request-password-reset",
        &json!({"email": "a@example.com"}),
        &[],
    );
    let reply = send(&auth, from_ip(again, "203.0.113.7")).await;
    assert_ne!(reply.status, StatusCode::TOO_MANY_REQUESTS, "a new minute");
}

#[tokio::test]
async fn the_fourth_sign_in_from_one_address_within_ten_seconds_is_429() {
    let (auth, clock) = limited_auth(AuthConfig::builder(SECRET, ORIGIN));
    // Different accounts, one address: only the per-address count can refuse.
    for n in 0..3 {
        let reply = send(
            &auth,
            from_ip(sign_in_as(&format!("u{n}@example.com")), "203.0.113.5"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let limited = send(&auth, from_ip(sign_in_as("u3@example.com"), "203.0.113.5")).await;
    assert_rate_limited(&limited, "10");
    // Another address is counted apart, and so is another route.
    let other = send(&auth, from_ip(sign_in_as("u4@example.com"), "203.0.113.6")).await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED);
    let session = send(&auth, from_ip(get("/get-session", &[]), "203.0.113.5")).await;
    assert_eq!(session.status, StatusCode::OK);
    // The window runs from the first request: 4 s later, 6 s are left; at 10 s it starts again.
    clock.advance(Duration::from_secs(4));
    let limited = send(&auth, from_ip(sign_in_as("u5@example.com"), "203.0.113.5")).await;
    assert_rate_limited(&limited, "6");
    clock.advance(Duration::from_secs(6));
    let again = send(&auth, from_ip(sign_in_as("u6@example.com"), "203.0.113.5")).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn one_account_is_limited_across_addresses() {
    let (auth, _clock) = limited_auth(AuthConfig::builder(SECRET, ORIGIN));
    sign_up(&auth, "alice@example.com").await;
    for n in 0..3 {
        let reply = send(
            &auth,
            from_ip(sign_in_as("alice@example.com"), &format!("198.51.100.{n}")),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    // The same account in another letter case, from a fourth address.
    let limited = send(
        &auth,
        from_ip(sign_in_as("ALICE@example.com"), "198.51.100.9"),
    )
    .await;
    assert_rate_limited(&limited, "10");
}

#[tokio::test]
async fn without_a_client_address_only_accounts_are_counted() {
    let (auth, _clock) = limited_auth(AuthConfig::builder(SECRET, ORIGIN));
    for n in 0..6 {
        let reply = send(&auth, sign_in_as(&format!("u{n}@example.com"))).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "request {n}");
    }
}

#[tokio::test]
async fn behind_a_proxy_its_header_names_the_client() {
    let config = AuthConfig::builder(SECRET, ORIGIN)
        .client_ip_header(http::HeaderName::from_static("x-forwarded-for"));
    let (auth, _clock) = limited_auth(config);
    let via_proxy = |email: &str, forwarded: &str| {
        let mut request = from_ip(sign_in_as(email), "10.0.0.1");
        request
            .headers_mut()
            .insert("x-forwarded-for", forwarded.parse().expect("value"));
        request
    };
    // The client writes a different first address each time; the proxy appends the real one.
    for n in 0..3 {
        let reply = send(
            &auth,
            via_proxy(
                &format!("u{n}@example.com"),
                &format!("1.2.3.{n}, 203.0.113.7"),
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let limited = send(&auth, via_proxy("u3@example.com", "9.9.9.9, 203.0.113.7")).await;
    assert_rate_limited(&limited, "10");
    // Another client behind the same proxy is counted apart.
    let other = send(&auth, via_proxy("u4@example.com", "203.0.113.8")).await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED);
}
