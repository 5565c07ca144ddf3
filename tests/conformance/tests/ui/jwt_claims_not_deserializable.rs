// A `Jwt<C>` extractor whose claims type cannot be deserialized must not compile.
use auth_axum::Jwt;
use axum::extract::FromRequestParts;

struct MyClaims {
    email: String,
}

async fn extract(parts: &mut axum::http::request::Parts) {
    let _claims = Jwt::<MyClaims>::from_request_parts(parts, &()).await;
}

fn main() {}
