//! JSON errors for the example's own routes, in the same `{"message","code"}` shape as the auth
//! API, so a client handles one kind of error.

use axum::Json;
use axum::extract::FromRequest;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answered as `{"message","code"}`.
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    message: &'a str,
    code: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(Body {
                message: &self.message,
                code: self.code,
            }),
        )
            .into_response()
    }
}

/// `Json<T>` whose rejections are JSON errors too (bad JSON, wrong content type, too large, a
/// missing field).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct JsonBody<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let mut status = rejection.status();
        let code = match rejection {
            JsonRejection::JsonSyntaxError(_) => "BAD_REQUEST",
            JsonRejection::JsonDataError(_) => {
                // 400 like the auth API's validation errors (axum's default is 422).
                status = StatusCode::BAD_REQUEST;
                "VALIDATION_ERROR"
            }
            JsonRejection::MissingJsonContentType(_) => "UNSUPPORTED_MEDIA_TYPE",
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
            _ => "BAD_REQUEST",
        };
        Self::new(status, code, rejection.body_text())
    }
}

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Not found")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "Method not allowed",
    )
}
