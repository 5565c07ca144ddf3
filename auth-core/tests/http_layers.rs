//! The tower layers: CORS for trusted front ends, and the guard for protected subtrees.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use auth_core::Auth;
use auth_core::config::AuthConfig;
use auth_core::http::Authenticated;
use auth_core::model::Timestamp;
use auth_core::store::{MemoryStore, UserStore};
use auth_core::token::{Claims, Jwks, JwtIssuer, JwtKey, TokenError, TokenIssuer};
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

/// Signs Ada up; her session token.
async fn sign_up(auth: &Auth) -> String {
    let sign_up = Request::post("/api/auth/sign-up/email")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(
            br#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#,
        )))
        .expect("request");
    let signed = auth.handle(sign_up).await;
    signed.headers()["set-auth-token"]
        .to_str()
        .expect("ascii")
        .to_owned()
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

    let bearer = format!("Bearer {}", sign_up(&auth).await);
    let ok = guarded
        .oneshot(request("GET", &[("authorization", bearer.as_str())]))
        .await
        .expect("response");
    assert_eq!(ok.status(), StatusCode::OK);
    let body = ok.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(body.as_ref(), b"hello ada@example.com");
}

/// A JWT issuer that counts verifications.
struct Counting {
    inner: JwtIssuer,
    verified: Arc<AtomicUsize>,
}

impl TokenIssuer for Counting {
    fn issuer(&self) -> &str {
        self.inner.issuer()
    }

    fn audience(&self) -> &str {
        self.inner.audience()
    }

    fn sign(&self, claims: &Claims) -> Result<String, TokenError> {
        self.inner.sign(claims)
    }

    fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, TokenError> {
        self.verified.fetch_add(1, Ordering::SeqCst);
        self.inner.verify(token, now)
    }

    fn verify_shared(&self, token: &str, now: Timestamp) -> Result<Arc<Claims>, TokenError> {
        self.verified.fetch_add(1, Ordering::SeqCst);
        self.inner.verify_shared(token, now)
    }

    fn verify_value(&self, token: &str, now: Timestamp) -> Result<serde_json::Value, TokenError> {
        self.verified.fetch_add(1, Ordering::SeqCst);
        self.inner.verify_value(token, now)
    }

    fn jwks(&self) -> &Jwks {
        self.inner.jwks()
    }
}

#[tokio::test]
async fn the_guard_verifies_a_jwt_once_when_only_the_store_knows_its_session() {
    // Two instances on one store and key: the second has never seen the session.
    let store: Arc<dyn UserStore> = Arc::new(MemoryStore::new());
    let key = JwtKey::generate_ed25519();
    let config = AuthConfig::new(SECRET, "http://localhost:4000").expect("config");
    let first = Auth::builder()
        .config(config.clone())
        .shared_store(Arc::clone(&store))
        .issuer(JwtIssuer::for_config(&config, key.clone()).expect("issuer"))
        .default_hasher()
        .build();
    let verified = Arc::new(AtomicUsize::new(0));
    let second = Auth::builder()
        .config(config.clone())
        .shared_store(store)
        .issuer(Counting {
            inner: JwtIssuer::for_config(&config, key).expect("issuer"),
            verified: Arc::clone(&verified),
        })
        .default_hasher()
        .build();

    let session = format!("Bearer {}", sign_up(&first).await);
    let got = first
        .handle(
            Request::get("/api/auth/get-session")
                .header("authorization", session.as_str())
                .body(Full::<Bytes>::default())
                .expect("request"),
        )
        .await;
    let jwt = format!(
        "Bearer {}",
        got.headers()["set-auth-jwt"].to_str().expect("ascii")
    );

    let guarded = second.require_auth().layer(service_fn(app));
    for expected in 1..=2 {
        let ok = guarded
            .clone()
            .oneshot(request("GET", &[("authorization", jwt.as_str())]))
            .await
            .expect("response");
        assert_eq!(ok.status(), StatusCode::OK);
        let body = ok.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(body.as_ref(), b"hello ada@example.com");
        // The first asks the store about the session, the second the revocation cache; each
        // verifies the token once.
        assert_eq!(verified.load(Ordering::SeqCst), expected);
    }
}
