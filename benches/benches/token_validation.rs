//! Token validation, the hot path of every API request: auth-core's verifier for each algorithm,
//! beside its floor (base64url-decoding the three parts, the raw signature check of the same
//! signing input, and parsing the claims) and beside jsonwebtoken's plain `decode` with the same
//! validation, all in the same run. Also the verified-token cache: a hit, and a miss. And the
//! verify-only mode: the same EdDSA token checked with keys fetched from a JWKS URL (a server on
//! loopback, fetched once before timing) beside the same key held locally.

use std::hint::black_box;

use auth_benches::floor::Floor;
use auth_benches::{HS_SECRET, ORIGIN, P256_PEM, RSA_PUB_PEM, issuer, keys, token};
use auth_core::model::Timestamp;
use auth_core::token::{Claims, TokenIssuer};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

fn floor_and_jsonwebtoken(
    alg: &str,
    x: Option<&str>,
    y: Option<&str>,
) -> (Floor, DecodingKey, Algorithm) {
    match alg {
        "HS256" => (
            Floor::Hs256(Hmac::new_from_slice(HS_SECRET).expect("key")),
            DecodingKey::from_secret(HS_SECRET),
            Algorithm::HS256,
        ),
        "EdDSA" => {
            let x = x.expect("x");
            let bytes: [u8; 32] = URL_SAFE_NO_PAD
                .decode(x)
                .expect("x")
                .try_into()
                .expect("32");
            (
                Floor::EdDsa(ed25519_dalek::VerifyingKey::from_bytes(&bytes).expect("key")),
                DecodingKey::from_ed_components(x).expect("key"),
                Algorithm::EdDSA,
            )
        }
        "ES256" => {
            use p256::pkcs8::DecodePrivateKey;
            let secret = p256::SecretKey::from_pkcs8_pem(P256_PEM).expect("key");
            (
                Floor::Es256(p256::ecdsa::VerifyingKey::from(secret.public_key())),
                DecodingKey::from_ec_components(x.expect("x"), y.expect("y")).expect("key"),
                Algorithm::ES256,
            )
        }
        _ => {
            use rsa::pkcs8::DecodePublicKey;
            let public = rsa::RsaPublicKey::from_public_key_pem(RSA_PUB_PEM).expect("key");
            (
                Floor::Rs256(Box::new(rsa::pkcs1v15::VerifyingKey::new(public))),
                DecodingKey::from_rsa_pem(RSA_PUB_PEM.as_bytes()).expect("key"),
                Algorithm::RS256,
            )
        }
    }
}

fn validation(algorithm: Algorithm) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[ORIGIN]);
    validation.set_audience(&[ORIGIN]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation
}

fn token_validation(c: &mut Criterion) {
    for (alg, key) in keys() {
        // Taken per algorithm: a benchmark group runs for seconds, tokens are signed just below.
        let now = Timestamp::now();
        let plain = issuer(key.clone(), 0);
        let cached = issuer(key, 1024);
        let token = token(&plain);
        let jwk = plain.jwks().keys.first().cloned();
        let (floor, decoding, algorithm) = floor_and_jsonwebtoken(
            alg,
            jwk.as_ref().and_then(|k| k.x.as_deref()),
            jwk.as_ref().and_then(|k| k.y.as_deref()),
        );
        let validation = validation(algorithm);
        // Same answer from all three before timing anything.
        let ours = plain.verify(&token, now).expect("valid");
        assert_eq!(floor.check(&token), ours);
        assert_eq!(
            jsonwebtoken::decode::<Claims>(&token, &decoding, &validation)
                .expect("valid")
                .claims,
            ours
        );
        assert_eq!(cached.verify(&token, now).expect("valid"), ours);

        let mut group = c.benchmark_group(format!("validate/{alg}"));
        group.bench_function("floor", |b| b.iter(|| floor.check(black_box(&token))));
        group.bench_function("auth-core", |b| {
            b.iter(|| plain.verify(black_box(&token), now))
        });
        group.bench_function("jsonwebtoken", |b| {
            b.iter(|| jsonwebtoken::decode::<Claims>(black_box(&token), &decoding, &validation))
        });
        group.bench_function("auth-core cache hit", |b| {
            b.iter(|| cached.verify(black_box(&token), now))
        });
        group.finish();
    }
}

/// Verify-only: `RemoteIssuer` (keys from a JWKS on loopback, already fetched) against
/// `JwtIssuer` with the same key, both without the verified-token cache, then both with it.
fn remote_jwks(c: &mut Criterion) {
    use auth_core::token::JwtKey;
    use auth_core::token::remote::{RemoteIssuer, RemoteJwks, RemoteVerifier};

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let key = JwtKey::generate_ed25519();
    let body = serde_json::json!({ "keys": [key.public_jwk().expect("public")] }).to_string();
    let port = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let app = axum::Router::new().route(
            "/jwks",
            axum::routing::get(move || {
                let body = body.clone();
                async move { ([("content-type", "application/json")], body) }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        port
    });
    let remote = |cache: usize| {
        let jwks = RemoteJwks::builder(format!("http://127.0.0.1:{port}/jwks"))
            .build()
            .expect("jwks");
        RemoteIssuer::new(RemoteVerifier::new(jwks, ORIGIN, ORIGIN).verified_token_cache(cache))
    };
    let (remote_plain, remote_cached) = (remote(0), remote(1024));
    let (local_plain, local_cached) = (issuer(key.clone(), 0), issuer(key, 1024));
    let token = token(&local_plain);
    let now = Timestamp::now();
    // Fetch the keys (the first verification of an unknown kid does), and check all agree.
    let ours = local_plain.verify(&token, now).expect("valid");
    runtime.block_on(async {
        for remote in [&remote_plain, &remote_cached] {
            remote
                .verifier()
                .verify(&token, now)
                .await
                .expect("fetched and valid");
        }
    });
    assert_eq!(remote_plain.verify(&token, now).expect("valid"), ours);
    assert_eq!(remote_cached.verify(&token, now).expect("valid"), ours);

    let mut group = c.benchmark_group("validate/remote-jwks");
    group.bench_function("local key", |b| {
        b.iter(|| local_plain.verify_shared(black_box(&token), now))
    });
    group.bench_function("remote key", |b| {
        b.iter(|| remote_plain.verify_shared(black_box(&token), now))
    });
    group.bench_function("local key, cache hit", |b| {
        b.iter(|| local_cached.verify_shared(black_box(&token), now))
    });
    group.bench_function("remote key, cache hit", |b| {
        b.iter(|| remote_cached.verify_shared(black_box(&token), now))
    });
    group.finish();
}

criterion_group!(benches, token_validation, remote_jwks);
criterion_main!(benches);
