//! The demo shop's merchant backend (`--demo`) and the locale catalogs, by
//! topic: `shop` (pricing, paying once, bad carts and ids), `locales` (the
//! checkout's language, the catalogs), `webhooks` (the demo's verified
//! webhooks, a wire order paid and refunded by webhook).

mod locales;
mod shop;
mod webhooks;

use crate::common::*;
use serde_json::{json, Value};

pub async fn demo() -> (Server, tempfile::TempDir) {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), "<h1>demo shop</h1>").unwrap();
    (start_demo(www.path().to_owned()).await, www)
}

/// A checkout of `quantity` × `sku` for `country` in EUR, through the demo merchant.
pub async fn checkout(s: &Server, sku: &str, quantity: u32, country: &str) -> serde_json::Value {
    let body = json!({"items": [{"sku": sku, "quantity": quantity}], "country": country, "currency": "EUR"});
    s.post("/demo/api/checkout", "", body).await.ok(200).clone()
}

/// The SKU of the demo catalog's first product.
pub async fn first_sku(s: &Server) -> String {
    let catalog = s.get("/demo/api/catalog", "").await.ok(200).clone();
    catalog["products"][0]["sku"].as_str().unwrap().to_owned()
}

/// The demo's order for checkout `sid`, paid by source `src` (handed to the
/// demo first, as the shop's page does).
pub async fn demo_order(s: &Server, sid: &str, src: &str) -> Value {
    s.demo_source(sid, src).await;
    s.post("/demo/api/orders", "", json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone()
}

/// The events the demo received (and checked) for checkout `sid`, once
/// their types hold every type of `want` (bounded: 300 looks, the worker
/// looks every 500 ms at most); the last page's otherwise.
pub async fn demo_events(s: &Server, sid: &str, want: &[&str]) -> Vec<Value> {
    let mut events = vec![];
    for _ in 0..300 {
        let page = s
            .get(&format!("/demo/api/events?sessionId={sid}"), "")
            .await
            .ok(200)
            .clone();
        events = page["data"].as_array().unwrap().clone();
        let got = types(&events);
        if want.iter().all(|w| got.iter().any(|g| g == w)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    events
}

/// The types of `events`.
pub fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}
