//! Asynchronous outcomes driven by the test-mode routes: a wire transfer's funds, a returned SEPA debit, a redirect decided without the shopper; a live key refused.

use super::*;

#[tokio::test]
async fn a_wire_transfer_is_paid_when_its_funds_arrive_and_refunds_asynchronously() {
    let s = start().await;
    let (o, src) = async_order(&s, "wireTransfer").await;
    assert_eq!(o["paymentState"], "pending");
    s.post(&path(&o, "captures"), SK, json!({}))
        .await
        .expect_error(400, "payment_pending");
    s.post(&path(&o, "refunds"), SK, json!({}))
        .await
        .expect_error(400, "payment_pending");
    let v = s
        .post(&format!("/v1/test/sources/{src}/funds"), SK, json!({}))
        .await
        .ok(200)
        .clone();
    assert_eq!(v["paymentState"], "captured");
    assert_eq!(v["amountCaptured"], 1000);
    s.post(&format!("/v1/test/sources/{src}/funds"), SK, json!({}))
        .await
        .expect_error(400, "source_state_invalid");
    assert_eq!(
        events_of(&s, &id(&o)).await,
        ["order.created", "payment.captured", "order.paid"]
    );
    let r = s
        .post(&path(&o, "refunds"), SK, json!({"amount": 600}))
        .await
        .ok(201)
        .clone();
    assert_eq!(r["state"], "pending");
    // Pending refunds count against what is refundable.
    s.post(&path(&o, "refunds"), SK, json!({"amount": 401}))
        .await
        .expect_error(400, "amount_exceeds_refundable");
    let failed = s
        .post(&format!("/v1/test/refunds/{}/fail", id(&r)), SK, json!({}))
        .await
        .ok(200)
        .clone();
    assert_eq!(failed["state"], "failed");
    s.post(
        &format!("/v1/test/refunds/{}/succeed", id(&r)),
        SK,
        json!({}),
    )
    .await
    .expect_error(400, "refund_state_invalid");
    let r2 = s
        .post(&path(&o, "refunds"), SK, json!({}))
        .await
        .ok(201)
        .clone();
    assert_eq!(
        r2["amount"], 1000,
        "a failed refund's amount is refundable again"
    );
    let ok = s
        .post(
            &format!("/v1/test/refunds/{}/succeed", id(&r2)),
            SK,
            json!({}),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(ok["state"], "succeeded");
    let v = s
        .get(&format!("/v1/orders/{}", id(&o)), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(v["amountRefunded"], 1000);
    assert_eq!(v["payments"][0]["refundPending"], 0);
    assert_eq!(
        events_of(&s, &id(&r)).await,
        ["refund.created", "refund.failed"]
    );
    assert_eq!(
        events_of(&s, &id(&r2)).await,
        ["refund.created", "refund.succeeded"]
    );
    s.post("/v1/test/refunds/re_nope/succeed", SK, json!({}))
        .await
        .expect_error(404, "resource_not_found");
    s.stop().await;
}

#[tokio::test]
async fn a_returned_sepa_debit_fails_the_order() {
    let s = start().await;
    let (o, src) = async_order(&s, "sepaDebit").await;
    assert_eq!(o["paymentState"], "pending");
    let v = s
        .post(&format!("/v1/test/sources/{src}/return"), SK, json!({}))
        .await
        .ok(200)
        .clone();
    assert_eq!(v["paymentState"], "failed");
    s.post(&path(&o, "cancel"), SK, json!({}))
        .await
        .expect_error(400, "payment_failed");
    s.post(&path(&o, "refunds"), SK, json!({}))
        .await
        .expect_error(400, "payment_failed");
    assert_eq!(
        events_of(&s, &id(&o)).await,
        ["order.created", "payment.failed"]
    );
    // Its source says so: failed, no longer consumed, with its event, as
    // the merchant's secret key and the shopper's client secret read it.
    let source = s
        .get(&format!("/v1/sources/{src}"), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(source["state"], "failed", "{source}");
    let secret = source["clientSecret"].as_str().unwrap();
    let shopper = s
        .get(&format!("/v1/sources/{src}?clientSecret={secret}"), PK)
        .await
        .ok(200)
        .clone();
    assert_eq!(shopper["state"], "failed", "{shopper}");
    assert_eq!(
        events_of(&s, &src).await,
        ["source.created", "source.consumed", "source.failed"]
    );
    // Returned twice: refused, the source unchanged.
    s.post(&format!("/v1/test/sources/{src}/return"), SK, json!({}))
        .await
        .expect_error(400, "source_state_invalid");
    // A settled one is captured, its source consumed.
    let (o, src) = async_order(&s, "sepaDebit").await;
    let v = s
        .post(&format!("/v1/test/sources/{src}/funds"), SK, json!({}))
        .await
        .ok(200)
        .clone();
    assert_eq!(v["paymentState"], "captured");
    assert_eq!(id(&v), id(&o));
    let source = s
        .get(&format!("/v1/sources/{src}"), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(source["state"], "consumed", "{source}");
    s.stop().await;
}

#[tokio::test]
async fn a_redirect_is_approved_or_cancelled_without_the_shopper() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "NL").await);
    let urls =
        json!({"returnUrl": "https://shop.example/r", "cancelUrl": "https://shop.example/c"});
    let mk = || async {
        id(s.post(
            "/v1/sources",
            PK,
            json!({"type": "payPal", "sessionId": sid, "payPal": urls}),
        )
        .await
        .ok(201))
    };
    let a = mk().await;
    let v = s
        .post(&format!("/v1/test/sources/{a}/approve"), SK, json!({}))
        .await
        .ok(200)
        .clone();
    assert_eq!(v["state"], "chargeable");
    s.post(&format!("/v1/test/sources/{a}/cancel"), SK, json!({}))
        .await
        .expect_error(400, "source_state_invalid");
    let b = mk().await;
    let v = s
        .post(&format!("/v1/test/sources/{b}/cancel"), SK, json!({}))
        .await
        .ok(200)
        .clone();
    assert_eq!(v["state"], "cancelled");
    assert_eq!(
        events_of(&s, &a).await,
        ["source.created", "source.chargeable"]
    );
    assert_eq!(
        events_of(&s, &b).await,
        ["source.created", "source.cancelled"]
    );
    // A source in no order has no money to arrive.
    s.post(&format!("/v1/test/sources/{a}/funds"), SK, json!({}))
        .await
        .expect_error(400, "source_state_invalid");
    s.stop().await;
}

#[tokio::test]
async fn test_routes_refuse_a_live_key() {
    let config = paysession_server::config::Config::from_toml(
        "[[merchant]]\nid = \"live\"\npublic_key = \"pk_live_x\"\nsecret_key = \"sk_live_x\"\n",
    )
    .unwrap();
    let s = start_in(std::sync::Arc::new(tempfile::tempdir().unwrap()), config).await;
    for p in [
        "/v1/test/sources/src_x/funds",
        "/v1/test/sources/src_x/return",
        "/v1/test/sources/src_x/approve",
        "/v1/test/sources/src_x/cancel",
        "/v1/test/refunds/re_x/succeed",
        "/v1/test/refunds/re_x/fail",
        "/v1/test/authorizations/sweep",
    ] {
        s.post(p, "sk_live_x", json!({}))
            .await
            .expect_error(403, "test_mode_only");
        s.post(p, "pk_live_x", json!({}))
            .await
            .expect_error(403, "permission_denied");
    }
    s.stop().await;
}
