//! Paying with a saved card: a fresh security code only, and 3-D Secure again.

use super::*;

#[tokio::test]
async fn a_saved_card_pays_with_only_a_fresh_security_code() {
    let s = start().await;
    let cus = customer(&s).await;
    let pm = save_by_order(&s, &cus).await;
    let sid = session_for(&s, &cus, "US").await;
    let body = json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": {"cvv": "321"}});
    let src = s.post("/v1/sources", PK, body).await;
    let src = src.ok(201).clone();
    assert_eq!(src["state"], "chargeable");
    assert_eq!(src["creditCard"]["lastFourDigits"], "4242");
    pay(&s, &sid, &id(&src)).await;
    assert_eq!(s.retrieve(&sid).await["state"], "complete");
    // Paying again does not save the method twice.
    assert_eq!(methods(&s, &cus).await.len(), 1);

    let sid = session_for(&s, &cus, "US").await;
    // Without a code, with a wrong-length code, with the card's number: refused.
    for (cc, code, param) in [
        (json!({}), "missing_parameter", "creditCard.cvv"),
        (
            json!({"cvv": "12"}),
            "incomplete_security_code",
            "creditCard.cvv",
        ),
        (
            json!({"cvv": "123", "number": "4242424242424242"}),
            "invalid_parameter",
            "creditCard.number",
        ),
    ] {
        let r = s
            .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": cc}))
            .await;
        r.expect_error(400, code);
        assert_eq!(r.param(), param, "{}", r.text);
    }
    // Usage with a saved method, or on another type: refused.
    s.post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "usage": "convenience", "creditCard": {"cvv": "123"}}))
        .await
        .expect_error(400, "invalid_parameter");
    s.post("/v1/sources", PK, json!({"type": "wireTransfer", "sessionId": sid, "usage": "convenience", "wireTransfer": {}}))
        .await
        .expect_error(400, "invalid_parameter");
    s.stop().await;
}

#[tokio::test]
async fn a_saved_3ds_card_is_challenged_again_when_it_pays() {
    let s = start().await;
    let cus = customer(&s).await;
    let sid = session_for(&s, &cus, "DE").await;
    let src = s
        .post(
            "/v1/sources",
            PK,
            card("5454545454545454", Some("convenience"), &sid),
        )
        .await
        .ok(201)
        .clone();
    assert_eq!(src["state"], "requires_action");
    // Not chargeable yet: not saved by the tokenize operation.
    s.post(
        &format!("/v1/sessions/{sid}/payment-methods"),
        PK,
        json!({"sourceId": id(&src)}),
    )
    .await
    .expect_error(400, "source_state_invalid");
    let auth = s
        .post(
            &format!("/v1/sources/{}/authenticate", id(&src)),
            PK,
            json!({"clientSecret": src["clientSecret"], "challengeResponse": "password"}),
        )
        .await;
    assert_eq!(auth.ok(200)["status"], "complete");
    pay(&s, &sid, &id(&src)).await;
    let list = methods(&s, &cus).await;
    assert_eq!(list.len(), 1);
    let pm = id(&list[0]);
    // Paying with it in an SCA country needs the challenge again.
    let sid = session_for(&s, &cus, "DE").await;
    let src = s
        .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": {"cvv": "737"}}))
        .await
        .ok(201)
        .clone();
    assert_eq!(src["state"], "requires_action");
    assert_eq!(src["nextAction"]["type"], "challenge");
    s.post(
        &format!("/v1/sources/{}/authenticate", id(&src)),
        PK,
        json!({"clientSecret": src["clientSecret"], "challengeResponse": "password"}),
    )
    .await
    .ok(200);
    pay(&s, &sid, &id(&src)).await;
    s.stop().await;
}
