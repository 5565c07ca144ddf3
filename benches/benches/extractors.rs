//! Each adapter's extractor overhead: one in-process request through the framework's router to a
//! handler that needs the caller, beside the same handler unprotected, in the same run.
//!
//! The `Auth` is configured as a server's would be by default: the verified-token cache on and
//! the revocation check answered from its cache (here warmed by the first request), so the
//! difference is what every authenticated request pays once a token has been seen.

use std::time::Duration;

use auth_benches::{auth, runtime, signed_in};
use auth_core::Auth;
use auth_core::config::RevocationCheck;
use criterion::{Criterion, criterion_group, criterion_main};

const PROTECTED: &str = "CurrentUser (HS256 JWT, caches warm)";
const OPEN: &str = "the same handler, unprotected";

fn warm_auth(rt: &tokio::runtime::Runtime) -> (Auth, String) {
    let auth = auth(
        RevocationCheck::Cached {
            ttl: Duration::from_secs(3600),
            capacity: 1024,
        },
        true,
    );
    let (jwt, _) = rt.block_on(signed_in(&auth));
    rt.block_on(auth.verify_token(&jwt)).expect("valid");
    (auth, format!("Bearer {jwt}"))
}

fn axum(c: &mut Criterion) {
    use auth_axum::{AuthRouterExt, CurrentUser, require_auth};
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn open() -> &'static str {
        "hello"
    }
    async fn protected(_caller: CurrentUser) -> &'static str {
        "hello"
    }
    let rt = runtime();
    let (auth, bearer) = warm_auth(&rt);
    let guarded = Router::new()
        .route("/guarded", get(open))
        .route_layer(require_auth(&auth));
    let app: Router = Router::new()
        .route("/open", get(open))
        .route("/protected", get(protected))
        .merge(guarded)
        .with_auth(&auth);
    let request = |path: &str| {
        http::Request::get(path)
            .header("authorization", bearer.as_str())
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(
        rt.block_on(app.clone().oneshot(request("/protected")))
            .expect("infallible")
            .status(),
        200
    );
    let mut group = c.benchmark_group("axum request, in process");
    group.bench_function(OPEN, |b| {
        b.to_async(&rt)
            .iter(|| app.clone().oneshot(request("/open")))
    });
    group.bench_function(PROTECTED, |b| {
        b.to_async(&rt)
            .iter(|| app.clone().oneshot(request("/protected")))
    });
    group.bench_function("require_auth layer (HS256 JWT, caches warm)", |b| {
        b.to_async(&rt)
            .iter(|| app.clone().oneshot(request("/guarded")))
    });
    group.finish();
}

fn poem(c: &mut Criterion) {
    use auth_poem::{CurrentUser, install};
    use poem::{Endpoint, EndpointExt, Request, Route, get, handler};

    #[handler]
    fn open() -> &'static str {
        "hello"
    }
    #[handler]
    fn protected(_caller: CurrentUser) -> &'static str {
        "hello"
    }
    let rt = runtime();
    let (auth, bearer) = warm_auth(&rt);
    let app = Route::new()
        .at("/open", get(open))
        .at("/protected", get(protected))
        .with(install(&auth));
    let request = |path: &str| {
        Request::builder()
            .uri_str(path)
            .header("authorization", bearer.as_str())
            .finish()
    };
    assert_eq!(
        rt.block_on(app.get_response(request("/protected")))
            .status(),
        200
    );
    let mut group = c.benchmark_group("poem request, in process");
    group.bench_function(OPEN, |b| {
        b.to_async(&rt).iter(|| app.get_response(request("/open")))
    });
    group.bench_function(PROTECTED, |b| {
        b.to_async(&rt)
            .iter(|| app.get_response(request("/protected")))
    });
    group.finish();
}

fn salvo(c: &mut Criterion) {
    use auth_salvo::{CurrentUser, install, require_auth};
    use salvo::conn::ConnCtrl;
    use salvo::http::uri::Scheme;
    use salvo::{Router, Service, Writer as _, handler};

    #[handler]
    async fn hello() -> &'static str {
        "hello"
    }
    #[handler]
    async fn protected(_caller: CurrentUser) -> &'static str {
        "hello"
    }
    let rt = runtime();
    let (auth, bearer) = warm_auth(&rt);
    let router = Router::new()
        .hoop(install(&auth))
        .push(Router::with_path("open").get(hello))
        .push(Router::with_path("protected").get(protected))
        .push(
            Router::with_path("guarded")
                .hoop(require_auth(&auth))
                .get(hello),
        );
    // salvo's public in-process entry (`Service::handle`) needs its `test` feature, which
    // builds zstd and brotli from C; the hyper handler it wraps is the same call.
    let addr: std::net::SocketAddr = "127.0.0.1:1".parse().expect("addr");
    let handler = Service::new(router).hyper_handler(
        addr.into(),
        addr.into(),
        Scheme::HTTP,
        None,
        ConnCtrl::new(),
        None,
    );
    let request = |path: &str| {
        let request = http::Request::get(format!("http://localhost{path}"))
            .header("authorization", bearer.as_str())
            .body(salvo::http::ReqBody::None)
            .expect("request");
        salvo::Request::from_hyper(request, Scheme::HTTP)
    };
    assert_eq!(
        rt.block_on(handler.handle(request("/protected")))
            .status_code,
        Some(salvo::http::StatusCode::OK)
    );
    let mut group = c.benchmark_group("salvo request, in process");
    group.bench_function(OPEN, |b| {
        b.to_async(&rt).iter(|| handler.handle(request("/open")))
    });
    group.bench_function(PROTECTED, |b| {
        b.to_async(&rt)
            .iter(|| handler.handle(request("/protected")))
    });
    group.bench_function("require_auth hoop (HS256 JWT, caches warm)", |b| {
        b.to_async(&rt).iter(|| handler.handle(request("/guarded")))
    });
    group.finish();
}

criterion_group!(benches, axum, poem, salvo);
criterion_main!(benches);
