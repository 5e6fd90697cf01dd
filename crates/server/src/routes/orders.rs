//! Orders: created only from a `requires_confirmation` session; success
//! consumes the attached sources and completes the session.

use super::{expected_version, load_source, modify_session, Change};
use crate::{
    auth::SecretKey, clock::rfc3339, error::AppError, extract::JsonBody, ids, model::OrderRec,
    AppState,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use paysession_core::{
    state::{SessionState, SourceState},
    wire::{CreateOrder, Order},
    ApiError,
};

/// `POST /v1/orders` (sk) `{sessionId, version?}`.
pub async fn create(
    State(s): State<AppState>,
    key: SecretKey,
    headers: HeaderMap,
    JsonBody(req): JsonBody<CreateOrder>,
) -> Result<(StatusCode, Json<Order>), AppError> {
    let expected = expected_version(req.version, &headers)?;
    let merchant = key.merchant.id;
    let order = s
        .db(move |s| {
            modify_session(s, &merchant, &req.session_id, expected, |rec, now| {
                if rec.state(now) != SessionState::RequiresConfirmation {
                    return Err(AppError::api(ApiError::order_submit_failed()));
                }
                let contributions = rec.contributions();
                let mut sources = Vec::new();
                for c in &contributions {
                    let mut src = load_source(s, &merchant, &c.id)?;
                    src.source.state = SourceState::Consumed;
                    src.source.updated_time = rfc3339(now);
                    sources.push(src);
                }
                let order = Order {
                    id: ids::order(),
                    session_id: rec.id.clone(),
                    state: "complete".into(),
                    amount: rec.amount,
                    currency: rec.currency,
                    sources: contributions,
                    created_time: rfc3339(now),
                };
                rec.order_id = Some(order.id.clone());
                if let Some(c) = rec.card.as_mut() {
                    c.cvv_sealed = None;
                }
                Ok(Change {
                    session_changed: true,
                    sources,
                    orders: vec![OrderRec {
                        merchant_id: merchant.clone(),
                        order: order.clone(),
                    }],
                    result: Ok(order),
                })
            })
        })
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
