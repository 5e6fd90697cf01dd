//! Idempotency keys by key kind, and orders under racing requests.

use super::*;

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
        "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}});
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
