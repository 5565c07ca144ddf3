//! examples/nextjs-neon end to end: the Rust backend on PostgreSQL, mailing through a real SMTP
//! server (maildev, tests/mail-catcher), the Next.js front end built and started for production,
//! and a real headless Chromium driving it as a person does
//! (examples/nextjs-neon/frontend/e2e/browser.test.mjs): register, verify by the mailed link,
//! forgot password, reset by the link, sign in with the new password, change of email, deletion.
//! Screenshots of every step are kept in target/tmp/nextjs-neon-screenshots.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use auth_test_harness::mail::MailCatcher;
use support::{Server, command, free_port, fresh_dir};

fn frontend_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../nextjs-neon/frontend")
}

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
/// only the parent of the `next-server` that listens, and killing `npx` alone left that server
/// running after the tests.
struct Frontend(Child);

impl Frontend {
    fn start(mut command: Command) -> Self {
        use std::os::unix::process::CommandExt;
        Self(command.process_group(0).spawn().expect("next start"))
    }

    /// Sends `signal` to every process of the group (`kill -SIG -PGID`).
    fn signal_group(&self, signal: &str) {
        // The shell's own `kill`, which every system has.
        let _ = Command::new("sh")
            .args(["-c", &format!("kill {signal} -{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Frontend {
    fn drop(&mut self) {
        // TERM to the group, then (whoever is still there after 5 s) KILL; the group's other
        // members may outlive `npx`, so KILL goes out in any case (to an empty group it is a
        // no-op). The end of the test command checks that nothing was left.
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

fn wait_for_port(port: u16) {
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing listens on {port}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_registers_verifies_resets_the_password_and_signs_in_again_in_a_browser() {
    let browser = chromium();
    let dir = frontend_dir();
    if !dir.join("node_modules/next").is_dir() {
        run(
            &dir,
            "npm",
            &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
            &[],
        );
    }

    let database = auth_test_harness::postgres::fresh_database().await;
    // In a process group of its own, stopped when dropped (at the end, or on a panic).
    let catcher = MailCatcher::start();
    let (backend_port, frontend_port) = (free_port(), free_port());
    let frontend_url = format!("http://127.0.0.1:{frontend_port}");
    let backend_url = format!("http://127.0.0.1:{backend_port}");
    let mut backend = command(&fresh_dir(), backend_port);
    // The browser reaches the auth API through the front end's origin: that is the public URL.
    backend
        .env("DATABASE_URL", &database.url)
        .env("AUTH_BASE_URL", &frontend_url)
        // The email flows of the front end, as examples/nextjs-neon/backend/.env.example has them.
        .env("SMTP_URL", catcher.smtp_url())
        .env("APP_NAME", "Notes")
        .env("AUTH_REQUIRE_EMAIL_VERIFICATION", "on")
        .env("AUTH_AUTO_SIGN_IN_AFTER_VERIFICATION", "on")
        .env("AUTH_CHANGE_EMAIL", "on")
        .env("AUTH_DELETE_USER", "on");
    // The story expects a change of email mailed to the new address only, a deletion at once
    // (with the password), and no mail on a refused sign-in: whatever this shell exported.
    for name in [
        "AUTH_EMAIL_SEND_ON_SIGN_UP",
        "AUTH_EMAIL_SEND_ON_SIGN_IN",
        "AUTH_PASSWORD_RESET",
        "AUTH_CHANGE_EMAIL_CONFIRMATION",
        "AUTH_DELETE_USER_CONFIRMATION",
        "AUTH_RATE_LIMIT",
    ] {
        backend.env_remove(name);
    }
    let _backend = Server::start(backend, backend_port);

    let env = [
        ("BACKEND_URL", backend_url),
        ("NEXT_TELEMETRY_DISABLED", "1".to_owned()),
    ];
    let screenshots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nextjs-neon-screenshots");
    let maildev = catcher.web_url();
    let report = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run(&dir, "npx", &["next", "build"], &env);
        let mut next = Command::new("npx");
        next.args([
            "next",
            "start",
            "-H",
            "127.0.0.1",
            "-p",
            &frontend_port.to_string(),
        ])
        .current_dir(&dir)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        let _frontend = Frontend::start(next);
        wait_for_port(frontend_port);
        let output = Command::new("node")
            .args(["--test", "e2e/browser.test.mjs"])
            .current_dir(&dir)
            .env("BASE_URL", &frontend_url)
            .env("MAILDEV_URL", &maildev)
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
