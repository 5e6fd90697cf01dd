//! Refunds: partial, several, split over the payments in the stated order.

use super::*;

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
