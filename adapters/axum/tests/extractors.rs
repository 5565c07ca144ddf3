//! The adapter on a real axum Router: routes, extractors, the guard, and a forgotten install.

use auth_axum::{AuthRouterExt, CurrentUser, MaybeUser, optional_auth, require_auth};
use auth_core::Auth;
use auth_core::config::AuthConfig;
use auth_core::store::MemoryStore;
use auth_core::token::{JwtIssuer, JwtKey};
use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn auth() -> Auth {
    let config = AuthConfig::builder(
        "axum-test-secret-0123456789abcdef0123456",
        "http://localhost:4000",
    )
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

async fn who(user: CurrentUser) -> String {
    user.user.email.clone()
}

async fn maybe(user: MaybeUser) -> String {
    user.0.map_or("anonymous".into(), |u| u.user.email)
}

async fn call(app: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get_with(path: &str, bearer: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path);
    if let Some(bearer) = bearer {
        builder = builder.header("authorization", format!("Bearer {bearer}"));
    }
    builder.body(Body::empty()).expect("request")
}

#[tokio::test]
async fn routes_extractors_and_guard_work_together() {
    let auth = auth();
    let guarded = Router::new()
        .route("/api/guarded", get(who))
        .route_layer(require_auth(&auth));
    let identified = Router::new()
        .route("/api/identified", get(maybe))
        .route_layer(optional_auth(&auth));
    let app = Router::new()
        .route("/api/me", get(who))
        .route("/api/maybe", get(maybe))
        .merge(guarded)
        .merge(identified)
        .with_auth(&auth);

    let sign_up = Request::post("/api/auth/sign-up/email")
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#,
        ))
        .expect("request");
    let response = app.clone().oneshot(sign_up).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let token = response.headers()["set-auth-token"]
        .to_str()
        .expect("ascii")
        .to_owned();

    assert_eq!(
        call(&app, get_with("/api/me", Some(&token))).await,
        (StatusCode::OK, "ada@example.com".into())
    );
    assert_eq!(
        call(&app, get_with("/api/guarded", Some(&token))).await,
        (StatusCode::OK, "ada@example.com".into())
    );
    assert_eq!(
        call(&app, get_with("/api/maybe", Some(&token))).await,
        (StatusCode::OK, "ada@example.com".into())
    );
    assert_eq!(
        call(&app, get_with("/api/maybe", Some("a.b.c"))).await,
        (StatusCode::OK, "anonymous".into())
    );
    assert_eq!(
        call(&app, get_with("/api/identified", Some(&token))).await,
        (StatusCode::OK, "ada@example.com".into())
    );
    for bearer in [None, Some("a.b.c")] {
        assert_eq!(
            call(&app, get_with("/api/identified", bearer)).await,
            (StatusCode::OK, "anonymous".into()),
            "{bearer:?}"
        );
    }

    let unauthorized = r#"{"message":"Unauthorized","code":"UNAUTHORIZED"}"#.to_owned();
    assert_eq!(
        call(&app, get_with("/api/me", None)).await,
        (StatusCode::UNAUTHORIZED, unauthorized.clone())
    );
    assert_eq!(
        call(&app, get_with("/api/guarded", None)).await,
        (StatusCode::UNAUTHORIZED, unauthorized)
    );
    let (status, body) = call(&app, get_with("/api/me", Some("a.b.c"))).await;
    assert_eq!(
        (status, body.contains("INVALID_TOKEN")),
        (StatusCode::UNAUTHORIZED, true)
    );
}

#[tokio::test]
async fn a_router_without_auth_says_so_instead_of_panicking() {
    let app = Router::new().route("/api/me", get(who));
    let (status, body) = call(&app, get_with("/api/me", None)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body,
        r#"{"message":"Internal Server Error","code":"INTERNAL_SERVER_ERROR"}"#
    );
}

#[tokio::test]
async fn jwt_claims_deserialise_into_the_applications_type() {
    #[derive(serde::Deserialize)]
    struct MyClaims {
        email: String,
        sid: String,
    }
    async fn mine(auth_axum::Jwt(claims): auth_axum::Jwt<MyClaims>) -> String {
        format!("{} {}", claims.email, claims.sid.len())
    }
    let auth = auth();
    let app = Router::new().route("/api/mine", get(mine)).with_auth(&auth);
    let sign_up = Request::post("/api/auth/sign-up/email")
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"name":"Ada","email":"ada@example.com","password":"correct horse battery"}"#,
        ))
        .expect("request");
    let response = app.clone().oneshot(sign_up).await.expect("infallible");
    let bearer = response.headers()["set-auth-token"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let token = app
        .clone()
        .oneshot(get_with("/api/auth/token", Some(&bearer)))
        .await
        .expect("infallible");
    let body = token.into_body().collect().await.expect("body").to_bytes();
    let jwt = serde_json::from_slice::<serde_json::Value>(&body).expect("json")["token"]
        .as_str()
        .expect("jwt")
        .to_owned();
    assert_eq!(
        call(&app, get_with("/api/mine", Some(&jwt))).await,
        (StatusCode::OK, "ada@example.com 32".into())
    );
    let (status, body) = call(&app, get_with("/api/mine", Some(&bearer))).await;
    assert_eq!(
        (status, body.contains("UNAUTHORIZED")),
        (StatusCode::UNAUTHORIZED, true),
        "a session token is not a JWT"
    );
}
