//! Customers and saved payment methods: saving a card (at the order, or with
//! the session's tokenize operation), listing, deleting, paying with a saved
//! card and a fresh security code, and who may do what.

use crate::common::*;
use serde_json::{json, Value};

mod access;
mod paying;
mod removing;
mod saving;

const SK_OTHER: &str = "sk_test_other";
const PK_OTHER: &str = "pk_test_other";

async fn customer(s: &Server) -> String {
    let c = s
        .post(
            "/v1/customers",
            SK,
            json!({"email": "ada@example.com", "reference": "u-1"}),
        )
        .await;
    let b = c.ok(201);
    assert!(b["id"].as_str().unwrap().starts_with("cus_"));
    assert_eq!(b["paymentMethods"], json!([]));
    id(b)
}

async fn session_for(s: &Server, cus: &str, country: &str) -> String {
    let r = s
        .post(
            "/v1/sessions",
            SK,
            json!({"amount": 1000, "currency": "EUR", "country": country, "customerId": cus}),
        )
        .await;
    assert_eq!(r.ok(201)["customerId"], cus);
    id(&r.body)
}

fn card(number: &str, usage: Option<&str>, sid: &str) -> Value {
    let mut v = json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": number, "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}});
    if let Some(u) = usage {
        v["usage"] = json!(u);
    }
    v
}

/// A card source of `sid` made with the public key (`usage` may save it); its id.
async fn source_with_usage(s: &Server, number: &str, usage: Option<&str>, sid: &str) -> String {
    id(s.post("/v1/sources", PK, card(number, usage, sid))
        .await
        .ok(201))
}

async fn pay(s: &Server, sid: &str, src: &str) -> Value {
    s.attach(sid, src).await.ok(200);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone()
}

async fn methods(s: &Server, cus: &str) -> Vec<Value> {
    s.get(&format!("/v1/customers/{cus}/payment-methods"), SK)
        .await
        .ok(200)["data"]
        .as_array()
        .unwrap()
        .clone()
}

/// Saves 4242… (convenience) through an order; returns the method's id.
async fn save_by_order(s: &Server, cus: &str) -> String {
    let sid = session_for(s, cus, "US").await;
    let src = source_with_usage(s, "4242424242424242", Some("convenience"), &sid).await;
    // Nothing is saved before the order completes.
    assert!(methods(s, cus).await.is_empty());
    pay(s, &sid, &src).await;
    let list = methods(s, cus).await;
    assert_eq!(list.len(), 1, "{list:?}");
    id(&list[0])
}
