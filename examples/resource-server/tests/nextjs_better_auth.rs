//! examples/nextjs-better-auth end to end: Better Auth itself (the npm package, `jwt()` plugin)
//! running inside the Next.js app on a fresh PostgreSQL database (`npm run migrate`, then
//! `next build` and `next start`), this crate's binary verifying its JWTs with the keys of its
//! JWKS, and a real headless Chromium driving the app as a person does
//! (examples/nextjs-better-auth/web/e2e/browser.test.mjs): register → the dashboard shows the
//! Rust API's answer with the email → sign out → the Rust API refuses (401: no token) → sign in
//! again. Screenshots of every step are kept in target/tmp/nextjs-better-auth-screenshots.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use auth_test_harness::postgres::free_port;

fn chromium() -> PathBuf {
    let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    candidates.iter().map(PathBuf::from).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("Chromium is not installed: `apt-get install chromium` (Debian) — ./scripts/test.sh does it when it can")
    })
}

fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `next start` in a process group of its own, the whole group stopped when dropped: `npx` is
/// only the parent of the `next-server` that listens, and killing `npx` alone would leave that
/// server running after the test.
struct Next(Child);

impl Next {
    fn start(mut command: Command) -> Self {
        use std::os::unix::process::CommandExt;
        Self(command.process_group(0).spawn().expect("next start"))
    }

    /// Sends `signal` to every process of the group (`kill -SIG -PGID`).
    fn signal_group(&self, signal: &str) {
        let _ = Command::new("sh")
            .args(["-c", &format!("kill {signal} -{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Next {
    fn drop(&mut self) {
        // TERM to the group, then KILL to whoever is still in it (a no-op for an empty group).
        for signal in ["-TERM", "-KILL"] {
            self.signal_group(signal);
            for _ in 0..50 {
                if matches!(self.0.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// This crate's binary, the Rust API; killed when dropped.
struct Api(Child);

impl Api {
    fn start(port: u16, issuer: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_auth-example-resource-server"))
            .env("AUTH_JWKS_URL", format!("{issuer}/api/auth/jwks"))
            .env("AUTH_ISSUER", issuer)
            .env_remove("AUTH_AUDIENCE")
            .env_remove("HOST")
            .env("PORT", port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the resource server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.starts_with("listening on") => break,
                Some(Ok(_)) => {}
                _ => panic!("the resource server exited before listening"),
            }
        }
        // Its log goes on to stdout: keep reading, so it never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self(child)
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for_port(port: u16) {
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing listens on {port}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn better_auth_in_nextjs_signs_in_and_the_rust_api_verifies_its_jwts_in_a_browser() {
    let browser = chromium();
    let dir =
        auth_test_harness::node::installed("examples/nextjs-better-auth/web", "node_modules/next");
    let database = auth_test_harness::postgres::fresh_database().await;
    let (web_port, api_port) = (free_port(), free_port());
    let web_url = format!("http://127.0.0.1:{web_port}");
    let api_url = format!("http://127.0.0.1:{api_port}");
    let env = [
        ("DATABASE_URL", database.url.clone()),
        ("BETTER_AUTH_URL", web_url.clone()),
        (
            "BETTER_AUTH_SECRET",
            "a-test-secret-of-at-least-32-characters".to_owned(),
        ),
        ("RUST_API_URL", api_url),
        ("NEXT_TELEMETRY_DISABLED", "1".to_owned()),
    ];
    let screenshots =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nextjs-better-auth-screenshots");
    let report = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // Better Auth's own migrations, as a person runs them: `npm run migrate`.
        run(&dir, "npm", &["run", "migrate"], &env);
        run(&dir, "npx", &["next", "build"], &env);
        let mut next = Command::new("npx");
        next.args([
            "next",
            "start",
            "-H",
            "127.0.0.1",
            "-p",
            &web_port.to_string(),
        ])
        .current_dir(&dir)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
        let _next = Next::start(next);
        wait_for_port(web_port);
        // The Rust API trusts the tokens of Better Auth at the Next.js origin, nothing else.
        let _api = Api::start(api_port, &web_url);
        let output = Command::new("node")
            .args(["--test", "e2e/browser.test.mjs"])
            .current_dir(&dir)
            .env("BASE_URL", &web_url)
            .env("CHROMIUM", &browser)
            .env("SCREENSHOT_DIR", &screenshots)
            .output()
            .expect("node");
        (
            output.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
            screenshots,
        )
    })
    .await
    .expect("join");
    let (ok, text, screenshots) = report;
    println!("{text}\nscreenshots: {}", screenshots.display());
    assert!(
        ok && text.contains("# fail 0"),
        "the browser test failed (screenshots in {}):\n{text}",
        screenshots.display()
    );
}
