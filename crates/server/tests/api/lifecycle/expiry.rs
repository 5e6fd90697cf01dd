//! The authorization's expiry: on a read, by the sweep, and both racing.

use super::*;

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
