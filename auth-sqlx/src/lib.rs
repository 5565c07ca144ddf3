//! # auth-sqlx
//!
//! Stores for [`auth_core`] on Better Auth's own schema (tables `"user"`, `"session"`,
//! `"account"`, `"verification"`, `"jwks"`, quoted camelCase columns, text ids):
//!
//! * [`PgStore`] (feature `postgres`, on by default): PostgreSQL, Neon included (TLS through
//!   rustls). Point it at a database Better Auth created and carry on: its users sign in with
//!   their passwords (scrypt hashes are upgraded to argon2id at the next sign-in), their sessions
//!   stay valid, and its signing keys keep working.
//! * [`SqliteStore`] (feature `sqlite`): an embedded database in a file, nothing to install; the
//!   example server's default.
//!
//! Migrations are embedded and run on demand (`store.migrate()`); they are idempotent and leave a
//! Better Auth database's tables and rows as they are. A call that gets no connection within the
//! acquire timeout (the server unreachable, or the pool exhausted) fails with
//! `StoreError::Unavailable` (HTTP 503 with `Retry-After`); after that, PostgreSQL calls fail at
//! once with `Unavailable` while one call at a time checks whether the database is back, and the
//! first that gets an answer lets the others through again.
//! Signing keys persist in `"jwks"` ([`PgStore::jwt_issuer`]), encrypted as Better Auth does, so
//! every instance signs and verifies with the same keys and a restart logs no one out.

#![forbid(unsafe_code)]
// Without a driver only the key encryption helpers are useful; the rest is unused.
#![cfg_attr(not(any(feature = "postgres", feature = "sqlite")), allow(dead_code))]

#[cfg(any(feature = "postgres", feature = "sqlite"))]
mod availability;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
mod error;
pub mod keys;
mod options;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
mod rate_limit;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
mod rows;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
mod sql;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
mod user_store;

#[cfg(feature = "postgres")]
mod pg;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use options::StoreOptions;
#[cfg(feature = "postgres")]
pub use pg::PgStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// The README's example, compiled (and run) with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
