//! The resource server's binary, for its tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use auth_test_harness::http::{Reply, request};
use auth_test_harness::postgres::free_port;

/// The example's binary, listening on a free port; killed when dropped.
pub struct Api {
    /// Where it listens.
    pub port: u16,
    child: Child,
}

impl Api {
    /// Starts it on a free port, trusting `issuer`'s tokens with the keys at `jwks_url`.
    pub fn start(jwks_url: &str, issuer: &str) -> Self {
        Self::start_on(free_port(), jwks_url, issuer)
    }

    /// [`Api::start`] on `port`.
    pub fn start_on(port: u16, jwks_url: &str, issuer: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_auth-example-resource-server"))
            .env("AUTH_JWKS_URL", jwks_url)
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
        Self { port, child }
    }

    /// `GET /api/me` with `bearer` as the JWT, if any.
    pub fn me(&self, bearer: Option<&str>) -> Reply {
        let authorization = bearer.map(|jwt| format!("Bearer {jwt}"));
        let headers: Vec<(&str, &str)> = authorization
            .as_deref()
            .map(|value| vec![("authorization", value)])
            .unwrap_or_default();
        request(self.port, "GET", "/api/me", &headers, None)
    }
}

impl Drop for Api {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
