//! Webhook endpoints (`/v1/webhook-endpoints`) and the delivery of events to
//! them: signed with core's scheme, filtered by type, retried until a 2xx,
//! failed after the retry window, redelivered by hand, signed with both
//! secrets during a rotation. The receiver is a real HTTP server on loopback.

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

async fn start_fast(window_ms: i64) -> Server {
    start_tuned(
        Arc::new(tempfile::tempdir().unwrap()),
        two_merchants(),
        None,
        |s| s.webhooks = fast(window_ms),
    )
    .await
}

/// The next request, within 10 s (a bound, never expected).
async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a webhook within 10 s")
        .expect("the receiver runs")
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The delivery of `event` to `endpoint` once it is in `state` (bounded wait
/// on the API, which records the attempt after the receiver answered).
async fn delivery_in(s: &Server, endpoint: &str, event: &str, state: &str) -> Value {
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

#[tokio::test]
async fn webhook_endpoints_are_managed_with_the_secret_key_and_bad_input_is_coded() {
    let s = start_fast(60_000).await;
    let created = s
        .post(
            "/v1/webhook-endpoints",
            SK,
            json!({"url": "http://127.0.0.1:9/paysession"}),
        )
        .await
        .ok(201)
        .clone();
    let eid = id(&created);
    assert!(eid.starts_with("we_"));
    assert_eq!(created["types"], json!(["*"]));
    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 30,
        "{secret}"
    );
    // The secret is shown once.
    let got = s.get(&format!("/v1/webhook-endpoints/{eid}"), SK).await;
    assert!(got.ok(200).get("secret").is_none());
    let list = s.get("/v1/webhook-endpoints", SK).await.ok(200).clone();
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert!(list["data"][0].get("secret").is_none());
    // Another merchant sees nothing of it; the public key may not.
    s.get(&format!("/v1/webhook-endpoints/{eid}"), "sk_test_other")
        .await
        .expect_error(404, "resource_not_found");
    s.get("/v1/webhook-endpoints", PK)
        .await
        .expect_error(403, "permission_denied");
    // Bad input.
    for url in [
        "https://hooks.example/x", // https, but this server is loopback-only
        "http://hooks.example/x",
        "ftp://127.0.0.1/x",
        "https://user:pw@hooks.example/x",
        "not a url",
        "https://hooks.example/x#frag",
    ] {
        let r = s
            .post("/v1/webhook-endpoints", SK, json!({"url": url}))
            .await;
        r.expect_error(400, "invalid_url");
        assert_eq!(r.param(), "url");
    }
    s.post(
        "/v1/webhook-endpoints",
        SK,
        json!({"url": format!("http://localhost:9/{}", "a".repeat(2100))}),
    )
    .await
    .expect_error(400, "invalid_url");
    for types in ["", "order.shipped", "*,order.created", "session.created,,"] {
        let r = s
            .post(
                "/v1/webhook-endpoints",
                SK,
                json!({"url": "http://localhost:9/", "types": types}),
            )
            .await;
        r.expect_error(400, "invalid_parameter");
        assert_eq!(r.param(), "types");
    }
    s.post(
        "/v1/webhook-endpoints",
        SK,
        json!({"url": "http://localhost:9/", "colour": 1}),
    )
    .await
    .expect_error(400, "unknown_parameter");
    s.post("/v1/webhook-endpoints", SK, json!({}))
        .await
        .expect_error(400, "missing_parameter");
    s.post(
        &format!("/v1/webhook-endpoints/{eid}/rotate"),
        SK,
        json!({"overlapSeconds": 604801}),
    )
    .await
    .expect_error(400, "invalid_parameter");
    for q in [
        "limit=0",
        "state=done",
        "eventId=evt_x",
        "startingAfter=whd_x",
        "color=1",
    ] {
        let r = s
            .get(&format!("/v1/webhook-endpoints/{eid}/deliveries?{q}"), SK)
            .await;
        assert_eq!(r.status.as_u16(), 400, "{q}: {}", r.text);
    }
    s.get("/v1/webhook-endpoints/we_nope/deliveries", SK)
        .await
        .expect_error(404, "resource_not_found");
    // At most 16.
    for _ in 1..16 {
        s.post(
            "/v1/webhook-endpoints",
            SK,
            json!({"url": "http://localhost:9/"}),
        )
        .await
        .ok(201);
    }
    s.post(
        "/v1/webhook-endpoints",
        SK,
        json!({"url": "http://localhost:9/"}),
    )
    .await
    .expect_error(400, "invalid_parameter");
    // Deleted: gone.
    let del = s.delete(&format!("/v1/webhook-endpoints/{eid}"), SK).await;
    assert_eq!(del.ok(200)["deleted"], true);
    s.get(&format!("/v1/webhook-endpoints/{eid}"), SK)
        .await
        .expect_error(404, "resource_not_found");
    s.delete(&format!("/v1/webhook-endpoints/{eid}"), SK)
        .await
        .expect_error(404, "resource_not_found");
}

#[tokio::test]
async fn events_are_delivered_signed_and_filtered_by_type() {
    let s = start_fast(60_000).await;
    let (url, mut rx) = receiver(|_| 200).await;
    let ep = s
        .post(
            "/v1/webhook-endpoints",
            SK,
            json!({"url": url, "types": "session.created"}),
        )
        .await
        .ok(201)
        .clone();
    let secret = ep["secret"].as_str().unwrap().to_owned();
    let sid = id(&s.session(1000, "EUR", "NL").await);
    // The other merchant's events never reach this endpoint.
    s.post(
        "/v1/sessions",
        "sk_test_other",
        json!({"amount": {"value": 500, "currency": "EUR"}, "country": "NL"}),
    )
    .await;
    let got = next(&mut rx).await;
    let t = webhook::verify(
        &got.signature,
        &got.body,
        &secret,
        now(),
        webhook::DEFAULT_TOLERANCE,
    )
    .expect("the signature verifies with the endpoint's secret");
    assert!(now().abs_diff(t) <= 60);
    assert_eq!(
        webhook::verify(
            &got.signature,
            &got.body,
            "whsec_someone_elses_secret_xx",
            now(),
            300
        ),
        Err(webhook::VerifyError::Mismatch)
    );
    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["type"], "session.created");
    assert_eq!(body["objectId"], sid.as_str());
    assert_eq!(body["data"]["object"]["id"], sid.as_str());
    assert_eq!(got.event_id_header, body["id"].as_str().unwrap());
    // The body is the event as the API answers it.
    let ev = s
        .get(&format!("/v1/events/{}", body["id"].as_str().unwrap()), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(ev, body);
    let d = delivery_in(&s, &id(&ep), body["id"].as_str().unwrap(), "succeeded").await;
    assert_eq!(d["attemptCount"], 1);
    assert_eq!(d["attempts"][0]["status"], 200);
    assert_eq!(d["attempts"][0]["response"], "answer 0");
    // A session update is not of the endpoint's types: nothing more arrives.
    s.patch(
        &format!("/v1/sessions/{sid}"),
        SK,
        json!({"reference": "r-2"}),
    )
    .await
    .ok(200);
    let sid2 = id(&s.session(700, "EUR", "NL").await);
    let second = next(&mut rx).await;
    let body2: Value = serde_json::from_slice(&second.body).unwrap();
    assert_eq!(
        (body2["type"].as_str(), body2["objectId"].as_str()),
        (Some("session.created"), Some(sid2.as_str()))
    );
    let page = s
        .get(&format!("/v1/webhook-endpoints/{}/deliveries", id(&ep)), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(page["data"].as_array().unwrap().len(), 2, "{page}");
}

#[tokio::test]
async fn failed_attempts_are_retried_until_2xx_and_recorded() {
    let s = start_fast(60_000).await;
    // 500, 503, then 200.
    let (url, mut rx) = receiver(|n| [500, 503, 200][n.min(2)]).await;
    let ep = id(&s
        .post("/v1/webhook-endpoints", SK, json!({"url": url}))
        .await
        .ok(201)
        .clone());
    s.session(1000, "EUR", "NL").await;
    let mut ids = vec![];
    for _ in 0..3 {
        let r = next(&mut rx).await;
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    // The same event each time (receivers deduplicate on its id).
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    let d = delivery_in(&s, &ep, &ids[0], "succeeded").await;
    assert_eq!(d["attemptCount"], 3);
    let statuses: Vec<_> = d["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!(500), json!(503), json!(200)]);
    assert_eq!(d["attempts"][1]["response"], "answer 1");
}

#[tokio::test]
async fn a_delivery_fails_after_its_window_and_is_redelivered_by_hand() {
    // A window of 150 ms: a few attempts, then `failed`.
    let s = start_fast(150).await;
    let healthy = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let h = healthy.clone();
    let (url, mut rx) = receiver(move |_| if h.load(Ordering::SeqCst) { 204 } else { 500 }).await;
    let ep = id(&s
        .post("/v1/webhook-endpoints", SK, json!({"url": url}))
        .await
        .ok(201)
        .clone());
    s.session(1000, "EUR", "NL").await;
    let first = next(&mut rx).await;
    let ev: Value = serde_json::from_slice(&first.body).unwrap();
    let ev = ev["id"].as_str().unwrap().to_owned();
    let failed = delivery_in(&s, &ep, &ev, "failed").await;
    let n = failed["attemptCount"].as_i64().unwrap();
    assert!(n >= 2, "{failed}");
    assert_eq!(failed["attempts"].as_array().unwrap().len() as i64, n);
    assert!(failed.get("nextAttemptTime").is_none());
    let listed = s
        .get(
            &format!("/v1/webhook-endpoints/{ep}/deliveries?state=failed"),
            SK,
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(listed["data"][0]["id"], failed["id"]);
    // Fixed, and redelivered by hand: delivered once more, same event.
    healthy.store(true, Ordering::SeqCst);
    while rx.try_recv().is_ok() {}
    let did = failed["id"].as_str().unwrap();
    let again = s
        .post(
            &format!("/v1/webhook-endpoints/{ep}/deliveries/{did}/redeliver"),
            SK,
            json!({}),
        )
        .await;
    assert_eq!(again.status.as_u16(), 200, "{}", again.text);
    let got = next(&mut rx).await;
    assert_eq!(got.status, 204);
    let v: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(v["id"], ev.as_str());
    let done = delivery_in(&s, &ep, &ev, "succeeded").await;
    assert_eq!(done["attemptCount"].as_i64().unwrap(), n + 1);
    s.post(
        &format!(
            "/v1/webhook-endpoints/{ep}/deliveries/whd_00000000000000000000000000000000/redeliver"
        ),
        SK,
        json!({}),
    )
    .await
    .expect_error(404, "resource_not_found");
}

#[tokio::test]
async fn a_rotation_signs_with_both_secrets_for_its_overlap() {
    let s = start_fast(60_000).await;
    let (url, mut rx) = receiver(|_| 200).await;
    let ep = s
        .post(
            "/v1/webhook-endpoints",
            SK,
            json!({"url": url, "types": "session.created"}),
        )
        .await
        .ok(201)
        .clone();
    let old = ep["secret"].as_str().unwrap().to_owned();
    let rotated = s
        .post(
            &format!("/v1/webhook-endpoints/{}/rotate", id(&ep)),
            SK,
            json!({"overlapSeconds": 3600}),
        )
        .await
        .ok(200)
        .clone();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated["previousSecretExpiresTime"].is_string());
    s.session(1000, "EUR", "NL").await;
    let got = next(&mut rx).await;
    assert_eq!(got.signature.matches("v1=").count(), 2, "{}", got.signature);
    for secret in [&old, &new] {
        webhook::verify(&got.signature, &got.body, secret, now(), 300).unwrap();
    }
    // With no overlap the old secret stops signing at once.
    let rotated = s
        .post(
            &format!("/v1/webhook-endpoints/{}/rotate", id(&ep)),
            SK,
            json!({"overlapSeconds": 0}),
        )
        .await
        .ok(200)
        .clone();
    let newest = rotated["secret"].as_str().unwrap().to_owned();
    s.session(1000, "EUR", "NL").await;
    let got = next(&mut rx).await;
    assert_eq!(got.signature.matches("v1=").count(), 1, "{}", got.signature);
    webhook::verify(&got.signature, &got.body, &newest, now(), 300).unwrap();
    assert_eq!(
        webhook::verify(&got.signature, &got.body, &new, now(), 300),
        Err(webhook::VerifyError::Mismatch)
    );
}

/// The 16-endpoint cap under concurrent creates: each round leaves 13 live
/// endpoints and sends 8 creates at once; exactly 3 may win (the count and
/// the insert are one transaction), the others are `400 invalid_parameter`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_endpoint_cap_holds_under_concurrent_creates() {
    let s = Arc::new(start_fast(60_000).await);
    const ROUNDS: usize = 25;
    const AT_ONCE: usize = 8;
    let mut over = vec![];
    for round in 0..ROUNDS {
        // Down to 13 live endpoints.
        let live = s.get("/v1/webhook-endpoints", SK).await.ok(200).clone();
        let live: Vec<String> = live["data"].as_array().unwrap().iter().map(id).collect();
        for e in live.iter().skip(13) {
            s.delete(&format!("/v1/webhook-endpoints/{e}"), SK)
                .await
                .ok(200);
        }
        for _ in live.len()..13 {
            s.post(
                "/v1/webhook-endpoints",
                SK,
                json!({"url": "http://localhost:9/"}),
            )
            .await
            .ok(201);
        }
        let tasks: Vec<_> = (0..AT_ONCE)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move {
                    s.post(
                        "/v1/webhook-endpoints",
                        SK,
                        json!({"url": "http://localhost:9/"}),
                    )
                    .await
                })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            let r = t.await.unwrap();
            if r.status.as_u16() == 201 {
                won += 1;
            } else {
                r.expect_error(400, "invalid_parameter");
            }
        }
        let n = s.get("/v1/webhook-endpoints", SK).await.ok(200)["data"]
            .as_array()
            .unwrap()
            .len();
        if won != 3 || n != 16 {
            over.push(format!("round {round}: {won} created, {n} live"));
        }
    }
    assert!(over.is_empty(), "the cap of 16 broke: {over:?}");
}

/// The stored `secret` and `old_secret` of endpoint `id`, read from the
/// database itself.
async fn raw_secrets(s: &Server, id: &str) -> (String, Option<String>) {
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    let sql = format!("SELECT secret, old_secret FROM webhook_endpoints WHERE id = '{id}'");
    match &s.pg {
        Some(url) => {
            let mut row = pg_rows(url, &sql).await.remove(0);
            let old = row.remove(1);
            (row.remove(0).unwrap(), old)
        }
        None => rusqlite::Connection::open(&s.db)
            .unwrap()
            .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap(),
    }
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Secrets are sealed by the vault at rest (never in the database in clear),
/// rotation still signs with both, and a row an older build wrote in clear
/// is sealed when the server starts (schema 8 / 9) and still signs.
#[tokio::test]
async fn signing_secrets_are_sealed_at_rest_and_clear_rows_are_sealed_at_start() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let tuned = |s: &mut paysession_server::AppState| s.webhooks = fast(60_000);
    let s = start_tuned(dir.clone(), two_merchants(), None, tuned).await;
    let (url, mut rx) = receiver(|_| 200).await;
    let ep = s
        .post(
            "/v1/webhook-endpoints",
            SK,
            json!({"url": url, "types": "session.created"}),
        )
        .await
        .ok(201)
        .clone();
    let eid = id(&ep);
    let first = ep["secret"].as_str().unwrap().to_owned();
    let second = s
        .post(
            &format!("/v1/webhook-endpoints/{eid}/rotate"),
            SK,
            json!({"overlapSeconds": 3600}),
        )
        .await
        .ok(200)["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    // Nowhere at rest in clear (the SQLite file and its WAL, or every row).
    let rest = s.at_rest().await;
    for secret in [&first, &second] {
        assert!(!rest.iter().any(|b| holds(b, secret)), "{secret} at rest");
    }
    assert!(
        !rest.iter().any(|b| holds(b, "whsec_")),
        "a secret in clear"
    );
    let (stored, stored_old) = raw_secrets(&s, &eid).await;
    let stored_old = stored_old.expect("the rotated-out secret is kept");
    assert!(!stored.contains(&second) && !stored_old.contains(&first));
    assert!(stored.len() > 2 * second.len(), "{stored}");
    // A rotation still signs with both.
    s.session(1000, "EUR", "NL").await;
    let got = next(&mut rx).await;
    assert_eq!(got.signature.matches("v1=").count(), 2, "{}", got.signature);
    for secret in [&first, &second] {
        webhook::verify(&got.signature, &got.body, secret, now(), 300).unwrap();
    }
    let (db, pg) = (s.db.clone(), s.pg.clone());
    s.stop().await;

    // A row an older build wrote: its secret in clear.
    let legacy_id = format!("we_{}", "ab".repeat(16));
    let legacy = format!("whsec_{}", "c0ffee".repeat(5));
    let (url2, mut rx2) = receiver(|_| 200).await;
    let insert = format!(
        "INSERT INTO webhook_endpoints (id, merchant_id, url, types, secret, created)
         VALUES ('{legacy_id}', 'default', '{url2}', ',session.created,', '{legacy}', {})",
        now()
    );
    match &pg {
        Some(pg) => {
            pg_rows(pg, &insert).await;
        }
        None => {
            rusqlite::Connection::open(&db)
                .unwrap()
                .execute(&insert, [])
                .unwrap();
        }
    }
    // The next start seals it before serving.
    let s = start_tuned(dir, two_merchants(), None, tuned).await;
    // It serves once the rows are sealed: the first answer says it is.
    let live = s.get("/v1/webhook-endpoints", SK).await.ok(200).clone();
    assert_eq!(live["data"].as_array().unwrap().len(), 2, "{live}");
    let (sealed, none) = raw_secrets(&s, &legacy_id).await;
    assert!(none.is_none());
    assert!(
        !sealed.contains(&legacy) && !sealed.starts_with("whsec_"),
        "{sealed}"
    );
    // The first endpoint's sealed values were left as they were.
    assert_eq!(raw_secrets(&s, &eid).await.0, stored);
    // Both endpoints still sign with their secrets.
    s.session(1000, "EUR", "NL").await;
    let got = next(&mut rx2).await;
    webhook::verify(&got.signature, &got.body, &legacy, now(), 300).unwrap();
    let got = next(&mut rx).await;
    webhook::verify(&got.signature, &got.body, &second, now(), 300).unwrap();
}

/// A commit wakes this process's worker: with polling every minute, each
/// event still arrives (within `next`'s 10 s bound), one after another.
#[tokio::test]
async fn a_commit_wakes_the_worker_without_waiting_for_its_poll() {
    let s = start_tuned(
        Arc::new(tempfile::tempdir().unwrap()),
        two_merchants(),
        None,
        |s| {
            s.webhooks = WebhookOptions {
                poll_ms: 60_000,
                ..fast(60_000)
            }
        },
    )
    .await;
    let (url, mut rx) = receiver(|_| 200).await;
    let ep = s
        .post(
            "/v1/webhook-endpoints",
            SK,
            json!({"url": url, "types": "session.created"}),
        )
        .await
        .ok(201)
        .clone();
    let secret = ep["secret"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        let sid = id(&s.session(1000, "EUR", "NL").await);
        let got = next(&mut rx).await;
        webhook::verify(&got.signature, &got.body, &secret, now(), 300).unwrap();
        let event: Value = serde_json::from_slice(&got.body).unwrap();
        assert_eq!(event["objectId"], sid.as_str());
    }
}
