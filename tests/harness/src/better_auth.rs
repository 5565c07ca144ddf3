//! A real Better Auth server (tests/better-auth-server: `better-auth` 1.7.25 with `jwt()` and
//! `bearer()`, installed with `npm ci` on first use) on a database of the test's, in a process
//! group of its own that is stopped when dropped.

use crate::http;
use crate::node::NodeProgram;

/// A running Better Auth server.
pub struct BetterAuthServer {
    /// Its base URL (`http://127.0.0.1:<port>`): the issuer and audience of its JWTs.
    pub url: String,
    port: u16,
    // Stopped when dropped; exits with this process.
    _program: NodeProgram,
}

impl BetterAuthServer {
    /// Starts Better Auth on `database_url` with extra environment `env` (`JWT_ALG`,
    /// `JWKS_ROTATION_INTERVAL`, …; see its README), and waits until it listens.
    ///
    /// # Panics
    ///
    /// When Node.js/npm are missing or the server does not start, saying why.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let mut all = vec![
            ("DATABASE_URL", database_url),
            (
                "BETTER_AUTH_SECRET",
                "better-auth-test-secret-0123456789abcdef",
            ),
        ];
        all.extend_from_slice(env);
        let program = NodeProgram::start(
            "tests/better-auth-server",
            "node_modules/better-auth",
            "server.mjs",
            &all,
        );
        Self {
            url: program.url().to_owned(),
            port: program.port(),
            _program: program,
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
