//! Racing answers to a redirect approval and a 3-D Secure challenge: one winner, and every page shows the stored state.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approve_and_cancel_race_has_one_winner_and_the_order_follows_it() {
    let s = start().await;
    let c = C::of(&s);
    for round in 0..ROUNDS {
        let sid = id(&s.session(1000, "EUR", "NL").await);
        let src = s
            .post(
                "/v1/sources",
                PK,
                json!({"type": "payPal", "sessionId": sid, "payPal": {
                    "returnUrl": "https://shop.example/return", "cancelUrl": "https://shop.example/cancel"}}),
            )
            .await
            .ok(201)
            .clone();
        let (src_id, secret) = (id(&src), src["clientSecret"].as_str().unwrap().to_owned());
        let mut tasks = Vec::new();
        for action in ["approve", "cancel", "approve", "cancel"] {
            let (c, path, secret) = (
                c.clone(),
                format!("/hosted/redirect/{src_id}"),
                secret.clone(),
            );
            tasks.push(tokio::spawn(async move {
                c.form(
                    &path,
                    vec![("clientSecret", secret), ("action", action.to_owned())],
                )
                .await
            }));
        }
        // The merchant's server attaches and orders as soon as it can.
        let (c2, sid2, src2) = (c.clone(), sid.clone(), src_id.clone());
        let merchant = tokio::spawn(async move {
            // Until the shopper's answer is in: attach, then order at once.
            for _ in 0..5000 {
                let r = c2
                    .post(
                        &format!("/v1/sessions/{sid2}/sources"),
                        SK,
                        json!({"sourceId": src2}),
                    )
                    .await;
                if r.status.as_u16() == 200 {
                    break;
                }
                let state = c2.get(&format!("/v1/sources/{src2}"), SK).await.body["state"].clone();
                if state == "cancelled" {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            c2.post("/v1/orders", SK, json!({"sessionId": sid2})).await
        });
        let answers = join(tasks).await;
        let order = merchant.await.unwrap();
        let approved = one_redirect_winner(round, &answers);
        let winner = &answers.iter().find(|a| a.0 == 303).unwrap().1;
        assert!(
            winner.contains(if approved {
                "state=chargeable"
            } else {
                "state=cancelled"
            }),
            "{winner}"
        );
        let stored = s
            .get(&format!("/v1/sources/{src_id}"), SK)
            .await
            .ok(200)
            .clone();
        if approved {
            assert_eq!(order.status.as_u16(), 201, "round {round}: {}", order.text);
            assert_eq!(stored["state"], "consumed");
        } else {
            order.expect_error(400, "order_submit_failed");
            assert_eq!(stored["state"], "cancelled");
            assert_eq!(s.retrieve(&sid).await["state"], "requires_source");
        }
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_d_secure_answers_race_with_one_winner() {
    let s = start().await;
    let c = C::of(&s);
    for round in 0..ROUNDS {
        let sid = id(&s.session(1000, "EUR", "DE").await);
        let src = s
            .card_source(&sid, "5454545454545454")
            .await
            .ok(201)
            .clone();
        let (src_id, secret) = (id(&src), src["clientSecret"].as_str().unwrap().to_owned());
        let mut tasks = Vec::new();
        for i in 0..6 {
            let answer = if i % 2 == 0 { "password" } else { "wrong" };
            let (c, path, secret) = (
                c.clone(),
                format!("/v1/sources/{src_id}/authenticate"),
                secret.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let r = c
                    .post(
                        &path,
                        PK,
                        json!({"clientSecret": secret, "challengeResponse": answer}),
                    )
                    .await;
                (answer, r)
            }));
        }
        let answers = join(tasks).await;
        let winners: Vec<_> = answers
            .iter()
            .filter(|(_, r)| r.status.as_u16() == 200)
            .collect();
        assert_eq!(
            winners.len(),
            1,
            "round {round}: {:?}",
            answers.iter().map(|a| &a.1.text).collect::<Vec<_>>()
        );
        for (_, r) in answers.iter().filter(|(_, r)| r.status.as_u16() != 200) {
            r.expect_error(400, "source_state_invalid");
        }
        let (answer, r) = winners[0];
        let want = if *answer == "password" {
            ("complete", "chargeable")
        } else {
            ("failed", "failed")
        };
        assert_eq!(r.body["status"], want.0);
        let stored = s
            .get(&format!("/v1/sources/{src_id}"), SK)
            .await
            .ok(200)
            .clone();
        assert_eq!(stored["state"], want.1, "round {round}");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hosted_challenge_pages_racing_all_show_the_stored_state() {
    let s = start().await;
    let c = C::of(&s);
    for round in 0..10 {
        let sid = id(&s.session(1000, "EUR", "DE").await);
        let src = s
            .card_source(&sid, "5454545454545454")
            .await
            .ok(201)
            .clone();
        let (src_id, secret) = (id(&src), src["clientSecret"].as_str().unwrap().to_owned());
        let tasks = ["password", "nope", "password", "nope"]
            .into_iter()
            .map(|pw| {
                let (c, path, secret) = (
                    c.clone(),
                    format!("/hosted/challenge/{src_id}"),
                    secret.clone(),
                );
                tokio::spawn(async move {
                    c.form(
                        &path,
                        vec![("clientSecret", secret), ("password", pw.to_owned())],
                    )
                    .await
                })
            })
            .collect();
        let pages = join(tasks).await;
        let stored = s
            .get(&format!("/v1/sources/{src_id}"), SK)
            .await
            .ok(200)
            .clone();
        let state = stored["state"].as_str().unwrap();
        for (status, _, html) in &pages {
            assert_eq!(*status, 200, "{html}");
            assert!(
                html.contains(&format!("data-state=\"{state}\"")),
                "round {round}: stored {state}, page {html}"
            );
        }
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_open_challenge_cannot_complete_once_the_session_is_locked() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let src = s
        .card_source(&sid, "5454545454545454")
        .await
        .ok(201)
        .clone();
    for _ in 0..10 {
        s.card_source(&sid, "4000000000000002")
            .await
            .expect_error(400, "card_declined");
    }
    assert_eq!(s.retrieve(&sid).await["state"], "locked");
    let r = s
        .post(
            &format!("/v1/sources/{}/authenticate", id(&src)),
            PK,
            json!({"clientSecret": src["clientSecret"], "challengeResponse": "password"}),
        )
        .await;
    r.expect_error(400, "session_locked");
    let stored = s
        .get(&format!("/v1/sources/{}", id(&src)), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(stored["state"], "requires_action");
    s.stop().await;
}
