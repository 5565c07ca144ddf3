//! Runs the example server binary the way a user does, and talks to it over plain HTTP/1.1 (what
//! curl does), so the tests see exactly what a client sees.
#![allow(dead_code)]

pub mod nextjs;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

pub use auth_test_harness::http::{Reply, request};

static DIRS: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty working folder (the server keeps its SQLite file and dev secret there).
pub fn fresh_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "example-{}-{}",
        std::process::id(),
        DIRS.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("working folder");
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

/// A running example server.
pub struct Server {
    pub port: u16,
    child: Child,
    pub output: mpsc::Receiver<String>,
}

/// The command for the server binary, with none of the auth or database variables of this
/// process's environment.
pub fn command(dir: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auth-example-server"));
    command.current_dir(dir).arg("--port").arg(port.to_string());
    for name in [
        "AUTH_SECRET",
        "BETTER_AUTH_SECRET",
        "AUTH_BASE_URL",
        "BETTER_AUTH_URL",
        "AUTH_TRUSTED_ORIGINS",
        "DATABASE_URL",
        "DATABASE_LISTEN_URL",
        "AUTH_SESSION_CACHE",
        "AUTH_SESSION_CACHE_TTL",
        "AUTH_REVOCATION_CACHE_TTL",
        "PORT",
        "HOST",
        "APP_ENV",
        "NODE_ENV",
        "RUST_LOG",
        "SMTP_URL",
        "SMTP_CA_FILE",
        "MAIL_FROM",
        "APP_NAME",
        "MAIL_RETRY_MAX",
        // Social sign-in: no provider unless a test switches it on.
        "GITHUB_CLIENT_ID",
        "GITHUB_CLIENT_SECRET",
        "GITHUB_WEB_URL",
        "GITHUB_API_URL",
        "GOOGLE_CLIENT_ID",
        "GOOGLE_CLIENT_SECRET",
        "GOOGLE_AUTHORIZE_URL",
        "GOOGLE_TOKEN_URL",
        "GOOGLE_CERTS_URL",
        "OIDC_ISSUER",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "OIDC_PROVIDER_ID",
        "AUTH_TRUSTED_PROVIDERS",
    ] {
        command.env_remove(name);
    }
    command
}

impl Server {
    /// Starts the server from `command` and waits until it listens.
    pub fn start(mut command: Command, port: u16) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the example server");
        let (tx, rx) = mpsc::channel();
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        let server = Server {
            port,
            child,
            output: rx,
        };
        server.wait_for("listening on");
        server
    }

    /// Waits for an output line containing `needle`, returning all lines seen until then.
    pub fn wait_for(&self, needle: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            match self.output.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let hit = line.contains(needle);
                    seen.push(line);
                    if hit {
                        return seen;
                    }
                }
                Err(_) => panic!(
                    "the server never printed {needle:?}; it printed:\n{}",
                    seen.join("\n")
                ),
            }
        }
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn terminate(mut self) -> Vec<String> {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
        let exit = self.child.wait().expect("wait");
        assert!(exit.success(), "the server exited with {exit}");
        self.output.try_iter().collect()
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        request(self.port, method, path, headers, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
