//! `Idempotency-Key` on every POST under `/v1/`: the same key with the same
//! request (method, path, body) replays the first response (status and body);
//! another request is `409 idempotency_key_reused`, as is a second request
//! while the first with that key is still running.
//!
//! - Keys are scoped by merchant **and** key kind: an answer given to the secret
//!   key never replays to the public key, and a public-key request cannot take
//!   a key the merchant's server will use.
//! - Authentication and authorization come first: the key extractors
//!   ([`crate::auth`]) call [`check`] only once the key may use the route, so a
//!   replay never answers a request that would have been refused, and refusals
//!   (401, 403) are never stored.
//! - A write's record is stored in the write's own transaction
//!   ([`crate::flows::modify_session`] / [`IdemCtx::record_result`]), so a
//!   crash cannot leave a write without its record. An answer that wrote
//!   nothing (a validation error, say) is stored after it, alone.
//! - 5xx, 408 and 429 answers are not stored (the client may retry).

use crate::{
    config::KeyKind,
    error::AppError,
    extract::{self, bearer},
    store::{Commit, Conflict, Idempotent, Write},
    AppState,
};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, request::Parts, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use paysession_core::ErrorCode;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

mod record;

pub use crate::state::InFlight;
pub use record::IdemCtx;
use record::{reused_error, ANSWERED, AUTHORIZED, PENDING, REPLAY};

#[must_use = "dropping the guard frees the key"]
struct Guard(InFlight, (String, KeyKind, String));
impl Drop for Guard {
    fn drop(&mut self) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}

/// Called by the key extractors once the key may use the route: replays the
/// stored answer for this key (or refuses a reused key) as the rejection.
pub async fn check(parts: &Parts, s: &AppState) -> Result<(), Response> {
    let Some(ctx) = parts.extensions.get::<IdemCtx>().cloned() else {
        return Ok(());
    };
    if ctx.state.load(Ordering::SeqCst) != PENDING {
        return Ok(());
    }
    match lookup(s, &ctx).await {
        Ok(None) => {
            ctx.state.store(AUTHORIZED, Ordering::SeqCst);
            Ok(())
        }
        Ok(Some(r)) => {
            ctx.state.store(ANSWERED, Ordering::SeqCst);
            Err(r)
        }
        Err(e) => {
            ctx.state.store(ANSWERED, Ordering::SeqCst);
            Err(e.into_response())
        }
    }
}

/// The stored answer's replay, `409` for another request, `None` if none.
async fn lookup(s: &AppState, ctx: &IdemCtx) -> Result<Option<Response>, AppError> {
    let c = ctx.clone();
    let found = s
        .db(move |s| Ok(s.store.idempotent(&c.merchant, c.kind, &c.key)?))
        .await?;
    Ok(match found {
        Some(prev) if prev.request_hash == ctx.hash => Some(replay(prev)),
        Some(_) => Some(
            reused_error("This Idempotency-Key was used with a different request.").into_response(),
        ),
        None => None,
    })
}

/// Another request stored an answer for this key first: that answer.
async fn replay_stored(s: &AppState, ctx: &IdemCtx) -> Response {
    match lookup(s, ctx).await {
        Ok(Some(r)) => r,
        Ok(None) => AppError::internal("idempotency record vanished").into_response(),
        Err(e) => e.into_response(),
    }
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
    let (merchant, kind) = match bearer(req.headers()).and_then(|t| s.config.by_key(t)) {
        Some((m, k)) => (m.id.clone(), k),
        None => return next.run(req).await, // the handler answers 401
    };
    let (mut parts, body) = req.into_parts();
    let bytes = match extract::read_body(Request::new(body)).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let mut material = format!("{}\n{}\n", parts.method, parts.uri.path()).into_bytes();
    material.extend_from_slice(&bytes);
    let hash = s.vault.mac(
        "idempotency",
        &format!("{merchant}/{}", kind.as_str()),
        &material,
    );

    let slot = (merchant.clone(), kind, key.clone());
    {
        let mut f = s.inflight.lock().unwrap_or_else(|e| e.into_inner());
        if !f.insert(slot.clone()) {
            return reused_error("A request with this Idempotency-Key is still in progress.")
                .into_response();
        }
    }
    let _guard = Guard(s.inflight.clone(), slot);

    let ctx = IdemCtx {
        merchant,
        kind,
        key,
        hash,
        state: Arc::new(AtomicU8::new(PENDING)),
    };
    parts.extensions.insert(ctx.clone());
    let resp = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    match ctx.state.load(Ordering::SeqCst) {
        AUTHORIZED => {}
        REPLAY => return replay_stored(&s, &ctx).await,
        // Recorded with its write, replayed, or never authorized.
        _ => return resp,
    }
    record_alone(&s, &ctx, resp).await
}

/// The answer of an authorized request that wrote nothing (a validation
/// error, say), stored alone; 5xx, 401, 403, 408 and 429 are not stored.
async fn record_alone(s: &AppState, ctx: &IdemCtx, resp: Response) -> Response {
    let status = resp.status();
    if status.is_server_error()
        || matches!(
            status,
            StatusCode::UNAUTHORIZED
                | StatusCode::FORBIDDEN
                | StatusCode::REQUEST_TIMEOUT
                | StatusCode::TOO_MANY_REQUESTS
        )
    {
        return resp;
    }
    // An answer that wrote nothing: stored alone.
    let (rparts, rbody) = resp.into_parts();
    let body = match axum::body::to_bytes(rbody, 4 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => return AppError::internal(format!("buffering response: {e}")).into_response(),
    };
    let w = Write {
        idempotency: Some(ctx.record(status.as_u16(), body.to_vec())),
        now: crate::flows::now(s),
        ..Write::default()
    };
    match s.db(move |s| Ok(s.store.commit(w)?)).await {
        Ok(Commit::Done) => Response::from_parts(rparts, Body::from(body)),
        Ok(Commit::Conflict(Conflict::Idempotency)) => replay_stored(s, ctx).await,
        Ok(Commit::Conflict(c)) => {
            AppError::internal(format!("idempotency-only write refused: {c:?}")).into_response()
        }
        Err(e) => e.into_response(),
    }
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

/// The request's idempotency key, if it has one (for flows that write).
pub struct Idem(pub Option<IdemCtx>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Idem {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(p: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Idem(p.extensions.get::<IdemCtx>().cloned()))
    }
}
