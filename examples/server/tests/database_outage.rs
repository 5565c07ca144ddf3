//! PostgreSQL stopped in the middle of a stream of sign-ups, then started again. During the
//! outage every answer is a 503 with the contract's JSON and Retry-After, at once but for one
//! request at a time that checks whether the database is back, and none slower than the pool's
//! acquire timeout (5 s); within 2 s of the database's return sign-ups succeed again; and
//! afterwards every sign-up answered 200 is in the database whole, and none that failed left a
//! row.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use auth_test_harness::postgres::PgServer;
use support::{Server, command, free_port, fresh_dir};

const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

struct Outcome {
    email: String,
    status: u16,
    code: String,
    retry_after: Option<String>,
    started: Instant,
    ended: Instant,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_fail_fast_while_the_database_is_down_and_none_is_half_written() {
    let pg = PgServer::start();
    let database = pg.create_database().await;
    let port = free_port();
    let mut cmd = command(&fresh_dir(), port);
    cmd.env("DATABASE_URL", &database.url)
        .env("AUTH_SECRET", "outage-test-secret-0123456789abcdef0123");
    let server = Server::start(cmd, port);

    let stop = Arc::new(AtomicBool::new(false));
    let outcomes = Arc::new(Mutex::new(Vec::<Outcome>::new()));
    let clients: Vec<_> = (0..6)
        .map(|client| {
            let stop = Arc::clone(&stop);
            let outcomes = Arc::clone(&outcomes);
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let email = format!("c{client}.n{n}@example.com");
                    let body = format!(
                        r#"{{"name":"Load","email":"{email}","password":"correct horse battery"}}"#
                    );
                    let started = Instant::now();
                    let reply = support::request(
                        port,
                        "POST",
                        "/api/auth/sign-up/email",
                        &[("content-type", "application/json")],
                        Some(body.as_bytes()),
                    );
                    let ended = Instant::now();
                    if reply.status == 503 {
                        // Backs off a little, as a client should; it keeps the outcomes few.
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    let code = if reply.status == 200 {
                        String::new()
                    } else {
                        reply.json()["code"]
                            .as_str()
                            .unwrap_or("<no code>")
                            .to_owned()
                    };
                    outcomes.lock().expect("lock").push(Outcome {
                        email,
                        status: reply.status,
                        code,
                        retry_after: reply.header("retry-after").map(str::to_owned),
                        started,
                        ended,
                    });
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_millis(1500));
    pg.pause();
    let down = Instant::now();
    // Longer than the acquire timeout, so some requests begin and end inside the outage.
    std::thread::sleep(ACQUIRE_TIMEOUT + Duration::from_secs(3));
    pg.resume();
    let back = Instant::now();
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().expect("client");
    }
    drop(server);

    let outcomes = std::mem::take(&mut *outcomes.lock().expect("lock"));
    let before = outcomes
        .iter()
        .filter(|o| o.ended < down && o.status == 200)
        .count();
    assert!(before > 0, "sign-ups succeeded before the outage");
    let mut failed = Vec::new();
    for outcome in outcomes.iter() {
        match outcome.status {
            200 => {}
            503 => {
                assert_eq!(outcome.code, "SERVICE_UNAVAILABLE", "{}", outcome.email);
                assert!(outcome.retry_after.is_some(), "503 without Retry-After");
                failed.push(outcome.email.clone());
            }
            other => panic!("{}: answered {other} ({})", outcome.email, outcome.code),
        }
        assert!(
            outcome.ended - outcome.started <= ACQUIRE_TIMEOUT + Duration::from_secs(1),
            "{} waited {:?}",
            outcome.email,
            outcome.ended - outcome.started
        );
    }
    // Everything that began and ended inside the outage was refused.
    let inside: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.started > down && o.ended < back)
        .collect();
    assert!(!inside.is_empty(), "requests were made during the outage");
    assert!(inside.iter().all(|o| o.status == 503));
    // Fast: once the first refusal is out, only one request at a time waits on the database (to
    // see whether it is back); every other is answered at once.
    let tripped = outcomes
        .iter()
        .filter(|o| o.status == 503)
        .map(|o| o.ended)
        .min()
        .expect("a refusal");
    let mut slow: Vec<&Outcome> = Vec::new();
    let mut fast = 0;
    for outcome in outcomes
        .iter()
        .filter(|o| o.started > tripped && o.ended < back)
    {
        if outcome.ended - outcome.started > Duration::from_millis(500) {
            slow.push(outcome);
        } else {
            fast += 1;
        }
    }
    slow.sort_by_key(|o| o.started);
    for pair in slow.windows(2) {
        assert!(
            pair[1].started >= pair[0].ended,
            "{} and {} both waited on the database",
            pair[0].email,
            pair[1].email
        );
    }
    assert!(
        fast > 10 * slow.len().max(1),
        "{fast} answered at once, {} waited",
        slow.len()
    );
    // Within 2 s of the database's return, sign-ups succeed again.
    let first_success = outcomes
        .iter()
        .filter(|o| o.status == 200 && o.started >= back)
        .map(|o| o.ended)
        .min()
        .expect("a sign-up succeeded after the outage");
    assert!(
        first_success - back <= Duration::from_secs(2),
        "the first success came {:?} after the database was back",
        first_success - back
    );

    // Nothing acknowledged was lost, nothing refused was half-written.
    let ok: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.status == 200)
        .map(|o| o.email.as_str())
        .collect();
    let stored = database.emails_with_account_and_session().await;
    for email in &ok {
        assert!(
            stored.iter().any(|s| s == email),
            "{email} was answered 200 but is not stored whole"
        );
    }
    let users: std::collections::HashSet<String> =
        database.user_emails().await.into_iter().collect();
    for email in &failed {
        assert!(
            !users.contains(email),
            "{email} was refused but left a user row"
        );
    }
    assert!(!failed.is_empty());
    pg.stop();
}
