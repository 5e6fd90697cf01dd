//! The demo shop's merchant backend (`--demo`) and the locale catalogs.

use crate::common::*;
use serde_json::json;

async fn demo() -> (Server, tempfile::TempDir) {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), "<h1>demo shop</h1>").unwrap();
    (start_demo(www.path().to_owned()).await, www)
}

/// A checkout of `quantity` × `sku` for `country` in EUR, through the demo merchant.
async fn checkout(s: &Server, sku: &str, quantity: u32, country: &str) -> serde_json::Value {
    let body = json!({"items": [{"sku": sku, "quantity": quantity}], "country": country, "currency": "EUR"});
    s.post("/demo/api/checkout", "", body).await.ok(200).clone()
}

#[tokio::test]
async fn the_demo_merchant_prices_the_cart_and_pays_once() {
    let (s, _www) = demo().await;
    let home = s
        .http
        .get(&s.url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("demo shop"));

    let catalog = s.get("/demo/api/catalog", "").await.ok(200).clone();
    let mug = &catalog["products"][0];
    let (sku, price) = (
        mug["sku"].as_str().unwrap(),
        mug["prices"]["EUR"].as_u64().unwrap(),
    );
    assert!(catalog["markets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["country"] == "DE"));

    // The server prices the cart: 2 mugs.
    let co = checkout(&s, sku, 2, "NL").await;
    assert_eq!(co["amount"].as_u64().unwrap(), 2 * price);
    assert_eq!(co["publicKey"], PK);
    assert!(co["apiBase"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    let sid = co["sessionId"].as_str().unwrap().to_owned();
    assert_eq!(
        s.retrieve(&sid).await["amount"].as_u64().unwrap(),
        2 * price
    );

    // The browser can't name an amount.
    s.post("/demo/api/checkout", "", json!({"items": [{"sku": sku, "quantity": 1}], "country": "NL", "currency": "EUR", "amount": 1}))
        .await
        .expect_error(400, "unknown_parameter");

    // Ordering before the session is funded is refused with the contract's body.
    s.post("/demo/api/orders", "", json!({"sessionId": sid}))
        .await
        .expect_error(400, "order_submit_failed");

    let src = id(s.card_source(&sid, "4242424242424242").await.ok(201));
    let attached = s
        .post(
            "/demo/api/sources",
            "",
            json!({"sessionId": sid, "sourceId": src}),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(attached["state"], "requires_confirmation");
    // A double click attaches once (same idempotency key, same answer).
    let again = s
        .post(
            "/demo/api/sources",
            "",
            json!({"sessionId": sid, "sourceId": src}),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(again["version"], attached["version"]);

    let order = s
        .post("/demo/api/orders", "", json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone();
    let twice = s
        .post("/demo/api/orders", "", json!({"sessionId": sid}))
        .await
        .ok(200)
        .clone();
    assert_eq!(order["id"], twice["id"], "a doubled submit pays once");
    assert_eq!(order["amount"].as_u64().unwrap(), 2 * price);
    assert_eq!(s.retrieve(&sid).await["state"], "complete");

    // Two submits at once (a double click) still make one order.
    let co = checkout(&s, sku, 1, "DE").await;
    let sid = co["sessionId"].as_str().unwrap().to_owned();
    let src = id(s.card_source(&sid, "5555555555554444").await.ok(201));
    s.post(
        "/demo/api/sources",
        "",
        json!({"sessionId": sid, "sourceId": src}),
    )
    .await
    .ok(200);
    let (a, b) = tokio::join!(
        s.post("/demo/api/orders", "", json!({"sessionId": sid})),
        s.post("/demo/api/orders", "", json!({"sessionId": sid}))
    );
    assert!(
        a.status.is_success() && b.status.is_success(),
        "{} / {}",
        a.text,
        b.text
    );
    assert_eq!(a.body["id"], b.body["id"]);
}

#[tokio::test]
async fn the_demo_backend_rejects_bad_carts_with_contract_errors() {
    let (s, _www) = demo().await;
    let bad = |body| s.post("/demo/api/checkout", "", body);
    bad(json!({"items": [{"sku": "nope", "quantity": 1}], "country": "DE", "currency": "EUR"}))
        .await
        .expect_error(400, "invalid_parameter");
    assert_eq!(
        bad(json!({"items": [{"sku": "mug", "quantity": 1}], "country": "DE", "currency": "EUR", "x": 1})).await.param(),
        "x"
    );
    bad(json!({"items": [], "country": "DE", "currency": "EUR"}))
        .await
        .expect_error(400, "invalid_amount");
    bad(json!({"items": [{"sku": "mug", "quantity": 10}], "country": "DE", "currency": "EUR"}))
        .await
        .expect_error(400, "invalid_parameter");
    bad(json!({"items": [{"sku": "mug", "quantity": 1}], "country": "DE", "currency": "USD"}))
        .await
        .expect_error(400, "invalid_country");
    bad(json!({"items": [{"sku": "mug", "quantity": 1}], "country": "DE"}))
        .await
        .expect_error(400, "missing_parameter");
    assert_eq!(
        bad(json!({"items": [{"sku": "mug", "quantity": 1}], "country": "DE", "currency": "EUR", "locale": "xx-YY"})).await.param(),
        "locale"
    );
    let r = s
        .raw(
            reqwest::Method::POST,
            "/demo/api/checkout",
            "",
            "application/json",
            b"{not json".to_vec(),
        )
        .await;
    r.expect_error(400, "malformed_json");
}

#[tokio::test]
async fn the_shopper_picks_the_language_of_the_checkout() {
    let (s, _www) = demo().await;
    let catalog = s.get("/demo/api/catalog", "").await.ok(200).clone();
    let locales = catalog["locales"].as_array().unwrap();
    assert!(locales.len() >= 30 && locales.contains(&json!("he-IL")));
    let body = json!({"items": [{"sku": "mug", "quantity": 1}], "country": "DE", "currency": "EUR", "locale": "he"});
    let c = s.post("/demo/api/checkout", "", body).await.ok(200).clone();
    assert_eq!(c["locale"], "he-IL");
    // Without a choice, the market's language.
    assert_eq!(checkout(&s, "mug", 1, "DE").await["locale"], "de-DE");
}

#[tokio::test]
async fn locale_catalogs_are_served_without_a_key() {
    let s = start().await;
    let de = s
        .send(reqwest::Method::GET, "/v1/locales/de-DE", None, None, &[])
        .await;
    assert_eq!(de.status.as_u16(), 200);
    assert_eq!(de.body["field.cardNumber"], "Kartennummer");
    assert!(de.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let ar = s
        .send(reqwest::Method::GET, "/v1/locales/ar", None, None, &[])
        .await;
    assert_eq!(ar.body["dir"], "rtl");
    s.send(reqwest::Method::GET, "/v1/locales/xx-YY", None, None, &[])
        .await
        .expect_error(404, "resource_not_found");
    // Without --demo there is no demo backend.
    s.get("/demo/api/catalog", "")
        .await
        .expect_error(404, "route_not_found");
}

#[tokio::test]
async fn the_demo_backend_refuses_malformed_ids_with_coded_400s() {
    let (s, _www) = demo().await;
    let co = checkout(&s, "mug", 1, "DE").await;
    let sid = co["sessionId"].as_str().unwrap().to_owned();
    let src = id(s.card_source(&sid, "4242424242424242").await.ok(201));
    let bad_ids = [
        "a b",
        "ses_x/../../orders",
        "../../v1/orders",
        "ses_x?key=1",
        "ses_x#frag",
        "",
        "ses_ünïcode",
        "ses_0123456789abcdef0123456789abcdeg",
        "src_0123456789abcdef0123456789abcdeg",
        "ses_0123456789ABCDEF0123456789ABCDEF",
        "ses_0123456789abcdef0123456789abcdef0",
    ];
    // Each id where the other kind is expected is refused too.
    let swapped = |field: &str| {
        let other = if field == "sessionId" { "src_" } else { "ses_" };
        format!("{other}0123456789abcdef0123456789abcdef")
    };
    for bad in bad_ids {
        s.post("/demo/api/orders", "", json!({"sessionId": bad}))
            .await
            .expect_error(400, "invalid_parameter");
        let r = s
            .post(
                "/demo/api/sources",
                "",
                json!({"sessionId": bad, "sourceId": src}),
            )
            .await;
        r.expect_error(400, "invalid_parameter");
        assert_eq!(r.param(), "sessionId", "{}", r.text);
        let r = s
            .post(
                "/demo/api/sources",
                "",
                json!({"sessionId": sid, "sourceId": bad}),
            )
            .await;
        r.expect_error(400, "invalid_parameter");
        assert_eq!(r.param(), "sourceId", "{}", r.text);
    }
    for (field, body) in [
        (
            "sessionId",
            json!({"sessionId": swapped("sessionId"), "sourceId": src}),
        ),
        (
            "sourceId",
            json!({"sessionId": sid, "sourceId": swapped("sourceId")}),
        ),
    ] {
        let r = s.post("/demo/api/sources", "", body).await;
        r.expect_error(400, "invalid_parameter");
        assert_eq!(r.param(), field, "{}", r.text);
    }
    s.post(
        "/demo/api/orders",
        "",
        json!({"sessionId": swapped("sessionId")}),
    )
    .await
    .expect_error(400, "invalid_parameter");
    // A well-formed id that does not exist is the API's own 404, not a 5xx.
    s.post(
        "/demo/api/orders",
        "",
        json!({"sessionId": "ses_0123456789abcdef0123456789abcdef"}),
    )
    .await
    .expect_error(404, "resource_not_found");
    // Wrong JSON types are coded too.
    s.post("/demo/api/orders", "", json!({"sessionId": 5}))
        .await
        .expect_error(400, "invalid_parameter");
    // The session still works after all that.
    s.post(
        "/demo/api/sources",
        "",
        json!({"sessionId": sid, "sourceId": src}),
    )
    .await
    .ok(200);
}

#[tokio::test]
async fn the_demo_merchant_receives_its_webhooks_verified() {
    let (s, _www) = demo().await;
    let catalog = s.get("/demo/api/catalog", "").await.ok(200).clone();
    let sku = catalog["products"][0]["sku"].as_str().unwrap().to_owned();
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
    s.post(
        "/demo/api/sources",
        "",
        json!({"sessionId": sid, "sourceId": src}),
    )
    .await
    .ok(200);
    let order = s
        .post("/demo/api/orders", "", json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone();
    // Delivered by the worker to the demo's receiver, which verified each
    // (bounded wait: the worker looks every 500 ms at most).
    let want = [
        "session.created",
        "source.created",
        "source.consumed",
        "order.created",
    ];
    let mut got = vec![];
    for _ in 0..300 {
        let page = s
            .get(&format!("/demo/api/events?sessionId={sid}"), "")
            .await
            .ok(200)
            .clone();
        got = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect();
        if want.iter().all(|w| got.iter().any(|g| g == w)) {
            assert!(page["data"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["verified"] == true));
            assert!(page["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["objectId"] == order["id"]));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(want.iter().all(|w| got.iter().any(|g| g == w)), "{got:?}");
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

/// The verified events the demo received for checkout `sid`, once they hold
/// every type of `want` (bounded: 300 looks, the worker looks every 500 ms at most).
async fn demo_events(s: &Server, sid: &str, want: &[&str]) -> Vec<String> {
    let mut got = vec![];
    for _ in 0..300 {
        let page = s
            .get(&format!("/demo/api/events?sessionId={sid}"), "")
            .await
            .ok(200)
            .clone();
        got = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect();
        if want.iter().all(|w| got.iter().any(|g| g == w)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    got
}

#[tokio::test]
async fn the_demo_moves_a_wire_order_to_paid_and_refunds_it_by_webhook() {
    let (s, _www) = demo().await;
    let catalog = s.get("/demo/api/catalog", "").await.ok(200).clone();
    let sku = catalog["products"][0]["sku"].as_str().unwrap().to_owned();
    let co = checkout(&s, &sku, 1, "DE").await;
    assert_eq!(co["testMode"], true, "{co}");
    let sid = co["sessionId"].as_str().unwrap().to_owned();
    // Before an order: nothing to refund or simulate.
    s.post("/demo/api/refunds", "", json!({"sessionId": sid}))
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
    s.post(
        "/demo/api/sources",
        "",
        json!({"sessionId": sid, "sourceId": src}),
    )
    .await
    .ok(200);
    let order = s
        .post("/demo/api/orders", "", json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone();
    assert_eq!(order["paymentState"], "pending", "{order}");
    // The money has not arrived: no refund, no refund to complete.
    s.post("/demo/api/refunds", "", json!({"sessionId": sid}))
        .await
        .expect_error(400, "payment_pending");
    s.post(
        "/demo/api/simulate",
        "",
        json!({"sessionId": sid, "outcome": "refund"}),
    )
    .await
    .expect_error(400, "refund_state_invalid");
    s.post(
        "/demo/api/simulate",
        "",
        json!({"sessionId": sid, "outcome": "nope"}),
    )
    .await
    .expect_error(400, "invalid_parameter");
    // The funds arrive: the order is paid, and the shop hears it by webhook.
    let paid = s
        .post(
            "/demo/api/simulate",
            "",
            json!({"sessionId": sid, "outcome": "funds"}),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(paid["paymentState"], "captured", "{paid}");
    let got = demo_events(&s, &sid, &["payment.captured", "order.paid"]).await;
    assert!(got.iter().any(|t| t == "order.paid"), "{got:?}");
    // Twice is nothing more to pay.
    s.post(
        "/demo/api/simulate",
        "",
        json!({"sessionId": sid, "outcome": "funds"}),
    )
    .await
    .expect_error(400, "source_state_invalid");
    // A refund of a wire transfer is pending until the money is back.
    let re = s
        .post("/demo/api/refunds", "", json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone();
    assert_eq!(re["state"], "pending", "{re}");
    assert_eq!(re["amount"], order["amount"], "{re}");
    // A second click refunds nothing more.
    s.post("/demo/api/refunds", "", json!({"sessionId": sid}))
        .await
        .expect_error(400, "amount_exceeds_refundable");
    let done = s
        .post(
            "/demo/api/simulate",
            "",
            json!({"sessionId": sid, "outcome": "refund"}),
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(done["amountRefunded"], order["amount"], "{done}");
    assert_eq!(done["refunds"].as_array().unwrap().len(), 1, "{done}");
    let got = demo_events(&s, &sid, &["refund.created", "refund.succeeded"]).await;
    assert!(got.iter().any(|t| t == "refund.succeeded"), "{got:?}");
}
