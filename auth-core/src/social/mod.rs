//! Social sign-in ("Continue with GitHub / Google"): the [`SocialProvider`] trait the flows
//! talk to, the state each flow keeps, and (feature `social`) the built-in providers:
//! [`GitHub`], [`Google`] and any OpenID Connect provider ([`Oidc`], from its discovery
//! document).
//!
//! The flows follow Better Auth 1.7's wire contract (`POST /sign-in/social`,
//! `GET /callback/:provider`, `POST /link-social`, `GET /list-accounts`, …) and store
//! accounts as it does, with these deliberate differences, none visible to its client:
//!
//! - every ID token is verified, the one from a token endpoint included (Better Auth only
//!   decodes it), with the provider's keys cached by the remote key source;
//! - a state is bound to the provider it was made for, and used once;
//! - the state cookie lives as long as the state (Better Auth's dies 5 minutes earlier);
//! - scopes are split on commas as well as spaces and merged without repeats (GitHub's
//!   comma-separated scope string no longer doubles on every re-link);
//! - the form-post callback only redirects, so it needs no Origin check;
//! - the account routes answer 401 with a JSON error, never an empty body.

mod provider;
pub(crate) mod state;

#[cfg(feature = "social")]
mod client;
#[cfg(feature = "social")]
mod github;
#[cfg(feature = "social")]
mod google;
#[cfg(feature = "social")]
mod id_token;
#[cfg(feature = "social")]
mod oidc;

pub use provider::{
    AuthorizationRequest, ProviderError, ProviderTokens, ProviderUser, SocialProvider,
};

#[cfg(feature = "social")]
pub use client::{ClientAuth, Endpoint, ProviderClient};
#[cfg(feature = "social")]
pub use github::GitHub;
#[cfg(feature = "social")]
pub use google::Google;
#[cfg(feature = "social")]
pub use oidc::{Oidc, OidcError, OidcMetadata};
