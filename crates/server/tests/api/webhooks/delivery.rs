//! Delivery: signed, filtered by type, retried until a 2xx, failed after
//! its window and redelivered by hand; a commit wakes the worker.

use super::*;
use crate::common::*;
use paysession_core::webhook;
use paysession_server::config::WebhookOptions;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;

#[tokio::test]
async fn events_are_delivered_signed_and_filtered_by_type() {
    let s = start_fast(60_000).await;
    let (url, mut rx) = receiver(|_| 200).await;
    let ep = session_endpoint(&s, &url).await;
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
    let ep = id(&create_endpoint(&s, json!({"url": url}))
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
    let ep = id(&create_endpoint(&s, json!({"url": url}))
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
    let ep = session_endpoint(&s, &url).await;
    let secret = ep["secret"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        let sid = id(&s.session(1000, "EUR", "NL").await);
        let got = next(&mut rx).await;
        signed_with(&got, &secret);
        let event: Value = serde_json::from_slice(&got.body).unwrap();
        assert_eq!(event["objectId"], sid.as_str());
    }
}
