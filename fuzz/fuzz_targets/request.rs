//! Any bytes as a raw HTTP/1.1 request to the auth API (the transcripts' requests are the seeds):
//! the protocol never panics and never answers a client's input with a 5xx.

#![no_main]

use std::sync::OnceLock;

use auth_core::Auth;
use auth_core::clock::ManualClock;
use auth_core::config::AuthConfig;
use auth_core::hash::{Argon2Hasher, Argon2Params, HashPool};
use auth_core::http::{AuthService, ClientAddr};
use auth_core::model::Timestamp;
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use bytes::Bytes;
use http_body_util::Full;
use libfuzzer_sys::fuzz_target;

struct World {
    runtime: tokio::runtime::Runtime,
    service: AuthService,
    clock: ManualClock,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let config = AuthConfig::builder(
            "throwaway-reference-secret-0123456789abcdef0123456789abcdef",
            "http://127.0.0.1:3005",
        )
        .refusal_pause(std::time::Duration::ZERO)
        .build()
        .expect("config");
        let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
        // Cheap hashing: the fuzzer explores inputs, not argon2.
        let hasher =
            Argon2Hasher::new(Argon2Params::new(8, 1, 1), HashPool::new(1, 64)).expect("hasher");
        let clock = ManualClock::new(Timestamp::now());
        let auth = Auth::builder()
            .config(config)
            .store(MemoryStore::new())
            .hasher(hasher)
            .issuer(issuer)
            .clock(clock.clone())
            .build();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        World {
            runtime,
            service: AuthService::new(&auth),
            clock,
        }
    })
}

/// The request the bytes spell, if they are one (httparse, as hyper reads it).
fn parse(data: &[u8]) -> Option<http::Request<Full<Bytes>>> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(length) = parsed.parse(data).ok()? else {
        return None;
    };
    let mut builder = http::Request::builder()
        .method(parsed.method?)
        .uri(parsed.path?);
    for header in parsed.headers.iter() {
        builder = builder.header(header.name, header.value);
    }
    let body = Bytes::copy_from_slice(&data[length..]);
    let mut request = builder.body(Full::new(body)).ok()?;
    request
        .extensions_mut()
        .insert(ClientAddr(std::net::Ipv4Addr::LOCALHOST.into()));
    Some(request)
}

fuzz_target!(|data: &[u8]| {
    let Some(request) = parse(data) else {
        return;
    };
    let world = world();
    // Each input in a rate-limit window of its own: the limiter's code runs, and it never
    // stands between the fuzzer and the handlers.
    world.clock.advance(std::time::Duration::from_secs(11));
    let response = world.runtime.block_on(world.service.respond(request));
    let status = response.status();
    // 503 is the deliberate answer to saturated hashing; nothing else may be a server error.
    assert!(
        !status.is_server_error() || status == http::StatusCode::SERVICE_UNAVAILABLE,
        "{status} for {:?}",
        String::from_utf8_lossy(data)
    );
});
