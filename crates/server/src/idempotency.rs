//! `Idempotency-Key` on every POST under `/v1/`: the same key with the same
//! request (method, path, body) replays the first response (status and body);
//! another request is `409 idempotency_key_reused`, as is a second request
//! while the first with that key is still running. Keys are scoped per
//! merchant and stored in the database, so they hold across a restart.
//! 5xx responses are not stored (the client may retry).

use crate::{auth::bearer, error::AppError, extract, store::Idempotent, AppState};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use paysession_core::{ApiError, ErrorCode, ErrorType};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Keys whose first request is still running.
pub type InFlight = Arc<Mutex<HashSet<(String, String)>>>;

struct Guard(InFlight, (String, String));
impl Drop for Guard {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}

fn reused(msg: &str) -> Response {
    AppError::api(ApiError::new(
        ErrorType::Conflict,
        ErrorCode::IdempotencyKeyReused,
        Some("Idempotency-Key"),
        msg,
    ))
    .into_response()
}

/// The middleware.
pub async fn middleware(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || !req.uri().path().starts_with("/v1/") {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get("idempotency-key") else {
        return next.run(req).await;
    };
    let key = match key.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= 255 => k.to_owned(),
        _ => {
            return AppError::validation(
                ErrorCode::InvalidParameter,
                "Idempotency-Key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters.",
            )
            .into_response()
        }
    };
    let merchant = match bearer(req.headers()).and_then(|t| s.config.by_key(t)) {
        Some((m, _)) => m.id.clone(),
        None => return next.run(req).await, // the handler answers 401
    };
    let (parts, body) = req.into_parts();
    let bytes = match extract::read_body(Request::new(body)).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let mut material = format!("{}\n{}\n", parts.method, parts.uri.path()).into_bytes();
    material.extend_from_slice(&bytes);
    let hash = s.vault.mac("idempotency", &merchant, &material);

    let slot = (merchant.clone(), key.clone());
    {
        let mut f = s.inflight.lock().unwrap_or_else(|e| e.into_inner());
        if !f.insert(slot.clone()) {
            return reused("A request with this Idempotency-Key is still in progress.");
        }
    }
    let _guard = Guard(s.inflight.clone(), slot);

    let (m2, k2) = (merchant.clone(), key.clone());
    let found = s.db(move |s| Ok(s.store.idempotent(&m2, &k2)?)).await;
    match found {
        Err(e) => return e.into_response(),
        Ok(Some(prev)) if prev.request_hash == hash => return replay(prev),
        Ok(Some(_)) => return reused("This Idempotency-Key was used with a different request."),
        Ok(None) => {}
    }

    let resp = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if resp.status().is_server_error() {
        return resp;
    }
    let (rparts, rbody) = resp.into_parts();
    let body = match axum::body::to_bytes(rbody, 4 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => return AppError::internal(format!("buffering response: {e}")).into_response(),
    };
    let rec = Idempotent {
        request_hash: hash,
        status: rparts.status.as_u16(),
        body: body.to_vec(),
    };
    if let Err(e) = s
        .db(move |s| Ok(s.store.put_idempotent(&merchant, &key, &rec)?))
        .await
    {
        return e.into_response();
    }
    Response::from_parts(rparts, Body::from(body))
}

fn replay(prev: Idempotent) -> Response {
    let mut r = Response::new(Body::from(prev.body));
    *r.status_mut() = StatusCode::from_u16(prev.status).unwrap_or(StatusCode::OK);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    r
}
