//! The end of a harness: every event committed, read back through the API,
//! acknowledged by the receiver, every delivery `succeeded`; the counts printed.

use super::receiver::{lock, Shared};
use crate::common::*;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// Creates a session (an event, so a delivery); errors (a killed server) are
/// fine: what committed is read back at the end.
pub async fn checkout(http: &reqwest::Client, base: &str, i: usize) {
    let _ = http
        .post(format!("{base}/v1/sessions"))
        .bearer_auth(SK)
        .json(&json!({"amount": 1000 + i, "currency": "EUR", "country": "DE", "reference": format!("h{i}")}))
        .send()
        .await;
}

/// Every item of a paginated list at `path` (`data`, `hasMore`, `startingAfter`).
async fn all_pages(http: &reqwest::Client, base: &str, path: &str) -> Vec<Value> {
    let mut out: Vec<Value> = vec![];
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{base}{path}{sep}limit=100");
        if let Some(last) = out.last() {
            url.push_str(&format!("&startingAfter={}", last["id"].as_str().unwrap()));
        }
        let page = get_json(http, &url).await;
        out.extend(page["data"].as_array().unwrap().iter().cloned());
        if page["hasMore"] != true {
            return out;
        }
    }
}

/// Waits (bounded) until every event committed has been acknowledged by the
/// receiver and every delivery is `succeeded`; then checks and prints.
pub async fn settle_and_check(label: &str, base: &str, seen: &Shared) -> i64 {
    let http = http();
    let endpoints = get_json(&http, &format!("{base}/v1/webhook-endpoints")).await;
    let ep = endpoints["data"][0]["id"].as_str().unwrap().to_owned();
    let events = all_pages(&http, base, "/v1/events").await;
    assert!(events.len() >= 20, "{label}: only {} events", events.len());
    let ids: HashSet<String> = events
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let deliveries = loop {
        let missing = {
            let s = lock(seen);
            ids.iter().filter(|i| !s.acked.contains_key(*i)).count()
        };
        let ds = all_pages(
            &http,
            base,
            &format!("/v1/webhook-endpoints/{ep}/deliveries"),
        )
        .await;
        let done = ds.iter().filter(|d| d["state"] == "succeeded").count();
        if missing == 0 && done == ds.len() {
            break ds;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{label}: after 90 s, {missing} of {} events never acknowledged, {} of {} deliveries not succeeded",
            ids.len(),
            ds.len() - done,
            ds.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let s = lock(seen);
    let delivered: HashSet<String> = deliveries
        .iter()
        .map(|d| d["eventId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        delivered, ids,
        "{label}: one delivery per event, none missing"
    );
    assert_eq!(
        deliveries.len(),
        ids.len(),
        "{label}: one delivery per event"
    );
    let duplicates: usize = ids.iter().map(|i| s.acked[i] - 1).sum();
    let attempts: i64 = deliveries
        .iter()
        .map(|d| d["attemptCount"].as_i64().unwrap())
        .sum();
    // Attempts started but never recorded: cut by a kill, then taken over.
    let cut: i64 = deliveries
        .iter()
        .map(|d| {
            d["attemptCount"].as_i64().unwrap() - d["attempts"].as_array().unwrap().len() as i64
        })
        .sum();
    let mut kinds: Vec<_> = s.kinds.iter().collect();
    kinds.sort();
    eprintln!(
        "{label}: {} events, all delivered and verified; {attempts} attempts ({kinds:?}); \
         {cut} attempts cut by a kill and taken over; \
         {duplicates} duplicates (2xx answers beyond the first); {} bad signatures; {} overlapping attempts",
        ids.len(),
        s.bad_signatures,
        s.overlaps
    );
    assert_eq!(s.bad_signatures, 0, "{label}: every request signed");
    assert_eq!(s.overlaps, 0, "{label}: no event attempted twice at once");
    cut
}

/// `GET url` with the secret key: the JSON answer.
async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    http.get(url)
        .bearer_auth(SK)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
