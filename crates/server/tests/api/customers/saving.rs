//! Saving a card: by an order (`usage`) or by the session's tokenize operation, exactly once.

use super::*;

#[tokio::test]
async fn a_card_with_usage_is_saved_once_when_the_order_completes() {
    let s = start().await;
    let cus = customer(&s).await;
    let pm = save_by_order(&s, &cus).await;
    let list = methods(&s, &cus).await;
    assert_eq!(
        list[0],
        json!({"id": pm, "type": "creditCard", "usage": "convenience",
            "creditCard": {"brand": "visa", "lastFourDigits": "4242", "expirationMonth": 12, "expirationYear": 2040},
            "createdTime": list[0]["createdTime"]})
    );
    // The customer shows it; a card without usage is not saved.
    let c = s.get(&format!("/v1/customers/{cus}"), SK).await;
    assert_eq!(c.ok(200)["paymentMethods"][0]["id"], pm.as_str());
    let sid = session_for(&s, &cus, "US").await;
    let src = source_with_usage(&s, "5555555555554444", None, &sid).await;
    pay(&s, &sid, &src).await;
    assert_eq!(methods(&s, &cus).await.len(), 1);
    // The session's payment methods show the saved one to the browser.
    let sid = session_for(&s, &cus, "US").await;
    let pmv = s
        .get(&format!("/v1/sessions/{sid}/payment-methods"), PK)
        .await;
    assert_eq!(pmv.ok(200)["savedPaymentMethods"][0]["id"], pm.as_str());
    // A session without a customer has none, and refuses usage.
    let plain = id(&s.session(1000, "EUR", "US").await);
    let pmv = s
        .get(&format!("/v1/sessions/{plain}/payment-methods"), PK)
        .await;
    assert!(pmv.ok(200).get("savedPaymentMethods").is_none());
    s.post(
        "/v1/sources",
        PK,
        card("4242424242424242", Some("convenience"), &plain),
    )
    .await
    .expect_error(400, "invalid_parameter");
    s.stop().await;
}

#[tokio::test]
async fn the_session_tokenize_operation_saves_without_paying_exactly_once() {
    let s = start().await;
    let cus = customer(&s).await;
    let sid = session_for(&s, &cus, "US").await;
    let src = source_with_usage(&s, "5555555555554444", Some("subscription"), &sid).await;
    let path = format!("/v1/sessions/{sid}/payment-methods");
    let r = s.post(&path, PK, json!({"sourceId": src})).await;
    let m = r.ok(201);
    assert!(m["id"].as_str().unwrap().starts_with("pm_"));
    assert_eq!(m["usage"], "subscription");
    assert_eq!(m["creditCard"]["brand"], "mastercard");
    // Saved once: the source is consumed.
    s.post(&path, PK, json!({"sourceId": src}))
        .await
        .expect_error(400, "source_state_invalid");
    assert_eq!(methods(&s, &cus).await.len(), 1);
    // The session is still open (nothing was paid).
    assert_eq!(s.retrieve(&sid).await["state"], "requires_source");
    // A source without usage cannot be saved.
    let plain = source_with_usage(&s, "4242424242424242", None, &sid).await;
    s.post(&path, PK, json!({"sourceId": plain}))
        .await
        .expect_error(400, "invalid_parameter");
    s.stop().await;
}

#[tokio::test]
async fn racing_tokenize_requests_save_one_method() {
    let s = std::sync::Arc::new(start().await);
    let cus = customer(&s).await;
    let sid = session_for(&s, &cus, "US").await;
    let src = source_with_usage(&s, "4242424242424242", Some("unscheduled"), &sid).await;
    let mut tasks = vec![];
    for _ in 0..8 {
        let (s, sid, src) = (s.clone(), sid.clone(), src.clone());
        tasks.push(tokio::spawn(async move {
            s.post(
                &format!("/v1/sessions/{sid}/payment-methods"),
                PK,
                json!({"sourceId": src}),
            )
            .await
            .status
            .as_u16()
        }));
    }
    let mut codes = vec![];
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 201 || *c == 400), "{codes:?}");
    assert_eq!(methods(&s, &cus).await.len(), 1);
}
