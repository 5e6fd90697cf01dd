//! One session, one idempotency key, one redirect source and one rate-limit budget, written from three instances at once.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_of_one_session_version_on_three_instances_have_one_winner() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let sid = c.session(round, 1000, &format!("r{round}")).await;
        let futs = (0..9)
            .map(|i| {
                let (c, sid) = (c.clone(), sid.clone());
                Box::pin(async move {
                    c.call(
                        i,
                        reqwest::Method::PATCH,
                        &format!("/v1/sessions/{sid}"),
                        SK,
                        Some(json!({"reference": format!("writer {i}"), "version": 1})),
                        None,
                    )
                    .await
                    .unwrap()
                }) as _
            })
            .collect();
        let answers: Vec<Resp> = all(futs).await;
        let won: Vec<usize> = (0..9).filter(|i| answers[*i].status == 200).collect();
        assert_eq!(
            won.len(),
            1,
            "round {round}: {:?}",
            answers.iter().map(|a| a.status).collect::<Vec<_>>()
        );
        for a in answers.iter().filter(|a| a.status != 200) {
            a.expect_error(409, "session_version_mismatch");
        }
        // Every instance reads the winner's write (read-your-writes across instances).
        for i in 0..3 {
            let got = c.get(i, &format!("/v1/sessions/{sid}"), SK).await;
            assert_eq!(got.ok(200)["reference"], format!("writer {}", won[0]));
            assert_eq!(got.body["version"], 2);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_idempotency_key_sent_to_every_instance_at_once_makes_one_write() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let key = format!("multi-key-{round}");
        let reference = format!("idem-{round}");
        let futs = (0..3)
            .map(|i| {
                let (c, key, reference) = (c.clone(), key.clone(), reference.clone());
                Box::pin(async move {
                    c.call(i, reqwest::Method::POST, "/v1/sessions", SK,
                        Some(json!({"amount": 1234, "currency": "EUR", "country": "DE", "reference": reference})),
                        Some(&key))
                        .await
                        .unwrap()
                }) as _
            })
            .collect();
        let answers: Vec<Resp> = all(futs).await;
        // One instance wrote; the others replay its answer, byte for byte.
        assert!(
            answers.iter().all(|a| a.status == 201),
            "round {round}: {:?}",
            answers.iter().map(|a| &a.text).collect::<Vec<_>>()
        );
        assert!(
            answers.iter().all(|a| a.text == answers[0].text),
            "round {round}"
        );
        let n = c
            .rows(&format!(
                "SELECT count(*) FROM sessions WHERE data::jsonb->>'reference' = '{reference}'"
            ))
            .await;
        assert_eq!(n[0][0].as_deref(), Some("1"), "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approve_and_cancel_on_different_instances_have_one_outcome() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let sid = c.session(round, 1000, "redirect").await;
        let src = c
            .post(round, "/v1/sources", PK, json!({"type": "payPal", "sessionId": sid, "payPal": {
                "returnUrl": "https://shop.example/return", "cancelUrl": "https://shop.example/cancel"}}))
            .await;
        let src = src.ok(201).clone();
        let (src_id, secret) = (id(&src), src["clientSecret"].as_str().unwrap().to_owned());
        let futs = [
            "approve", "cancel", "approve", "cancel", "approve", "cancel",
        ]
        .into_iter()
        .enumerate()
        .map(|(i, action)| {
            let (c, src_id, secret) = (c.clone(), src_id.clone(), secret.clone());
            Box::pin(async move {
                let r = c
                    .http
                    .post(format!("{}/hosted/redirect/{src_id}", c.at(i)))
                    .form(&[("clientSecret", secret), ("action", action.to_owned())])
                    .send()
                    .await
                    .unwrap();
                form_answer(r).await
            }) as _
        })
        .collect();
        let answers: Vec<(u16, String, String)> = all(futs).await;
        let approved = one_redirect_winner(round, &answers);
        for i in 0..3 {
            let stored = c.get(i, &format!("/v1/sources/{src_id}"), SK).await;
            assert_eq!(
                stored.ok(200)["state"],
                if approved { "chargeable" } else { "cancelled" }
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_public_key_rate_limit_is_one_budget_across_instances() {
    // 12 per hour: a burst of 12, then one every 5 minutes.
    let Some(c) = cluster_with(3, &["--rate-limit-public", "12/h"]).await else {
        return;
    };
    let c = std::sync::Arc::new(c);
    let sid = c.session(0, 1000, "limits").await;
    let futs = (0..36)
        .map(|i| {
            let (c, sid) = (c.clone(), sid.clone());
            Box::pin(async move {
                c.get(i, &format!("/v1/sessions/{sid}/payment-methods"), PK)
                    .await
            }) as _
        })
        .collect();
    let answers: Vec<Resp> = all(futs).await;
    let passed = answers.iter().filter(|a| a.status == 200).count();
    // One budget of 12 for the client, whichever instance it reaches (three
    // budgets in three processes' memory would let 36 through).
    assert_eq!(
        passed,
        12,
        "{:?}",
        answers
            .iter()
            .map(|a| a.status.as_u16())
            .collect::<Vec<_>>()
    );
    for a in answers.iter().filter(|a| a.status != 200) {
        a.expect_error(429, "rate_limit_exceeded");
        let wait: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
        // 300 s a token; a request stamped a few ms before another instance's
        // last take waits those ms more, rounded up to a whole second: 301.
        assert!((1..=301).contains(&wait), "Retry-After {wait}");
    }
    // The secret key is not limited.
    for i in 0..3 {
        c.get(i, &format!("/v1/sessions/{sid}"), SK).await.ok(200);
    }
}
