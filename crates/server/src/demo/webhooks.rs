//! The demo merchant's webhook receiver, as a shop's server would run one
//! (docs/API.md §5.19): on its first checkout it registers an endpoint at
//! its own `/demo/webhooks` (replacing the endpoints of that URL an earlier
//! start made: their secrets were shown once, to that process), verifies
//! every delivery with [`paysession_core::webhook::verify`], keeps each
//! event once (deduplicated on its id) and shows the events of a checkout
//! at `GET /demo/api/events?sessionId=`.

use super::client::call;
use super::DemoMerchant;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use paysession_core::webhook;
use serde_json::{json, Value};
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// Events the demo keeps (the oldest are dropped first).
pub const KEEP: usize = 2000;

/// What the demo merchant's receiver holds.
#[derive(Default)]
pub struct Inbox {
    /// The endpoint's signing secret, once registered.
    secret: tokio::sync::OnceCell<String>,
    /// Received events, oldest first, and their ids.
    events: Mutex<(VecDeque<Value>, HashSet<String>)>,
}

/// The receiver's path.
pub const PATH: &str = "/demo/webhooks";

/// Registers the demo's endpoint once per process (the first checkout waits
/// for it, so its events are all delivered). A failure is logged: the shop
/// works without webhooks.
pub async fn ensure(m: &DemoMerchant) {
    let got = m
        .inbox
        .secret
        .get_or_try_init(|| async {
            let url = format!("{}{PATH}", m.public_url);
            let (_, list) = call(m, Method::GET, "/v1/webhook-endpoints", None, None).await;
            for e in list["data"].as_array().into_iter().flatten() {
                if e["url"] == url.as_str() {
                    if let Some(id) = e["id"].as_str() {
                        call(
                            m,
                            Method::DELETE,
                            &format!("/v1/webhook-endpoints/{id}"),
                            None,
                            None,
                        )
                        .await;
                    }
                }
            }
            let (status, v) = call(
                m,
                Method::POST,
                "/v1/webhook-endpoints",
                Some(json!({"url": url})),
                None,
            )
            .await;
            match v["secret"].as_str() {
                Some(s) if status.is_success() => Ok(s.to_owned()),
                _ => Err(format!("{status}: {v}")),
            }
        })
        .await;
    if let Err(e) = got {
        tracing::warn!(error = %e, "demo: no webhook endpoint");
    }
}

/// `POST /demo/webhooks`: a delivery, verified over the raw body.
pub async fn receive(State(m): State<DemoMerchant>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(secret) = m.inbox.secret.get() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "not registered yet").into_response();
    };
    let sig = headers
        .get(webhook::HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // The signer's `t` is wall-clock time; so is this check (a test's
    // manual clock moves the API's notion of time, not the merchant's).
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Err(e) = webhook::verify(sig, &body, secret, now, webhook::DEFAULT_TOLERANCE) {
        return (StatusCode::BAD_REQUEST, e.to_string()).into_response();
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not an event").into_response();
    };
    let Some(id) = event["id"].as_str().map(str::to_owned) else {
        return (StatusCode::BAD_REQUEST, "not an event").into_response();
    };
    let mut held = m.inbox.events.lock().unwrap_or_else(|e| e.into_inner());
    let (events, ids) = &mut *held;
    // At least once: a repeat of an event already kept is acknowledged, not kept again.
    if ids.insert(id) {
        events.push_back(event);
        if events.len() > KEEP {
            if let Some(old) = events.pop_front() {
                ids.remove(old["id"].as_str().unwrap_or_default());
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /demo/api/events?sessionId=`: the verified events of a checkout
/// (its session, the sources and order that name it, and that order's
/// refunds), oldest first.
pub async fn of_session(State(m): State<DemoMerchant>, uri: Uri) -> Response {
    let q = match crate::extract::query_pairs(uri.query(), &["sessionId"]) {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let sid = q.get("sessionId").cloned().unwrap_or_default();
    if let Err(e) = super::check_id(crate::ids::SESSION, "sessionId", &sid) {
        return e.into_response();
    }
    let held = m.inbox.events.lock().unwrap_or_else(|e| e.into_inner());
    let sid = sid.as_str();
    let of_session = |e: &Value| e["objectId"] == sid || e["data"]["object"]["sessionId"] == sid;
    // The checkout's orders (their events name the session), whose refunds name them.
    let orders: HashSet<&str> = held
        .0
        .iter()
        .filter(|e| of_session(e) && e["type"].as_str().is_some_and(|t| t.starts_with("order.")))
        .filter_map(|e| e["objectId"].as_str())
        .collect();
    let data: Vec<Value> = held
        .0
        .iter()
        .filter(|e| {
            of_session(e)
                || e["data"]["object"]["orderId"]
                    .as_str()
                    .is_some_and(|o| orders.contains(o))
        })
        .map(|e| {
            json!({"id": e["id"], "type": e["type"], "objectId": e["objectId"],
                   "createdTime": e["createdTime"], "verified": true})
        })
        .collect();
    Json(json!({ "data": data })).into_response()
}
