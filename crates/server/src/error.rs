//! [`AppError`]: every failure renders the contract's error body
//! (`core::ApiError`). Internal errors are logged here and say nothing outside.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use paysession_core::{ApiError, ErrorCode, ErrorType};

/// An error answer: a status and the contract body.
#[derive(Debug)]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Contract body.
    pub body: ApiError,
}

impl AppError {
    /// The status follows the error's type.
    pub fn api(body: ApiError) -> Self {
        let status =
            StatusCode::from_u16(body.kind.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
        AppError { status, body }
    }
    /// An explicit status (413, 415, 405).
    pub fn with_status(status: StatusCode, body: ApiError) -> Self {
        AppError { status, body }
    }
    /// Logs `detail` and answers the generic 500.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(detail = %detail, "internal error");
        AppError::api(ApiError::new(
            ErrorType::InternalError,
            ErrorCode::InternalError,
            None,
            "Something went wrong.",
        ))
    }
    /// Logs `detail` and answers `503 network_unavailable` (the database
    /// could not be reached after retries): the client may retry.
    pub fn unavailable(detail: impl std::fmt::Display) -> Self {
        tracing::error!(detail = %detail, "database unavailable");
        AppError::api(ApiError::new(
            ErrorType::NetworkError,
            ErrorCode::NetworkUnavailable,
            None,
            "The service is briefly unavailable; retry with the same idempotency key.",
        ))
    }
    /// `404 resource_not_found`: unknown ids and other merchants' ids alike.
    pub fn not_found(what: &str) -> Self {
        AppError::api(ApiError::new(
            ErrorType::NotFound,
            ErrorCode::ResourceNotFound,
            None,
            format!("No such {what}."),
        ))
    }
    /// `400 validation_error` naming `parameter`.
    pub fn validation(code: ErrorCode, parameter: &str, message: impl Into<String>) -> Self {
        AppError::api(ApiError::validation(code, parameter, message))
    }
    /// `400 bad_request`.
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::api(ApiError::bad_request(code, None, message))
    }
    /// `409 session_version_mismatch`.
    pub fn version_mismatch() -> Self {
        AppError::api(ApiError::new(
            ErrorType::Conflict,
            ErrorCode::SessionVersionMismatch,
            Some("version"),
            "The session has changed since this version; retrieve it and decide again.",
        ))
    }
}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> Self {
        AppError::api(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        r
    }
}
