//! Load runs against the example server on PostgreSQL, over loopback, each bounded in time.
//! Run by `scripts/load.sh`; prints a Markdown table for BENCHMARKS.md.
//!
//! 1. one handler served open (`/api/hello`, the baseline) and behind the guard with a JWT
//!    (`/api/private/hello`), three times alternately;
//! 2. an authenticated GET with a JWT that serialises the caller (`/api/me`);
//! 3. get-session with the cookie, served from the session cache, against the same on a second
//!    instance with the cache off (a database lookup each), three times alternately;
//! 4. a sign-in storm of 200 connections alone, for sign-in throughput against the hashing
//!    limit (measured in the same run);
//! 5. the storm again while authenticated GETs are measured at the same time;
//! 6. revocation propagation under load: while get-session runs at full speed on the first
//!    instance, sessions are signed out through the second, and the time until the first
//!    refuses each (by cookie and by JWT) is measured, 100 times.
//!
//! Throughput, p50/p99 latency, responses by status, and the server's peak RSS.
//!
//! With two or more cores the server runs on core 0, and wrk and PostgreSQL on core 1, so that
//! neither takes the server's CPU: the nearest this machine comes to clients and a database on
//! other hosts.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use auth_test_harness::http::request;

struct Run {
    name: String,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    statuses: String,
}

impl Run {
    /// How many responses had `status`.
    fn count(&self, status: u16) -> f64 {
        serde_json::from_str::<serde_json::Value>(&self.statuses)
            .ok()
            .and_then(|s| s[status.to_string()].as_f64())
            .unwrap_or(0.0)
    }
}

/// CPU placement: `taskset -c <cpu>` prefixes, or none on a one-core machine.
struct Placement {
    server: Option<&'static str>,
    load: Option<&'static str>,
}

impl Placement {
    fn detect() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let taskset = Command::new("taskset")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if cores >= 2 && taskset {
            Self {
                server: Some("0"),
                load: Some("1"),
            }
        } else {
            Self {
                server: None,
                load: None,
            }
        }
    }

    fn command(cpu: Option<&str>, program: &str) -> Command {
        match cpu {
            Some(cpu) => {
                let mut command = Command::new("taskset");
                command.args(["-c", cpu, program]);
                command
            }
            None => Command::new(program),
        }
    }
}

fn wrk(
    placement: &Placement,
    url: &str,
    connections: u32,
    seconds: u32,
    headers: &[(&str, &str)],
    body: Option<&str>,
    name: &str,
) -> Run {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("load/status.lua");
    let mut command = Placement::command(placement.load, "wrk");
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

/// One argon2id verification with OWASP's parameters by the argon2 crate itself, on this
/// thread: the time the hashing limit is computed from.
fn argon2_verify_ms() -> f64 {
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    let argon2 = argon2::Argon2::default();
    let salt = SaltString::from_b64("bG9hZC1ydW5uZXItc2FsdA").expect("salt");
    let hash = argon2
        .hash_password(PASSWORD.as_bytes(), &salt)
        .expect("hash")
        .to_string();
    let parsed = PasswordHash::new(&hash).expect("phc");
    let mut times = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        let one = Instant::now();
        argon2
            .verify_password(PASSWORD.as_bytes(), &parsed)
            .expect("verify");
        times.push(one.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

const PASSWORD: &str = "correct horse battery";

#[tokio::main]
async fn main() {
    let seconds: u32 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let server_bin = std::env::var("EXAMPLE_SERVER_BIN")
        .expect("EXAMPLE_SERVER_BIN: the release build of auth-example-server");
    let placement = Placement::detect();
    let verify_ms = argon2_verify_ms();
    if let Some(cpu) = placement.load {
        // This process, and so the PostgreSQL it starts, on the load generator's core.
        let pinned = Command::new("taskset")
            .args(["-a", "-p", "-c", cpu, &std::process::id().to_string()])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(pinned, "taskset could not pin the load runner");
    }
    let database = auth_test_harness::postgres::fresh_database().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let dir = std::env::temp_dir().join(format!("auth-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let start = |port: u16, env: &[(&str, &str)]| {
        let server = Placement::command(placement.server, &server_bin)
            .current_dir(&dir)
            .args(["--port", &port.to_string()])
            .env("DATABASE_URL", &database.url)
            .env("AUTH_SECRET", "load-test-secret-0123456789abcdef012345")
            // One issuer and audience: a JWT of one instance is the other's too.
            .env("AUTH_BASE_URL", "http://127.0.0.1:3000")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
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
        // Until the invalidation listener is connected.
        for _ in 0..600 {
            let health = request(port, "GET", "/api/health", &[], None);
            if health.json()["invalidations"] == "connected" {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    };
    let mut server = start(port, &[]);
    let uncached_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut uncached = start(uncached_port, &[("AUTH_SESSION_CACHE", "off")]);
    let server_cores = match placement.server {
        Some(_) => 1,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let base = format!("http://127.0.0.1:{port}");
    let sign_up = format!(r#"{{"name":"Ada","email":"ada@example.com","password":"{PASSWORD}"}}"#);
    let up = request(
        port,
        "POST",
        "/api/auth/sign-up/email",
        &[("content-type", "application/json")],
        Some(sign_up.as_bytes()),
    );
    assert_eq!(up.status, 200, "{}", up.text());
    let signed = up.header("set-auth-token").expect("token").to_owned();
    let cookie = up.cookie_pair();
    let session = request(
        port,
        "GET",
        "/api/auth/get-session",
        &[("authorization", &format!("Bearer {signed}"))],
        None,
    );
    let jwt = format!("Bearer {}", session.header("set-auth-jwt").expect("jwt"));
    let bearer = [("authorization", jwt.as_str())];

    // The pair three times, alternating, so that drift on a shared machine hits both alike.
    let mut runs = Vec::new();
    let mut ratios = Vec::new();
    for _ in 0..3 {
        let open = wrk(
            &placement,
            &format!("{base}/api/hello"),
            32,
            seconds,
            &bearer,
            None,
            "GET /api/hello, open (baseline)",
        );
        let guarded = wrk(
            &placement,
            &format!("{base}/api/private/hello"),
            32,
            seconds,
            &bearer,
            None,
            "GET /api/private/hello, the same handler guarded (EdDSA JWT)",
        );
        ratios.push(guarded.rps / open.rps);
        runs.push(open);
        runs.push(guarded);
    }
    ratios.sort_by(f64::total_cmp);
    runs.push(wrk(
        &placement,
        &format!("{base}/api/me"),
        32,
        seconds,
        &bearer,
        None,
        "GET /api/me with a JWT (EdDSA)",
    ));
    // get-session from the cache and from the database, alternating, three times.
    let uncached_base = format!("http://127.0.0.1:{uncached_port}");
    let mut cache_ratios = Vec::new();
    for _ in 0..3 {
        let lookup = wrk(
            &placement,
            &format!("{uncached_base}/api/auth/get-session"),
            32,
            seconds,
            &[("cookie", &cookie)],
            None,
            "GET get-session with the cookie, cache off (PostgreSQL lookup, baseline)",
        );
        let cached = wrk(
            &placement,
            &format!("{base}/api/auth/get-session"),
            32,
            seconds,
            &[("cookie", &cookie)],
            None,
            "GET get-session with the cookie, from the session cache",
        );
        cache_ratios.push(cached.rps / lookup.rps);
        runs.push(lookup);
        runs.push(cached);
    }
    cache_ratios.sort_by(f64::total_cmp);

    let storm_url = format!("{base}/api/auth/sign-in/email");
    let body = format!(r#"{{"email":"ada@example.com","password":"{PASSWORD}"}}"#);
    let alone = wrk(
        &placement,
        &storm_url,
        200,
        seconds,
        &[],
        Some(&body),
        "sign-in storm alone, 200 connections",
    );
    let sign_ins = alone.count(200) / f64::from(seconds);
    runs.push(alone);
    // The storm again, and the measured GETs at the same time.
    let storm = std::thread::scope(|scope| {
        let storm = scope.spawn(|| {
            wrk(
                &placement,
                &storm_url,
                200,
                seconds,
                &[],
                Some(&body),
                "sign-in storm, 200 connections, with the GETs below",
            )
        });
        std::thread::sleep(Duration::from_millis(500));
        let during = wrk(
            &placement,
            &format!("{base}/api/me"),
            8,
            seconds.saturating_sub(1).max(1),
            &bearer,
            None,
            "GET /api/me during the storm",
        );
        (storm.join().expect("storm"), during)
    });
    runs.push(storm.0);
    runs.push(storm.1);

    // Revocation propagation while the cached instance serves get-session flat out.
    let propagation_seconds = seconds.max(20);
    let (loaded, lags) = std::thread::scope(|scope| {
        let load = scope.spawn(|| {
            wrk(
                &placement,
                &format!("{base}/api/auth/get-session"),
                32,
                propagation_seconds,
                &[("cookie", &cookie)],
                None,
                "GET get-session from the cache, while sessions are signed out on the other instance",
            )
        });
        std::thread::sleep(Duration::from_millis(500));
        let deadline = Instant::now() + Duration::from_secs(u64::from(propagation_seconds) - 2);
        let mut lags = Vec::new();
        while lags.len() < 100 && Instant::now() < deadline {
            lags.push(propagation_trial(port, uncached_port));
        }
        (load.join().expect("load"), lags)
    });
    runs.push(loaded);
    let mut lags = lags;
    lags.sort();

    let rss = peak_rss_mib(server.id());
    let _ = server.kill();
    let _ = server.wait();
    let _ = uncached.kill();
    let _ = uncached.wait();
    println!("| run | requests/s | p50 | p99 | responses by status |");
    println!("| --- | ---: | ---: | ---: | --- |");
    for run in &runs {
        println!(
            "| {} | {:.0} | {:.2} ms | {:.2} ms | `{}` |",
            run.name, run.rps, run.p50_ms, run.p99_ms, run.statuses
        );
    }
    println!(
        "\nguarded / open throughput, median of the 3 pairs: {:.3} (each: {})",
        ratios[1],
        ratios
            .iter()
            .map(|r| format!("{r:.3}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "get-session from the cache / with a PostgreSQL lookup, median of the 3 pairs: {:.2}× (each: {})",
        cache_ratios[1],
        cache_ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !lags.is_empty() {
        let at = |q: f64| lags[((lags.len() - 1) as f64 * q).round() as usize];
        println!(
            "revocation propagation under that load, {} sign-outs: p50 {:.1} ms, p99 {:.1} ms, worst {:.1} ms",
            lags.len(),
            at(0.5).as_secs_f64() * 1000.0,
            at(0.99).as_secs_f64() * 1000.0,
            lags[lags.len() - 1].as_secs_f64() * 1000.0
        );
    }
    let limit = server_cores as f64 * 1000.0 / verify_ms;
    println!(
        "sign-ins/s in the storm alone: {sign_ins:.1}; hashing limit {server_cores} core(s) / \
         {verify_ms:.2} ms (one argon2 crate verification, this run) = {limit:.1}/s; ratio {:.3}",
        sign_ins / limit
    );
    println!(
        "\nserver peak RSS: {rss:.1} MiB; {seconds} s per run; wrk -t 2 on loopback; {}",
        match placement.server {
            Some(_) => "server on core 0; wrk and PostgreSQL on core 1",
            None => "no CPU pinning",
        }
    );
}

/// One session signed in and out through the instance at `through`, after the one at `watched`
/// has it cached: how long until `watched` refuses it by cookie and by JWT.
fn propagation_trial(watched: u16, through: u16) -> Duration {
    let body = format!(r#"{{"email":"ada@example.com","password":"{PASSWORD}"}}"#);
    let signed = request(
        through,
        "POST",
        "/api/auth/sign-in/email",
        &[("content-type", "application/json")],
        Some(body.as_bytes()),
    );
    assert_eq!(signed.status, 200, "{}", signed.text());
    let bearer = format!("Bearer {}", signed.header("set-auth-token").expect("token"));
    let cookie = signed.cookie_pair();
    let session = request(
        through,
        "GET",
        "/api/auth/get-session",
        &[("authorization", &bearer)],
        None,
    );
    let jwt = format!("Bearer {}", session.header("set-auth-jwt").expect("jwt"));
    let cached = request(
        watched,
        "GET",
        "/api/auth/get-session",
        &[("cookie", &cookie)],
        None,
    );
    assert!(cached.json()["user"].is_object(), "{}", cached.text());
    assert_eq!(
        request(watched, "GET", "/api/me", &[("authorization", &jwt)], None).status,
        200
    );
    let out = request(
        through,
        "POST",
        "/api/auth/sign-out",
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(out.status, 200);
    let ended = Instant::now();
    loop {
        let by_cookie = request(
            watched,
            "GET",
            "/api/auth/get-session",
            &[("cookie", &cookie)],
            None,
        );
        let by_jwt = request(watched, "GET", "/api/me", &[("authorization", &jwt)], None);
        if by_cookie.text() == "null" && by_jwt.status == 401 {
            return ended.elapsed();
        }
        assert!(ended.elapsed() < Duration::from_secs(60), "never refused");
        std::thread::sleep(Duration::from_millis(1));
    }
}
