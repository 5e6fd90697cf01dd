//! Orders: created only from a `requires_confirmation` session (the flow is
//! [`crate::flows::funding::order`]).

use super::expected_version;
use crate::{
    auth::SecretKey, error::AppError, extract::JsonBody, flows, idempotency::Idem, AppState,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use paysession_core::wire::{CreateOrder, Order};

/// `POST /v1/orders` (sk) `{sessionId, version?}`.
pub async fn create(
    State(s): State<AppState>,
    key: SecretKey,
    headers: HeaderMap,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<CreateOrder>,
) -> Result<(StatusCode, Json<Order>), AppError> {
    let expected = expected_version(req.version, &headers)?;
    let merchant = key.merchant.id;
    let order = s
        .db(move |s| flows::funding::order(s, &merchant, &req.session_id, expected, idem.as_ref()))
        .await?;
    Ok((StatusCode::CREATED, Json(order)))
}

/// `GET /v1/orders/{id}` (sk).
pub async fn retrieve(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<Order>, AppError> {
    s.db(move |s| match s.store.order(&id)? {
        Some(o) if o.merchant_id == key.merchant.id => Ok(Json(o.order)),
        _ => Err(AppError::not_found("order")),
    })
    .await
}
