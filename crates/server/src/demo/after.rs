//! After the order, as the demo shop's server would do it (docs/API.md
//! §5.18): a refund of a checkout's order (`POST /demo/api/refunds`), and in
//! test mode the simulator's asynchronous outcomes for it (`POST
//! /demo/api/simulate`: a wire transfer's funds or a SEPA debit arriving, a
//! pending refund completing). The browser names only its checkout's session;
//! the server finds the order, its payments and refunds, and calls the
//! session API with its secret key, which never reaches the page. What
//! happened then reaches the page as the webhooks the shop received
//! (`GET /demo/api/events`).

use super::client::{call, DemoJson};
use super::{check_id, DemoMerchant};
use crate::error::AppError;
use crate::flows::orders::ensure_test_key;
use crate::ids;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use paysession_core::{ApiError, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};

/// Whether the demo merchant's key is a test key (the page offers the simulator).
pub(super) fn test_mode(m: &DemoMerchant) -> bool {
    ensure_test_key(&m.secret_key).is_ok()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct OfSession {
    session_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct Simulate {
    session_id: String,
    /// `funds` (the order's pending payments are paid) or `refund` (its
    /// pending refunds succeed).
    outcome: String,
}

/// The order of the checkout `session_id` (`404 resource_not_found` before one).
async fn order_of(m: &DemoMerchant, session_id: &str) -> Result<Value, Response> {
    if let Err(e) = check_id(ids::SESSION, "sessionId", session_id) {
        return Err(e.into_response());
    }
    let (status, session) = call(
        m,
        Method::GET,
        &format!("/v1/sessions/{session_id}"),
        None,
        None,
    )
    .await;
    if !status.is_success() {
        return Err((status, Json(session)).into_response());
    }
    let Some(order_id) = session["orderId"].as_str() else {
        return Err(AppError::not_found("order").into_response());
    };
    let (status, order) = call(
        m,
        Method::GET,
        &format!("/v1/orders/{order_id}"),
        None,
        None,
    )
    .await;
    if !status.is_success() {
        return Err((status, Json(order)).into_response());
    }
    Ok(order)
}

/// `POST /demo/api/refunds {sessionId}`: refunds what the checkout's order
/// has left to refund (one refund per version of the order: a double click
/// replays it). The Refund (`pending` for a wire transfer or SEPA debit,
/// else `succeeded`).
pub(super) async fn refund(
    State(m): State<DemoMerchant>,
    DemoJson(r): DemoJson<OfSession>,
) -> Response {
    let order = match order_of(&m, &r.session_id).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let id = order["id"].as_str().unwrap_or_default();
    // One key per (order, version): a double click replays the refund; a
    // refund asked after the order changed (its money arrived) is a new request.
    let key = format!("refund-{id}-v{}", order["version"]);
    let (status, v) = call(
        &m,
        Method::POST,
        &format!("/v1/orders/{id}/refunds"),
        Some(json!({"reason": "demo: refund from the confirmation page"})),
        Some(&key),
    )
    .await;
    (status, Json(v)).into_response()
}

/// `POST /demo/api/simulate {sessionId, outcome}` (test mode): `funds` pays
/// the order's pending payments (`POST /v1/test/sources/{id}/funds`),
/// `refund` makes its pending refunds succeed (`POST
/// /v1/test/refunds/{id}/succeed`). Answers the order as it is then; nothing
/// pending is `400 source_state_invalid` / `refund_state_invalid`.
pub(super) async fn simulate(
    State(m): State<DemoMerchant>,
    DemoJson(r): DemoJson<Simulate>,
) -> Response {
    if let Err(e) = ensure_test_key(&m.secret_key) {
        return e.into_response();
    }
    let order = match order_of(&m, &r.session_id).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let list = |field: &str| order[field].as_array().cloned().unwrap_or_default();
    let (paths, none): (Vec<String>, _) = match r.outcome.as_str() {
        "funds" => (
            list("payments")
                .iter()
                .filter(|p| p["state"] == "pending")
                .filter_map(|p| p["sourceId"].as_str())
                .map(|s| format!("/v1/test/sources/{s}/funds"))
                .collect(),
            (
                ErrorCode::SourceStateInvalid,
                "The order has no payment awaiting its money.",
            ),
        ),
        "refund" => (
            list("refunds")
                .iter()
                .filter(|f| f["state"] == "pending")
                .filter_map(|f| f["id"].as_str())
                .map(|id| format!("/v1/test/refunds/{id}/succeed"))
                .collect(),
            (
                ErrorCode::RefundStateInvalid,
                "The order has no pending refund.",
            ),
        ),
        _ => {
            return AppError::validation(
                ErrorCode::InvalidParameter,
                "outcome",
                "Expected funds or refund.",
            )
            .into_response()
        }
    };
    if paths.is_empty() {
        return AppError::api(ApiError::bad_request(none.0, None, none.1)).into_response();
    }
    for path in paths {
        // The path names the one outcome: a retry replays it.
        let (status, v) = call(&m, Method::POST, &path, None, Some(&path)).await;
        // Another click got there first: the same outcome, nothing to add.
        if !status.is_success() && status != StatusCode::BAD_REQUEST {
            return (status, Json(v)).into_response();
        }
    }
    match order_of(&m, &r.session_id).await {
        Ok(o) => Json(o).into_response(),
        Err(r) => r,
    }
}
