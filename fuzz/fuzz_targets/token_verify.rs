//! Any bytes as a bearer token: parsing and verification never panic, and nothing but a token
//! this issuer signed verifies.

#![no_main]

use std::sync::OnceLock;

use auth_core::model::Timestamp;
use auth_core::token::{JwtIssuer, JwtKey, TokenIssuer};
use libfuzzer_sys::fuzz_target;

struct Issuers {
    eddsa: JwtIssuer,
    hs256: JwtIssuer,
}

fn issuers() -> &'static Issuers {
    static ISSUERS: OnceLock<Issuers> = OnceLock::new();
    ISSUERS.get_or_init(|| {
        let build = |key| {
            JwtIssuer::builder("http://127.0.0.1:3005", "http://127.0.0.1:3005")
                .signing_key(key)
                .verified_token_cache(64)
                .build()
                .expect("issuer")
        };
        Issuers {
            eddsa: build(JwtKey::generate_ed25519()),
            hs256: build(
                JwtKey::hs256("fuzz", b"fuzz-hs256-secret-0123456789abcdef").expect("key"),
            ),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let token = String::from_utf8_lossy(data);
    let now = Timestamp::now();
    let issuers = issuers();
    for issuer in [&issuers.eddsa, &issuers.hs256] {
        // Keys are generated in this process and never handed out: nothing the fuzzer writes
        // can carry a valid signature.
        assert!(issuer.verify(&token, now).is_err(), "accepted: {token:?}");
        assert!(
            issuer.verify_value(&token, now).is_err(),
            "accepted: {token:?}"
        );
    }
});
