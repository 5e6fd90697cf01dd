//! The demo merchant as a client: the JSON bodies it reads from the browser,
//! and its calls to the session API (in-process, as a merchant's server
//! would call it over the network).

use super::DemoMerchant;
use crate::error::AppError;
use crate::extract::{deserialize_value, parse_object, read_json_body};
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequest, Request};
use axum::http::{header, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tower::ServiceExt;

/// A JSON body whose rejections are contract errors, as on the session API.
pub(super) struct DemoJson<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for DemoJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, _: &S) -> Result<Self, AppError> {
        parse_object(&read_json_body(req).await?)
            .and_then(deserialize_value)
            .map(DemoJson)
    }
}

/// Calls the session API as the merchant's server would.
pub(super) async fn call(
    m: &DemoMerchant,
    method: Method,
    path: &str,
    body: Option<Value>,
    idempotency_key: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", m.secret_key))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = idempotency_key {
        req = req.header("idempotency-key", k);
    }
    let body = body
        .map(|b| Body::from(b.to_string()))
        .unwrap_or_else(Body::empty);
    let internal = || {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"type": "internal_error", "errors": [{"code": "internal_error", "message": "Something went wrong."}]}),
        )
    };
    let Ok(req) = req.body(body) else {
        return internal();
    };
    let res = match m.api.clone().oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = res.status();
    let Ok(bytes) = to_bytes(res.into_body(), 1 << 20).await else {
        return internal();
    };
    match serde_json::from_slice(&bytes) {
        Ok(v) => (status, v),
        Err(_) => internal(),
    }
}
