//! Two server instances on one PostgreSQL database: a session made on one works on the other, a
//! session signed out on one is refused on the other within a second (the invalidation
//! channel), and both publish the same JWKS (the signing keys live in the database).

mod support;

use std::time::{Duration, Instant};

use support::{Server, command, free_port, fresh_dir};

fn instance(url: &str) -> Server {
    let port = free_port();
    let mut cmd = command(&fresh_dir(), port);
    cmd.env("DATABASE_URL", url)
        .env("AUTH_SECRET", "two-instances-secret-0123456789abcdef0123")
        .env("AUTH_BASE_URL", "http://127.0.0.1:3000")
        // Long enough that only the channel explains a refusal within a second.
        .env("AUTH_REVOCATION_CACHE_TTL", "30s");
    Server::start(cmd, port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_sign_outs_and_keys_are_shared() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let a = instance(&database.url);
    let b = instance(&database.url);
    for server in [&a, &b] {
        let started = Instant::now();
        while server.request("GET", "/api/health", &[], None).json()["invalidations"] != "connected"
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "listener connected"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

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

    // Signed out on A: refused on A at once, and on B (which has the session and its JWT's
    // liveness cached) as soon as A's notification arrives: well within a second, far inside
    // the caches' TTL (propagation.rs measures it).
    let out = a.request(
        "POST",
        "/api/auth/sign-out",
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(out.status, 200);
    assert_eq!(me(&a), 401, "A ended the session and its tokens");
    let signed_out = Instant::now();
    loop {
        let by_cookie = b.request("GET", "/api/auth/get-session", &[("cookie", &cookie)], None);
        if me(&b) == 401 && by_cookie.text() == "null" {
            break;
        }
        assert!(
            signed_out.elapsed() <= Duration::from_secs(1),
            "B still accepts the session {:?} after sign-out",
            signed_out.elapsed()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
