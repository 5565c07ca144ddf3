//! What the golden replays share: our answer in the recording's terms, and the report of the
//! exchanges that differ.

use std::sync::Arc;

use auth_core::Auth;
use auth_core::clock::ManualClock;
use auth_core::config::AuthConfig;
use auth_core::hash::{Argon2Hasher, Argon2Params, HashPool};
use auth_core::mail::ConsoleMailer;
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::Response;
use serde_json::Value;
use sha2::Sha256;

use crate::transcript::Exchange;

/// The auth secret of the recordings' server (a throwaway reference configuration), so that
/// our cookies and tokens are signed as its were.
pub const SECRET: &str = "throwaway-reference-secret-0123456789abcdef0123456789abcdef";

/// HMAC-SHA-256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// `value.base64(HMAC-SHA256(SECRET, value))`: how Better Auth signs its cookies and
/// `set-auth-token`.
pub fn signed(value: &str) -> String {
    format!(
        "{value}.{}",
        STANDARD.encode(hmac_sha256(SECRET.as_bytes(), value.as_bytes()))
    )
}

/// An `Auth` on `config` as the replays run one: a fresh signing key, `store`, the manual
/// `clock`, a cheap password hash (hashes are not on the wire; it keeps the replay fast) and a
/// mailer (the replays read the mails from the store's outbox).
pub fn replay_server(config: AuthConfig, store: &Arc<MemoryStore>, clock: &ManualClock) -> Auth {
    Auth::builder()
        .issuer(JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer"))
        .config(config)
        .store(Arc::clone(store))
        .hasher(
            Argon2Hasher::new(Argon2Params::new(64, 1, 1), HashPool::new(2, 64)).expect("hasher"),
        )
        .clock(clock.clone())
        .mailer(ConsoleMailer::new())
        .build()
}

/// Our answer to a replayed request, as text, as the recording holds its answers.
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers, in order (values that are not text read as empty).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl From<Response<Bytes>> for Answer {
    fn from(response: Response<Bytes>) -> Self {
        Answer {
            status: response.status().as_u16(),
            headers: response
                .headers()
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        v.to_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
            body: String::from_utf8_lossy(response.body()).into_owned(),
        }
    }
}

impl Answer {
    /// The first header named `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`null` when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// The exchanges that differ, with their problems, counted by section.
#[derive(Default)]
pub struct Report {
    failures: Vec<String>,
    sections: Vec<String>,
    /// Exchanges and failures when the current section began.
    section_start: (usize, usize),
    exchanges: usize,
}

impl Report {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// One exchange replayed; `problems` empty when it matched. `expected` names the reason of
    /// a deliberate difference, shown with its problems.
    pub fn exchange(&mut self, exchange: &Exchange, problems: &[String], expected: Option<&str>) {
        self.exchanges += 1;
        if problems.is_empty() {
            return;
        }
        let note = expected.map_or(String::new(), |why| {
            format!(" (our answer expected: {why})")
        });
        self.failures.push(format!(
            "#{} {}{note}:\n  {}",
            exchange.number,
            exchange.title,
            problems.join("\n  ")
        ));
    }

    /// Ends a section begun at the end of the previous one: its summary line.
    pub fn section(&mut self, letter: char, subject: &str) {
        let (exchanges, failures) = self.section_start;
        self.sections.push(format!(
            "  {letter}. {subject}: {} exchanges, {} differ",
            self.exchanges - exchanges,
            self.failures.len() - failures
        ));
        self.section_start = (self.exchanges, self.failures.len());
    }

    /// The sections' summary lines.
    pub fn section_lines(&self) -> &[String] {
        &self.sections
    }

    /// Panics, listing them, when any exchange differed.
    pub fn assert_none_differ(&self) {
        assert!(
            self.failures.is_empty(),
            "{} of {} exchanges differ:\n{}",
            self.failures.len(),
            self.exchanges,
            self.failures.join("\n")
        );
    }
}

/// One line per reason, with the exchanges it covers, in first-seen order:
/// `    {label} #3, #7: {why}`.
pub fn reason_lines<'a>(
    label: &str,
    items: impl IntoIterator<Item = (u32, &'a str)>,
) -> Vec<String> {
    let mut reasons: Vec<(&str, Vec<u32>)> = Vec::new();
    for (number, why) in items {
        match reasons.iter_mut().find(|(w, _)| *w == why) {
            Some((_, numbers)) => numbers.push(number),
            None => reasons.push((why, vec![number])),
        }
    }
    reasons
        .into_iter()
        .map(|(why, numbers)| {
            let numbers: Vec<String> = numbers.iter().map(|n| format!("#{n}")).collect();
            format!("    {label} {}: {why}", numbers.join(", "))
        })
        .collect()
}
