//! Customers and saved payment methods: the merchant's routes (secret key)
//! and the browser's, which reach only the customer a session names.

use super::expected_version;
use crate::{
    auth::{AnyKey, SecretKey},
    error::AppError,
    extract::JsonBody,
    flows::customers as flow,
    idempotency::Idem,
    AppState,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use paysession_core::wire::{
    CreateCustomer, Customer, DeletedPaymentMethod, PaymentMethodList, PaymentMethodSummary,
    TokenizeSource,
};

/// `POST /v1/customers` (sk).
pub async fn create(
    State(s): State<AppState>,
    key: SecretKey,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<CreateCustomer>,
) -> Result<(StatusCode, Json<Customer>), AppError> {
    if let Some(e) = &req.email {
        paysession_core::email::check_email(e).map_err(|e| AppError::api(e.nest("email")))?;
    }
    let c = s
        .db(move |s| flow::create(s, &key.merchant.id, req, idem.as_ref()))
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// `GET /v1/customers/{id}` (sk).
pub async fn retrieve(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<Customer>, AppError> {
    s.db(move |s| flow::retrieve(s, &key.merchant.id, &id).map(Json))
        .await
}

/// `GET /v1/customers/{id}/payment-methods` (sk).
pub async fn list(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<PaymentMethodList>, AppError> {
    s.db(move |s| flow::list(s, &key.merchant.id, &id).map(Json))
        .await
}

/// `DELETE /v1/customers/{id}/payment-methods/{pmId}` (sk).
pub async fn delete(
    State(s): State<AppState>,
    key: SecretKey,
    Path((id, pm)): Path<(String, String)>,
) -> Result<Json<DeletedPaymentMethod>, AppError> {
    s.db(move |s| {
        flow::load_customer(s, &key.merchant.id, &id, None)?;
        flow::delete(s, &key.merchant.id, &id, &pm).map(Json)
    })
    .await
}

/// `POST /v1/sessions/{id}/payment-methods` (pk or sk): saves a card source
/// created with `usage` to the session's customer without paying.
pub async fn tokenize(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<TokenizeSource>,
) -> Result<(StatusCode, Json<PaymentMethodSummary>), AppError> {
    let expected = expected_version(req.version, &headers)?;
    let m = s
        .db(move |s| flow::tokenize(s, &key.merchant.id, &id, &req, expected, idem.as_ref()))
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// `DELETE /v1/sessions/{id}/payment-methods/{pmId}` (pk or sk): removes a
/// saved method of the session's customer.
pub async fn delete_for_session(
    State(s): State<AppState>,
    key: AnyKey,
    Path((id, pm)): Path<(String, String)>,
) -> Result<Json<DeletedPaymentMethod>, AppError> {
    s.db(move |s| flow::delete_for_session(s, &key.merchant.id, &id, &pm).map(Json))
        .await
}
