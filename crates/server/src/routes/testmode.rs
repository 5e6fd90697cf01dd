//! Test mode's simulator of asynchronous outcomes (secret test key only,
//! `403 test_mode_only` for any other key): a wire transfer's funds arriving
//! or a SEPA debit settling, a debit returned, a redirect payment approved or
//! cancelled without the shopper coming back, a pending refund completing.
//! Each is the same write the real outcome would make (flows/orders.rs,
//! flows/redirect.rs), events included.

use crate::{
    auth::SecretKey,
    error::AppError,
    flows::{self, load_session, load_source, orders::ensure_test_key},
    idempotency::Idem,
    AppState,
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use paysession_core::{
    wire::{Order, Refund, Source},
    ApiError, ErrorCode,
};

/// The order that consumed source `id`.
fn order_of_source(
    s: &AppState,
    merchant: &str,
    id: &str,
) -> Result<crate::model::OrderRec, AppError> {
    let src = load_source(s, merchant, id)?;
    let session = load_session(s, merchant, &src.source.session_id)?;
    let no_order = || {
        AppError::api(ApiError::bad_request(
            ErrorCode::SourceStateInvalid,
            None,
            "The source pays no order yet.",
        ))
    };
    let order_id = session.order_id.ok_or_else(no_order)?;
    let order = flows::orders::load_order(s, merchant, &order_id)?;
    if !order.order.payments.iter().any(|p| p.source_id == id) {
        return Err(no_order());
    }
    Ok(order)
}

async fn settle(
    s: AppState,
    key: SecretKey,
    id: String,
    idem: Option<crate::idempotency::IdemCtx>,
    arrived: bool,
) -> Result<Json<Order>, AppError> {
    ensure_test_key(&key.merchant.secret_key)?;
    let m = key.merchant.id;
    s.db(move |s| {
        let order_id = order_of_source(s, &m, &id)?.order.id;
        flows::orders::modify_order(
            s,
            &m,
            || flows::orders::load_order(s, &m, &order_id),
            idem.as_ref(),
            StatusCode::OK,
            |rec, now, fx| {
                flows::orders::settle_payment(rec, &id, arrived, fx)?;
                if !arrived {
                    // The source says so too: consumed → failed.
                    flows::orders::returned_source(load_source(s, &m, &id)?, now, fx);
                }
                Ok(())
            },
            |(), rec| rec.order.clone(),
        )
        .map(Json)
    })
    .await
}

/// `POST /v1/test/sources/{id}/funds`: a wire transfer's funds arrive, or a
/// SEPA debit settles: the payment is captured (`payment.captured`, and
/// `order.paid` when that completes the order). The order.
pub async fn funds(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    Idem(idem): Idem,
) -> Result<Json<Order>, AppError> {
    settle(s, key, id, idem, true).await
}

/// `POST /v1/test/sources/{id}/return`: the money never arrives (a returned
/// SEPA debit, a failed transfer): the payment fails (`payment.failed`) and
/// its source moves from `consumed` to `failed` (`source.failed`).
pub async fn returned(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    Idem(idem): Idem,
) -> Result<Json<Order>, AppError> {
    settle(s, key, id, idem, false).await
}

async fn redirect(
    s: AppState,
    key: SecretKey,
    id: String,
    approve: bool,
) -> Result<Json<Source>, AppError> {
    ensure_test_key(&key.merchant.secret_key)?;
    let m = key.merchant.id;
    s.db(move |s| {
        let rec = load_source(s, &m, &id)?;
        flows::redirect::answer(s, rec, approve).map(|(r, _)| Json(r.source))
    })
    .await
}

/// `POST /v1/test/sources/{id}/approve`: the redirect payment is approved
/// without the shopper returning (`source.chargeable`). The source.
pub async fn approve(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<Source>, AppError> {
    redirect(s, key, id, true).await
}

/// `POST /v1/test/sources/{id}/cancel`: the redirect payment is cancelled
/// without the shopper returning (`source.cancelled`). The source.
pub async fn cancel(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<Source>, AppError> {
    redirect(s, key, id, false).await
}

async fn refund(
    s: AppState,
    key: SecretKey,
    id: String,
    idem: Option<crate::idempotency::IdemCtx>,
    succeeded: bool,
) -> Result<Json<Refund>, AppError> {
    ensure_test_key(&key.merchant.secret_key)?;
    let m = key.merchant.id;
    s.db(move |s| {
        let load = || match s.store.order_of_refund(&id)? {
            Some(o) if o.merchant_id == m => Ok(o),
            _ => Err(AppError::not_found("refund")),
        };
        flows::orders::modify_order(
            s,
            &m,
            load,
            idem.as_ref(),
            StatusCode::OK,
            |rec, now, fx| flows::orders::settle_refund(rec, &id, succeeded, now, fx),
            |r, _| r,
        )
        .map(Json)
    })
    .await
}

/// What `POST /v1/test/authorizations/sweep` answers.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Swept {
    /// Orders whose authorization this pass expired.
    pub expired: usize,
}

/// `POST /v1/test/authorizations/sweep`: runs the expiry sweep now for the
/// caller's orders (the server runs it every `--sweep-interval` seconds).
pub async fn sweep(State(s): State<AppState>, key: SecretKey) -> Result<Json<Swept>, AppError> {
    ensure_test_key(&key.merchant.secret_key)?;
    let m = key.merchant.id;
    s.db(move |s| flows::orders::sweep(s, Some(&m)).map(|expired| Json(Swept { expired })))
        .await
}

/// `POST /v1/test/refunds/{id}/succeed`: a pending refund reaches the shopper.
pub async fn refund_succeed(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    Idem(idem): Idem,
) -> Result<Json<Refund>, AppError> {
    refund(s, key, id, idem, true).await
}

/// `POST /v1/test/refunds/{id}/fail`: a pending refund fails (its amount is
/// refundable again).
pub async fn refund_fail(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    Idem(idem): Idem,
) -> Result<Json<Refund>, AppError> {
    refund(s, key, id, idem, false).await
}
