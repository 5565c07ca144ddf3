//! Two server instances on one PostgreSQL database: a session made on one works on the other, a
//! session signed out on one is refused on the other within the revocation cache's TTL, and both
//! publish the same JWKS (the signing keys live in the database).

mod support;

use std::time::{Duration, Instant};

use support::{Server, command, free_port, fresh_dir};

const CACHE_TTL: Duration = Duration::from_secs(2);

fn instance(url: &str) -> Server {
    let port = free_port();
    let mut cmd = command(&fresh_dir(), port);
    cmd.env("DATABASE_URL", url)
        .env("AUTH_SECRET", "two-instances-secret-0123456789abcdef0123")
        .env("AUTH_BASE_URL", "http://127.0.0.1:3000")
        .env("AUTH_REVOCATION_CACHE_TTL", "2s");
    Server::start(cmd, port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_sign_outs_and_keys_are_shared() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let a = instance(&database.url);
    let b = instance(&database.url);

    let body = br#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#;
    let up = a.request(
        "POST",
        "/api/auth/sign-up/email",
        &[("content-type", "application/json")],
        Some(body),
    );
    assert_eq!(up.status, 200, "{}", up.text());
    let bearer = format!("Bearer {}", up.header("set-auth-token").expect("token"));
    let cookie = up.cookie_pair();

    // Made on A, known to B: by cookie, by bearer token, and its JWT.
    let on_b = b.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], None);
    assert_eq!(
        on_b.json()["user"]["email"],
        "ada@example.com",
        "{}",
        on_b.text()
    );
    let jwt = a
        .request(
            "GET",
            "/api/auth/get-session",
            &[("authorization", &bearer)],
            None,
        )
        .header("set-auth-jwt")
        .expect("jwt")
        .to_owned();
    let me = |server: &Server| {
        server
            .request(
                "GET",
                "/api/me",
                &[("authorization", &format!("Bearer {jwt}"))],
                None,
            )
            .status
    };
    assert_eq!(me(&b), 200, "A's JWT verifies on B");
    assert_eq!(me(&a), 200);

    // One key set.
    let jwks_a = a.request("GET", "/api/auth/jwks", &[], None).json();
    let jwks_b = b.request("GET", "/api/auth/jwks", &[], None).json();
    assert_eq!(jwks_a, jwks_b);
    assert!(!jwks_a["keys"].as_array().expect("keys").is_empty());

    // Signed out on A: refused on A at once, and on B once its cached answer is older than the
    // TTL (it checked the session above).
    let out = a.request(
        "POST",
        "/api/auth/sign-out",
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(out.status, 200);
    assert_eq!(me(&a), 401, "A ended the session and its tokens");
    let by_cookie = b.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], None);
    assert_eq!(
        by_cookie.text(),
        "null",
        "the session itself is gone everywhere"
    );
    let signed_out = Instant::now();
    loop {
        if me(&b) == 401 {
            break;
        }
        assert!(
            signed_out.elapsed() <= CACHE_TTL + Duration::from_secs(1),
            "B still accepts the JWT {:?} after sign-out",
            signed_out.elapsed()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
