//! The tower layers: CORS for trusted front ends, the guards for protected subtrees, the install
//! layer, and the extraction rules adapters share.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use auth_core::config::AuthConfig;
use auth_core::http::{
    AuthService, Caller, CorsLayer, InstallLayer, OptionalAuthLayer, ProtocolError,
    RequireAuthLayer, extract,
};
use auth_core::model::Timestamp;
use auth_core::store::MemoryStore;
use auth_core::token::{
    AccessToken, Claims, Jwks, JwtIssuer, JwtKey, SigningError, TokenError, TokenIssuer,
};
use auth_core::{Auth, AuthError};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use tower::{Layer, ServiceExt, service_fn};

const SECRET: &str = "layers-test-secret-0123456789abcdef012345";

fn auth(trusted: &[&str]) -> Auth {
    let config = AuthConfig::builder(SECRET, "http://localhost:4000")
        .trusted_origins(trusted.iter().copied())
        .build()
        .expect("config");
    let issuer = JwtIssuer::for_config(&config, JwtKey::generate_ed25519()).expect("issuer");
    Auth::builder()
        .config(config)
        .store(MemoryStore::new())
        .issuer(issuer)
        .default_hasher()
        .build()
}

/// An app that answers 200 "hello <email>" (or "hello anonymous"), as `MaybeUser` finds the
/// caller, and exposes a header of its own.
async fn app(request: Request<Full<Bytes>>) -> Result<Response<Full<Bytes>>, Infallible> {
    let who = match extract::maybe_user(request.headers(), request.extensions()).await {
        Ok(Some(caller)) => caller.user.email,
        Ok(None) => "anonymous".to_owned(),
        Err(error) => format!("error {}", error.code()),
    };
    let mut response = Response::new(Full::new(Bytes::from(format!("hello {who}"))));
    response.headers_mut().insert(
        "access-control-expose-headers",
        "x-request-id".parse().expect("value"),
    );
    Ok(response)
}

/// `GET` a protocol route with `headers`.
async fn call_auth(auth: &Auth, path: &str, headers: &[(&str, &str)]) -> Response<Bytes> {
    let mut builder = Request::get(path);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    AuthService::new(auth)
        .respond(builder.body(Full::<Bytes>::default()).expect("request"))
        .await
}

/// Signs Ada up; her session token.
async fn sign_up(auth: &Auth) -> String {
    let sign_up = Request::post("/api/auth/sign-up/email")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(
            br#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#,
        )))
        .expect("request");
    let signed = AuthService::new(auth).respond(sign_up).await;
    signed.headers()["set-auth-token"]
        .to_str()
        .expect("ascii")
        .to_owned()
}

/// Ada's JWT, from get-session with her session token.
async fn jwt(auth: &Auth, session: &str) -> String {
    let bearer = format!("Bearer {session}");
    let got = call_auth(
        auth,
        "/api/auth/get-session",
        &[("authorization", bearer.as_str())],
    )
    .await;
    got.headers()["set-auth-jwt"]
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

async fn body(response: Response<Full<Bytes>>) -> Bytes {
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
}

#[tokio::test]
async fn cors_answers_trusted_preflights_and_merges_exposed_headers() {
    let auth = auth(&["http://localhost:3000"]);
    let service = CorsLayer::new(auth.config()).layer(service_fn(app));

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
    let service = CorsLayer::new(auth.config()).layer(service_fn(app));
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
    let guarded = RequireAuthLayer::new(&auth).layer(service_fn(app));

    let response = guarded
        .clone()
        .oneshot(request("GET", &[]))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        body(response).await.as_ref(),
        br#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#
    );

    let bad = guarded
        .clone()
        .oneshot(request("GET", &[("authorization", "Bearer a.b.c")]))
        .await
        .expect("response");
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);

    let session = sign_up(&auth).await;
    let jwt = format!("Bearer {}", jwt(&auth, &session).await);
    let bearer = format!("Bearer {session}");
    for credential in [bearer.as_str(), jwt.as_str()] {
        let ok = guarded
            .clone()
            .oneshot(request("GET", &[("authorization", credential)]))
            .await
            .expect("response");
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(body(ok).await.as_ref(), b"hello ada@example.com");
    }
}

#[tokio::test]
async fn the_optional_guard_identifies_callers_and_requires_none() {
    let auth = auth(&[]);
    let page = OptionalAuthLayer::new(&auth).layer(service_fn(app));
    let session = sign_up(&auth).await;
    let jwt = format!("Bearer {}", jwt(&auth, &session).await);
    let bearer = format!("Bearer {session}");
    for (credential, expected) in [
        (None, "hello anonymous"),
        (Some("Bearer a.b.c"), "hello anonymous"),
        (Some("Bearer not-a-session"), "hello anonymous"),
        (Some(bearer.as_str()), "hello ada@example.com"),
        (Some(jwt.as_str()), "hello ada@example.com"),
    ] {
        let headers: Vec<(&str, &str)> = credential
            .map(|c| vec![("authorization", c)])
            .unwrap_or_default();
        let response = page
            .clone()
            .oneshot(request("GET", &headers))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::OK, "{credential:?}");
        assert_eq!(body(response).await.as_ref(), expected.as_bytes());
    }
}

#[tokio::test]
async fn the_extractors_find_the_installed_auth_and_say_when_there_is_none() {
    let auth = auth(&[]);
    let session = sign_up(&auth).await;
    let jwt = jwt(&auth, &session).await;
    let bearer_jwt = format!("Bearer {jwt}");
    let installed =
        InstallLayer::new(&auth).layer(service_fn(|request: Request<Full<Bytes>>| async move {
            let (headers, extensions) = (request.headers(), request.extensions());
            let current: Result<Caller, AuthError> =
                extract::current_user(headers, extensions).await;
            let claims: Result<Claims, AuthError> = extract::jwt_claims(headers, extensions).await;
            let text = match (current, claims) {
                (Ok(caller), Ok(claims)) => format!("{} {}", caller.user.email, claims.sub),
                (Err(a), Err(b)) => format!("{} {}", a.code(), b.code()),
                (a, b) => format!("{a:?} {b:?}"),
            };
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(text))))
        }));
    let ok = installed
        .clone()
        .oneshot(request("GET", &[("authorization", bearer_jwt.as_str())]))
        .await
        .expect("response");
    let text = String::from_utf8(body(ok).await.to_vec()).expect("utf-8");
    assert!(text.starts_with("ada@example.com "), "{text}");
    let anonymous = installed
        .oneshot(request("GET", &[]))
        .await
        .expect("response");
    assert_eq!(body(anonymous).await.as_ref(), b"UNAUTHORIZED UNAUTHORIZED");

    // Without `install`, an extractor is a programming error: a 500 that says what to do.
    let bare = request("GET", &[("authorization", bearer_jwt.as_str())]);
    let error = extract::current_user(bare.headers(), bare.extensions())
        .await
        .expect_err("not installed");
    assert!(error.is_server_fault());
    let cause = std::error::Error::source(&error)
        .expect("cause")
        .to_string();
    assert!(cause.contains("install"), "{cause}");
    let response: Response<Bytes> = ProtocolError::from(error).response();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!String::from_utf8_lossy(response.body()).contains("install"));
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

    fn sign(&self, claims: &Claims) -> Result<AccessToken, SigningError> {
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
    let store = Arc::new(MemoryStore::new());
    let key = JwtKey::generate_ed25519();
    let config = AuthConfig::builder(SECRET, "http://localhost:4000")
        .build()
        .expect("config");
    let first = Auth::builder()
        .config(config.clone())
        .store(Arc::clone(&store))
        .issuer(JwtIssuer::for_config(&config, key.clone()).expect("issuer"))
        .default_hasher()
        .build();
    let verified = Arc::new(AtomicUsize::new(0));
    let second = Auth::builder()
        .config(config.clone())
        .store(store)
        .issuer(Counting {
            inner: JwtIssuer::for_config(&config, key).expect("issuer"),
            verified: Arc::clone(&verified),
        })
        .default_hasher()
        .build();

    let session = sign_up(&first).await;
    let jwt = format!("Bearer {}", jwt(&first, &session).await);

    let guarded = RequireAuthLayer::new(&second).layer(service_fn(app));
    for expected in 1..=2 {
        let ok = guarded
            .clone()
            .oneshot(request("GET", &[("authorization", jwt.as_str())]))
            .await
            .expect("response");
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(body(ok).await.as_ref(), b"hello ada@example.com");
        // The first asks the store about the session, the second the revocation cache; each
        // verifies the token once (and the extractor behind the guard not at all).
        assert_eq!(verified.load(Ordering::SeqCst), expected);
    }
}
