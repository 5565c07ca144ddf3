//! # auth-salvo
//!
//! [salvo](https://docs.rs/salvo) 1 integration for [`auth_core`]: Better Auth's email/password
//! API for a front end using the `better-auth` client, and the current user in your handlers
//! through the `Depot`. The crate only translates types; every protocol decision lives in
//! `auth-core`.
//!
//! ```no_run
//! use auth_salvo::{AuthRouterExt, CurrentUser};
//! use salvo::prelude::*;
//! # async fn run(auth: auth_core::Auth) {
//!
//! #[handler]
//! async fn me(user: CurrentUser) -> String {
//!     user.user.email.clone()
//! }
//!
//! let router = Router::new()
//!     // The auth API under /api/auth, the `Auth` for the extractors, and CORS.
//!     .with_auth(&auth)
//!     .push(Router::with_path("api/me").get(me));
//! let acceptor = TcpListener::new("127.0.0.1:4000").bind().await;
//! Server::new(acceptor).serve(router).await;
//! # }
//! ```
//!
//! The same names in every adapter (`auth-axum`, `auth-poem`, `auth-salvo`):
//!
//! | item | what it does |
//! | --- | --- |
//! | [`routes`] | a `Router` serving the auth API under the base path, to push |
//! | [`install`] | the root hoop: `Auth` for the extractors, and CORS |
//! | [`require_auth`] | a hoop that guards a subtree (401 without credentials) |
//! | [`optional_auth`] | a hoop that identifies a subtree's callers, requiring none |
//! | [`CurrentUser`] | the authenticated caller; 401 with Better Auth's JSON otherwise |
//! | [`MaybeUser`] | the caller if authenticated, else `None` |
//! | [`Jwt<C>`](Jwt) | a verified bearer JWT with claims of your own type |
//! | [`AuthRouterExt::with_auth`] | salvo sugar: [`install`] and [`routes`] in one call |
//! | [`DepotAuthExt`] | salvo sugar: `depot.current_user()` behind a guard hoop |

#![forbid(unsafe_code)]

mod convert;
mod depot;
mod extract;
mod hoops;
mod routes;

pub use depot::DepotAuthExt;
pub use extract::{CurrentUser, Jwt, MaybeUser};
pub use hoops::{Install, OptionalAuth, RequireAuth, install, optional_auth, require_auth};
pub use routes::{AuthRouterExt, routes};

/// The README's example, compiled (and run) with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
