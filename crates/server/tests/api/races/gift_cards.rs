//! Gift cards under racing requests: never more than the balance, holds released, one currency.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_gift_card_is_spent_at_most_its_balance_in_one_session() {
    let s = start().await;
    let sid = id(&s.session(5000, "EUR", "DE").await);
    let mut srcs = Vec::new();
    for _ in 0..10 {
        srcs.push(id(gift_source(&s, &sid, &gift(0)).await.ok(201)));
    }
    let v = s.attach(&sid, &srcs[0]).await.ok(200).clone();
    assert_eq!(v["amountContributed"], 500);
    for src in &srcs[1..] {
        let r = s.attach(&sid, src).await;
        r.expect_error(400, "insufficient_funds");
        assert_eq!(r.param(), "sourceId");
    }
    let v = s.retrieve(&sid).await;
    assert_eq!(v["amountContributed"], 500);
    assert_eq!(v["amountRemainingToBeContributed"], 4500);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .expect_error(400, "order_submit_failed");
    // The balance enquiry shows what is left: nothing while the hold lives.
    let g = s
        .get(&format!("/v1/sources/{}", srcs[0]), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(g["giftCard"]["balance"], 0);
    // A card with nothing left makes no new source.
    gift_source(&s, &sid, &gift(0))
        .await
        .expect_error(400, "insufficient_funds");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_gift_card_funding_sessions_in_parallel_never_exceeds_its_balance() {
    let s = start().await;
    let c = C::of(&s);
    for round in 0..ROUNDS {
        // Even rounds: two 500 sessions (one can be funded); odd: three 300
        // sessions (500 covers one and part of another).
        let (n, amount) = if round % 2 == 0 { (2, 500) } else { (3, 300) };
        let mut sessions = Vec::new();
        for _ in 0..n {
            let sid = id(&s.session(amount, "EUR", "DE").await);
            let src = id(gift_source(&s, &sid, &gift(round)).await.ok(201));
            sessions.push((sid, src));
        }
        let tasks = sessions
            .iter()
            .map(|(sid, src)| {
                let (c, sid, src) = (c.clone(), sid.clone(), src.clone());
                tokio::spawn(async move {
                    c.post(
                        &format!("/v1/sessions/{sid}/sources"),
                        SK,
                        json!({"sourceId": src}),
                    )
                    .await
                })
            })
            .collect();
        let attaches = join(tasks).await;
        let mut contributed = 0;
        for r in &attaches {
            match r.status.as_u16() {
                200 => contributed += r.body["amountContributed"].as_u64().unwrap(),
                _ => assert_eq!(r.code(), "insufficient_funds", "{}", r.text),
            }
        }
        assert_eq!(
            contributed,
            500,
            "round {round}: {attaches:?}",
            attaches = attaches.iter().map(|r| &r.text).collect::<Vec<_>>()
        );
        // Parallel orders: only fully funded sessions complete.
        let tasks = sessions
            .iter()
            .map(|(sid, _)| {
                let (c, sid) = (c.clone(), sid.clone());
                tokio::spawn(
                    async move { c.post("/v1/orders", SK, json!({"sessionId": sid})).await },
                )
            })
            .collect();
        let orders = join(tasks).await;
        let paid: u64 = orders
            .iter()
            .filter(|r| r.status.as_u16() == 201)
            .map(|r| r.body["amount"].as_u64().unwrap())
            .sum();
        assert!(
            paid <= 500,
            "round {round}: orders worth {paid} on a 500 card"
        );
        assert_eq!(paid, if amount == 500 { 500 } else { 300 }, "round {round}");
        // Debits and holds never exceed the balance: 0 left.
        let g = s
            .get(&format!("/v1/sources/{}", sessions[0].1), SK)
            .await
            .ok(200)
            .clone();
        assert_eq!(g["giftCard"]["balance"], 0, "round {round}");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn detaching_and_expiry_release_a_gift_card_hold() {
    let s = start().await;
    let a = id(&s.session(500, "EUR", "DE").await);
    let b = id(&s.session(500, "EUR", "DE").await);
    let ga = id(gift_source(&s, &a, &gift(900)).await.ok(201));
    let gb = id(gift_source(&s, &b, &gift(900)).await.ok(201));
    s.attach(&a, &ga).await.ok(200);
    s.attach(&b, &gb)
        .await
        .expect_error(400, "insufficient_funds");
    s.delete(&format!("/v1/sessions/{a}/sources/{ga}"), SK)
        .await
        .ok(200);
    let v = s.attach(&b, &gb).await.ok(200).clone();
    assert_eq!(v["amountContributed"], 500);
    // The hold lives as long as the session: past its expiry the card is free.
    s.advance(3601);
    let c = id(&s.session(500, "EUR", "DE").await);
    let gc = id(gift_source(&s, &c, &gift(900)).await.ok(201));
    assert_eq!(s.attach(&c, &gc).await.ok(200)["amountContributed"], 500);
    s.post("/v1/orders", SK, json!({"sessionId": c}))
        .await
        .ok(201);
    // Spent: the first session's expired hold cannot be revived.
    let d = id(&s.session(500, "EUR", "DE").await);
    gift_source(&s, &d, &gift(900))
        .await
        .expect_error(400, "insufficient_funds");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_gift_card_keeps_the_currency_it_was_first_used_in() {
    let s = start().await;
    let eur = id(&s.session(300, "EUR", "DE").await);
    let g = id(gift_source(&s, &eur, &gift(901)).await.ok(201));
    s.attach(&eur, &g).await.ok(200);
    let usd = id(&s.session(300, "USD", "US").await);
    let r = gift_source(&s, &usd, &gift(901)).await;
    r.expect_error(400, "invalid_gift_card");
    assert_eq!(r.param(), "giftCard.number");
    s.stop().await;
}
