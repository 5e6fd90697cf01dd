use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn gift_card_plus_card_funding_and_order() {
    let s = start().await;
    let sid = id(&s.session(1200, "EUR", "DE").await);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .expect_error(400, "order_submit_failed");
    let exact = s.post("/v1/orders", SK, json!({"sessionId": sid})).await;
    assert_eq!(
        exact.text,
        r#"{"type":"bad_request","errors":[{"code":"order_submit_failed","message":"Payment session status is invalid."}]}"#
    );

    let g = s.post("/v1/sources", PK, json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": "6000000000000001", "pin": "1234"}})).await.ok(201).clone();
    let v = s.attach(&sid, &id(&g)).await;
    let v = v.ok(200);
    assert_eq!(v["amountContributed"], 500);
    assert_eq!(v["amountRemainingToBeContributed"], 700);
    assert_eq!(v["state"], "requires_source");
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .expect_error(400, "order_submit_failed");

    let c1 = s
        .card_source(&sid, "4242424242424242")
        .await
        .ok(201)
        .clone();
    let c2 = s
        .card_source(&sid, "5555555555554444")
        .await
        .ok(201)
        .clone();
    let v = s.attach(&sid, &id(&c1)).await.ok(200).clone();
    assert_eq!(v["state"], "requires_confirmation");
    assert_eq!(v["amountContributed"], 1200);
    assert_eq!(v["amountRemainingToBeContributed"], 0);
    assert_eq!(
        v["sources"],
        json!([
            {"id": id(&g), "type": "giftCard", "primary": false, "amount": 500},
            {"id": id(&c1), "type": "creditCard", "primary": true, "amount": 700}
        ])
    );
    // A new primary replaces the previous one.
    let v = s.attach(&sid, &id(&c2)).await.ok(200).clone();
    let ids: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![id(&g).as_str(), id(&c2).as_str()]);
    // Detach the gift card: the primary funds everything.
    let v = s
        .delete(&format!("/v1/sessions/{sid}/sources/{}", id(&g)), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(
        v["sources"],
        json!([{"id": id(&c2), "type": "creditCard", "primary": true, "amount": 1200}])
    );
    s.delete(&format!("/v1/sessions/{sid}/sources/{}", id(&g)), SK)
        .await
        .expect_error(404, "resource_not_found");
    let v = s.attach(&sid, &id(&g)).await.ok(200).clone();
    let version = v["version"].as_u64().unwrap();

    let o = s
        .post(
            "/v1/orders",
            SK,
            json!({"sessionId": sid, "version": version}),
        )
        .await;
    let o = o.ok(201).clone();
    assert!(id(&o).starts_with("ord_"));
    assert_eq!(o["amount"], 1200);
    assert_eq!(o["state"], "complete");
    assert_eq!(o["sources"].as_array().unwrap().len(), 2);
    let done = s.retrieve(&sid).await;
    assert_eq!(done["state"], "complete");
    assert_eq!(done["orderId"], o["id"]);
    let got = s.get(&format!("/v1/sources/{}", id(&c2)), SK).await;
    assert_eq!(got.ok(200)["state"], "consumed");
    assert_eq!(
        s.get(&format!("/v1/orders/{}", id(&o)), SK).await.ok(200)["id"],
        o["id"]
    );
    s.get(&format!("/v1/orders/{}", id(&o)), "sk_test_other")
        .await
        .expect_error(404, "resource_not_found");
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .expect_error(400, "order_submit_failed");
    s.patch(
        &format!("/v1/sessions/{sid}"),
        SK,
        json!({"reference": "late"}),
    )
    .await
    .expect_error(400, "session_complete");
    s.card_source(&sid, "4242424242424242")
        .await
        .expect_error(400, "session_complete");
    s.stop().await;
}

#[tokio::test]
async fn attach_rules() {
    let s = start().await;
    let a = id(&s.session(1000, "EUR", "DE").await);
    let b = id(&s.session(1000, "EUR", "DE").await);
    let src_b = s.card_source(&b, "4242424242424242").await.ok(201).clone();
    s.attach(&a, &id(&src_b))
        .await
        .expect_error(400, "source_session_mismatch");
    s.attach(&a, "src_doesnotexist")
        .await
        .expect_error(404, "resource_not_found");
    // Wire transfers attach while pending funds.
    let w = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "wireTransfer", "sessionId": a}),
        )
        .await
        .ok(201)
        .clone();
    assert_eq!(
        s.attach(&a, &id(&w)).await.ok(200)["state"],
        "requires_confirmation"
    );
    // Version-checked attach.
    s.post(
        &format!("/v1/sessions/{a}/sources"),
        SK,
        json!({"sourceId": id(&w), "version": 1}),
    )
    .await
    .expect_error(409, "session_version_mismatch");
    // pk cannot attach or order.
    s.post(
        &format!("/v1/sessions/{a}/sources"),
        PK,
        json!({"sourceId": id(&w)}),
    )
    .await
    .expect_error(403, "permission_denied");
    s.post("/v1/orders", PK, json!({"sessionId": a}))
        .await
        .expect_error(403, "permission_denied");
    let o = s.post("/v1/orders", SK, json!({"sessionId": a})).await;
    assert_eq!(o.ok(201)["amount"], 1000);
    s.stop().await;
}
