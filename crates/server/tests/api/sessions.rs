use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn create_retrieve_update_and_versions() {
    let s = start().await;
    let created = s.post("/v1/sessions", SK, json!({
        "amount": 1000, "currency": "EUR", "country": "DE",
        "owner": {"firstName": "Ada", "email": "ada@example.com", "address": {"city": "Berlin", "country": "DE"}},
        "reference": "order-1", "locale": "de-DE", "metadata": {"a": "1"}
    })).await;
    let v = created.ok(201);
    let sid = id(v);
    assert!(sid.starts_with("ses_") && sid.len() == 4 + 32);
    assert_eq!(v["version"], 1);
    assert_eq!(v["state"], "requires_source");
    assert_eq!(v["amountContributed"], 0);
    assert_eq!(v["amountRemainingToBeContributed"], 1000);
    assert!(v["clientSecret"].as_str().unwrap().starts_with(&sid));
    assert!(v["expiresAt"].as_str().unwrap().ends_with('Z'));

    // Fields are merged: given fields overwrite, others stay.
    let u = s
        .patch(
            &format!("/v1/sessions/{sid}"),
            SK,
            json!({
                "owner": {"lastName": "Lovelace", "address": {"postalCode": "10115"}},
                "metadata": {"b": "2"}
            }),
        )
        .await;
    let u = u.ok(200);
    assert_eq!(u["version"], 2);
    assert_eq!(u["owner"]["firstName"], "Ada");
    assert_eq!(u["owner"]["lastName"], "Lovelace");
    assert_eq!(u["owner"]["address"]["city"], "Berlin");
    assert_eq!(u["owner"]["address"]["postalCode"], "10115");
    assert_eq!(u["metadata"], json!({"a": "1", "b": "2"}));

    // null is rejected, naming the parameter; nothing changes.
    s.patch(
        &format!("/v1/sessions/{sid}"),
        SK,
        json!({"owner": {"firstName": null}}),
    )
    .await
    .expect_error(400, "null_not_allowed");
    let r = s
        .patch(
            &format!("/v1/sessions/{sid}"),
            SK,
            json!({"reference": null}),
        )
        .await;
    assert_eq!(r.param(), "reference");
    let got = s.retrieve(&sid).await;
    assert_eq!(got["version"], 2);
    assert_eq!(got["owner"]["firstName"], "Ada");

    // The browser view hides the client secret and metadata.
    let f = s.get(&format!("/v1/sessions/{sid}/fields"), PK).await;
    let f = f.ok(200);
    assert!(f.get("clientSecret").is_none() && f.get("metadata").is_none());
    assert_eq!(f["owner"]["lastName"], "Lovelace");
    // The browser cannot set merchant fields; the merchant route cannot take card data.
    s.patch(
        &format!("/v1/sessions/{sid}/fields"),
        PK,
        json!({"reference": "x"}),
    )
    .await
    .expect_error(400, "invalid_parameter");
    s.patch(
        &format!("/v1/sessions/{sid}"),
        SK,
        json!({"card": {"number": "4242424242424242"}}),
    )
    .await
    .expect_error(400, "invalid_parameter");
    s.stop().await;
}

#[tokio::test]
async fn optimistic_locking_by_body_and_if_match() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let p = format!("/v1/sessions/{sid}");
    s.patch(&p, SK, json!({"reference": "a", "version": 1}))
        .await
        .ok(200);
    let r = s
        .patch(&p, SK, json!({"reference": "b", "version": 1}))
        .await;
    r.expect_error(409, "session_version_mismatch");
    assert_eq!(r.body["type"], "conflict");
    let r = s
        .send(
            reqwest::Method::PATCH,
            &p,
            Some(SK),
            Some(json!({"reference": "c"})),
            &[("If-Match", "\"1\"")],
        )
        .await;
    r.expect_error(409, "session_version_mismatch");
    let got = s.retrieve(&sid).await;
    assert_eq!(
        (got["version"].as_u64(), got["reference"].as_str()),
        (Some(2), Some("a"))
    );
    let r = s
        .send(
            reqwest::Method::PATCH,
            &p,
            Some(SK),
            Some(json!({"reference": "d"})),
            &[("If-Match", "2")],
        )
        .await;
    assert_eq!(r.ok(200)["version"], 3);
    s.send(
        reqwest::Method::PATCH,
        &p,
        Some(SK),
        Some(json!({})),
        &[("If-Match", "abc")],
    )
    .await
    .expect_error(400, "invalid_parameter");
    // Versions also guard the browser route, sources and orders.
    s.patch(
        &format!("{p}/fields"),
        PK,
        json!({"owner": {"firstName": "x"}, "version": 1}),
    )
    .await
    .expect_error(409, "session_version_mismatch");
    s.post("/v1/orders", SK, json!({"sessionId": sid, "version": 1}))
        .await
        .expect_error(409, "session_version_mismatch");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_of_concurrent_writers_with_the_same_version_wins() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let p = format!("/v1/sessions/{sid}");
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (http, url) = (s.http.clone(), format!("{}{p}", s.url));
        tasks.push(tokio::spawn(async move {
            http.patch(url)
                .bearer_auth(SK)
                .json(&json!({"reference": format!("w{i}"), "version": 1}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 15, "{codes:?}");
    assert_eq!(s.retrieve(&sid).await["version"], 2);

    // Without a version, concurrent writers all succeed and each one counts.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (http, url) = (s.http.clone(), format!("{}{p}", s.url));
        tasks.push(tokio::spawn(async move {
            http.patch(url)
                .bearer_auth(SK)
                .json(&json!({"metadata": {format!("k{i}"): "v"}}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let got = s.retrieve(&sid).await;
    assert_eq!(got["version"], 10);
    assert_eq!(got["metadata"].as_object().unwrap().len(), 8);
    s.stop().await;
}

#[tokio::test]
async fn security_code_is_erased_by_operations_not_by_update_or_retrieve() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "US").await);
    let f = format!("/v1/sessions/{sid}/fields");
    let card = json!({"card": {"number": "4242 4242 4242 4242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123", "name": "Ada"}});
    let v = s.patch(&f, PK, card.clone()).await;
    let v = v.ok(200);
    assert_eq!(v["card"]["number"], "424242xxxxxx4242");
    assert_eq!(v["card"]["cvvPresent"], true);
    assert_eq!(v["card"]["brand"], "visa");
    assert!(!v.to_string().contains("4242424242424242") && !v.to_string().contains("\"123\""));
    // Updating other fields and retrieving keep it.
    s.patch(&f, PK, json!({"owner": {"firstName": "Ada"}}))
        .await
        .ok(200);
    assert_eq!(s.get(&f, PK).await.ok(200)["card"]["cvvPresent"], true);
    assert_eq!(s.retrieve(&sid).await["card"]["cvvPresent"], true);
    // Creating a source erases it (and uses the session's card).
    let src = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "creditCard", "sessionId": sid}),
        )
        .await;
    let src = src.ok(201).clone();
    assert_eq!(src["creditCard"]["lastFourDigits"], "4242");
    let after = s.retrieve(&sid).await;
    assert_eq!(after["card"]["cvvPresent"], false);
    assert_eq!(after["card"]["number"], "424242xxxxxx4242");
    // Set a code again; the order erases it.
    s.attach(&sid, &id(&src)).await.ok(200);
    s.patch(&f, PK, json!({"card": {"cvv": "456"}}))
        .await
        .ok(200);
    assert_eq!(s.retrieve(&sid).await["card"]["cvvPresent"], true);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201);
    let done = s.retrieve(&sid).await;
    assert_eq!(done["card"]["cvvPresent"], false);
    assert_eq!(done["state"], "complete");
    s.stop().await;
}

#[tokio::test]
async fn request_fields_take_precedence_over_session_fields() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "US").await);
    s.patch(&format!("/v1/sessions/{sid}/fields"), PK, json!({
        "owner": {"firstName": "Session", "email": "s@example.com"},
        "card": {"number": "4242424242424242", "expirationMonth": 1, "expirationYear": 2041, "cvv": "123"}
    })).await.ok(200);
    // Request owner and card win.
    let r = s.post("/v1/sources", PK, json!({
        "type": "creditCard", "sessionId": sid,
        "owner": {"firstName": "Request"},
        "creditCard": {"number": "5555555555554444", "expirationMonth": 2, "expirationYear": 2042, "cvv": "321"}
    })).await;
    let r = r.ok(201);
    assert_eq!(r["owner"]["firstName"], "Request");
    assert_eq!(r["creditCard"]["brand"], "mastercard");
    assert_eq!(r["creditCard"]["expirationYear"], 2042);
    // Without them, the session's are used.
    let r = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "creditCard", "sessionId": sid}),
        )
        .await;
    let r = r.ok(201);
    assert_eq!(r["owner"]["firstName"], "Session");
    assert_eq!(r["creditCard"]["brand"], "visa");
    assert_eq!(r["creditCard"]["expirationYear"], 2041);
    // The amount and currency always come from the session.
    assert_eq!(
        (r["amount"].as_u64(), r["currency"].as_str()),
        (Some(1000), Some("EUR"))
    );
    s.post(
        "/v1/sources",
        PK,
        json!({"type": "creditCard", "sessionId": sid, "amount": 1}),
    )
    .await
    .expect_error(400, "unknown_parameter");
    // Fingerprints: same card, same merchant → same fingerprint.
    let a = s
        .card_source(&sid, "4242424242424242")
        .await
        .ok(201)
        .clone();
    assert_eq!(
        a["creditCard"]["fingerprint"],
        r["creditCard"]["fingerprint"]
    );
    s.stop().await;
}

#[tokio::test]
async fn sessions_expire_after_the_ttl_since_the_last_change() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "NL").await);
    s.advance(59 * 60);
    // A change renews the expiry.
    s.patch(
        &format!("/v1/sessions/{sid}"),
        SK,
        json!({"reference": "r"}),
    )
    .await
    .ok(200);
    s.advance(59 * 60);
    assert_eq!(s.retrieve(&sid).await["state"], "requires_source");
    s.advance(2 * 60);
    assert_eq!(s.retrieve(&sid).await["state"], "expired");
    s.patch(
        &format!("/v1/sessions/{sid}"),
        SK,
        json!({"reference": "r2"}),
    )
    .await
    .expect_error(400, "session_expired");
    s.card_source(&sid, "4242424242424242")
        .await
        .expect_error(400, "session_expired");
    s.get(&format!("/v1/sessions/{sid}/payment-methods"), PK)
        .await
        .expect_error(400, "session_expired");
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .expect_error(400, "order_submit_failed");
    s.stop().await;
}
