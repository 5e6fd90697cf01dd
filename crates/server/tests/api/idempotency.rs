use crate::common::*;
use reqwest::Method;
use serde_json::json;
use std::sync::Arc;

async fn post_key(s: &Server, path: &str, key: &str, idem: &str, body: serde_json::Value) -> Resp {
    s.send(
        Method::POST,
        path,
        Some(key),
        Some(body),
        &[("Idempotency-Key", idem)],
    )
    .await
}

#[tokio::test]
async fn same_key_same_body_replays_and_other_body_conflicts() {
    let s = start().await;
    let body = json!({"amount": 1000, "currency": "EUR", "country": "DE"});
    let a = post_key(&s, "/v1/sessions", SK, "k-1", body.clone()).await;
    let b = post_key(&s, "/v1/sessions", SK, "k-1", body.clone()).await;
    assert_eq!(a.status.as_u16(), 201);
    assert_eq!(b.status.as_u16(), 201);
    assert_eq!(a.text, b.text);
    assert_eq!(b.headers["idempotent-replayed"], "true");
    let r = post_key(
        &s,
        "/v1/sessions",
        SK,
        "k-1",
        json!({"amount": 2000, "currency": "EUR", "country": "DE"}),
    )
    .await;
    r.expect_error(409, "idempotency_key_reused");
    // Keys are per merchant.
    let other = post_key(&s, "/v1/sessions", "sk_test_other", "k-1", body.clone()).await;
    assert_ne!(id(other.ok(201)), id(&a.body));
    // Error answers replay too (status and body).
    let sid = id(&a.body);
    let d1 = post_key(&s, "/v1/sources", PK, "decline-1", json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": "4000000000000002", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}})).await;
    d1.expect_error(400, "card_declined");
    let d2 = post_key(&s, "/v1/sources", PK, "decline-1", json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": "4000000000000002", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}})).await;
    assert_eq!((d2.status, d2.text.clone()), (d1.status, d1.text.clone()));
    // A replayed source creation makes no second source: exactly one failed attempt counted.
    // (9 more declines lock; if the replay had counted, 8 would.)
    for _ in 0..8 {
        s.card_source(&sid, "4000000000000002")
            .await
            .expect_error(400, "card_declined");
    }
    assert_eq!(s.retrieve(&sid).await["state"], "requires_source");
    s.stop().await;
}

#[tokio::test]
async fn idempotency_holds_across_a_restart() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = start_in(dir.clone(), two_merchants()).await;
    let body = json!({"amount": 4200, "currency": "USD", "country": "US"});
    let first = post_key(&s, "/v1/sessions", SK, "restart-key", body.clone()).await;
    assert_eq!(first.status.as_u16(), 201);
    s.stop().await;

    let s = start_in(dir.clone(), two_merchants()).await;
    let again = post_key(&s, "/v1/sessions", SK, "restart-key", body.clone()).await;
    assert_eq!(again.status.as_u16(), 201);
    assert_eq!(again.text, first.text);
    post_key(
        &s,
        "/v1/sessions",
        SK,
        "restart-key",
        json!({"amount": 1, "currency": "USD", "country": "US"}),
    )
    .await
    .expect_error(409, "idempotency_key_reused");
    // The data itself survived too.
    assert_eq!(s.retrieve(&id(&first.body)).await["amount"], 4200);
    s.stop().await;
}
