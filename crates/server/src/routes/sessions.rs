//! Sessions: create, retrieve, update fields (merchant and browser views).

use super::{expected_version, load_session, now};
use crate::{
    auth::{AnyKey, SecretKey},
    error::AppError,
    extract::JsonBody,
    flows::sessions::check_owner,
    idempotency::Idem,
    AppState,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use paysession_core::{
    wire::{self, CreateSession, UpdateSession},
    ErrorCode,
};

/// `POST /v1/sessions` (sk).
pub async fn create(
    State(s): State<AppState>,
    key: SecretKey,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<CreateSession>,
) -> Result<(StatusCode, Json<wire::Session>), AppError> {
    // Core's one amount rule (deserializing already refused > MAX_AMOUNT).
    paysession_core::Amount::positive(req.amount.get() as i64, "amount")?;
    if let Some(o) = &req.owner {
        check_owner(o, "owner")?;
    }
    if let Some(o) = &req.shipping {
        check_owner(o, "shipping")?;
    }
    if let Some(l) = &req.locale {
        check_locale(l)?;
    }
    let view = s
        .db(move |s| crate::flows::sessions::create(s, &key.merchant.id, req, idem.as_ref()))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /v1/sessions/{id}` (sk): the full session.
pub async fn retrieve(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<wire::Session>, AppError> {
    s.db(move |s| {
        Ok(Json(
            load_session(s, &key.merchant.id, &id)?.view(now(s), true),
        ))
    })
    .await
}

/// `GET /v1/sessions/{id}/fields` (pk or sk): the masked browser view.
pub async fn fields(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
) -> Result<Json<wire::Session>, AppError> {
    s.db(move |s| {
        Ok(Json(
            load_session(s, &key.merchant.id, &id)?.view(now(s), false),
        ))
    })
    .await
}

/// `PATCH /v1/sessions/{id}` (sk): owner, shipping, reference, metadata.
pub async fn update(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<UpdateSession>,
) -> Result<Json<wire::Session>, AppError> {
    if req.card.is_some() {
        return Err(AppError::validation(
            ErrorCode::InvalidParameter,
            "card",
            "Card details are set only from the browser (PATCH /v1/sessions/{id}/fields).",
        ));
    }
    apply(s, key.merchant.id, id, headers, req, true).await
}

/// `PATCH /v1/sessions/{id}/fields` (pk or sk): owner, shipping, card.
pub async fn update_fields(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<UpdateSession>,
) -> Result<Json<wire::Session>, AppError> {
    for (given, p) in [
        (req.reference.is_some(), "reference"),
        (req.metadata.is_some(), "metadata"),
    ] {
        if given {
            return Err(AppError::validation(
                ErrorCode::InvalidParameter,
                p,
                format!("`{p}` is set only by the merchant's server (PATCH /v1/sessions/{{id}})."),
            ));
        }
    }
    apply(s, key.merchant.id, id, headers, req, false).await
}

async fn apply(
    s: AppState,
    merchant: String,
    id: String,
    headers: HeaderMap,
    req: UpdateSession,
    full: bool,
) -> Result<Json<wire::Session>, AppError> {
    let expected = expected_version(req.version, &headers)?;
    if let Some(o) = &req.owner {
        check_owner(o, "owner")?;
    }
    if let Some(o) = &req.shipping {
        check_owner(o, "shipping")?;
    }
    s.db(move |s| crate::flows::sessions::update(s, &merchant, &id, expected, &req, full).map(Json))
        .await
}

fn check_locale(l: &str) -> Result<(), AppError> {
    let ok = (2..=35).contains(&l.len())
        && l.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AppError::validation(
            ErrorCode::InvalidParameter,
            "locale",
            "`locale` must be a BCP 47 tag such as `en-US`.",
        ))
    }
}
