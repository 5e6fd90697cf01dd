//! The demo merchant prices the cart, pays once (a double click, two
//! submits at once), and refuses bad carts and malformed ids with coded 400s.

use super::*;
use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn the_demo_merchant_prices_the_cart_and_pays_once() {
    let (s, _www) = demo().await;
    let home = s.text("").await;
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
    let attached = s.demo_source(&sid, &src).await;
    assert_eq!(attached["state"], "requires_confirmation");
    // A double click attaches once (same idempotency key, same answer).
    let again = s.demo_source(&sid, &src).await;
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
    s.demo_source(&sid, &src).await;
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
    s.demo_source(&sid, &src).await;
}
