//! Load runs against the example server on PostgreSQL, over loopback, each bounded in time.
//! Run by `scripts/load.sh`; prints a Markdown table for BENCHMARKS.md.
//!
//! 1. an authenticated GET with a JWT (`/api/me`);
//! 2. get-session with the cookie (a database lookup);
//! 3. the same protected route without the extractor's work as the baseline (`/api/auth/ok`);
//! 4. a sign-in storm of 200 connections while authenticated GETs are measured at the same time.
//!
//! Throughput, p50/p99 latency, responses by status, and the server's peak RSS.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use auth_test_harness::http::request;

struct Run {
    name: String,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    statuses: String,
}

fn wrk(
    url: &str,
    connections: u32,
    seconds: u32,
    headers: &[(&str, &str)],
    body: Option<&str>,
    name: &str,
) -> Run {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("load/status.lua");
    let mut command = Command::new("wrk");
    command
        .args([
            "-t",
            "2",
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
            "--timeout",
            "10s",
            "-s",
        ])
        .arg(&script)
        .env("WRK_BODY", body.unwrap_or(""));
    for (name, value) in headers {
        command.args(["-H", &format!("{name}: {value}")]);
    }
    let output = command
        .arg(url)
        .output()
        .expect("wrk (install it: apt-get install wrk)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let line = |prefix: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("wrk printed no {prefix}:\n{text}"))
    };
    let latency: serde_json::Value = serde_json::from_str(&line("LATENCY ")).expect("latency json");
    let requests = latency["requests"].as_f64().unwrap_or(0.0);
    let secs = latency["seconds"].as_f64().unwrap_or(1.0);
    Run {
        name: name.to_owned(),
        rps: requests / secs,
        p50_ms: latency["p50_us"].as_f64().unwrap_or(0.0) / 1000.0,
        p99_ms: latency["p99_us"].as_f64().unwrap_or(0.0) / 1000.0,
        statuses: line("STATUS "),
    }
}

fn peak_rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let seconds: u32 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let server_bin = std::env::var("EXAMPLE_SERVER_BIN")
        .expect("EXAMPLE_SERVER_BIN: the release build of auth-example-server");
    let database = auth_test_harness::postgres::fresh_database().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let dir = std::env::temp_dir().join(format!("auth-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let mut server = Command::new(&server_bin)
        .current_dir(&dir)
        .args(["--port", &port.to_string()])
        .env("DATABASE_URL", &database.url)
        .env("AUTH_SECRET", "load-test-secret-0123456789abcdef012345")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let base = format!("http://127.0.0.1:{port}");
    let sign_up = r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#;
    let up = request(
        port,
        "POST",
        "/api/auth/sign-up/email",
        &[("content-type", "application/json")],
        Some(sign_up.as_bytes()),
    );
    assert_eq!(up.status, 200, "{}", up.text());
    let signed = up.header("set-auth-token").expect("token").to_owned();
    let cookie = up
        .header("set-cookie")
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    let session = request(
        port,
        "GET",
        "/api/auth/get-session",
        &[("authorization", &format!("Bearer {signed}"))],
        None,
    );
    let jwt = format!("Bearer {}", session.header("set-auth-jwt").expect("jwt"));

    let mut runs = vec![
        wrk(
            &format!("{base}/api/auth/ok"),
            32,
            seconds,
            &[],
            None,
            "GET /api/auth/ok (no auth, baseline)",
        ),
        wrk(
            &format!("{base}/api/me"),
            32,
            seconds,
            &[("authorization", &jwt)],
            None,
            "GET /api/me with a JWT (EdDSA)",
        ),
        wrk(
            &format!("{base}/api/auth/get-session"),
            32,
            seconds,
            &[("cookie", &cookie)],
            None,
            "GET get-session with the cookie (PostgreSQL lookup)",
        ),
    ];
    // The storm and the measured GETs at the same time.
    let storm_url = format!("{base}/api/auth/sign-in/email");
    let body = r#"{"email":"ada@example.com","password":"correct horse battery"}"#.to_owned();
    let storm = std::thread::spawn(move || {
        wrk(
            &storm_url,
            200,
            seconds,
            &[],
            Some(&body),
            "sign-in storm, 200 connections",
        )
    });
    std::thread::sleep(Duration::from_millis(500));
    let during = wrk(
        &format!("{base}/api/me"),
        8,
        seconds.saturating_sub(1).max(1),
        &[("authorization", &jwt)],
        None,
        "GET /api/me during the storm",
    );
    runs.push(storm.join().expect("storm"));
    runs.push(during);

    let rss = peak_rss_mib(server.id());
    let _ = server.kill();
    let _ = server.wait();
    println!("| run | requests/s | p50 | p99 | responses by status |");
    println!("| --- | ---: | ---: | ---: | --- |");
    for run in &runs {
        println!(
            "| {} | {:.0} | {:.2} ms | {:.2} ms | `{}` |",
            run.name, run.rps, run.p50_ms, run.p99_ms, run.statuses
        );
    }
    println!("\nserver peak RSS: {rss:.1} MiB; {seconds} s per run; wrk -t 2 on loopback");
}
