//! # auth-poem
//!
//! [poem](https://docs.rs/poem) 3 integration for [`auth_core`]: Better Auth's email/password API
//! for a front end using the `better-auth` client, and the current user in your handlers. The
//! crate only translates types; every protocol decision lives in `auth-core`.
//!
//! ```no_run
//! use auth_poem::{AuthRouteExt, CurrentUser};
//! use poem::{EndpointExt, Route, get, handler};
//! # async fn run(auth: auth_core::Auth) -> std::io::Result<()> {
//!
//! #[handler]
//! fn me(user: CurrentUser) -> String {
//!     user.user.email.clone()
//! }
//!
//! let app = Route::new()
//!     .at("/api/me", get(me))
//!     .auth_routes(&auth) // the auth API under /api/auth
//!     .with(auth_poem::install(auth)); // `Auth` for the extractors, and CORS
//! poem::Server::new(poem::listener::TcpListener::bind("127.0.0.1:4000")).run(app).await
//! # }
//! ```
//!
//! | item | what it does |
//! | --- | --- |
//! | [`AuthEndpoint`] / [`AuthRouteExt::auth_routes`] | the auth API under the base path |
//! | [`install`] | middleware: makes `Auth` available to the extractors, adds CORS |
//! | [`CurrentUser`] | the authenticated caller; 401 with Better Auth's JSON otherwise |
//! | [`MaybeUser`] | the caller if authenticated, else `None` |
//! | [`Jwt<C>`](Jwt) | a verified bearer JWT with claims of your own type |
//! | [`require_auth`] | middleware that guards a subtree |

#![forbid(unsafe_code)]

mod convert;
mod endpoint;
mod extract;
mod middleware;

pub use endpoint::{AuthEndpoint, AuthRouteExt};
pub use extract::{CurrentUser, Jwt, MaybeUser};
pub use middleware::{Install, RequireAuth, install, require_auth};
