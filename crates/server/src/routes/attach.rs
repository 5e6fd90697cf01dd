//! Attaching and detaching sources (the flows are in [`crate::flows::funding`]).
//! A primary source funds whatever the secondaries leave; attaching a new
//! primary replaces the previous one. Only `chargeable` or `pending_funds`
//! sources of the same session attach; a gift card holds what it contributes.

use super::expected_version;
use crate::{
    auth::SecretKey, error::AppError, extract::JsonBody, flows, idempotency::Idem, AppState,
};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    Json,
};
use paysession_core::wire::{self, AttachSource};

/// `POST /v1/sessions/{id}/sources` (sk) `{sourceId, version?}`.
pub async fn attach(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<AttachSource>,
) -> Result<Json<wire::Session>, AppError> {
    let expected = expected_version(req.version, &headers)?;
    let merchant = key.merchant.id;
    s.db(move |s| {
        flows::funding::attach(s, &merchant, &id, &req.source_id, expected, idem.as_ref()).map(Json)
    })
    .await
}

/// `DELETE /v1/sessions/{id}/sources/{sourceId}` (sk).
pub async fn detach(
    State(s): State<AppState>,
    key: SecretKey,
    Path((id, source_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<wire::Session>, AppError> {
    let expected = expected_version(None, &headers)?;
    let merchant = key.merchant.id;
    s.db(move |s| flows::funding::detach(s, &merchant, &id, &source_id, expected).map(Json))
        .await
}
