//! Webhook endpoints (`/v1/webhook-endpoints`) and the delivery of events to
//! them: signed with core's scheme, filtered by type, retried until a 2xx,
//! failed after the retry window, redelivered by hand, signed with both
//! secrets during a rotation. The receiver is a real HTTP server on loopback.
//! Here the receiver and the helpers; the tests by topic: `endpoints` (the
//! API and its cap), `delivery` (signing, filtering, retries, redelivery,
//! the worker's wake-up), `secrets` (rotation, sealing at rest).

mod delivery;
mod endpoints;
mod secrets;

use crate::common::*;
use paysession_core::webhook;
use paysession_server::config::{RetrySchedule, WebhookOptions};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
/// One request the receiver got.
pub struct Received {
    pub signature: String,
    pub event_id_header: String,
    pub body: Vec<u8>,
    pub status: u16,
}

/// A receiver on 127.0.0.1:0 answering the n-th request (0-based) with
/// `answer(n)`; every request is sent on the channel.
pub async fn receiver(
    answer: impl Fn(usize) -> u16 + Send + Sync + 'static,
) -> (String, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let count = Arc::new(AtomicUsize::new(0));
    let answer = Arc::new(answer);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let (tx, count, answer) = (tx.clone(), count.clone(), answer.clone());
                async move {
                    let n = count.fetch_add(1, Ordering::SeqCst);
                    let status = answer(n);
                    let h = |k: &str| {
                        headers
                            .get(k)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let _ = tx.send(Received {
                        signature: h("paysession-signature"),
                        event_id_header: h("paysession-event-id"),
                        body: body.to_vec(),
                        status,
                    });
                    (
                        axum::http::StatusCode::from_u16(status).unwrap(),
                        format!("answer {n}"),
                    )
                }
            },
        ),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    (url, rx)
}

/// Fast webhook settings for tests: attempts 1 s at most, retries from 20 ms
/// doubling to 100 ms, a retry window of `window_ms`.
pub fn fast(window_ms: i64) -> WebhookOptions {
    WebhookOptions {
        retry: RetrySchedule {
            base_ms: 20,
            cap_ms: 100,
            window_ms,
        },
        timeout_ms: 1000,
        lease_ms: 3000,
        poll_ms: 20,
        concurrency: 8,
        loopback_only: true,
    }
}

pub async fn start_fast(window_ms: i64) -> Server {
    start_tuned(
        Arc::new(tempfile::tempdir().unwrap()),
        two_merchants(),
        None,
        |s| s.webhooks = fast(window_ms),
    )
    .await
}

/// The next request, within 10 s (a bound, never expected).
pub async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a webhook within 10 s")
        .expect("the receiver runs")
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The delivery of `event` to `endpoint` once it is in `state` (bounded wait
/// on the API, which records the attempt after the receiver answered).
pub async fn delivery_in(s: &Server, endpoint: &str, event: &str, state: &str) -> Value {
    for _ in 0..500 {
        let page = s
            .get(
                &format!("/v1/webhook-endpoints/{endpoint}/deliveries?eventId={event}"),
                SK,
            )
            .await
            .ok(200)
            .clone();
        if let Some(d) = page["data"].as_array().and_then(|a| a.first()) {
            if d["state"] == state {
                return d.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("delivery of {event} never {state}");
}

/// An endpoint of the default merchant for `session.created` at `url`: the
/// created object (with its `secret`).
pub async fn session_endpoint(s: &Server, url: &str) -> Value {
    create_endpoint(s, json!({"url": url, "types": "session.created"}))
        .await
        .ok(201)
        .clone()
}

/// `POST /v1/webhook-endpoints` of `body` with the secret key.
pub async fn create_endpoint(s: &Server, body: Value) -> Resp {
    s.post("/v1/webhook-endpoints", SK, body).await
}

/// `got` is signed with `secret` (core's scheme, 5 minutes of tolerance).
pub fn signed_with(got: &Received, secret: &str) {
    webhook::verify(&got.signature, &got.body, secret, now(), 300).unwrap();
}
