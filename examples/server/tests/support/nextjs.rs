//! The Next.js front end of examples/nextjs-neon, for the browser tests: installed, built
//! against a backend, started for production, and a `node --test` script of its e2e folder run
//! against it in Chromium.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use auth_test_harness::browser::{ProcessGroup, node_test, run, wait_for_port};

/// examples/nextjs-neon/frontend.
pub fn frontend_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../nextjs-neon/frontend")
}

/// Installs the front end's pinned packages on first use.
pub fn install_frontend() {
    let dir = frontend_dir();
    if !dir.join("node_modules/next").is_dir() {
        run(
            &dir,
            "npm",
            &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
            &[],
        );
    }
}

/// Builds the front end with its rewrites pointing at `backend_url` (Next.js reads them at
/// build time), serves it on 127.0.0.1:`port`, and runs `node --test <script>` (a file of
/// frontend/e2e) with `env` plus `BASE_URL`: whether it passed, and what it printed. The front
/// end is stopped, its whole process group, before this returns. Blocking.
pub fn run_e2e(
    backend_url: &str,
    port: u16,
    script: &str,
    env: &[(&str, &OsStr)],
) -> (bool, String) {
    let dir = frontend_dir();
    let build_env = [
        ("BACKEND_URL", backend_url),
        ("NEXT_TELEMETRY_DISABLED", "1"),
    ];
    run(&dir, "npx", &["next", "build"], &build_env);
    let mut next = Command::new("npx");
    next.args(["next", "start", "-H", "127.0.0.1", "-p", &port.to_string()])
        .current_dir(&dir)
        .envs(build_env)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let _frontend = ProcessGroup::start(next);
    wait_for_port(port);
    let base_url = format!("http://127.0.0.1:{port}");
    let mut envs = vec![("BASE_URL", OsStr::new(&base_url))];
    envs.extend_from_slice(env);
    node_test(&dir, script, &envs)
}

/// What a browser story ([`browser_story`]) did.
pub struct Story {
    /// Whether every step passed.
    pub ok: bool,
    /// What it printed.
    pub text: String,
    /// Where its screenshots are.
    pub screenshots: PathBuf,
}

/// Runs the e2e `script` against the front end ([`run_e2e`]) off the async workers, in the
/// Chromium at `browser`, with `env` and a `SCREENSHOT_DIR` of target/tmp/`screenshots`; prints
/// what it printed and where the screenshots are.
pub async fn browser_story(
    backend_url: String,
    port: u16,
    script: &'static str,
    browser: PathBuf,
    screenshots: &str,
    env: Vec<(&'static str, OsString)>,
) -> Story {
    let screenshots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(screenshots);
    let dir = screenshots.clone();
    let (ok, text) = tokio::task::spawn_blocking(move || {
        let mut envs: Vec<(&str, &OsStr)> = env.iter().map(|(n, v)| (*n, v.as_os_str())).collect();
        envs.push(("CHROMIUM", browser.as_os_str()));
        envs.push(("SCREENSHOT_DIR", dir.as_os_str()));
        run_e2e(&backend_url, port, script, &envs)
    })
    .await
    .expect("join");
    println!("{text}\nscreenshots: {}", screenshots.display());
    Story {
        ok,
        text,
        screenshots,
    }
}
