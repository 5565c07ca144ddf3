//! The npm packages the tests run (Better Auth's client and server, maildev), each pinned by
//! its lockfile in a folder of the repository and installed with `npm ci` on first use.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::http::{self, Reply};

/// The repository folder `relative` (such as `tests/mail-catcher`), with its packages installed:
/// `npm ci` runs when `marker` (a path inside it, such as `node_modules/maildev`) is missing.
///
/// # Panics
///
/// When Node.js or npm is missing, or `npm ci` fails, saying which.
pub fn installed(relative: &str, marker: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative);
    if dir.join(marker).exists() {
        return dir;
    }
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("npm is needed for this test: install Node.js 20.19 or newer with npm ({e})")
        });
    assert!(
        output.status.success(),
        "npm ci in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}

/// A Node program of one of the test packages, started in a process group of its own, that exits
/// with its stdin (so it dies with the test process) and is killed when dropped.
pub(crate) struct NodeProgram {
    name: &'static str,
    url: String,
    port: u16,
    child: Child,
    log: PathBuf,
    // Held open: the program exits when it closes.
    _stdin: Option<ChildStdin>,
}

impl NodeProgram {
    /// Starts `node <program>` in the package folder `package` (installed until `marker`
    /// exists) with `PORT=0` and `env`, and waits for its ready line
    /// (`listening on http://127.0.0.1:<port>`). Its stderr goes to a log file that the panics
    /// show.
    pub(crate) fn start(
        package: &str,
        marker: &str,
        program: &'static str,
        env: &[(&str, &str)],
    ) -> Self {
        use std::os::unix::process::CommandExt;
        let dir = installed(package, marker);
        let log = std::env::temp_dir().join(format!(
            "auth-node-{}-{}-{}.log",
            program.trim_end_matches(".mjs"),
            std::process::id(),
            unique()
        ));
        let log_file = std::fs::File::create(&log).expect("create the provider's log file");
        let mut child = Command::new("node")
            .arg(program)
            .current_dir(&dir)
            .env("PORT", "0")
            .env("EXIT_ON_STDIN_CLOSE", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start `node {program}` (install Node.js 20.19 or newer): {e}")
            });
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("the program's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("listening on ") {
                        break url.trim().to_owned();
                    }
                }
                Err(_) => {
                    let _ = Command::new("sh")
                        .args(["-c", &format!("kill -KILL -{} 2>/dev/null", child.id())])
                        .status();
                    let _ = child.wait();
                    panic!(
                        "`node {program}` in {} printed no `listening on` line within 60 s; its stderr:\n{}",
                        dir.display(),
                        std::fs::read_to_string(&log).unwrap_or_default()
                    );
                }
            }
        };
        let port = url
            .strip_prefix("http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!("`node {program}`: a ready line without a loopback port: {url}")
            });
        Self {
            name: program,
            url,
            port,
            child,
            log,
            _stdin: stdin,
        }
    }

    /// What the program wrote to stderr so far.
    pub(crate) fn stderr(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// One request to the program; panics (showing its stderr) when it does not answer.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            panic!(
                "`node {}` is not running; its stderr:\n{}",
                self.name,
                self.stderr()
            );
        }
        http::request(self.port, method, path, headers, body)
    }

    /// The base URL from the ready line.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The port it listens on.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// POSTs `body` as JSON to a control route and returns the JSON answer (panics on an error).
    pub(crate) fn control(&self, path: &str, body: &Value) -> Value {
        let text = body.to_string();
        let reply = self.request(
            "POST",
            path,
            &[("content-type", "application/json")],
            Some(text.as_bytes()),
        );
        assert_eq!(
            reply.status,
            200,
            "{} {path} {text}: {}",
            self.name,
            reply.text()
        );
        reply.json()
    }
}

impl Drop for NodeProgram {
    fn drop(&mut self) {
        let _ = Command::new("sh")
            .args([
                "-c",
                &format!("kill -KILL -{} 2>/dev/null", self.child.id()),
            ])
            .status();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A number no other call in this process got (for file names).
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
