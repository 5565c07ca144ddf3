//! Costs beyond the signature: the revocation check (cache hit, cache miss against MemoryStore,
//! and off), sign-in beside one raw argon2id verification, and the axum adapter's extractor
//! beside the same handler unprotected.

use std::hint::black_box;
use std::time::Duration;

use auth_benches::{HS_SECRET, ORIGIN};
use auth_core::Auth;
use auth_core::config::{AuthConfig, RevocationCheck};
use auth_core::flows::{SignIn, SignUp};
use auth_core::hash::{Argon2Hasher, PasswordHasher};
use auth_core::model::{ClientInfo, Email, Password};
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use axum::Router;
use axum::body::Body;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn auth(check: RevocationCheck) -> Auth {
    let config = AuthConfig::new("bench-secret-0123456789abcdef0123456789", ORIGIN)
        .expect("config")
        .with_revocation_check(check);
    let issuer = JwtIssuer::builder(ORIGIN, ORIGIN)
        .signing_key(JwtKey::hs256("hs", HS_SECRET).expect("key"))
        .build()
        .expect("issuer");
    Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .default_hasher()
        .issuer(issuer)
        .build()
}

/// A signed-up user's JWT and session token.
async fn signed_in(auth: &Auth) -> (String, String) {
    let signed = auth
        .sign_up(
            SignUp {
                name: "Ada".into(),
                email: Email::parse("ada@example.com").expect("email"),
                password: Password::new(PASSWORD),
                image: None,
                remember_me: true,
            },
            &ClientInfo::default(),
        )
        .await
        .expect("sign-up");
    let current = auth
        .get_session(&signed.session.token, false)
        .await
        .expect("lookup")
        .expect("session")
        .current;
    (
        auth.issue_token(&current).expect("jwt"),
        signed.session.token,
    )
}

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
    let mut group = c.benchmark_group("verify_token/HS256 revocation check");
    for (name, check) in cases {
        let auth = auth(check);
        let (jwt, _) = rt.block_on(signed_in(&auth));
        rt.block_on(auth.verify_token(&jwt)).expect("valid");
        group.bench_function(name, |b| {
            b.to_async(&rt).iter(|| auth.verify_token(black_box(&jwt)))
        });
    }
    group.finish();
}

fn sign_in(c: &mut Criterion) {
    let rt = runtime();
    let auth = auth(RevocationCheck::Off);
    rt.block_on(signed_in(&auth));
    let hasher = Argon2Hasher::default();
    let hash = rt
        .block_on(hasher.hash(&Password::new(PASSWORD)))
        .expect("hash");
    let mut group = c.benchmark_group("sign-in");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("raw argon2id verify (OWASP parameters)", |b| {
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
    });
    group.bench_function("sign-in flow (MemoryStore)", |b| {
        b.to_async(&rt).iter(|| {
            let input = SignIn {
                email: Email::parse("ada@example.com").expect("email"),
                password: Password::new(PASSWORD),
                remember_me: true,
            };
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

fn axum_extractor(c: &mut Criterion) {
    let rt = runtime();
    let auth = auth(RevocationCheck::Cached {
        ttl: Duration::from_secs(3600),
        capacity: 1024,
    });
    let (jwt, _) = rt.block_on(signed_in(&auth));
    async fn open() -> &'static str {
        "hello"
    }
    async fn protected(_caller: auth_axum::CurrentUser) -> &'static str {
        "hello"
    }
    let app: Router = {
        use auth_axum::AuthRouterExt;
        Router::new()
            .route("/open", get(open))
            .route("/protected", get(protected))
            .with_auth(auth)
    };
    let bearer = format!("Bearer {jwt}");
    let request = |path: &str| {
        http::Request::get(path)
            .header("authorization", bearer.as_str())
            .body(Body::empty())
            .expect("request")
    };
    let mut group = c.benchmark_group("axum request, in process");
    group.bench_function("unprotected handler", |b| {
        b.to_async(&rt)
            .iter(|| app.clone().oneshot(request("/open")))
    });
    group.bench_function("CurrentUser (HS256 JWT, revocation cache hit)", |b| {
        b.to_async(&rt)
            .iter(|| app.clone().oneshot(request("/protected")))
    });
    group.finish();
}

criterion_group!(benches, revocation, sign_in, axum_extractor);
criterion_main!(benches);
