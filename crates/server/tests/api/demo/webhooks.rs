//! The demo merchant receives its webhooks verified (a forged one is
//! refused) and moves a wire order to paid, then refunds it, by webhook.

use super::*;
use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn the_demo_merchant_receives_its_webhooks_verified() {
    let (s, _www) = demo().await;
    let sku = first_sku(&s).await;
    let co = checkout(&s, &sku, 1, "NL").await;
    let sid = co["sessionId"].as_str().unwrap().to_owned();
    // The demo registered its endpoint on its first checkout.
    let eps = s.get("/v1/webhook-endpoints", SK).await.ok(200).clone();
    assert_eq!(eps["data"].as_array().unwrap().len(), 1, "{eps}");
    assert!(eps["data"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/demo/webhooks"));
    let src = id(s.card_source(&sid, "4242424242424242").await.ok(201));
    let order = demo_order(&s, &sid, &src).await;
    // Delivered by the worker to the demo's receiver, which verified each
    // (bounded wait: the worker looks every 500 ms at most).
    let want = [
        "session.created",
        "source.created",
        "source.consumed",
        "order.created",
    ];
    let events = demo_events(&s, &sid, &want).await;
    let got = types(&events);
    assert!(want.iter().all(|w| got.iter().any(|g| g == w)), "{got:?}");
    assert!(events.iter().all(|e| e["verified"] == true));
    assert!(events.iter().any(|e| e["objectId"] == order["id"]));
    // A forged delivery is refused; a bad query is coded.
    let forged = s
        .http
        .post(format!("{}/demo/webhooks", s.url))
        .header("PaySession-Signature", "t=1,v1=00")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 400);
    s.get("/demo/api/events?sessionId=nope", "")
        .await
        .expect_error(400, "invalid_parameter");
}

#[tokio::test]
async fn the_demo_moves_a_wire_order_to_paid_and_refunds_it_by_webhook() {
    let (s, _www) = demo().await;
    let sku = first_sku(&s).await;
    let co = checkout(&s, &sku, 1, "DE").await;
    assert_eq!(co["testMode"], true, "{co}");
    let sid = co["sessionId"].as_str().unwrap().to_owned();
    // Before an order: nothing to refund or simulate.
    refund(&s, &sid)
        .await
        .expect_error(404, "resource_not_found");
    let pk = co["publicKey"].as_str().unwrap();
    let src = id(s
        .post(
            "/v1/sources",
            pk,
            json!({"type": "wireTransfer", "sessionId": sid}),
        )
        .await
        .ok(201));
    let order = demo_order(&s, &sid, &src).await;
    assert_eq!(order["paymentState"], "pending", "{order}");
    // The money has not arrived: no refund, no refund to complete.
    refund(&s, &sid).await.expect_error(400, "payment_pending");
    simulate(&s, &sid, "refund")
        .await
        .expect_error(400, "refund_state_invalid");
    simulate(&s, &sid, "nope")
        .await
        .expect_error(400, "invalid_parameter");
    // The funds arrive: the order is paid, and the shop hears it by webhook.
    let paid = simulate(&s, &sid, "funds").await.ok(200).clone();
    assert_eq!(paid["paymentState"], "captured", "{paid}");
    let got = types(&demo_events(&s, &sid, &["payment.captured", "order.paid"]).await);
    assert!(got.iter().any(|t| t == "order.paid"), "{got:?}");
    // Twice is nothing more to pay.
    simulate(&s, &sid, "funds")
        .await
        .expect_error(400, "source_state_invalid");
    // A refund of a wire transfer is pending until the money is back.
    let re = refund(&s, &sid).await.ok(201).clone();
    assert_eq!(re["state"], "pending", "{re}");
    assert_eq!(re["amount"], order["amount"], "{re}");
    // A second click refunds nothing more.
    refund(&s, &sid)
        .await
        .expect_error(400, "amount_exceeds_refundable");
    let done = simulate(&s, &sid, "refund").await.ok(200).clone();
    assert_eq!(done["amountRefunded"], order["amount"], "{done}");
    assert_eq!(done["refunds"].as_array().unwrap().len(), 1, "{done}");
    let got = types(&demo_events(&s, &sid, &["refund.created", "refund.succeeded"]).await);
    assert!(got.iter().any(|t| t == "refund.succeeded"), "{got:?}");
}

/// `POST /demo/api/simulate` of `outcome` (`funds`, `refund`) for checkout `sid`.
async fn simulate(s: &Server, sid: &str, outcome: &str) -> Resp {
    s.post(
        "/demo/api/simulate",
        "",
        json!({"sessionId": sid, "outcome": outcome}),
    )
    .await
}

/// `POST /demo/api/refunds` for checkout `sid`.
async fn refund(s: &Server, sid: &str) -> Resp {
    s.post("/demo/api/refunds", "", json!({"sessionId": sid}))
        .await
}
