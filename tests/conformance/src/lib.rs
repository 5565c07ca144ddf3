//! The conformance suite's support: the transcripts recorded from a real Better Auth 1.7.25
//! server (`fixtures/better-auth-1.7.25-transcripts.md`, a copy of
//! shared/spec/better-auth-transcripts.md), parsed into exchanges, and the comparison rules.

pub mod compare;
pub mod transcript;
