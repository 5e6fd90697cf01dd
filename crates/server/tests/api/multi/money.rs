//! Money across instances: one order per session, a gift card never over its balance, captures and refunds within the order.

use super::*;

/// The `n`th test gift card, apart from the other tests' cards.
fn gift(n: usize) -> String {
    format!("60000000009{:05}", n + 1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_orders_on_three_instances_make_one_order_and_debit_once() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let sid = c.session(round, 800, "orders").await;
        let (g, _card) = c
            .gift_and_card(&sid, &gift(round), [round + 1, round + 2, round, round + 1])
            .await;
        let futs = (0..9)
            .map(|i| {
                let (c, sid) = (c.clone(), sid.clone());
                Box::pin(
                    async move { c.post(i, "/v1/orders", SK, json!({"sessionId": sid})).await },
                ) as _
            })
            .collect();
        let answers: Vec<Resp> = all(futs).await;
        let made: Vec<&Resp> = answers.iter().filter(|a| a.status == 201).collect();
        assert_eq!(made.len(), 1, "round {round}");
        for a in answers.iter().filter(|a| a.status != 201) {
            a.expect_error(400, "order_submit_failed");
        }
        for i in 0..3 {
            assert_eq!(
                c.get(i, &format!("/v1/sessions/{sid}"), SK).await.ok(200)["orderId"],
                made[0].body["id"]
            );
        }
        let left = c.get(round, &format!("/v1/sources/{g}"), SK).await;
        assert_eq!(left.ok(200)["giftCard"]["balance"], 0);
        let debits = c
            .rows(&format!(
                "SELECT count(*), sum(amount) FROM gift_debits WHERE source_id = '{g}'"
            ))
            .await;
        assert_eq!(
            (debits[0][0].as_deref(), debits[0][1].as_deref()),
            (Some("1"), Some("500")),
            "round {round}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_gift_card_on_sessions_of_three_instances_never_exceeds_its_balance() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let number = gift(100 + round);
        // Six sessions of 300 on the three instances; the card holds 500.
        let mut sids = vec![];
        for i in 0..6 {
            sids.push(c.session(i, 300, "gift").await);
        }
        let futs = sids
            .iter()
            .enumerate()
            .map(|(i, sid)| {
                let (c, sid, number) = (c.clone(), sid.clone(), number.clone());
                Box::pin(async move {
                    let src = c
                        .post(i, "/v1/sources", PK, json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": number, "pin": "1234"}}))
                        .await;
                    if src.status != 201 {
                        return (src, None);
                    }
                    let g = id(&src.body);
                    let a = c.post(i + 1, &format!("/v1/sessions/{sid}/sources"), SK, json!({"sourceId": g})).await;
                    (a, Some(sid))
                }) as _
            })
            .collect();
        let answers: Vec<(Resp, Option<String>)> = all(futs).await;
        for (a, _) in &answers {
            assert!(
                a.status == 200 || a.code() == "insufficient_funds",
                "{}",
                a.text
            );
        }
        let mut contributed = 0;
        for sid in &sids {
            let v = c.get(2, &format!("/v1/sessions/{sid}"), SK).await;
            contributed += v.ok(200)["amountContributed"].as_u64().unwrap();
        }
        assert_eq!(
            contributed, 500,
            "round {round}: the card is spent exactly, never more"
        );
        // Each round's card is held in full, and no card beyond its balance.
        let held = c
            .rows("SELECT COALESCE(sum(amount), 0) FROM gift_holds")
            .await;
        assert_eq!(
            held[0][0].as_deref(),
            Some((500 * (round + 1)).to_string().as_str())
        );
        let over = c
            .rows("SELECT count(*) FROM gift_cards g WHERE g.spent + (SELECT COALESCE(sum(amount), 0) FROM gift_holds h WHERE h.card = g.card) > g.balance")
            .await;
        assert_eq!(over[0][0].as_deref(), Some("0"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn captures_and_refunds_on_three_instances_stay_within_the_order() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        // A manual order of 1200: a gift card's 500 and a card's 700.
        let sid = id(c
            .post(
                round,
                "/v1/sessions",
                SK,
                json!({"amount": 1200, "currency": "EUR", "country": "DE", "capture": "manual"}),
            )
            .await
            .ok(201));
        let (g, _card) = c
            .gift_and_card(
                &sid,
                &gift(200 + round),
                [round + 1, round, round + 2, round],
            )
            .await;
        let o = id(c
            .post(round + 1, "/v1/orders", SK, json!({"sessionId": sid}))
            .await
            .ok(201));
        // Six captures of 300 and three refunds of 300, spread over the instances.
        let futs = (0..9)
            .map(|i| {
                let (c, o) = (c.clone(), o.clone());
                Box::pin(async move {
                    let what = if i % 3 == 2 { "refunds" } else { "captures" };
                    (
                        what,
                        c.post(
                            i,
                            &format!("/v1/orders/{o}/{what}"),
                            SK,
                            json!({"amount": 300}),
                        )
                        .await,
                    )
                }) as _
            })
            .collect();
        let answers: Vec<(&str, Resp)> = all(futs).await;
        let captured = answers
            .iter()
            .filter(|(w, a)| *w == "captures" && a.status == 200)
            .count() as u64;
        assert_eq!(captured, 4, "round {round}: 4 captures of 300 fit in 1200");
        let refunds: Vec<&Value> = answers
            .iter()
            .filter(|(w, a)| *w == "refunds" && a.status == 201)
            .map(|(_, a)| &a.body)
            .collect();
        for (w, a) in &answers {
            match (*w, a.status.as_u16()) {
                ("captures", 200) | ("refunds", 201) => {}
                ("captures", _) => {
                    a.expect_error(400, "order_already_captured");
                }
                _ => {
                    a.expect_error(400, "amount_exceeds_refundable");
                }
            }
        }
        let stored = c
            .get(round, &format!("/v1/orders/{o}"), SK)
            .await
            .ok(200)
            .clone();
        assert_eq!(stored["amountCaptured"], 1200, "round {round}");
        assert_eq!(
            stored["amountRefunded"],
            300 * refunds.len() as u64,
            "round {round}"
        );
        assert_eq!(stored["version"], 4 + refunds.len() as u64, "round {round}");
        // What the refunds gave back to the gift card is on the card again.
        let to_gift: u64 = refunds
            .iter()
            .flat_map(|r| r["parts"].as_array().unwrap().iter())
            .filter(|p| p["type"] == "giftCard")
            .map(|p| p["amount"].as_u64().unwrap())
            .sum();
        let left = c.get(round + 2, &format!("/v1/sources/{g}"), SK).await;
        assert_eq!(
            left.ok(200)["giftCard"]["balance"],
            to_gift,
            "round {round}"
        );
    }
}
