use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn card_test_data_and_declines() {
    let s = start().await;
    let sid = id(&s.session(1000, "USD", "US").await);
    for (n, brand) in [
        ("4242424242424242", "visa"),
        ("5555555555554444", "mastercard"),
        ("6011111111111117", "discover"),
    ] {
        let r = s.card_source(&sid, n).await;
        let v = r.ok(201);
        assert_eq!(v["state"], "chargeable");
        assert_eq!(v["flow"], "standard");
        assert_eq!(v["creditCard"]["brand"], brand);
        assert!(id(v).starts_with("src_"));
        assert_eq!(v["creditCard"]["fingerprint"].as_str().unwrap().len(), 64);
        assert!(!r.text.contains(n));
    }
    // Amex takes a 4-digit code.
    let r = s.post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": "3782 822463 10005", "expirationMonth": 12, "expirationYear": 2040, "cvv": "1234"}})).await;
    assert_eq!(r.ok(201)["creditCard"]["brand"], "amex");
    let r = s.post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": "378282246310005", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}})).await;
    r.expect_error(400, "incomplete_security_code");
    assert_eq!(r.param(), "creditCard.cvv");

    let r = s.card_source(&sid, "4000000000000002").await;
    r.expect_error(400, "card_declined");
    assert_eq!(r.body["type"], "bad_request");
    s.card_source(&sid, "4000000000009995")
        .await
        .expect_error(400, "insufficient_funds");
    // A session in the US does not challenge the SCA test cards.
    assert_eq!(
        s.card_source(&sid, "5454545454545454").await.ok(201)["state"],
        "chargeable"
    );
    s.stop().await;
}

#[tokio::test]
async fn ten_failed_card_attempts_lock_the_session() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    for i in 0..10 {
        let n = if i % 2 == 0 {
            "4000000000000002"
        } else {
            "4000000000009995"
        };
        let r = s.card_source(&sid, n).await;
        assert_eq!(r.status.as_u16(), 400, "attempt {i}: {}", r.text);
        assert_ne!(r.code(), "session_locked", "attempt {i}");
    }
    assert_eq!(s.retrieve(&sid).await["state"], "locked");
    s.card_source(&sid, "4242424242424242")
        .await
        .expect_error(400, "session_locked");
    s.post(
        "/v1/sources",
        PK,
        json!({"type": "wireTransfer", "sessionId": sid}),
    )
    .await
    .expect_error(400, "session_locked");
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .expect_error(400, "order_submit_failed");
    // Another session is not affected.
    let other = id(&s.session(1000, "EUR", "DE").await);
    s.card_source(&other, "4242424242424242").await.ok(201);
    s.stop().await;
}

#[tokio::test]
async fn failed_challenges_count_towards_the_lock() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "FR").await);
    for _ in 0..5 {
        s.card_source(&sid, "4000000000000002")
            .await
            .expect_error(400, "card_declined");
    }
    for _ in 0..5 {
        let src = s
            .card_source(&sid, "4917610000000000")
            .await
            .ok(201)
            .clone();
        let r = s
            .post(
                &format!("/v1/sources/{}/authenticate", id(&src)),
                PK,
                json!({
            "clientSecret": src["clientSecret"], "challengeResponse": "wrong"}),
            )
            .await;
        assert_eq!(r.ok(200)["status"], "failed");
    }
    assert_eq!(s.retrieve(&sid).await["state"], "locked");
    s.card_source(&sid, "4242424242424242")
        .await
        .expect_error(400, "session_locked");
    s.stop().await;
}

#[tokio::test]
async fn redirect_wire_gift_and_sepa_sources() {
    let s = start().await;
    let sid = id(&s.session(2000, "EUR", "NL").await);
    for t in ["payPal", "klarnaCredit", "ideal"] {
        let r = s.post("/v1/sources", PK, json!({"type": t, "sessionId": sid,
            t: {"returnUrl": "https://shop.example/return?x=1", "cancelUrl": "https://shop.example/cancel"}})).await;
        let v = r.ok(201);
        assert_eq!(v["state"], "pending_redirect", "{t}");
        assert_eq!(v["flow"], "redirect");
        let url = v["redirect"]["redirectUrl"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("{}/hosted/redirect/{}", s.url, id(v))),
            "{url}"
        );
        assert_eq!(
            v["redirect"]["returnUrl"],
            "https://shop.example/return?x=1"
        );
        assert_eq!(v["nextAction"]["type"], "redirect");
    }
    let r = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "payPal", "sessionId": sid,
        "payPal": {"returnUrl": "/relative", "cancelUrl": "https://shop.example/cancel"}}),
        )
        .await;
    r.expect_error(400, "invalid_url");
    assert_eq!(r.param(), "payPal.returnUrl");
    let r = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "payPal", "sessionId": sid,
        "payPal": {"returnUrl": "https://shop.example/", "cancelUrl": "javascript:alert(1)"}}),
        )
        .await;
    assert_eq!(r.param(), "payPal.cancelUrl");
    let r = s.post("/v1/sources", PK, json!({"type": "payPal", "sessionId": sid, "payPal": {"returnUrl": "https://shop.example/"}})).await;
    r.expect_error(400, "missing_parameter");
    assert_eq!(r.param(), "payPal.cancelUrl");

    let w = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "wireTransfer", "sessionId": sid}),
        )
        .await;
    let w = w.ok(201);
    assert_eq!(
        (w["state"].as_str(), w["flow"].as_str()),
        (Some("pending_funds"), Some("receiver"))
    );
    assert!(w["wireTransfer"]["iban"].is_string() && w["wireTransfer"]["referenceId"].is_string());

    let g = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "giftCard", "sessionId": sid,
        "giftCard": {"number": "6000 0000 0000 0001", "pin": "1234"}}),
        )
        .await;
    let g = g.ok(201);
    assert_eq!(g["giftCard"]["balance"], 500);
    assert_eq!(g["giftCard"]["lastFourDigits"], "0001");
    let r = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "giftCard", "sessionId": sid,
        "giftCard": {"number": "6000000000000001", "pin": "9999"}}),
        )
        .await;
    r.expect_error(400, "invalid_gift_card");
    assert_eq!(r.param(), "giftCard.pin");

    let d = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "sepaDebit", "sessionId": sid,
        "sepaDebit": {"iban": "DE89 3704 0044 0532 0130 00"}}),
        )
        .await;
    let d = d.ok(201);
    assert_eq!(d["state"], "chargeable");
    assert_eq!(d["sepaDebit"]["lastFourDigits"], "3000");
    let r = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "sepaDebit", "sessionId": sid,
        "sepaDebit": {"iban": "DE89370400440532013001"}}),
        )
        .await;
    r.expect_error(400, "invalid_iban");
    assert_eq!(r.param(), "sepaDebit.iban");

    // Methods not offered for the session are refused.
    let de = id(&s.session(2000, "EUR", "DE").await);
    s.post(
        "/v1/sources",
        PK,
        json!({"type": "ideal", "sessionId": de,
        "ideal": {"returnUrl": "https://shop.example/", "cancelUrl": "https://shop.example/"}}),
    )
    .await
    .expect_error(400, "payment_method_unavailable");
    s.stop().await;
}

#[tokio::test]
async fn sources_are_read_with_their_client_secret() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "US").await);
    let src = s
        .card_source(&sid, "4242424242424242")
        .await
        .ok(201)
        .clone();
    let p = format!("/v1/sources/{}", id(&src));
    let got = s
        .get(
            &format!("{p}?clientSecret={}", src["clientSecret"].as_str().unwrap()),
            PK,
        )
        .await;
    assert_eq!(got.ok(200)["id"], src["id"]);
    s.get(&format!("{p}?clientSecret=wrong"), PK)
        .await
        .expect_error(403, "invalid_client_secret");
    s.get(&p, PK).await.expect_error(400, "missing_parameter");
    // The merchant's server may read its sources without it.
    s.get(&p, SK).await.ok(200);
    s.get(
        &format!("{p}?clientSecret={}", src["clientSecret"].as_str().unwrap()),
        "pk_test_other",
    )
    .await
    .expect_error(404, "resource_not_found");
    s.stop().await;
}

#[tokio::test]
async fn payment_methods_per_session_and_without_one() {
    let s = start().await;
    let sid = id(&s.session(2500, "EUR", "NL").await);
    let pm = s
        .get(&format!("/v1/sessions/{sid}/payment-methods"), PK)
        .await;
    let pm = pm.ok(200);
    assert_eq!(
        pm["sessionInformation"],
        json!({"amount": 2500, "currency": "EUR", "country": "NL"})
    );
    let types: Vec<&str> = pm["paymentMethods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    for t in [
        "creditCard",
        "payPal",
        "klarnaCredit",
        "ideal",
        "sepaDebit",
        "wireTransfer",
        "giftCard",
    ] {
        assert!(types.contains(&t), "{t} in {types:?}");
    }
    assert!(pm["applePay"]["merchantId"].is_string() && pm["googlePay"]["total"] == 2500);
    assert!(pm["compliance"]["businessEntity"]["name"].is_string());
    assert!(pm["compliance"]["termsOfSale"]["url"]
        .as_str()
        .unwrap()
        .starts_with("http"));
    let icon = pm["paymentMethods"][0]["images"]["iconImage"]
        .as_str()
        .unwrap();
    let r = s.http.get(icon).send().await.unwrap();
    assert_eq!(r.status(), 200);

    let r = s
        .get("/v1/payment-methods?currency=USD&country=US", PK)
        .await;
    let types: Vec<String> = r.ok(200)["paymentMethods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        types.contains(&"creditCard".into())
            && !types.contains(&"ideal".into())
            && !types.contains(&"sepaDebit".into())
    );
    s.get("/v1/payment-methods?currency=usd&country=US", PK)
        .await
        .expect_error(400, "invalid_currency");
    s.get("/v1/payment-methods?currency=USD&country=XX", PK)
        .await
        .expect_error(400, "invalid_country");
    s.get("/v1/payment-methods?currency=USD&country=US&amount=-5", PK)
        .await
        .expect_error(400, "invalid_amount");
    s.get("/v1/payment-methods?country=US", PK)
        .await
        .expect_error(400, "missing_parameter");
    s.get("/v1/payment-methods?currency=USD&country=US&foo=1", PK)
        .await
        .expect_error(400, "unknown_parameter");
    s.stop().await;
}

/// SEPA's mandate is one text: the payment-methods answer carries the English
/// catalog's `sepa.mandate`, the text the drop-in shows (issue 19; before, the
/// route had a second wording of its own).
#[tokio::test]
async fn the_sepa_mandate_is_the_catalogs_text() {
    let s = start().await;
    let r = s
        .get("/v1/payment-methods?currency=EUR&country=DE", PK)
        .await;
    let v = r.ok(200);
    let sepa = v["paymentMethods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["type"] == "sepaDebit")
        .expect("SEPA is offered in DE/EUR");
    let catalog: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en-US.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(sepa["terms"], catalog["sepa.mandate"]);
    s.stop().await;
}
