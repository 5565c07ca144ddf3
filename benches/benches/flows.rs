//! Costs beyond the signature: the revocation check (cache hit, cache miss against MemoryStore,
//! and off), and sign-in beside one raw argon2id verification.

use std::hint::black_box;
use std::time::Duration;

use auth_benches::{PASSWORD, auth, runtime, signed_in};
use auth_core::config::RevocationCheck;
use auth_core::flows::SignIn;
use auth_core::hash::{Argon2Hasher, PasswordHasher};
use auth_core::model::{ClientInfo, Email, Password};
use criterion::{Criterion, criterion_group, criterion_main};

fn revocation(c: &mut Criterion) {
    let rt = runtime();
    let cases = [
        ("off (stateless)", RevocationCheck::Off),
        (
            "cache hit",
            RevocationCheck::Cached {
                ttl: Duration::from_secs(3600),
                capacity: 1024,
            },
        ),
        (
            "cache miss (MemoryStore lookup)",
            RevocationCheck::Cached {
                ttl: Duration::ZERO,
                capacity: 1024,
            },
        ),
    ];
    // The verified-token cache is off here, so each case is a full HS256 verification plus
    // the check.
    let mut group = c.benchmark_group("verify_token/HS256 revocation check");
    for (name, check) in cases {
        let auth = auth(check, false);
        let (jwt, _) = rt.block_on(signed_in(&auth));
        rt.block_on(auth.verify_token(&jwt)).expect("valid");
        group.bench_function(name, |b| {
            b.to_async(&rt).iter(|| auth.verify_token(black_box(&jwt)))
        });
    }
    group.finish();
}

fn sign_in(c: &mut Criterion) {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    let rt = runtime();
    let auth = auth(RevocationCheck::Off, false);
    rt.block_on(signed_in(&auth));
    let hasher = Argon2Hasher::default();
    let hash = rt
        .block_on(hasher.hash(&Password::new(PASSWORD)))
        .expect("hash");
    let mut group = c.benchmark_group("sign-in");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    // The baseline: the argon2 crate's own verification, on this thread.
    let parsed = PasswordHash::new(&hash).expect("phc");
    let argon2 = argon2::Argon2::default();
    group.bench_function("argon2 crate: verify_password (OWASP parameters)", |b| {
        b.iter(|| {
            argon2
                .verify_password(black_box(PASSWORD.as_bytes()), &parsed)
                .expect("verify")
        })
    });
    group.bench_function(
        "auth-core: Argon2Hasher::verify (on the hashing pool)",
        |b| {
            b.to_async(&rt).iter(|| {
                let hasher = hasher.clone();
                let hash = hash.clone();
                async move {
                    hasher
                        .verify(black_box(&Password::new(PASSWORD)), &hash)
                        .await
                        .expect("verify")
                }
            })
        },
    );
    group.bench_function("sign-in flow (MemoryStore)", |b| {
        b.to_async(&rt).iter(|| {
            let input = SignIn::new(
                Email::parse("ada@example.com").expect("email"),
                Password::new(PASSWORD),
            );
            let auth = auth.clone();
            async move {
                auth.sign_in(input, &ClientInfo::default())
                    .await
                    .expect("signed in")
            }
        })
    });
    group.finish();
}

/// Sign-in for an unknown email and for a known email with a wrong password: both must cost
/// one argon2 computation, so their times tell nothing about which accounts exist.
fn sign_in_timing(c: &mut Criterion) {
    let rt = runtime();
    let auth = auth(RevocationCheck::Off, false);
    rt.block_on(signed_in(&auth));
    let mut group = c.benchmark_group("sign-in refused");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    for (name, email) in [
        ("unknown email", "nobody@example.com"),
        ("known email, wrong password", "ada@example.com"),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&rt).iter(|| {
                let input = SignIn::new(
                    Email::parse(email).expect("email"),
                    Password::new("not the password"),
                );
                let auth = auth.clone();
                async move {
                    let refused = auth.sign_in(input, &ClientInfo::default()).await;
                    assert!(refused.is_err());
                }
            })
        });
    }
    group.finish();
}

/// What a get-session costs besides finding the session: the JWT it issues every time
/// (`set-auth-jwt`), and the lookup from the session cache against MemoryStore's.
fn get_session(c: &mut Criterion) {
    use auth_core::config::{AuthConfig, SessionCaching};
    use auth_core::model::SessionToken;
    use auth_core::token::{JwtIssuer, JwtKey};
    let rt = runtime();
    let mut group = c.benchmark_group("get-session");
    for (name, caching) in [
        ("session cache hit", SessionCaching::default()),
        ("no cache (MemoryStore lookup)", SessionCaching::Off),
    ] {
        let config = AuthConfig::builder(
            "bench-secret-0123456789abcdef0123456789",
            "http://localhost:3000",
        )
        .session_caching(caching)
        .build()
        .unwrap_or_else(|e| panic!("config: {e}"));
        let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519())
            .unwrap_or_else(|e| panic!("issuer: {e}"));
        let auth = auth_core::Auth::builder()
            .config(config)
            .store(auth_core::store::MemoryStore::new())
            .default_hasher()
            .issuer(issuer)
            .build();
        let (_, token) = rt.block_on(signed_in(&auth));
        let token = SessionToken::new(token);
        group.bench_function(format!("get_session flow, {name}"), |b| {
            b.to_async(&rt)
                .iter(|| auth.get_session(black_box(&token), true))
        });
        if caching == SessionCaching::Off {
            let current = rt
                .block_on(auth.get_session(&token, false))
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("session"))
                .current;
            group.bench_function("issue_token (EdDSA), as get-session does each time", |b| {
                b.iter(|| auth.issue_token(black_box(&current)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, revocation, sign_in, sign_in_timing, get_session);
criterion_main!(benches);
