//! A real Better Auth server (tests/better-auth-server: `better-auth` 1.7.25 with `jwt()` and
//! `bearer()`, installed with `npm ci` on first use) on a database of the test's, in a process
//! group of its own that is stopped when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http;

/// A running Better Auth server.
pub struct BetterAuthServer {
    /// Its base URL (`http://127.0.0.1:<port>`): the issuer and audience of its JWTs.
    pub url: String,
    port: u16,
    child: Child,
    // Held open: the server exits when it closes (if this process dies, so does it).
    _stdin: Option<ChildStdin>,
}

impl BetterAuthServer {
    /// Starts Better Auth on `database_url` with extra environment `env` (`JWT_ALG`,
    /// `JWKS_ROTATION_INTERVAL`, …; see its README), and waits until it listens.
    ///
    /// # Panics
    ///
    /// When Node.js/npm are missing or the server does not start, saying why.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        use std::os::unix::process::CommandExt;
        let dir = crate::node::installed("tests/better-auth-server", "node_modules/better-auth");
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .env("DATABASE_URL", database_url)
            .env(
                "BETTER_AUTH_SECRET",
                "better-auth-test-secret-0123456789abcdef",
            )
            .env("PORT", "0")
            .env("EXIT_ON_STDIN_CLOSE", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start node: {e}"));
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
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
                Err(_) => panic!("the Better Auth server did not start (its stderr is above)"),
            }
        };
        let port = url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port in the ready line");
        Self {
            url,
            port,
            child,
            _stdin: stdin,
        }
    }

    /// Signs up `email` and returns the bearer token (`set-auth-token`).
    pub fn sign_up(&self, email: &str) -> String {
        let body =
            format!(r#"{{"name":"Ada","email":"{email}","password":"correct horse battery"}}"#);
        let reply = http::request(
            self.port,
            "POST",
            "/api/auth/sign-up/email",
            &[("content-type", "application/json"), ("origin", &self.url)],
            Some(body.as_bytes()),
        );
        assert_eq!(reply.status, 200, "Better Auth sign-up: {}", reply.text());
        reply
            .header("set-auth-token")
            .expect("set-auth-token")
            .to_owned()
    }

    /// A JWT for the session of `bearer` (`GET /api/auth/token`).
    pub fn jwt(&self, bearer: &str) -> String {
        let reply = http::request(
            self.port,
            "GET",
            "/api/auth/token",
            &[("authorization", &format!("Bearer {bearer}"))],
            None,
        );
        assert_eq!(reply.status, 200, "Better Auth token: {}", reply.text());
        reply.json()["token"].as_str().expect("token").to_owned()
    }

    /// Mints a new signing key now (`?retire=1`: and expires the others, as a scheduled
    /// rotation does).
    pub fn rotate(&self, retire: bool) {
        let path = if retire {
            "/__rotate?retire=1"
        } else {
            "/__rotate"
        };
        let reply = http::request(self.port, "POST", path, &[], None);
        assert_eq!(reply.status, 200, "rotate: {}", reply.text());
    }
}

impl Drop for BetterAuthServer {
    fn drop(&mut self) {
        let _ = Command::new("sh")
            .args([
                "-c",
                &format!("kill -KILL -{} 2>/dev/null", self.child.id()),
            ])
            .status();
        let _ = self.child.wait();
    }
}
