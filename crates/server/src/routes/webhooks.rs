//! Webhook endpoints and their deliveries (secret key; docs/API.md §5.19).
//! Endpoints are created here or in the configuration file
//! ([`crate::webhooks::configure`], at start); the events outbox is delivered to them by
//! [`crate::webhooks`].

pub use super::webhook_types::*;
use crate::config::webhook_url;
use crate::store::events;
use crate::store::webhooks::{
    Attempt, Delivery, DeliveryQuery, Endpoint, DELIVERY_PREFIX, ENDPOINT_PREFIX,
};
use crate::store::Store;
use crate::webhooks::seal_secret;
use crate::{
    auth::SecretKey, clock::rfc3339, error::AppError, extract::query_pairs, extract::JsonBody,
    AppState,
};
use axum::{
    extract::{Path, State},
    http::{StatusCode, Uri},
    Json,
};
use paysession_core::ErrorCode;

/// Live endpoints a merchant may have.
pub const MAX_ENDPOINTS: usize = 16;
/// Event types one endpoint may name.
pub const MAX_TYPES: usize = 64;
/// The longest endpoint URL, in bytes.
pub const MAX_URL: usize = 2048;
/// How long a rotated-out secret keeps signing when the request does not say (24 h).
pub const DEFAULT_OVERLAP: u64 = 24 * 3600;
/// The longest overlap a rotation may ask for (7 days).
pub const MAX_OVERLAP: u64 = 7 * 24 * 3600;
/// Deliveries in a page when `limit` is not given, and at most.
pub const DEFAULT_LIMIT: usize = 10;
/// The most deliveries in a page.
pub const MAX_LIMIT: usize = 100;

fn invalid(code: ErrorCode, parameter: &str, message: &str) -> AppError {
    AppError::validation(code, parameter, message)
}

fn view(e: &Endpoint, secret: bool, now: i64) -> WebhookEndpoint {
    WebhookEndpoint {
        id: e.id.clone(),
        url: e.url.clone(),
        types: e.types.clone(),
        created_time: rfc3339(e.created),
        secret: secret.then(|| e.secret.clone()),
        previous_secret_expires_time: e.old_until.filter(|u| *u > now).map(rfc3339),
    }
}

fn attempt_view(a: Attempt) -> WebhookAttempt {
    WebhookAttempt {
        number: a.n,
        started_time: rfc3339(a.started / 1000),
        duration_ms: a.duration_ms,
        status: a.status,
        error: a.error,
        response: a.response,
    }
}

fn delivery_view(store: &dyn Store, d: Delivery) -> Result<WebhookDelivery, AppError> {
    let attempts = store
        .attempts(&d.id)?
        .into_iter()
        .map(attempt_view)
        .collect();
    Ok(WebhookDelivery {
        next_attempt_time: (d.state == crate::store::webhooks::state::PENDING)
            .then(|| rfc3339(d.next_at / 1000)),
        id: d.id,
        event_id: d.event_id,
        endpoint_id: d.endpoint_id,
        state: d.state,
        attempt_count: d.attempts,
        created_time: rfc3339(d.created / 1000),
        attempts,
    })
}

/// `types` checked: known event types, or `*` alone.
pub(crate) fn check_types(types: Option<Vec<String>>) -> Result<Vec<String>, AppError> {
    let Some(types) = types else {
        return Ok(vec!["*".into()]);
    };
    let bad = |m: &str| invalid(ErrorCode::InvalidParameter, "types", m);
    if types.is_empty() || types.len() > MAX_TYPES {
        return Err(bad("`types` must name 1 to 64 event types, or be `*`."));
    }
    if types.iter().any(|t| t == "*") {
        return if types.len() == 1 {
            Ok(types)
        } else {
            Err(bad("`*` stands alone in `types`."))
        };
    }
    let known = events::types();
    match types.iter().find(|t| !known.contains(t)) {
        Some(_) => Err(bad("`types` holds a value that is not an event type.")),
        None => Ok(types),
    }
}

/// The merchant's live endpoint `id`.
fn find(s: &AppState, merchant: &str, id: &str) -> Result<Endpoint, AppError> {
    let e = if crate::ids::is_id(ENDPOINT_PREFIX, id) {
        s.store.endpoint(id)?
    } else {
        None
    };
    e.filter(|e| e.merchant == merchant && !e.deleted)
        .ok_or_else(|| AppError::not_found("webhook endpoint"))
}

/// Unix seconds of the webhook machinery: wall-clock time, as the worker
/// signs with and compares a rotation's overlap to (a test's manual clock
/// moves sessions' time, not this).
fn now(_: &AppState) -> i64 {
    crate::store::webhooks::now_ms() / 1000
}

/// `POST /v1/webhook-endpoints` (sk): `201` with the secret, shown this once.
pub async fn create(
    State(s): State<AppState>,
    key: SecretKey,
    JsonBody(req): JsonBody<CreateWebhookEndpoint>,
) -> Result<(StatusCode, Json<WebhookEndpoint>), AppError> {
    if req.url.len() > MAX_URL {
        return Err(invalid(
            ErrorCode::InvalidUrl,
            "url",
            "`url` is too long (2048 bytes at most).",
        ));
    }
    let url = webhook_url(&req.url)
        .map_err(|why| invalid(ErrorCode::InvalidUrl, "url", &format!("`url` {why}.")))?;
    if s.webhooks.loopback_only && !crate::config::is_loopback_url(&url) {
        return Err(invalid(
            ErrorCode::InvalidUrl,
            "url",
            "`url` must be on a loopback address: this server delivers webhooks on loopback only.",
        ));
    }
    let types = check_types(
        req.types
            .map(|t| t.split(',').map(|x| x.trim().to_owned()).collect()),
    )?;
    s.db(move |s| {
        let id = crate::ids::new_id(ENDPOINT_PREFIX);
        let secret = crate::ids::new_id(paysession_core::webhook::SECRET_PREFIX);
        let mut e = Endpoint {
            secret: seal_secret(&s.vault, &id, &secret),
            id,
            merchant: key.merchant.id,
            url,
            types,
            old_secret: None,
            old_until: None,
            created: now(s),
            deleted: false,
        };
        // The cap is counted in the insert's own transaction: concurrent
        // creates never pass it.
        if !s.store.endpoint_create(&e, MAX_ENDPOINTS)? {
            return Err(invalid(
                ErrorCode::InvalidParameter,
                "url",
                "A merchant has 16 webhook endpoints at most: delete one first.",
            ));
        }
        // Shown this once, in clear; stored sealed.
        e.secret = secret;
        Ok((StatusCode::CREATED, Json(view(&e, true, now(s)))))
    })
    .await
}

/// `GET /v1/webhook-endpoints` (sk).
pub async fn list(
    State(s): State<AppState>,
    key: SecretKey,
) -> Result<Json<WebhookEndpointList>, AppError> {
    s.db(move |s| {
        let at = now(s);
        let data = s.store.endpoints(&key.merchant.id)?;
        Ok(Json(WebhookEndpointList {
            data: data.iter().map(|e| view(e, false, at)).collect(),
        }))
    })
    .await
}

/// `GET /v1/webhook-endpoints/{id}` (sk).
pub async fn retrieve(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<WebhookEndpoint>, AppError> {
    s.db(move |s| Ok(Json(view(&find(s, &key.merchant.id, &id)?, false, now(s)))))
        .await
}

/// `DELETE /v1/webhook-endpoints/{id}` (sk): no more deliveries; the
/// pending ones become `failed`.
pub async fn delete(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<DeletedWebhookEndpoint>, AppError> {
    s.db(move |s| {
        let e = find(s, &key.merchant.id, &id)?;
        if !s.store.endpoint_delete(&e.id, &e.merchant)? {
            return Err(AppError::not_found("webhook endpoint"));
        }
        Ok(Json(DeletedWebhookEndpoint {
            id: e.id,
            deleted: true,
        }))
    })
    .await
}

/// `POST /v1/webhook-endpoints/{id}/rotate` (sk): a new secret (shown this
/// once); the current one signs beside it for `overlapSeconds`.
pub async fn rotate(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<RotateWebhookSecret>,
) -> Result<Json<WebhookEndpoint>, AppError> {
    let overlap = req.overlap_seconds.unwrap_or(DEFAULT_OVERLAP);
    if overlap > MAX_OVERLAP {
        return Err(invalid(
            ErrorCode::InvalidParameter,
            "overlapSeconds",
            "`overlapSeconds` must be from 0 to 604800.",
        ));
    }
    s.db(move |s| {
        let e = find(s, &key.merchant.id, &id)?;
        let at = now(s);
        let until = at.saturating_add(i64::try_from(overlap).unwrap_or(0));
        let secret = crate::ids::new_id(paysession_core::webhook::SECRET_PREFIX);
        let mut e = s
            .store
            .endpoint_rotate(
                &e.id,
                &e.merchant,
                &seal_secret(&s.vault, &e.id, &secret),
                until,
            )?
            .ok_or_else(|| AppError::not_found("webhook endpoint"))?;
        // Shown this once, in clear; stored sealed.
        e.secret = secret;
        Ok(Json(view(&e, true, at)))
    })
    .await
}

/// `GET /v1/webhook-endpoints/{id}/deliveries?limit=&startingAfter=&state=&eventId=` (sk).
pub async fn deliveries(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<WebhookDeliveryList>, AppError> {
    let q = query_pairs(uri.query(), &["limit", "startingAfter", "state", "eventId"])?;
    let limit = match q.get("limit") {
        None => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| {
                invalid(
                    ErrorCode::InvalidParameter,
                    "limit",
                    "`limit` must be a whole number from 1 to 100.",
                )
            })?,
    };
    let state = q.get("state").cloned();
    if state
        .as_deref()
        .is_some_and(|st| !["pending", "succeeded", "failed"].contains(&st))
    {
        return Err(invalid(
            ErrorCode::InvalidParameter,
            "state",
            "`state` must be pending, succeeded or failed.",
        ));
    }
    let event_id = q.get("eventId").cloned();
    if event_id
        .as_deref()
        .is_some_and(|e| !crate::ids::is_id(events::PREFIX, e))
    {
        return Err(invalid(
            ErrorCode::InvalidParameter,
            "eventId",
            "`eventId` must be an event's id.",
        ));
    }
    let cursor = q.get("startingAfter").cloned();
    s.db(move |s| {
        let e = find(s, &key.merchant.id, &id)?;
        let mut query = DeliveryQuery {
            endpoint_id: e.id,
            state,
            event_id,
            before: None,
            limit: limit + 1,
        };
        if let Some(c) = cursor {
            let at = own_delivery(s, &query.endpoint_id, &c).map_err(|_| {
                invalid(
                    ErrorCode::InvalidParameter,
                    "startingAfter",
                    "`startingAfter` must be one of this endpoint's deliveries.",
                )
            })?;
            query.before = Some((at.created, at.id));
        }
        let mut rows = s.store.deliveries(&query)?;
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let data = rows
            .into_iter()
            .map(|d| delivery_view(s.store.as_ref(), d))
            .collect::<Result<_, _>>()?;
        Ok(Json(WebhookDeliveryList { data, has_more }))
    })
    .await
}

/// The endpoint's delivery `id`.
fn own_delivery(s: &AppState, endpoint: &str, id: &str) -> Result<Delivery, AppError> {
    let d = if crate::ids::is_id(DELIVERY_PREFIX, id) {
        s.store.delivery(id)?
    } else {
        None
    };
    d.filter(|d| d.endpoint_id == endpoint)
        .ok_or_else(|| AppError::not_found("webhook delivery"))
}

/// `POST /v1/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver` (sk):
/// the delivery is attempted again now, with a new retry window, whatever
/// its state. One in an attempt at this moment is left to it (answered as it is).
pub async fn redeliver(
    State(s): State<AppState>,
    key: SecretKey,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Json<WebhookDelivery>, AppError> {
    s.db(move |s| {
        let e = find(s, &key.merchant.id, &id)?;
        let d = own_delivery(s, &e.id, &delivery)?;
        s.store
            .delivery_redeliver(&d.id, crate::store::webhooks::now_ms())?;
        let d = own_delivery(s, &e.id, &d.id)?;
        Ok(Json(delivery_view(s.store.as_ref(), d)?))
    })
    .await
}
