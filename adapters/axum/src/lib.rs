//! # auth-axum
//!
//! [axum](https://docs.rs/axum) 0.8 integration for [`auth_core`]: Better Auth's email/password
//! API for a Next.js front end using the `better-auth` client, and the current user in your
//! handlers. The crate only translates types; every protocol decision lives in `auth-core`.
//!
//! ```no_run
//! use axum::{Json, Router, routing::get};
//! use auth_axum::{AuthRouterExt, CurrentUser};
//! # async fn run(auth: auth_core::Auth) {
//!
//! async fn me(user: CurrentUser) -> Json<auth_core::model::User> {
//!     Json(user.user.clone())
//! }
//!
//! let app: Router = Router::new()
//!     .route("/api/me", get(me))
//!     // The auth API under /api/auth, the `Auth` for the extractors, and CORS.
//!     .with_auth(&auth);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:4000").await.unwrap();
//! // With the socket's address, which the rate limits count by.
//! let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
//! axum::serve(listener, app).await.unwrap();
//! # }
//! ```
//!
//! Serve the app with `into_make_service_with_connect_info::<SocketAddr>()` as above: the
//! protocol rate-limits sign-in, sign-up and password changes per client address, and axum
//! tells a handler the address only that way (behind a proxy, see
//! `AuthConfigBuilder::client_ip_header` instead).
//!
//! The same names in every adapter (`auth-axum`, `auth-poem`, `auth-salvo`):
//!
//! | item | what it does |
//! | --- | --- |
//! | [`routes`] | a `Router` serving the auth API under the base path, to merge |
//! | [`install`] | the layer around the whole app: `Auth` for the extractors, and CORS |
//! | [`require_auth`] | a layer that guards a subtree (401 without credentials) |
//! | [`optional_auth`] | a layer that identifies a subtree's callers, requiring none |
//! | [`CurrentUser`] | the authenticated caller; 401 with Better Auth's JSON otherwise |
//! | [`MaybeUser`] | the caller if authenticated, else `None` |
//! | [`Jwt<C>`](Jwt) | a verified bearer JWT with claims of your own type |
//! | [`AuthRouterExt::with_auth`] | axum sugar: [`routes`] and [`install`] in one call |

#![forbid(unsafe_code)]

mod extract;
mod rejection;
mod routes;

pub use extract::{CurrentUser, Jwt, MaybeUser};
pub use rejection::AuthRejection;
pub use routes::{AuthRouterExt, install, optional_auth, require_auth, routes};

/// The README's example, compiled (and run) with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
