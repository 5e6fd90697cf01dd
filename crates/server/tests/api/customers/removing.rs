//! Removing a saved method: by the merchant, by the browser through its customer's session, never by a finished session.

use super::*;

#[tokio::test]
async fn deleting_a_method_refuses_paying_with_it() {
    let s = start().await;
    let cus = customer(&s).await;
    let pm = save_by_order(&s, &cus).await;
    // A source made with it before the delete cannot complete an order after.
    let sid = session_for(&s, &cus, "US").await;
    let early = id(s
        .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": {"cvv": "123"}}))
        .await
        .ok(201));
    s.attach(&sid, &early).await.ok(200);
    let r = s
        .delete(&format!("/v1/customers/{cus}/payment-methods/{pm}"), SK)
        .await;
    assert_eq!(r.ok(200), &json!({"id": pm, "deleted": true}));
    assert!(methods(&s, &cus).await.is_empty());
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .expect_error(400, "payment_method_removed");
    // A new source with it is refused; a second delete finds nothing.
    let r = s
        .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": {"cvv": "123"}}))
        .await;
    r.expect_error(400, "payment_method_removed");
    assert_eq!(r.param(), "paymentMethodId");
    s.delete(&format!("/v1/customers/{cus}/payment-methods/{pm}"), SK)
        .await
        .expect_error(404, "resource_not_found");
    s.stop().await;
}

#[tokio::test]
async fn the_browser_removes_a_method_only_through_its_customers_session() {
    let s = start().await;
    let cus = customer(&s).await;
    let pm = save_by_order(&s, &cus).await;
    let other_cus = customer(&s).await;
    let other = session_for(&s, &other_cus, "US").await;
    let plain = id(&s.session(1000, "EUR", "US").await);
    // Another customer's session: not found; a session without a customer: refused.
    s.delete(&format!("/v1/sessions/{other}/payment-methods/{pm}"), PK)
        .await
        .expect_error(404, "resource_not_found");
    s.delete(&format!("/v1/sessions/{plain}/payment-methods/{pm}"), PK)
        .await
        .expect_error(400, "invalid_parameter");
    // Nor can that session pay with it.
    s.post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": other, "paymentMethodId": pm, "creditCard": {"cvv": "123"}}))
        .await
        .expect_error(404, "resource_not_found");
    // Another merchant's public key does not see the session.
    let mine = session_for(&s, &cus, "US").await;
    s.delete(
        &format!("/v1/sessions/{mine}/payment-methods/{pm}"),
        PK_OTHER,
    )
    .await
    .expect_error(404, "resource_not_found");
    assert_eq!(methods(&s, &cus).await.len(), 1);
    let r = s
        .delete(&format!("/v1/sessions/{mine}/payment-methods/{pm}"), PK)
        .await;
    assert_eq!(r.ok(200)["deleted"], true);
    assert!(methods(&s, &cus).await.is_empty());
    s.stop().await;
}

#[tokio::test]
async fn a_finished_session_removes_no_saved_method() {
    let s = start().await;
    let cus = customer(&s).await;
    // The session that saved the card, complete after its order.
    let done = session_for(&s, &cus, "US").await;
    let src = source_with_usage(&s, "4242424242424242", Some("convenience"), &done).await;
    pay(&s, &done, &src).await;
    assert_eq!(s.retrieve(&done).await["state"], "complete");
    let pm = id(&methods(&s, &cus).await[0]);
    // Another session of the customer, left to expire.
    let late = session_for(&s, &cus, "US").await;
    s.advance(61 * 60);
    assert_eq!(s.retrieve(&late).await["state"], "expired");
    for key in [PK, SK] {
        s.delete(&format!("/v1/sessions/{done}/payment-methods/{pm}"), key)
            .await
            .expect_error(400, "session_complete");
        s.delete(&format!("/v1/sessions/{late}/payment-methods/{pm}"), key)
            .await
            .expect_error(400, "session_expired");
    }
    assert_eq!(methods(&s, &cus).await.len(), 1, "the card was removed");
    // An open session of the customer still removes it.
    let open = session_for(&s, &cus, "US").await;
    let r = s
        .delete(&format!("/v1/sessions/{open}/payment-methods/{pm}"), PK)
        .await;
    assert_eq!(r.ok(200)["deleted"], true);
    assert!(methods(&s, &cus).await.is_empty());
    s.stop().await;
}
