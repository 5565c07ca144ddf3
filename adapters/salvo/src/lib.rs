//! # auth-salvo
//!
//! [salvo](https://docs.rs/salvo) 1 integration for [`auth_core`]: Better Auth's email/password
//! API for a front end using the `better-auth` client, and the current user in your handlers
//! through the `Depot`. The crate only translates types; every protocol decision lives in
//! `auth-core`.
//!
//! ```no_run
//! use auth_salvo::DepotAuthExt;
//! use salvo::prelude::*;
//! # async fn run(auth: auth_core::Auth) {
//!
//! #[handler]
//! async fn me(depot: &mut Depot) -> String {
//!     depot.current_user().map(|u| u.user.email.clone()).unwrap_or_default()
//! }
//!
//! let router = Router::new()
//!     .hoop(auth_salvo::install(auth.clone())) // `Auth` in the Depot, and CORS
//!     .push(auth_salvo::routes(&auth)) // the auth API under /api/auth
//!     .push(Router::with_path("api/me").hoop(auth_salvo::require_auth(&auth)).get(me));
//! let acceptor = TcpListener::new("127.0.0.1:4000").bind().await;
//! Server::new(acceptor).serve(router).await;
//! # }
//! ```
//!
//! | item | what it does |
//! | --- | --- |
//! | [`routes`] | a `Router` serving the auth API under the base path |
//! | [`install`] | hoop: puts `Auth` in the `Depot`, answers CORS |
//! | [`require_auth`] | hoop: 401 with Better Auth's JSON without credentials; else the caller in the `Depot` |
//! | [`optional_auth`] | hoop: the caller in the `Depot` when the request authenticates |
//! | [`DepotAuthExt`] | `depot.current_user()` in handlers |

#![forbid(unsafe_code)]

mod convert;
mod depot;
mod hoops;
mod routes;

pub use depot::DepotAuthExt;
pub use hoops::{Install, OptionalAuth, RequireAuth, install, optional_auth, require_auth};
pub use routes::{AuthHandler, routes};
