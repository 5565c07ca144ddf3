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
//! | [`auth`] | [`Auth`], the handle the flows hang off, and its builder |
//! | [`config`] | [`AuthConfig`](config::AuthConfig), its builder and the environment variables |
//! | [`error`] | [`AuthError`]: why a flow failed, with Better Auth's code and message |
//! | [`flows`] | the flows' inputs and outputs (the flows are methods on [`Auth`]) |
//! | [`model`] | users, sessions, accounts, second factors, ids, `Email`, `Password`, timestamps |
//! | [`store`] | the [`UserStore`](store::UserStore) and [`RateLimitStore`](store::RateLimitStore) traits, in-memory stores |
//! | [`hash`] | the [`PasswordHasher`](hash::PasswordHasher) trait, argon2id, Better Auth's scrypt, the pool |
//! | [`token`] | the [`TokenIssuer`](token::TokenIssuer) trait, [`JwtIssuer`](token::JwtIssuer), keys, JWKS |
//! | [`rate_limit`] | Better Auth's rate-limit rules |
//! | [`http`] | the protocol as a `tower::Service`, the guard, CORS and install layers, who is calling |
//! | [`social`] | social sign-in: the [`SocialProvider`](social::SocialProvider) trait; GitHub, Google and OpenID Connect providers (feature `social`) |
//! | [`two_factor`] | two-factor authentication's building blocks: Better Auth's encryption of stored secrets, TOTP and its URI, backup codes |
//! | [`mail`] | the [`Mailer`](mail::Mailer) trait, messages and their templates, the console mailer |
//! | [`outbox`] | the worker that sends the mail the flows commit to the store |
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
//! let config = AuthConfig::builder("0123456789abcdef0123456789abcdef", "http://localhost:3000").build()?;
//! let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519())?;
//! let auth = Auth::builder().config(config).store(MemoryStore::new()).issuer(issuer).default_hasher().build();
//!
//! let client = ClientInfo::default();
//! let email = Email::parse("Ada@Example.com")?;
//! auth.sign_up(SignUp::new("Ada", email.clone(), Password::new("correct horse battery")), &client).await?;
//!
//! let signed_in = auth.sign_in(SignIn::new(email, Password::new("correct horse battery")), &client).await?;
//! let session = auth.get_session(&signed_in.session.token, true).await?.expect("signed in");
//! let jwt = auth.issue_token(&session.current)?;
//! assert_eq!(auth.verify_token(jwt.expose()).await?.email, "ada@example.com");
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
pub mod invalidation;
pub mod mail;
pub mod model;
pub mod outbox;
pub mod rate_limit;
pub mod social;
pub mod store;
pub mod token;
pub mod two_factor;

pub use auth::{Auth, AuthBuilder};
pub use error::AuthError;

/// A boxed error kept as the cause (`source`) of a failure, for logs.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The README's example, compiled (and run) with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
