//! # auth-core
//!
//! Email/password authentication that speaks [Better Auth]'s wire protocol, for Rust services:
//! sign-up, sign-in, sign-out, sliding sessions, long-lived JWT access tokens with a JWKS, and
//! password changes — without a web framework or a database. Adapters (`auth-axum`,
//! `auth-poem`, `auth-salvo`) mount it in a framework; `auth-sqlx` stores it in PostgreSQL or
//! SQLite, on Better Auth's own schema.
//!
//! | module | holds |
//! | --- | --- |
//! | [`auth`] | [`Auth`], the handle, and its builder |
//! | [`config`] | [`AuthConfig`](config::AuthConfig), defaults and `from_env` |
//! | [`error`] | [`AuthError`]: code, message, HTTP status |
//! | [`model`] | users, sessions, accounts, `Email`, `Password`, ids, timestamps |
//! | [`store`] | the [`UserStore`](store::UserStore) trait and [`MemoryStore`](store::MemoryStore) |
//! | [`hash`] | the [`PasswordHasher`](hash::PasswordHasher) trait, argon2id, Better Auth's scrypt, the pool |
//! | [`token`] | the [`TokenIssuer`](token::TokenIssuer) trait, [`JwtIssuer`](token::JwtIssuer), keys, JWKS |
//! | [`flows`] | the flows' inputs and outputs (the flows are methods on [`Auth`]) |
//! | [`clock`] | where time comes from |
//!
//! ## Quickstart
//!
//! ```
//! use auth_core::{Auth, config::AuthConfig, flows::{SignIn, SignUp}, model::{ClientInfo, Email, Password}};
//! use auth_core::{store::MemoryStore, token::{JwtIssuer, JwtKey}};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = AuthConfig::new("0123456789abcdef0123456789abcdef", "http://localhost:3000")?;
//! let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519())?;
//! let auth = Auth::builder().config(config).store(MemoryStore::new()).issuer(issuer).default_hasher().build();
//!
//! let client = ClientInfo::default();
//! let email = Email::parse("Ada@Example.com")?;
//! auth.sign_up(SignUp {
//!     name: "Ada".into(),
//!     email: email.clone(),
//!     password: Password::new("correct horse battery"),
//!     image: None,
//!     remember_me: true,
//! }, &client).await?;
//!
//! let signed_in = auth.sign_in(SignIn {
//!     email,
//!     password: Password::new("correct horse battery"),
//!     remember_me: true,
//! }, &client).await?;
//! let session = auth.get_session(&signed_in.session.token, true).await?.expect("signed in");
//! let jwt = auth.issue_token(&session.current)?;
//! assert_eq!(auth.verify_token(&jwt).await?.email, "ada@example.com");
//! # Ok(())
//! # }
//! ```
//!
//! [Better Auth]: https://www.better-auth.com

#![forbid(unsafe_code)]

pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
pub mod flows;
pub mod hash;
pub mod http;
pub mod model;
pub mod rate_limit;
pub mod store;
pub mod token;

pub use auth::Auth;
pub use error::AuthError;
