//! The order's life after its creation (issue 20): manual capture (partial,
//! several, final), cancel (void), the authorization's expiry, refunds (full,
//! partial, several, split orders, gift cards restored), asynchronous
//! outcomes driven by the test-mode routes, their events, and races between
//! all of them over real HTTP.

use crate::common::*;
use serde_json::{json, Value};

/// A session of `amount` EUR (`capture` if given), funded by `gift` (the nth
/// test gift card, 500 EUR cents) if given and a Visa card; its order.
async fn order_with(s: &Server, amount: u64, capture: Option<&str>, gift: Option<usize>) -> Value {
    let mut body = json!({"amount": amount, "currency": "EUR", "country": "DE"});
    if let Some(c) = capture {
        body["capture"] = json!(c);
    }
    let sid = id(s.post("/v1/sessions", SK, body).await.ok(201));
    if let Some(n) = gift {
        let g = gift_source(s, &sid, n).await;
        s.attach(&sid, &id(&g)).await.ok(200);
    }
    let c = s
        .card_source(&sid, "4242424242424242")
        .await
        .ok(201)
        .clone();
    s.attach(&sid, &id(&c)).await.ok(200);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone()
}

/// A gift-card source of the nth test card on session `sid`.
async fn gift_source(s: &Server, sid: &str, n: usize) -> Value {
    let number = format!("60000000000{:05}", n + 1);
    s.post(
        "/v1/sources",
        PK,
        json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": number, "pin": "1234"}}),
    )
    .await
    .ok(201)
    .clone()
}

/// What the nth test gift card has left (a new source's balance enquiry).
async fn gift_left(s: &Server, n: usize) -> u64 {
    let sid = id(&s.session(100, "EUR", "DE").await);
    let number = format!("60000000000{:05}", n + 1);
    let r = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": number, "pin": "1234"}}),
        )
        .await;
    if r.code() == "insufficient_funds" {
        return 0;
    }
    r.ok(201)["giftCard"]["balance"].as_u64().unwrap()
}

/// An order paid by one source of `kind` (`wireTransfer`, `sepaDebit`).
async fn async_order(s: &Server, kind: &str) -> (Value, String) {
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let body = match kind {
        "sepaDebit" => {
            json!({"type": kind, "sessionId": sid, "sepaDebit": {"iban": "DE89 3704 0044 0532 0130 00"}})
        }
        _ => json!({"type": kind, "sessionId": sid}),
    };
    let src = id(s.post("/v1/sources", PK, body).await.ok(201));
    s.attach(&sid, &src).await.ok(200);
    let o = s
        .post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone();
    (o, src)
}

/// The types of the events of object `oid`, oldest first.
async fn events_of(s: &Server, oid: &str) -> Vec<String> {
    let page = s
        .get(&format!("/v1/events?objectId={oid}&limit=100"), SK)
        .await
        .ok(200)
        .clone();
    let mut t: Vec<String> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    t.reverse();
    t
}

fn path(o: &Value, tail: &str) -> String {
    format!("/v1/orders/{}/{tail}", id(o))
}

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
async fn an_uncaptured_authorization_expires() {
    let s = start().await;
    let o = order_with(&s, 1200, Some("manual"), Some(4)).await;
    s.post(&path(&o, "captures"), SK, json!({"amount": 300}))
        .await
        .ok(200);
    // Gift card first: its 500 hold 300 captured, 200 to be released.
    s.advance(7 * 24 * 3600);
    let v = s
        .get(&format!("/v1/orders/{}", id(&o)), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(v["paymentState"], "captured", "{v}");
    assert_eq!(v["amountCaptured"], 300);
    assert_eq!(v["payments"][0]["released"], 200);
    assert_eq!(v["payments"][1]["state"], "expired");
    assert_eq!(gift_left(&s, 4).await, 200);
    s.post(&path(&o, "captures"), SK, json!({}))
        .await
        .expect_error(400, "order_already_captured");
    // Nothing captured: the order ends expired, and a capture says so.
    let o2 = order_with(&s, 1000, Some("manual"), None).await;
    s.advance(7 * 24 * 3600);
    s.post(&path(&o2, "captures"), SK, json!({}))
        .await
        .expect_error(400, "authorization_expired");
    let v = s
        .get(&format!("/v1/orders/{}", id(&o2)), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(v["paymentState"], "expired");
    assert_eq!(
        events_of(&s, &id(&o2)).await,
        ["order.created", "payment.expired"]
    );
    s.stop().await;
}

#[tokio::test]
async fn the_sweep_expires_authorizations_nobody_reads() {
    let s = start().await;
    let o = order_with(&s, 1000, Some("manual"), None).await;
    let theirs = {
        let sid = id(s
            .post(
                "/v1/sessions",
                "sk_test_other",
                json!({"amount": 500, "currency": "EUR", "country": "DE", "capture": "manual"}),
            )
            .await
            .ok(201));
        let c = s
            .post("/v1/sources", "pk_test_other", json!({
                "type": "creditCard", "sessionId": sid,
                "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}
            }))
            .await
            .ok(201)
            .clone();
        s.post(
            &format!("/v1/sessions/{sid}/sources"),
            "sk_test_other",
            json!({"sourceId": id(&c)}),
        )
        .await
        .ok(200);
        s.post("/v1/orders", "sk_test_other", json!({"sessionId": sid}))
            .await
            .ok(201)
            .clone()
    };
    let sweep = |key: &'static str| s.post("/v1/test/authorizations/sweep", key, json!({}));
    assert_eq!(sweep(SK).await.ok(200)["expired"], 0, "nothing due yet");
    s.advance(7 * 24 * 3600);
    assert_eq!(sweep(SK).await.ok(200)["expired"], 1);
    assert_eq!(sweep(SK).await.ok(200)["expired"], 0, "expired once");
    // Recorded without anyone reading the order.
    assert_eq!(
        events_of(&s, &id(&o)).await,
        ["order.created", "payment.expired"]
    );
    // The other merchant's order is theirs to sweep.
    let p = format!("/v1/orders/{}", id(&theirs));
    let page = s
        .get(
            &format!("/v1/events?objectId={}", id(&theirs)),
            "sk_test_other",
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(sweep("sk_test_other").await.ok(200)["expired"], 1);
    assert_eq!(
        s.get(&p, "sk_test_other").await.ok(200)["paymentState"],
        "expired"
    );
    s.stop().await;
}

#[tokio::test]
async fn refunds_partial_several_and_split_in_the_stated_order() {
    let s = start().await;
    // Gift card 500 + card 700.
    let o = order_with(&s, 1200, None, Some(5)).await;
    assert_eq!(gift_left(&s, 5).await, 0);
    let r1 = s
        .post(
            &path(&o, "refunds"),
            SK,
            json!({"amount": 300, "reason": "return"}),
        )
        .await
        .ok(201)
        .clone();
    assert_eq!(r1["state"], "succeeded");
    assert_eq!(r1["reason"], "return");
    assert_eq!(
        r1["parts"],
        json!([{"sourceId": o["sources"][1]["id"], "type": "creditCard", "amount": 300}])
    );
    let r2 = s
        .post(&path(&o, "refunds"), SK, json!({"amount": 500}))
        .await
        .ok(201)
        .clone();
    assert_eq!(r2["parts"][0]["amount"], 400);
    assert_eq!(r2["parts"][1]["type"], "giftCard");
    assert_eq!(r2["parts"][1]["amount"], 100);
    assert_eq!(
        gift_left(&s, 5).await,
        100,
        "a gift card's refund restores its balance"
    );
    s.post(&path(&o, "refunds"), SK, json!({"amount": 401}))
        .await
        .expect_error(400, "amount_exceeds_refundable");
    let r3 = s
        .post(&path(&o, "refunds"), SK, json!({}))
        .await
        .ok(201)
        .clone();
    assert_eq!(r3["amount"], 400);
    assert_eq!(gift_left(&s, 5).await, 500);
    s.post(&path(&o, "refunds"), SK, json!({}))
        .await
        .expect_error(400, "amount_exceeds_refundable");
    let v = s
        .get(&format!("/v1/orders/{}", id(&o)), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(v["amountRefunded"], 1200);
    assert_eq!(v["refunds"].as_array().unwrap().len(), 3);
    assert_eq!(
        s.get(&format!("/v1/refunds/{}", id(&r2)), SK).await.ok(200),
        &r2
    );
    s.get(&format!("/v1/refunds/{}", id(&r2)), "sk_test_other")
        .await
        .expect_error(404, "resource_not_found");
    assert_eq!(
        events_of(&s, &id(&r1)).await,
        ["refund.created", "refund.succeeded"]
    );
    s.stop().await;
}

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

// ---- races: many parallel rounds over HTTP --------------------------------

const ROUNDS: usize = 12;
const RACERS: usize = 6;

async fn race(s: &Server, reqs: Vec<(String, Value)>) -> Vec<Resp> {
    let tasks: Vec<_> = reqs
        .into_iter()
        .map(|(p, body)| {
            let http = s.http.clone();
            let url = format!("{}{p}", s.url);
            tokio::spawn(async move {
                let r = http
                    .post(url)
                    .bearer_auth(SK)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                Resp::read(r).await
            })
        })
        .collect();
    let mut out = vec![];
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn stored(s: &Server, o: &Value) -> Value {
    s.get(&format!("/v1/orders/{}", id(o)), SK)
        .await
        .ok(200)
        .clone()
}

#[tokio::test]
async fn race_capture_against_void_has_one_winner() {
    let s = start().await;
    for round in 0..ROUNDS {
        let o = order_with(&s, 1000, Some("manual"), None).await;
        let reqs = (0..RACERS)
            .map(|i| {
                if i % 2 == 0 {
                    (path(&o, "captures"), json!({}))
                } else {
                    (path(&o, "cancel"), json!({}))
                }
            })
            .collect();
        let rs = race(&s, reqs).await;
        let won: Vec<usize> = (0..rs.len()).filter(|&i| rs[i].status == 200).collect();
        assert_eq!(
            won.len(),
            1,
            "round {round}: {:?}",
            rs.iter().map(|r| &r.text).collect::<Vec<_>>()
        );
        for r in &rs {
            if r.status != 200 {
                assert_eq!(r.status.as_u16(), 400, "{}", r.text);
                assert!(
                    ["order_already_captured", "order_voided"].contains(&r.code()),
                    "{}",
                    r.text
                );
            }
        }
        let v = stored(&s, &o).await;
        let capture_won = won[0].is_multiple_of(2);
        assert_eq!(
            v["amountCaptured"],
            if capture_won { 1000 } else { 0 },
            "round {round}"
        );
        assert_eq!(
            v["paymentState"],
            if capture_won { "captured" } else { "voided" }
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn race_captures_never_exceed_the_authorized_amount() {
    let s = start().await;
    for round in 0..ROUNDS {
        // Gift card (500) + card (700): captures span both payments.
        let o = order_with(&s, 1200, Some("manual"), Some(20 + round)).await;
        let reqs = (0..RACERS)
            .map(|_| (path(&o, "captures"), json!({"amount": 300})))
            .collect();
        let rs = race(&s, reqs).await;
        let won = rs.iter().filter(|r| r.status == 200).count();
        assert_eq!(won, 4, "round {round}: 4 × 300 of 1200");
        for r in rs.iter().filter(|r| r.status != 200) {
            r.expect_error(400, "order_already_captured");
        }
        let v = stored(&s, &o).await;
        assert_eq!(v["amountCaptured"], 1200);
        assert_eq!(v["captures"].as_array().unwrap().len(), 4);
        assert_eq!(v["version"], 4);
    }
    s.stop().await;
}

#[tokio::test]
async fn race_refunds_never_exceed_what_was_captured() {
    let s = start().await;
    for round in 0..ROUNDS {
        let o = order_with(&s, 1000, None, None).await;
        let reqs = (0..RACERS)
            .map(|_| (path(&o, "refunds"), json!({"amount": 400})))
            .collect();
        let rs = race(&s, reqs).await;
        let won = rs.iter().filter(|r| r.status == 201).count();
        assert_eq!(won, 2, "round {round}: 2 × 400 of 1000");
        for r in rs.iter().filter(|r| r.status != 201) {
            r.expect_error(400, "amount_exceeds_refundable");
        }
        let v = stored(&s, &o).await;
        assert_eq!(v["amountRefunded"], 800);
        assert_eq!(v["refunds"].as_array().unwrap().len(), 2);
    }
    s.stop().await;
}

#[tokio::test]
async fn race_refunds_against_captures_stay_within_the_captured_amount() {
    let s = start().await;
    for round in 0..ROUNDS {
        let o = order_with(&s, 1000, Some("manual"), None).await;
        s.post(&path(&o, "captures"), SK, json!({"amount": 200}))
            .await
            .ok(200);
        let reqs = (0..RACERS)
            .map(|i| {
                if i % 2 == 0 {
                    (path(&o, "captures"), json!({"amount": 200}))
                } else {
                    (path(&o, "refunds"), json!({"amount": 200}))
                }
            })
            .collect();
        let rs = race(&s, reqs).await;
        let captured: u64 = 200
            + (0..rs.len())
                .filter(|&i| i % 2 == 0 && rs[i].status == 200)
                .count() as u64
                * 200;
        let refunded: u64 = (0..rs.len())
            .filter(|&i| i % 2 == 1 && rs[i].status == 201)
            .count() as u64
            * 200;
        let v = stored(&s, &o).await;
        assert_eq!(v["amountCaptured"], captured, "round {round}");
        assert_eq!(v["amountRefunded"], refunded, "round {round}");
        assert!(refunded <= captured && captured <= 1000, "round {round}");
        assert_eq!(captured, 800, "round {round}: every capture of 200 fits");
    }
    s.stop().await;
}

#[tokio::test]
async fn race_readers_and_the_sweep_expire_an_authorization_once() {
    let s = start().await;
    for round in 0..ROUNDS {
        let o = order_with(&s, 1200, Some("manual"), Some(40 + round)).await;
        s.advance(7 * 24 * 3600);
        let tasks: Vec<_> = (0..RACERS)
            .map(|i| {
                let http = s.http.clone();
                let url = if i == 0 {
                    format!("{}/v1/test/authorizations/sweep", s.url)
                } else {
                    format!("{}/v1/orders/{}", s.url, id(&o))
                };
                tokio::spawn(async move {
                    let r = if i == 0 {
                        http.post(url).bearer_auth(SK).json(&json!({}))
                    } else {
                        http.get(url).bearer_auth(SK)
                    };
                    Resp::read(r.send().await.unwrap()).await
                })
            })
            .collect();
        for t in tasks {
            let r = t.await.unwrap();
            assert_eq!(r.status.as_u16(), 200, "{}", r.text);
            if r.body.get("paymentState").is_some() {
                assert_eq!(r.body["paymentState"], "expired", "round {round}");
            }
        }
        assert_eq!(
            events_of(&s, &id(&o)).await,
            ["order.created", "payment.expired"],
            "round {round}: one expiry"
        );
        assert_eq!(
            gift_left(&s, 40 + round).await,
            500,
            "round {round}: credited once"
        );
    }
    s.stop().await;
}
