//! Orders: created only from a `requires_confirmation` session (the flow is
//! [`crate::flows::funding::order`]); then captured, cancelled and refunded
//! ([`crate::flows::orders`]).

use super::expected_version;
use crate::{
    auth::SecretKey,
    error::AppError,
    extract::JsonBody,
    flows::{self, orders::load_order},
    idempotency::Idem,
    AppState,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use paysession_core::wire::{CreateCapture, CreateOrder, CreateRefund, Order, Refund};

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

/// `GET /v1/orders/{id}` (sk): a due authorization expiry is applied first.
pub async fn retrieve(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<Order>, AppError> {
    s.db(move |s| flows::orders::current(s, &key.merchant.id, &id).map(Json))
        .await
}

/// `POST /v1/orders/{id}/captures` (sk) `{amount?, final?}`: the order after the capture.
pub async fn capture(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<CreateCapture>,
) -> Result<Json<Order>, AppError> {
    let m = key.merchant.id;
    s.db(move |s| {
        flows::orders::modify_order(
            s,
            &m,
            || load_order(s, &m, &id),
            idem.as_ref(),
            StatusCode::OK,
            |rec, now, fx| {
                let amount = req.amount.map(|a| a.0);
                let is_final = req.is_final.unwrap_or(false);
                flows::orders::capture(rec, amount, is_final, now, fx)
            },
            |_, rec| rec.order.clone(),
        )
        .map(Json)
    })
    .await
}

/// `POST /v1/orders/{id}/cancel` (sk): voids what is not captured; the order.
pub async fn cancel(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    Idem(idem): Idem,
) -> Result<Json<Order>, AppError> {
    let m = key.merchant.id;
    s.db(move |s| {
        flows::orders::modify_order(
            s,
            &m,
            || load_order(s, &m, &id),
            idem.as_ref(),
            StatusCode::OK,
            |rec, _, fx| flows::orders::void(rec, fx),
            |(), rec| rec.order.clone(),
        )
        .map(Json)
    })
    .await
}

/// `POST /v1/orders/{id}/refunds` (sk) `{amount?, reason?}`: the refund.
pub async fn refund(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<CreateRefund>,
) -> Result<(StatusCode, Json<Refund>), AppError> {
    let m = key.merchant.id;
    let r = s
        .db(move |s| {
            flows::orders::modify_order(
                s,
                &m,
                || load_order(s, &m, &id),
                idem.as_ref(),
                StatusCode::CREATED,
                |rec, now, fx| {
                    let amount = req.amount.map(|a| a.0);
                    flows::orders::refund(rec, amount, req.reason.clone(), now, fx)
                },
                |r, _| r,
            )
        })
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// `GET /v1/refunds/{id}` (sk).
pub async fn refund_retrieve(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<Refund>, AppError> {
    s.db(move |s| match s.store.order_of_refund(&id)? {
        Some(o) if o.merchant_id == key.merchant.id => o
            .order
            .refunds
            .into_iter()
            .find(|r| r.id == id)
            .map(Json)
            .ok_or_else(|| AppError::not_found("refund")),
        _ => Err(AppError::not_found("refund")),
    })
    .await
}
