//! API keys: `Authorization: Bearer sk_…` (merchant server) or `pk_…` (browser).

use crate::{config::KeyKind, AppState, Merchant};
use axum::{
    extract::{FromRequestParts, Request, State},
    http::request::Parts,
    middleware::Next,
    response::{IntoResponse, Response},
};
use paysession_core::{ApiError, ErrorCode, ErrorType};

use crate::error::AppError;
use crate::extract::{bearer, Peer};
use crate::ratelimit::Scope;

/// Any valid key of a merchant (browser routes).
pub struct AnyKey {
    /// The merchant.
    pub merchant: Merchant,
    /// Which key.
    pub kind: KeyKind,
}

/// A secret key (merchant-server routes).
pub struct SecretKey {
    /// The merchant.
    pub merchant: Merchant,
}

fn unauthorized(msg: &str) -> AppError {
    AppError::api(ApiError::new(
        ErrorType::Unauthorized,
        ErrorCode::InvalidApiKey,
        None,
        msg,
    ))
}

/// A public key sent as `?key=pk_…` on a GET. Such a request carries only
/// CORS-safelisted headers, so a browser sends it without a preflight (one
/// round trip less before the drop-in can render). Public keys are public by
/// design; the request log never records the query.
fn query_key(parts: &Parts) -> Option<String> {
    if parts.method != axum::http::Method::GET {
        return None;
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(parts.uri.query()?).ok()?;
    pairs.into_iter().find(|(k, _)| k == "key").map(|(_, v)| v)
}

impl AnyKey {
    /// Authenticates the request's key (no route check, no idempotency).
    fn authenticate(parts: &Parts, s: &AppState) -> Result<Self, AppError> {
        let (token, in_url) = match bearer(&parts.headers) {
            Some(t) => (t.to_owned(), false),
            None => match query_key(parts) {
                Some(k) => (k, true),
                None => {
                    return Err(unauthorized(
                        "Send an API key as `Authorization: Bearer <key>`.",
                    ))
                }
            },
        };
        match s.config.by_key(&token) {
            Some((_, KeyKind::Secret)) if in_url => Err(unauthorized(
                "A secret key may not travel in a URL: send it as `Authorization: Bearer <key>` from your server.",
            )),
            Some((m, kind)) => Ok(AnyKey {
                merchant: m.clone(),
                kind,
            }),
            None => Err(unauthorized("The API key is not valid.")),
        }
    }
}

/// Any key may use the route: authenticated, then the idempotency check
/// (which may answer with a replay).
impl FromRequestParts<AppState> for AnyKey {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        let k = AnyKey::authenticate(parts, s).map_err(IntoResponse::into_response)?;
        crate::idempotency::check(parts, s).await?;
        Ok(k)
    }
}

/// Only the secret key may use the route: authenticated, authorized, and only
/// then the idempotency check.
impl FromRequestParts<AppState> for SecretKey {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        let k = AnyKey::authenticate(parts, s).map_err(IntoResponse::into_response)?;
        if k.kind != KeyKind::Secret {
            return Err(AppError::api(ApiError::new(
                ErrorType::Forbidden,
                ErrorCode::PermissionDenied,
                None,
                "This route needs the secret key; a public key reaches only browser routes.",
            ))
            .into_response());
        }
        crate::idempotency::check(parts, s).await?;
        Ok(SecretKey {
            merchant: k.merchant,
        })
    }
}

/// The rate-limit middleware ([`crate::ratelimit`]): public-key requests count against
/// (merchant, client address). Other requests pass untouched; a missing or bad
/// key is the route's business (`401`).
pub async fn rate_limit(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if s.ratelimit.limits().public_key.is_none() {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    if let Ok(AnyKey {
        merchant,
        kind: KeyKind::Public,
    }) = AnyKey::from_request_parts(&mut parts, &s).await
    {
        let Ok(Peer(peer)) = Peer::from_request_parts(&mut parts, &s).await;
        let client = s.ratelimit.client(peer, &parts.headers);
        if let Err(t) = s
            .ratelimit
            .allow(Scope::PublicKey, &merchant.id, client, s.clock.now())
            .await
        {
            return t.into_response();
        }
    }
    next.run(Request::from_parts(parts, body)).await
}
