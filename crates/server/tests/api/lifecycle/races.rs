//! Captures, voids and refunds racing over HTTP: one winner, never more than was authorized or captured.

use super::*;

#[tokio::test]
async fn race_capture_against_void_has_one_winner() {
    let s = start().await;
    for round in 0..ROUNDS {
        let o = order_with(&s, 1000, Some("manual"), None).await;
        let reqs = (0..RACERS)
            .map(|i| {
                if i % 2 == 0 {
                    (path(&o, "captures"), json!({}))
                } else {
                    (path(&o, "cancel"), json!({}))
                }
            })
            .collect();
        let rs = race(&s, reqs).await;
        let won: Vec<usize> = (0..rs.len()).filter(|&i| rs[i].status == 200).collect();
        assert_eq!(
            won.len(),
            1,
            "round {round}: {:?}",
            rs.iter().map(|r| &r.text).collect::<Vec<_>>()
        );
        for r in &rs {
            if r.status != 200 {
                assert_eq!(r.status.as_u16(), 400, "{}", r.text);
                assert!(
                    ["order_already_captured", "order_voided"].contains(&r.code()),
                    "{}",
                    r.text
                );
            }
        }
        let v = stored(&s, &o).await;
        let capture_won = won[0].is_multiple_of(2);
        assert_eq!(
            v["amountCaptured"],
            if capture_won { 1000 } else { 0 },
            "round {round}"
        );
        assert_eq!(
            v["paymentState"],
            if capture_won { "captured" } else { "voided" }
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn race_captures_never_exceed_the_authorized_amount() {
    let s = start().await;
    for round in 0..ROUNDS {
        // Gift card (500) + card (700): captures span both payments.
        let o = order_with(&s, 1200, Some("manual"), Some(20 + round)).await;
        let reqs = (0..RACERS)
            .map(|_| (path(&o, "captures"), json!({"amount": 300})))
            .collect();
        let rs = race(&s, reqs).await;
        let won = rs.iter().filter(|r| r.status == 200).count();
        assert_eq!(won, 4, "round {round}: 4 × 300 of 1200");
        for r in rs.iter().filter(|r| r.status != 200) {
            r.expect_error(400, "order_already_captured");
        }
        let v = stored(&s, &o).await;
        assert_eq!(v["amountCaptured"], 1200);
        assert_eq!(v["captures"].as_array().unwrap().len(), 4);
        assert_eq!(v["version"], 4);
    }
    s.stop().await;
}

#[tokio::test]
async fn race_refunds_never_exceed_what_was_captured() {
    let s = start().await;
    for round in 0..ROUNDS {
        let o = order_with(&s, 1000, None, None).await;
        let reqs = (0..RACERS)
            .map(|_| (path(&o, "refunds"), json!({"amount": 400})))
            .collect();
        let rs = race(&s, reqs).await;
        let won = rs.iter().filter(|r| r.status == 201).count();
        assert_eq!(won, 2, "round {round}: 2 × 400 of 1000");
        for r in rs.iter().filter(|r| r.status != 201) {
            r.expect_error(400, "amount_exceeds_refundable");
        }
        let v = stored(&s, &o).await;
        assert_eq!(v["amountRefunded"], 800);
        assert_eq!(v["refunds"].as_array().unwrap().len(), 2);
    }
    s.stop().await;
}

#[tokio::test]
async fn race_refunds_against_captures_stay_within_the_captured_amount() {
    let s = start().await;
    for round in 0..ROUNDS {
        let o = order_with(&s, 1000, Some("manual"), None).await;
        s.post(&path(&o, "captures"), SK, json!({"amount": 200}))
            .await
            .ok(200);
        let reqs = (0..RACERS)
            .map(|i| {
                if i % 2 == 0 {
                    (path(&o, "captures"), json!({"amount": 200}))
                } else {
                    (path(&o, "refunds"), json!({"amount": 200}))
                }
            })
            .collect();
        let rs = race(&s, reqs).await;
        let captured: u64 = 200
            + (0..rs.len())
                .filter(|&i| i % 2 == 0 && rs[i].status == 200)
                .count() as u64
                * 200;
        let refunded: u64 = (0..rs.len())
            .filter(|&i| i % 2 == 1 && rs[i].status == 201)
            .count() as u64
            * 200;
        let v = stored(&s, &o).await;
        assert_eq!(v["amountCaptured"], captured, "round {round}");
        assert_eq!(v["amountRefunded"], refunded, "round {round}");
        assert!(refunded <= captured && captured <= 1000, "round {round}");
        assert_eq!(captured, 800, "round {round}: every capture of 200 fits");
    }
    s.stop().await;
}
