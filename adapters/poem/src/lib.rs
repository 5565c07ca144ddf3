//! # auth-poem
//!
//! [poem](https://docs.rs/poem) 3 integration for [`auth_core`]: Better Auth's email/password API
//! for a front end using the `better-auth` client, and the current user in your handlers. The
//! crate only translates types; every protocol decision lives in `auth-core`.
//!
//! ```no_run
//! use auth_poem::{AuthRouterExt, CurrentUser};
//! use poem::{Route, get, handler};
//! # async fn run(auth: auth_core::Auth) -> std::io::Result<()> {
//!
//! #[handler]
//! fn me(user: CurrentUser) -> String {
//!     user.user.email.clone()
//! }
//!
//! let app = Route::new()
//!     .at("/api/me", get(me))
//!     // The auth API under /api/auth, the `Auth` for the extractors, and CORS.
//!     .with_auth(&auth);
//! poem::Server::new(poem::listener::TcpListener::bind("127.0.0.1:4000")).run(app).await
//! # }
//! ```
//!
//! The same names in every adapter (`auth-axum`, `auth-poem`, `auth-salvo`):
//!
//! | item | what it does |
//! | --- | --- |
//! | [`routes`] | a `Route` serving the auth API, to nest (unstripped) at the base path |
//! | [`install`] | middleware around the whole app: `Auth` for the extractors, and CORS |
//! | [`require_auth`] | middleware that guards a subtree (401 without credentials) |
//! | [`optional_auth`] | middleware that identifies a subtree's callers, requiring none |
//! | [`CurrentUser`] | the authenticated caller; 401 with Better Auth's JSON otherwise |
//! | [`MaybeUser`] | the caller if authenticated, else `None` |
//! | [`Jwt<C>`](Jwt) | a verified bearer JWT with claims of your own type |
//! | [`AuthRouterExt::with_auth`] | poem sugar: [`routes`] and [`install`] in one call |

#![forbid(unsafe_code)]

mod convert;
mod extract;
mod middleware;
mod routes;

pub use extract::{CurrentUser, Jwt, MaybeUser};
pub use middleware::{Install, OptionalAuth, RequireAuth, install, optional_auth, require_auth};
pub use routes::{AuthRouterExt, routes};

/// The README's example, compiled (and run) with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
