//! The tower layers: CORS for trusted front ends, and the guard for protected subtrees.

use std::convert::Infallible;

use auth_core::Auth;
use auth_core::config::AuthConfig;
use auth_core::http::Authenticated;
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use tower::{Layer, ServiceExt, service_fn};

const SECRET: &str = "layers-test-secret-0123456789abcdef012345";

fn auth(trusted: &[&str]) -> Auth {
    let config = AuthConfig::new(SECRET, "http://localhost:4000")
        .expect("config")
        .with_trusted_origins(trusted.iter().copied())
        .expect("origins");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .issuer(issuer)
        .default_hasher()
        .build()
}

/// An app that answers 200 "hello <email>" (or "hello anonymous") and exposes a header of its own.
async fn app(request: Request<Full<Bytes>>) -> Result<Response<Full<Bytes>>, Infallible> {
    let who = request
        .extensions()
        .get::<Authenticated>()
        .map_or("anonymous".to_owned(), |a| a.user.email.clone());
    let mut response = Response::new(Full::new(Bytes::from(format!("hello {who}"))));
    response.headers_mut().insert(
        "access-control-expose-headers",
        "x-request-id".parse().expect("value"),
    );
    Ok(response)
}

fn request(method: &str, headers: &[(&str, &str)]) -> Request<Full<Bytes>> {
    let mut builder = Request::builder().method(method).uri("/api/me");
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(Full::default()).expect("request")
}

#[tokio::test]
async fn cors_answers_trusted_preflights_and_merges_exposed_headers() {
    let auth = auth(&["http://localhost:3000"]);
    let service = auth.cors_layer().layer(service_fn(app));

    let preflight = request(
        "OPTIONS",
        &[
            ("origin", "http://localhost:3000"),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "content-type, authorization",
            ),
        ],
    );
    let response = service.clone().oneshot(preflight).await.expect("response");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let h = response.headers();
    assert_eq!(h["access-control-allow-origin"], "http://localhost:3000");
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert_eq!(
        h["access-control-allow-headers"],
        "content-type, authorization"
    );
    assert!(
        h["access-control-allow-methods"]
            .to_str()
            .expect("ascii")
            .contains("POST")
    );

    let simple = request("GET", &[("origin", "http://localhost:3000")]);
    let response = service.clone().oneshot(simple).await.expect("response");
    let h = response.headers();
    assert_eq!(h["access-control-allow-origin"], "http://localhost:3000");
    assert_eq!(
        h["access-control-expose-headers"],
        "x-request-id, set-auth-token, set-auth-jwt"
    );

    let foreign = request(
        "OPTIONS",
        &[
            ("origin", "http://evil.example"),
            ("access-control-request-method", "POST"),
        ],
    );
    let response = service.clone().oneshot(foreign).await.expect("response");
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "an untrusted preflight reaches the app untouched"
    );
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn cors_is_off_without_trusted_origins() {
    let auth = auth(&[]);
    let service = auth.cors_layer().layer(service_fn(app));
    let response = service
        .oneshot(request("GET", &[("origin", "http://localhost:4000")]))
        .await
        .expect("response");
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn the_guard_lets_only_authenticated_requests_through() {
    let auth = auth(&[]);
    let guarded = auth.require_auth().layer(service_fn(app));

    let response = guarded
        .clone()
        .oneshot(request("GET", &[]))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(
        body.as_ref(),
        br#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#
    );

    let bad = guarded
        .clone()
        .oneshot(request("GET", &[("authorization", "Bearer a.b.c")]))
        .await
        .expect("response");
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);

    let sign_up = Request::post("/api/auth/sign-up/email")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(
            br#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#,
        )))
        .expect("request");
    let signed = auth.handle(sign_up).await;
    let bearer = format!(
        "Bearer {}",
        signed.headers()["set-auth-token"].to_str().expect("ascii")
    );
    let ok = guarded
        .oneshot(request("GET", &[("authorization", bearer.as_str())]))
        .await
        .expect("response");
    assert_eq!(ok.status(), StatusCode::OK);
    let body = ok.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(body.as_ref(), b"hello ada@example.com");
}
