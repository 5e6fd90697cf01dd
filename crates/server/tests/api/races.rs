//! Issue 8's findings as tests: money and state under real concurrency.
//! Each race runs many rounds of parallel HTTP requests; every round must end
//! with exactly one winner and a stored state that agrees with every answer.

use crate::common::*;
use serde_json::{json, Value};

const ROUNDS: usize = 30;

/// A cloneable client for spawned requests.
#[derive(Clone)]
struct C {
    http: reqwest::Client,
    url: String,
}

impl C {
    fn of(s: &Server) -> C {
        C {
            http: s.http.clone(),
            url: s.url.clone(),
        }
    }
    async fn post(&self, path: &str, key: &str, body: Value) -> Resp {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap();
        Resp::read(r).await
    }
    async fn get(&self, path: &str, key: &str) -> Resp {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        Resp::read(r).await
    }
    async fn form(&self, path: &str, fields: Vec<(&'static str, String)>) -> (u16, String, String) {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .form(&fields)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let loc = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, loc, r.text().await.unwrap())
    }
}

/// The `n`th test gift card (`6000 0000 0000 0001` is the first).
fn gift(n: usize) -> String {
    format!("60000000000{:05}", n + 1)
}

async fn gift_source(s: &Server, sid: &str, number: &str) -> Resp {
    s.post(
        "/v1/sources",
        PK,
        json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": number, "pin": "1234"}}),
    )
    .await
}

async fn join<T: Send + 'static>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

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
        let winners: Vec<_> = answers.iter().filter(|a| a.0 == 303).collect();
        assert_eq!(winners.len(), 1, "round {round}: {answers:?}");
        for (status, _, body) in answers.iter().filter(|a| a.0 != 303) {
            assert_eq!(*status, 400, "{body}");
            assert!(body.contains("source_state_invalid"), "{body}");
        }
        let approved = winners[0].1.starts_with("https://shop.example/return");
        assert!(
            winners[0].1.contains(if approved {
                "state=chargeable"
            } else {
                "state=cancelled"
            }),
            "{}",
            winners[0].1
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
async fn idempotency_keys_are_scoped_by_key_kind_and_checked_after_authorization() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let src = id(s.card_source(&sid, "4242424242424242").await.ok(201));
    let attach = format!("/v1/sessions/{sid}/sources");
    let body = json!({"sourceId": src});
    let with_key = |key: &'static str, k: &'static str| (key, k);
    let send = |(key, k): (&'static str, &'static str), path: String, body: Value| {
        let s = &s;
        async move {
            s.send(
                reqwest::Method::POST,
                &path,
                Some(key),
                Some(body),
                &[("Idempotency-Key", k)],
            )
            .await
        }
    };
    // The secret key's answer (with the session's clientSecret) never replays to the public key.
    let a = send(with_key(SK, "attach-1"), attach.clone(), body.clone()).await;
    assert!(a.ok(200)["clientSecret"].is_string());
    let p = send(with_key(PK, "attach-1"), attach.clone(), body.clone()).await;
    p.expect_error(403, "permission_denied");
    assert!(p.headers.get("idempotent-replayed").is_none());
    assert!(!p.text.contains("clientSecret"));
    // A public-key refusal is not stored: the merchant's server can still use the key.
    let p = send(with_key(PK, "attach-2"), attach.clone(), body.clone()).await;
    p.expect_error(403, "permission_denied");
    let a = send(with_key(SK, "attach-2"), attach.clone(), body.clone()).await;
    a.ok(200);
    assert!(a.headers.get("idempotent-replayed").is_none());
    // A public-key write cannot poison a key of the secret key.
    let card = json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040}});
    let p = send(with_key(PK, "src-1"), "/v1/sources".into(), card.clone()).await;
    let p_id = id(p.ok(201));
    let k = send(with_key(SK, "src-1"), "/v1/sources".into(), card.clone()).await;
    assert!(k.headers.get("idempotent-replayed").is_none());
    assert_ne!(p_id, id(k.ok(201)));
    // Authorization before replay: a public key on a secret-key route is 403,
    // whatever it used the key for before.
    let o = send(
        with_key(PK, "src-1"),
        "/v1/orders".into(),
        json!({"sessionId": sid}),
    )
    .await;
    o.expect_error(403, "permission_denied");
    // Same kind, same key, same request: still a replay.
    let again = send(with_key(PK, "src-1"), "/v1/sources".into(), card.clone()).await;
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(id(&again.body), p_id);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_the_order_the_session_keeps_no_sealed_card_number() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "US").await);
    s.patch(
        &format!("/v1/sessions/{sid}/fields"),
        PK,
        json!({"card": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}}),
    )
    .await
    .ok(200);
    let src = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "creditCard", "sessionId": sid}),
        )
        .await
        .ok(201)
        .clone();
    s.attach(&sid, &id(&src)).await.ok(200);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201);
    let v = s.retrieve(&sid).await;
    assert_eq!(v["card"]["number"], "424242xxxxxx4242");
    let data = s.stored_session(&sid).await;
    let rec: Value = serde_json::from_str(&data).unwrap();
    assert!(rec["card"]["number_sealed"].is_null(), "{data}");
    assert!(rec["card"]["cvv_sealed"].is_null(), "{data}");
    assert!(rec["card"]["fingerprint"].is_string(), "{data}");
    assert_eq!(rec["card"]["brand"], "visa");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_orders_on_one_session_make_one_order() {
    let s = start().await;
    let c = C::of(&s);
    for round in 0..ROUNDS {
        let sid = id(&s.session(800, "EUR", "DE").await);
        let g = id(gift_source(&s, &sid, &gift(2000 + round)).await.ok(201));
        s.attach(&sid, &g).await.ok(200);
        let card = id(s.card_source(&sid, "4242424242424242").await.ok(201));
        s.attach(&sid, &card).await.ok(200);
        let tasks = (0..8)
            .map(|_| {
                let (c, sid) = (c.clone(), sid.clone());
                tokio::spawn(
                    async move { c.post("/v1/orders", SK, json!({"sessionId": sid})).await },
                )
            })
            .collect();
        let orders = join(tasks).await;
        let made: Vec<_> = orders.iter().filter(|r| r.status.as_u16() == 201).collect();
        assert_eq!(made.len(), 1, "round {round}");
        for r in orders.iter().filter(|r| r.status.as_u16() != 201) {
            r.expect_error(400, "order_submit_failed");
        }
        assert_eq!(s.retrieve(&sid).await["orderId"], made[0].body["id"]);
        // The gift card was debited once.
        let left = s.get(&format!("/v1/sources/{g}"), SK).await.ok(200).clone();
        assert_eq!(left["giftCard"]["balance"], 0);
    }
    s.stop().await;
}
