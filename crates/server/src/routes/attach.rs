//! Attaching and detaching sources. A primary source funds whatever the
//! secondaries leave; attaching a new primary replaces the previous one.
//! Only `chargeable` or `pending_funds` sources of the same session attach.

use super::{ensure_open, expected_version, load_session, modify_session, now, Change};
use crate::{auth::SecretKey, error::AppError, extract::JsonBody, model::Attached, AppState};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    Json,
};
use paysession_core::{
    wire::{self, AttachSource},
    ApiError, ErrorCode, ErrorType,
};

/// `POST /v1/sessions/{id}/sources` (sk) `{sourceId, version?}`.
pub async fn attach(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<AttachSource>,
) -> Result<Json<wire::Session>, AppError> {
    let expected = expected_version(req.version, &headers)?;
    let merchant = key.merchant.id;
    s.db(move |s| {
        modify_session(s, &merchant, &id, expected, |rec, now| {
            ensure_open(rec, now)?;
            let src = match s.store.source(&req.source_id)? {
                Some(src) if src.merchant_id == merchant => src,
                _ => {
                    return Err(AppError::api(ApiError::new(
                        ErrorType::NotFound,
                        ErrorCode::ResourceNotFound,
                        Some("sourceId"),
                        "No such source.",
                    )))
                }
            };
            if src.source.session_id != rec.id {
                return Err(AppError::api(ApiError::bad_request(
                    ErrorCode::SourceSessionMismatch,
                    Some("sourceId"),
                    "The source was created for another session.",
                )));
            }
            if !src.source.state.is_attachable() {
                return Err(AppError::api(ApiError::bad_request(
                    ErrorCode::SourceStateInvalid,
                    Some("sourceId"),
                    format!(
                        "A {} source cannot be attached; it must be chargeable (or pending_funds).",
                        src.source.state.as_str()
                    ),
                )));
            }
            if rec.attached.iter().any(|a| a.id == src.source.id) {
                return Ok(Change::none(Ok(())));
            }
            let kind = src.source.kind;
            if !kind.is_secondary() {
                rec.attached.retain(|a| a.kind.is_secondary());
            }
            rec.attached.push(Attached {
                id: src.source.id.clone(),
                kind,
                balance: src.balance,
            });
            Ok(Change::session(Ok(())))
        })?;
        Ok(Json(load_session(s, &merchant, &id)?.view(now(s), true)))
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
    s.db(move |s| {
        modify_session(s, &merchant, &id, expected, |rec, now| {
            ensure_open(rec, now)?;
            let before = rec.attached.len();
            rec.attached.retain(|a| a.id != source_id);
            if rec.attached.len() == before {
                return Err(AppError::not_found("attached source"));
            }
            Ok(Change::session(Ok(())))
        })?;
        Ok(Json(load_session(s, &merchant, &id)?.view(now(s), true)))
    })
    .await
}
