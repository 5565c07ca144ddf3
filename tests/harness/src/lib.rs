//! Test support shared by the workspace's test suites (not published).
//!
//! [`http`]: a minimal HTTP/1.1 client that shows responses as a client sees them.
//!
//! [`browser`]: Chromium, servers in process groups, ports: what the browser tests share.
//!
//! [`better_auth`]: a real Better Auth server (the npm package) whose JWTs the verify-only
//! tests check.
//!
//! [`oauth`]: real OAuth 2.0 / OpenID Connect providers for social sign-in: a fake GitHub and
//! Google that check what a client sends and log it, and panva's certified `oidc-provider` with
//! login and consent pages a test drives over plain HTTP or in Chromium.
//!
//! [`mail`]: a real SMTP server (maildev) whose inbox the tests read, and can stop and restart.
//!
//! [`postgres`]: a real PostgreSQL server for tests. `DATABASE_URL` when it is set; otherwise a
//! throwaway cluster started from the installed PostgreSQL binaries, in a temporary folder on a
//! free loopback port, stopped and removed when the test process ends. Each test gets a fresh
//! database. When no PostgreSQL can be found or started, the test fails with a message that says
//! what to install: nothing is skipped.

pub mod better_auth;
pub mod browser;
pub mod http;
pub mod mail;
pub mod node;
pub mod oauth;
pub mod postgres;
