//! The conformance suite's support: the transcripts recorded from a real Better Auth 1.7.25
//! server (`tests/conformance/fixtures/better-auth-1.7.25-transcripts.md`, for the email flows
//! `…-email-transcripts.md`, for social sign-in `…-social-transcripts.md`, for two-factor
//! authentication `…-2fa-transcripts.md`), parsed into exchanges, the comparison rules, and the
//! substitution of our values for recorded ones.

pub mod browser;
pub mod compare;
pub mod golden;
pub mod substitute;
pub mod transcript;

/// The repository README's quickstart, compiled with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
