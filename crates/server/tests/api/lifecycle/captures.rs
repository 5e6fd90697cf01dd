//! Manual and automatic capture, cancel (void), a capture retried with its key.

use super::*;

#[tokio::test]
async fn manual_capture_partial_several_then_final() {
    let s = start().await;
    let o = order_with(&s, 1000, Some("manual"), None).await;
    assert_eq!(o["capture"], "manual");
    assert_eq!(o["paymentState"], "authorized");
    assert_eq!(o["amountCaptured"], 0);
    assert!(o["authorizationExpiresAt"].is_string(), "{o}");
    assert_eq!(o["payments"][0]["state"], "authorized");

    let a = s
        .post(&path(&o, "captures"), SK, json!({"amount": 300}))
        .await
        .ok(200)
        .clone();
    assert_eq!(a["paymentState"], "partially_captured");
    assert_eq!(a["amountCaptured"], 300);
    assert_eq!(a["version"], 1);
    s.post(&path(&o, "captures"), SK, json!({"amount": 701}))
        .await
        .expect_error(400, "amount_exceeds_capturable");
    let b = s
        .post(&path(&o, "captures"), SK, json!({"amount": 200}))
        .await
        .ok(200)
        .clone();
    assert_eq!(b["amountCaptured"], 500);
    assert_eq!(b["paymentState"], "partially_captured");
    let c = s
        .post(
            &path(&o, "captures"),
            SK,
            json!({"amount": 100, "final": true}),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(c["paymentState"], "captured");
    assert_eq!(c["amountCaptured"], 600);
    assert_eq!(c["payments"][0]["released"], 400);
    assert_eq!(c["captures"].as_array().unwrap().len(), 3);
    assert_eq!(c["captures"][2]["final"], true);
    s.post(&path(&o, "captures"), SK, json!({}))
        .await
        .expect_error(400, "order_already_captured");
    s.post(&path(&o, "cancel"), SK, json!({}))
        .await
        .expect_error(400, "order_already_captured");
    // Refunds: never more than captured.
    s.post(&path(&o, "refunds"), SK, json!({"amount": 601}))
        .await
        .expect_error(400, "amount_exceeds_refundable");
    assert_eq!(
        s.get(&format!("/v1/orders/{}", id(&o)), SK).await.ok(200),
        &c
    );
    assert_eq!(
        events_of(&s, &id(&o)).await,
        [
            "order.created",
            "payment.captured",
            "payment.captured",
            "payment.captured",
            "payment.voided",
            "order.paid"
        ]
    );
    // Another merchant's key sees no such order.
    s.post(&path(&o, "captures"), "sk_test_other", json!({}))
        .await
        .expect_error(404, "resource_not_found");
    s.stop().await;
}

#[tokio::test]
async fn cancel_releases_everything_and_refuses_what_follows() {
    let s = start().await;
    let o = order_with(&s, 1200, Some("manual"), Some(3)).await;
    assert_eq!(
        gift_left(&s, 3).await,
        0,
        "the gift card is debited at the order"
    );
    let v = s
        .post(&path(&o, "cancel"), SK, json!({}))
        .await
        .ok(200)
        .clone();
    assert_eq!(v["paymentState"], "voided");
    assert_eq!(v["amountCaptured"], 0);
    assert_eq!(
        gift_left(&s, 3).await,
        500,
        "the void gives the gift card its money back"
    );
    s.post(&path(&o, "captures"), SK, json!({}))
        .await
        .expect_error(400, "order_voided");
    s.post(&path(&o, "cancel"), SK, json!({}))
        .await
        .expect_error(400, "order_voided");
    s.post(&path(&o, "refunds"), SK, json!({}))
        .await
        .expect_error(400, "amount_exceeds_refundable");
    assert_eq!(
        events_of(&s, &id(&o)).await,
        ["order.created", "payment.voided"]
    );
    s.stop().await;
}

#[tokio::test]
async fn automatic_capture_is_the_default_and_capture_is_checked() {
    let s = start().await;
    let o = order_with(&s, 1000, None, None).await;
    assert_eq!(o["capture"], "automatic");
    assert_eq!(o["paymentState"], "captured");
    assert_eq!(o["amountCaptured"], 1000);
    assert!(o.get("authorizationExpiresAt").is_none());
    s.post(&path(&o, "captures"), SK, json!({}))
        .await
        .expect_error(400, "order_already_captured");
    assert_eq!(
        events_of(&s, &id(&o)).await,
        ["order.created", "order.paid"]
    );
    // `capture` takes two values.
    let r = s
        .post(
            "/v1/sessions",
            SK,
            json!({"amount": 100, "currency": "EUR", "country": "DE", "capture": "later"}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    assert_eq!(r.param(), "capture", "{}", r.text);
    // Bad bodies are coded 400s.
    let r = s
        .post(&path(&o, "captures"), SK, json!({"amount": 0}))
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    let r = s
        .post(&path(&o, "refunds"), SK, json!({"amount": -1}))
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    let r = s
        .post(&path(&o, "refunds"), SK, json!({"reason": "x".repeat(501)}))
        .await;
    r.expect_error(400, "invalid_parameter");
    s.post(&path(&o, "captures"), SK, json!({"amont": 1}))
        .await
        .expect_error(400, "unknown_parameter");
    s.post("/v1/orders/ord_nope/captures", SK, json!({}))
        .await
        .expect_error(404, "resource_not_found");
    s.post("/v1/orders/ord_nope/refunds", PK, json!({}))
        .await
        .expect_error(403, "permission_denied");
    s.stop().await;
}

#[tokio::test]
async fn a_capture_retried_with_its_key_captures_once() {
    let s = start().await;
    let o = order_with(&s, 1000, Some("manual"), None).await;
    let h = [("Idempotency-Key", "cap-1")];
    let p = path(&o, "captures");
    let send = || {
        s.send(
            reqwest::Method::POST,
            &p,
            Some(SK),
            Some(json!({"amount": 250})),
            &h,
        )
    };
    let a = send().await;
    let b = send().await;
    assert_eq!(a.ok(200), b.ok(200));
    let v = s
        .get(&format!("/v1/orders/{}", id(&o)), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(v["amountCaptured"], 250);
    assert_eq!(v["captures"].as_array().unwrap().len(), 1);
    // A refund too: one refund for one key; the key on another body is refused.
    let p = path(&o, "refunds");
    let refund = |amount: u64| {
        s.send(
            reqwest::Method::POST,
            &p,
            Some(SK),
            Some(json!({"amount": amount})),
            &[("Idempotency-Key", "re-1")],
        )
    };
    let a = refund(100).await;
    let b = refund(100).await;
    assert_eq!(a.ok(201), b.ok(201));
    refund(101)
        .await
        .expect_error(409, "idempotency_key_reused");
    let v = s
        .get(&format!("/v1/orders/{}", id(&o)), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(v["amountRefunded"], 100);
    assert_eq!(v["refunds"].as_array().unwrap().len(), 1);
    s.stop().await;
}
