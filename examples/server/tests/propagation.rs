//! Sign-out reaches every instance within a second. Two instances of the example server on one
//! PostgreSQL database, each serving get-session from memory and caching its JWT revocation
//! answers for the default 30 seconds: a session ended through A — by sign-out, revocation, a
//! password change, the user's deletion — is refused by B, by cookie and by JWT, within a
//! second, measured 100 times for each kind (the worst reported). Then the fallback: an
//! instance whose listener cannot connect refuses within its TTL and not later; listeners whose
//! connections were killed (`pg_terminate_backend`), and a PostgreSQL that restarted, come back,
//! and the lag is under a second again.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{Server, command, free_port, fresh_dir};

const PASSWORDS: [&str; 2] = ["correct horse battery", "another horse battery"];
const TRIALS: usize = 100;
const WITHIN: Duration = Duration::from_secs(1);
const JSON: (&str, &str) = ("content-type", "application/json");

fn instance(url: &str, env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let mut cmd = command(&fresh_dir(), port);
    cmd.env("DATABASE_URL", url)
        .env("AUTH_SECRET", "propagation-secret-0123456789abcdef012345")
        // One issuer and audience for both: a JWT of A is B's too.
        .env("AUTH_BASE_URL", "http://127.0.0.1:3000")
        .env("AUTH_DELETE_USER", "on")
        .envs(env.iter().copied());
    Server::start(cmd, port)
}

/// What `GET /api/health` says of the invalidation listener.
fn listener_state(server: &Server) -> String {
    let health = server.request("GET", "/api/health", &[], None);
    health.json()["invalidations"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn wait_connected(server: &Server) {
    let started = Instant::now();
    while listener_state(server) != "connected" {
        assert!(
            started.elapsed() < Duration::from_secs(45),
            "the listener never connected"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A session: its bearer token, its cookie, its raw token and a JWT.
struct Signed {
    bearer: String,
    cookie: String,
    token: String,
    jwt: String,
}

fn signed(server: &Server, reply: &support::Reply) -> Signed {
    assert_eq!(reply.status, 200, "{}", reply.text());
    let bearer = format!("Bearer {}", reply.header("set-auth-token").expect("token"));
    let cookie = reply.cookie_pair();
    let session = server.request(
        "GET",
        "/api/auth/get-session",
        &[("authorization", &bearer)],
        None,
    );
    Signed {
        token: session.json()["session"]["token"]
            .as_str()
            .expect("token")
            .to_owned(),
        jwt: session.header("set-auth-jwt").expect("jwt").to_owned(),
        bearer,
        cookie,
    }
}

/// Signs in, retrying while the database comes back after a restart.
fn sign_in(server: &Server, email: &str, password: &str) -> Signed {
    let body = json!({"email": email, "password": password}).to_string();
    let started = Instant::now();
    loop {
        let reply = server.request(
            "POST",
            "/api/auth/sign-in/email",
            &[JSON],
            Some(body.as_bytes()),
        );
        if reply.status != 503 || started.elapsed() > Duration::from_secs(30) {
            return signed(server, &reply);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn sign_up(server: &Server, email: &str) -> Signed {
    let body = json!({"name": "Ada", "email": email, "password": PASSWORDS[0]}).to_string();
    let reply = server.request(
        "POST",
        "/api/auth/sign-up/email",
        &[JSON],
        Some(body.as_bytes()),
    );
    signed(server, &reply)
}

/// B serves the session (now cached there) and accepts its JWT (its liveness cached).
fn warm(b: &Server, s: &Signed) {
    let session = b.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &s.cookie)],
        None,
    );
    assert!(
        session.json()["user"]["email"].is_string(),
        "{}",
        session.text()
    );
    let me = b.request(
        "GET",
        "/api/me",
        &[("authorization", &format!("Bearer {}", s.jwt))],
        None,
    );
    assert_eq!(me.status, 200, "{}", me.text());
}

fn refused_by(b: &Server, s: &Signed) -> bool {
    let session = b.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &s.cookie)],
        None,
    );
    let me = b.request(
        "GET",
        "/api/me",
        &[("authorization", &format!("Bearer {}", s.jwt))],
        None,
    );
    session.text() == "null" && me.status == 401
}

/// How long after `ended` B refuses the session by cookie and by JWT; panics past `limit`.
fn lag(b: &Server, s: &Signed, ended: Instant, limit: Duration) -> Duration {
    loop {
        if refused_by(b, s) {
            return ended.elapsed();
        }
        let waited = ended.elapsed();
        assert!(
            waited <= limit,
            "B still accepts the ended session after {waited:?}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn post(server: &Server, path: &str, bearer: &str, body: serde_json::Value) {
    let body = body.to_string();
    let reply = server.request(
        "POST",
        path,
        &[JSON, ("authorization", bearer)],
        Some(body.as_bytes()),
    );
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
}

/// One sign-out through A, measured on B.
fn sign_out_trial(a: &Server, b: &Server, email: &str, limit: Duration) -> Duration {
    let s = sign_in(a, email, PASSWORDS[0]);
    warm(b, &s);
    post(a, "/api/auth/sign-out", &s.bearer, json!({}));
    lag(b, &s, Instant::now(), limit)
}

fn report(kind: &str, mut lags: Vec<Duration>) -> Duration {
    lags.sort();
    let worst = lags[lags.len() - 1];
    println!(
        "{kind}: {} trials, median {:?}, worst {worst:?}",
        lags.len(),
        lags[lags.len() / 2]
    );
    worst
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_ending_reaches_the_other_instance_within_a_second() {
    let database = auth_test_harness::postgres::fresh_database().await;
    let (a, b) = (instance(&database.url, &[]), instance(&database.url, &[]));
    wait_connected(&a);
    wait_connected(&b);
    sign_up(&a, "ada@example.com");
    let mut worst = Vec::new();

    let lags = (0..TRIALS)
        .map(|_| sign_out_trial(&a, &b, "ada@example.com", WITHIN))
        .collect();
    worst.push(("sign-out", report("sign-out", lags)));

    let lags = (0..TRIALS)
        .map(|_| {
            let current = sign_in(&a, "ada@example.com", PASSWORDS[0]);
            let other = sign_in(&a, "ada@example.com", PASSWORDS[0]);
            warm(&b, &other);
            post(
                &a,
                "/api/auth/revoke-session",
                &current.bearer,
                json!({"token": other.token}),
            );
            lag(&b, &other, Instant::now(), WITHIN)
        })
        .collect();
    worst.push(("revoke-session", report("revoke-session", lags)));

    let lags = (0..TRIALS)
        .map(|i| {
            let (old, new) = (PASSWORDS[i % 2], PASSWORDS[(i + 1) % 2]);
            let current = sign_in(&a, "ada@example.com", old);
            let other = sign_in(&a, "ada@example.com", old);
            warm(&b, &other);
            post(
                &a,
                "/api/auth/change-password",
                &current.bearer,
                json!({"currentPassword": old, "newPassword": new, "revokeOtherSessions": true}),
            );
            lag(&b, &other, Instant::now(), WITHIN)
        })
        .collect();
    worst.push(("change-password", report("change-password", lags)));

    let lags = (0..TRIALS)
        .map(|i| {
            let s = sign_up(&a, &format!("leaving{i}@example.com"));
            warm(&b, &s);
            post(
                &a,
                "/api/auth/delete-user",
                &s.bearer,
                json!({"password": PASSWORDS[0]}),
            );
            lag(&b, &s, Instant::now(), WITHIN)
        })
        .collect();
    worst.push(("delete-user", report("delete-user", lags)));

    for (kind, lag) in worst {
        assert!(lag < WITHIN, "{kind}: worst lag {lag:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_channel_the_ttl_holds_and_the_listener_comes_back() {
    // A cluster of this test's own: it is killed and restarted.
    let pg = auth_test_harness::postgres::PgServer::start();
    let database = pg.create_database().await;
    let ttl = [
        ("AUTH_SESSION_CACHE_TTL", "3s"),
        ("AUTH_REVOCATION_CACHE_TTL", "3s"),
    ];
    let a = instance(&database.url, &ttl);
    let b = instance(&database.url, &ttl);
    // C's listener points at a port where nothing answers: it never hears anything.
    let deaf = format!("postgres://postgres@127.0.0.1:{}/none", free_port());
    let c = instance(
        &database.url,
        &[ttl[0], ttl[1], ("DATABASE_LISTEN_URL", deaf.as_str())],
    );
    wait_connected(&a);
    wait_connected(&b);
    assert_eq!(listener_state(&c), "disconnected");
    sign_up(&a, "ada@example.com");

    // C falls back to its TTL: the ended session is refused once the cached answers are
    // older than 3 s, never later (some slack for the polling and a busy machine).
    let s = sign_in(&a, "ada@example.com", PASSWORDS[0]);
    warm(&c, &s);
    warm(&b, &s);
    post(&a, "/api/auth/sign-out", &s.bearer, json!({}));
    let ended = Instant::now();
    let on_b = lag(&b, &s, ended, WITHIN);
    let on_c = lag(&c, &s, ended, Duration::from_millis(4_500));
    println!("without a channel: B after {on_b:?}, C (TTL 3 s) after {on_c:?}");

    // The listeners' connections killed: they notice, reconnect, and the lag is small again.
    let killed = pg
        .terminate_backends("auth-invalidation-listener", &database.name)
        .await;
    assert_eq!(killed, 2, "A's and B's listeners");
    wait_connected(&a);
    wait_connected(&b);
    let lags = (0..10)
        .map(|_| sign_out_trial(&a, &b, "ada@example.com", WITHIN))
        .collect();
    report("after pg_terminate_backend", lags);

    // PostgreSQL restarted: the same.
    pg.pause();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        listener_state(&b),
        "disconnected",
        "B says its listener is gone"
    );
    pg.resume();
    wait_connected(&a);
    wait_connected(&b);
    let lags = (0..10)
        .map(|_| sign_out_trial(&a, &b, "ada@example.com", WITHIN))
        .collect();
    report("after a restart", lags);
}
