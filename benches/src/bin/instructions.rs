//! HS256 verification for counting instructions, which do not drift with the machine's load as
//! times do: `valgrind --tool=callgrind target/release/instructions <floor|verify> <n>`, once
//! with n = 0 and once with n = 20000; the difference over n is the cost of one call.

use std::hint::black_box;

use auth_benches::floor::Floor;
use auth_benches::{HS_SECRET, issuer, token};
use auth_core::model::Timestamp;
use auth_core::token::{JwtKey, TokenIssuer};
use hmac::{Hmac, Mac};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_default();
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| {
        eprintln!("usage: instructions <floor|verify> <runs>");
        std::process::exit(2)
    });
    let key = JwtKey::hs256("hs", HS_SECRET).unwrap_or_else(|e| panic!("key: {e}"));
    let issuer = issuer(key, 0);
    let token = token(&issuer);
    let floor = Floor::Hs256(Hmac::new_from_slice(HS_SECRET).unwrap_or_else(|e| panic!("{e}")));
    let now = Timestamp::now();
    for _ in 0..runs {
        match which.as_str() {
            "floor" => drop(black_box(floor.check(black_box(&token)))),
            _ => drop(black_box(issuer.verify(black_box(&token), now))),
        }
    }
}
