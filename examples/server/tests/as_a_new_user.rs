//! The example server as a new user meets it: started with no database server and no
//! environment, driven with curl-style requests, and given the usual mistakes.

mod support;

use serde_json::json;
use support::{Server, command, free_port, fresh_dir};

const PASSWORD: &str = "correct horse battery";

fn json_headers() -> Vec<(&'static str, &'static str)> {
    vec![("content-type", "application/json")]
}

#[test]
fn starts_with_nothing_set_and_serves_the_auth_flow() {
    let dir = fresh_dir();
    let port = free_port();
    let server = Server::start(command(&dir, port), port);

    let up = server.request(
        "POST",
        "/api/auth/sign-up/email",
        &json_headers(),
        Some(
            json!({"name": "Ada", "email": "ada@example.com", "password": PASSWORD})
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(up.status, 200, "{}", up.text());
    assert!(
        dir.join("data/auth.db").is_file(),
        "the SQLite file is where the server said"
    );
    assert!(
        dir.join("data/dev-secret").is_file(),
        "the generated secret is kept"
    );

    let sign_in = server.request(
        "POST",
        "/api/auth/sign-in/email",
        &json_headers(),
        Some(
            json!({"email": "ada@example.com", "password": PASSWORD})
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(sign_in.status, 200);
    let bearer = format!(
        "Bearer {}",
        sign_in.header("set-auth-token").expect("set-auth-token")
    );
    let cookie = sign_in.cookie_pair();

    let by_cookie = server.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], None);
    assert_eq!(by_cookie.json()["user"]["email"], "ada@example.com");
    let session = server.request(
        "GET",
        "/api/auth/get-session",
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(session.json()["user"]["email"], "ada@example.com");
    let jwt = session
        .header("set-auth-jwt")
        .expect("set-auth-jwt")
        .to_owned();

    let me = server.request(
        "GET",
        "/api/me",
        &[("authorization", &format!("Bearer {jwt}"))],
        None,
    );
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["user"]["email"], "ada@example.com");
    assert_eq!(me.json()["method"], "jwt");
    let token = server.request(
        "GET",
        "/api/auth/token",
        &[("authorization", &bearer)],
        None,
    );
    let jwt2 = token.json()["token"].as_str().expect("jwt").to_owned();
    assert_eq!(
        server
            .request(
                "GET",
                "/api/me",
                &[("authorization", &format!("Bearer {jwt2}"))],
                None
            )
            .status,
        200
    );

    // One handler, open and guarded.
    let open = server.request("GET", "/api/hello", &[], None);
    assert_eq!(
        (open.status, open.text()),
        (200, r#"{"hello":"world"}"#.into())
    );
    let guarded = server.request(
        "GET",
        "/api/private/hello",
        &[("authorization", &format!("Bearer {jwt}"))],
        None,
    );
    assert_eq!(guarded.text(), open.text());
    let refused = server.request("GET", "/api/private/hello", &[], None);
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["code"], "UNAUTHORIZED");

    // Notes: create, list, delete, behind the guard.
    let auth_json = [
        ("authorization", bearer.as_str()),
        ("content-type", "application/json"),
    ];
    let created = server.request(
        "POST",
        "/api/notes",
        &auth_json,
        Some(br#"{"text":"buy milk"}"#),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_str().expect("id").to_owned();
    let listed = server.request("GET", "/api/notes", &[("authorization", &bearer)], None);
    assert_eq!(listed.json()[0]["text"], "buy milk");
    assert_eq!(
        server
            .request(
                "DELETE",
                &format!("/api/notes/{id}"),
                &[("authorization", &bearer)],
                None
            )
            .status,
        204
    );

    // A restart keeps the secret and the signing key: the session and the JWT still work.
    let output = server.terminate();
    assert!(
        output.iter().any(|l| l.contains("stopped")),
        "graceful shutdown: {output:?}"
    );
    let server = Server::start(command(&dir, port), port);
    assert_eq!(
        server
            .request(
                "GET",
                "/api/auth/get-session",
                &[("authorization", &bearer)],
                None
            )
            .json()["user"]["email"],
        "ada@example.com"
    );
    assert_eq!(
        server
            .request(
                "GET",
                "/api/me",
                &[("authorization", &format!("Bearer {jwt}"))],
                None
            )
            .status,
        200
    );

    // Signing out ends the session and, with it, its JWT.
    let out = server.request(
        "POST",
        "/api/auth/sign-out",
        &[
            ("authorization", bearer.as_str()),
            ("content-type", "application/json"),
        ],
        Some(b"{}"),
    );
    assert_eq!(out.json(), json!({"success": true}));
    let after = server.request(
        "GET",
        "/api/me",
        &[("authorization", &format!("Bearer {jwt}"))],
        None,
    );
    assert_eq!(after.status, 401);
}

#[test]
fn the_usual_mistakes_get_json_errors_never_a_5xx() {
    let dir = fresh_dir();
    let port = free_port();
    let server = Server::start(command(&dir, port), port);
    let up = server.request(
        "POST",
        "/api/auth/sign-up/email",
        &json_headers(),
        Some(
            json!({"name": "Bo", "email": "bo@example.com", "password": PASSWORD})
                .to_string()
                .as_bytes(),
        ),
    );
    let bearer = format!("Bearer {}", up.header("set-auth-token").expect("token"));
    let big = vec![b'a'; 1024 * 1024];
    let expired = "Bearer eyJhbGciOiJFZERTQSIsImtpZCI6Im5vIn0.eyJleHAiOjF9.c2ln";

    type Case<'a> = (
        &'a str,
        &'a str,
        Vec<(&'a str, &'a str)>,
        Option<&'a [u8]>,
        u16,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        ("PUT", "/api/me", vec![], None, 405, "METHOD_NOT_ALLOWED"),
        (
            "DELETE",
            "/api/notes",
            vec![("authorization", bearer.as_str())],
            None,
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            "POST",
            "/api/auth/sign-up/email",
            json_headers(),
            Some(br#"{"email":"x@example.com","password":"password1234"}"#),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "POST",
            "/api/auth/sign-in/email",
            json_headers(),
            Some(br#"{"email":"#),
            400,
            "BAD_REQUEST",
        ),
        (
            "POST",
            "/api/auth/sign-in/email",
            json_headers(),
            Some(&big),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            "POST",
            "/api/auth/sign-in/email",
            vec![("content-type", "text/plain")],
            Some(b"hi"),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            "POST",
            "/api/auth/sign-up/email",
            json_headers(),
            Some(br#"{"name":"Bo","email":"BO@example.com","password":"password1234"}"#),
            422,
            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
        ),
        (
            "POST",
            "/api/auth/sign-in/email",
            json_headers(),
            Some(br#"{"email":"bo@example.com","password":"wrong password"}"#),
            401,
            "INVALID_EMAIL_OR_PASSWORD",
        ),
        (
            "POST",
            "/api/notes",
            vec![
                ("authorization", bearer.as_str()),
                ("content-type", "application/json"),
            ],
            Some(b"{}"),
            400,
            "VALIDATION_ERROR",
        ),
        (
            "POST",
            "/api/notes",
            vec![
                ("authorization", bearer.as_str()),
                ("content-type", "application/json"),
            ],
            Some(b"{"),
            400,
            "BAD_REQUEST",
        ),
        (
            "POST",
            "/api/notes",
            vec![
                ("authorization", bearer.as_str()),
                ("content-type", "application/json"),
            ],
            Some(&big),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            "POST",
            "/api/notes",
            vec![("authorization", bearer.as_str())],
            Some(br#"{"text":"x"}"#),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        ("GET", "/api/me", vec![], None, 401, "UNAUTHORIZED"),
        (
            "GET",
            "/api/me",
            vec![("authorization", "Bearer not-a-session")],
            None,
            401,
            "UNAUTHORIZED",
        ),
        (
            "GET",
            "/api/me",
            vec![("authorization", expired)],
            None,
            401,
            "INVALID_TOKEN",
        ),
        ("GET", "/api/nowhere", vec![], None, 404, "NOT_FOUND"),
        (
            "POST",
            "/api/auth/get-session",
            json_headers(),
            Some(b"{}"),
            405,
            "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
        ),
    ];
    for (method, path, headers, body, status, code) in cases {
        let reply = server.request(method, path, &headers, body);
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.text());
        assert_eq!(
            reply.header("content-type"),
            Some("application/json"),
            "{method} {path}"
        );
        let json = reply.json();
        assert_eq!(json["code"], code, "{method} {path}: {json}");
        assert!(
            json["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{method} {path}: {json}"
        );
    }
    // Better Auth answers a wrong method on its own routes with an empty 404; so do we.
    let wrong = server.request("GET", "/api/auth/sign-in/email", &[], None);
    assert_eq!((wrong.status, wrong.body.len()), (404, 0));
}

#[test]
fn refuses_to_start_in_production_without_a_secret() {
    let dir = fresh_dir();
    let output = command(&dir, free_port())
        .env("APP_ENV", "production")
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("AUTH_SECRET"), "{stderr}");
    assert!(
        !dir.join("data/dev-secret").exists(),
        "no secret is generated in production"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_token_is_told_so() {
    use auth_core::config::AuthConfig;
    use auth_core::model::{SessionId, Timestamp, User};
    use auth_core::token::{Claims, TokenIssuer};
    use std::time::Duration;

    let dir = fresh_dir();
    let port = free_port();
    let server = Server::start(command(&dir, port), port);
    let up = server.request(
        "POST",
        "/api/auth/sign-up/email",
        &json_headers(),
        Some(
            json!({"name": "Cy", "email": "cy@example.com", "password": PASSWORD})
                .to_string()
                .as_bytes(),
        ),
    );
    let user: User = serde_json::from_value(up.json()["user"].clone()).expect("user");

    // Sign a token that expired an hour ago with the server's own key (from its database and
    // its development secret), as if it had been issued 31 days ago.
    let secret = std::fs::read_to_string(dir.join("data/dev-secret")).expect("secret");
    let config = AuthConfig::builder(secret.trim(), format!("http://localhost:{port}"))
        .build()
        .expect("config");
    let store =
        auth_sqlx::SqliteStore::open(dir.join("data/auth.db"), auth_sqlx::StoreOptions::default())
            .await
            .expect("db");
    let issuer = store.jwt_issuer(&config).await.expect("the server's key");
    let issued = Timestamp::now() - Duration::from_secs(31 * 86_400);
    let claims = Claims::new(
        &user,
        &SessionId::new("session"),
        issued,
        issued + Duration::from_secs(30 * 86_400) - Duration::from_secs(3600),
        issuer.issuer(),
        issuer.audience(),
    );
    let jwt = issuer.sign(&claims).expect("sign").into_string();

    let reply = server.request(
        "GET",
        "/api/me",
        &[("authorization", &format!("Bearer {jwt}"))],
        None,
    );
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json(),
        json!({"message": "Token expired", "code": "TOKEN_EXPIRED"})
    );
}

#[test]
fn reads_a_dot_env_and_creates_its_data_folder() {
    let dir = fresh_dir();
    std::fs::write(
        dir.join(".env"),
        "AUTH_SECRET=a-secret-from-dot-env-0123456789abcdef\n",
    )
    .expect(".env");
    let port = free_port();
    let server = Server::start(command(&dir, port), port);
    let up = server.request(
        "POST",
        "/api/auth/sign-up/email",
        &json_headers(),
        Some(
            json!({"name": "Di", "email": "di@example.com", "password": PASSWORD})
                .to_string()
                .as_bytes(),
        ),
    );
    assert_eq!(up.status, 200, "{}", up.text());
    assert!(dir.join("data/auth.db").is_file());
    assert!(
        !dir.join("data/dev-secret").exists(),
        "the secret came from .env"
    );
    let output = server.terminate();
    drop(output);
}
