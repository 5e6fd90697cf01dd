//! Wallet sources (Apple Pay / Google Pay) paid with tokens of the test
//! wallet (crates/server/src/wallet.rs): single use, bound to the session,
//! its amount and the wallet, unforgeable, and exempt from 3-D Secure.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::Arc;

/// A token from the test wallet for `sid` (what its window asks for).
async fn token(s: &Server, sid: &str, kind: &str, card: u64, amount: u64, cur: &str) -> Resp {
    s.send(
        Method::POST,
        "/hosted/wallet/tokens",
        None,
        Some(json!({"sessionId": sid, "type": kind, "card": card, "amount": amount, "currency": cur})),
        &[],
    )
    .await
}

async fn issued(s: &Server, sid: &str, kind: &str, card: u64, amount: u64, cur: &str) -> String {
    let r = token(s, sid, kind, card, amount, cur).await;
    r.ok(201)["token"].as_str().unwrap().to_owned()
}

async fn pay(s: &Server, key: &str, sid: &str, kind: &str, token: &str) -> Resp {
    s.post(
        "/v1/sources",
        key,
        json!({"type": kind, "sessionId": sid, kind: {"token": token}}),
    )
    .await
}

#[tokio::test]
async fn a_test_wallet_token_pays_to_an_order_once() {
    let s = start().await;
    let sid = id(&s.session(1999, "EUR", "DE").await);
    // The session's methods offer the test wallet (test mode) and both wallets.
    let pm = s
        .get(&format!("/v1/sessions/{sid}/payment-methods"), PK)
        .await;
    let pm = pm.ok(200);
    assert_eq!(pm["testWallet"]["type"], "googlePay");
    let method = pm["testWallet"]["supportedMethods"].as_str().unwrap();
    assert_eq!(method, format!("{}/hosted/wallet/pay", s.url));
    assert!(pm["applePay"]["merchantId"].is_string() && pm["googlePay"]["total"] == 1999);
    // Wallets are not in the list of forms.
    let list: Vec<&str> = pm["paymentMethods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert!(!list.contains(&"googlePay") && !list.contains(&"applePay"));

    let r = token(&s, &sid, "googlePay", 0, 1999, "EUR").await;
    let body = r.ok(201).clone();
    assert_eq!(body["lastFourDigits"], "4242");
    let t = body["token"].as_str().unwrap().to_owned();
    assert!(t.starts_with("wt1_"));
    assert!(
        !r.text.contains("4242424242424242"),
        "the token hides the card"
    );

    let r = pay(&s, PK, &sid, "googlePay", &t).await;
    let src = r.ok(201).clone();
    assert_eq!(src["type"], "googlePay");
    assert_eq!(src["state"], "chargeable");
    assert_eq!(src["flow"], "standard");
    assert_eq!(src["reusable"], false);
    assert_eq!(src["amount"], 1999);
    assert_eq!(src["googlePay"]["lastFourDigits"], "4242");
    assert_eq!(src["googlePay"]["brand"], "visa");
    assert!(src.get("creditCard").is_none() && src.get("nextAction").is_none());
    assert!(!r.text.contains("4242424242424242"));

    // Replayed: refused, and nothing is created.
    let again = pay(&s, PK, &sid, "googlePay", &t).await;
    again.expect_error(400, "wallet_token_used");
    assert_eq!(again.param(), "googlePay.token");

    s.attach(&sid, &id(&src)).await.ok(200);
    let order = s.post("/v1/orders", SK, json!({"sessionId": sid})).await;
    let order = order.ok(201);
    assert_eq!(order["state"], "complete", "{order}");
    // The card never rests in clear.
    for blob in s.at_rest().await {
        assert!(!blob.windows(16).any(|w| w == b"4242424242424242"));
    }
    s.stop().await;
}

#[tokio::test]
async fn a_token_is_bound_to_its_session_amount_and_wallet() {
    let s = start().await;
    let a = id(&s.session(1000, "EUR", "DE").await);
    let b = id(&s.session(1000, "EUR", "DE").await);
    let t = issued(&s, &a, "googlePay", 0, 1000, "EUR").await;
    // Another session of the same amount.
    let r = pay(&s, PK, &b, "googlePay", &t).await;
    r.expect_error(400, "invalid_wallet_token");
    assert!(r.text.contains("another session"), "{}", r.text);
    // Another wallet.
    let r = pay(&s, PK, &a, "applePay", &t).await;
    r.expect_error(400, "invalid_wallet_token");
    assert_eq!(r.param(), "applePay.token");
    // What the session still needs changed after the token was issued (a
    // gift card of 5.00 now pays part of it).
    let gc = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "giftCard", "sessionId": a,
            "giftCard": {"number": "6000000000000001", "pin": "1234"}}),
        )
        .await;
    s.attach(&a, &id(gc.ok(201))).await.ok(200);
    let r = pay(&s, PK, &a, "googlePay", &t).await;
    r.expect_error(400, "invalid_wallet_token");
    assert!(r.text.contains("another amount"), "{}", r.text);
    // The wallet must show what the session still needs to get a token at all.
    for (amount, cur) in [(1000, "EUR"), (500, "USD"), (0, "EUR")] {
        token(&s, &a, "googlePay", 0, amount, cur)
            .await
            .expect_error(400, "invalid_amount");
    }
    // An applePay token pays as applePay.
    let t = issued(&s, &a, "applePay", 0, 500, "EUR").await;
    let src = pay(&s, PK, &a, "applePay", &t).await.ok(201).clone();
    assert_eq!(src["type"], "applePay");
    assert_eq!(src["applePay"]["lastFourDigits"], "4242");
    s.attach(&a, &id(&src)).await.ok(200);
    s.post("/v1/orders", SK, json!({"sessionId": a}))
        .await
        .ok(201);
    s.stop().await;
}

#[tokio::test]
async fn forged_expired_and_foreign_tokens_are_refused() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let t = issued(&s, &sid, "googlePay", 0, 1000, "EUR").await;
    // One character of the payload changed; the tag alone changed; garbage.
    let (body, tag) = t.split_once('.').unwrap();
    let mut flipped = body.to_owned().into_bytes();
    let i = flipped.len() / 2;
    flipped[i] = if flipped[i] == b'0' { b'1' } else { b'0' };
    let flipped = format!("{}.{tag}", String::from_utf8(flipped).unwrap());
    let mut tag2 = tag.to_owned().into_bytes();
    tag2[0] = if tag2[0] == b'a' { b'b' } else { b'a' };
    let retagged = format!("{body}.{}", String::from_utf8(tag2).unwrap());
    for bad in [
        flipped.as_str(),
        retagged.as_str(),
        "wt1_00.00",
        "not a token",
        body,
        "wt1_zz.",
    ] {
        let r = pay(&s, PK, &sid, "googlePay", bad).await;
        r.expect_error(400, "invalid_wallet_token");
        assert_eq!(r.param(), "googlePay.token");
    }
    // Another merchant cannot redeem it (its key derives another HMAC key):
    // its session is not found; on its own session the tag does not match.
    let other = s
        .post(
            "/v1/sessions",
            "sk_test_other",
            json!({"amount": 1000, "currency": "EUR", "country": "DE"}),
        )
        .await;
    let osid = id(other.ok(201));
    pay(&s, "pk_test_other", &sid, "googlePay", &t)
        .await
        .expect_error(404, "resource_not_found");
    pay(&s, "pk_test_other", &osid, "googlePay", &t)
        .await
        .expect_error(400, "invalid_wallet_token");
    // Missing, empty, oversized.
    let r = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "googlePay", "sessionId": sid}),
        )
        .await;
    r.expect_error(400, "missing_parameter");
    assert_eq!(r.param(), "googlePay.token");
    pay(&s, PK, &sid, "googlePay", "")
        .await
        .expect_error(400, "invalid_wallet_token");
    pay(&s, PK, &sid, "googlePay", &"a".repeat(5000))
        .await
        .expect_error(400, "invalid_wallet_token");
    // A wallet object on another type.
    let r = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "creditCard", "sessionId": sid,
            "googlePay": {"token": t}}),
        )
        .await;
    r.expect_error(400, "invalid_parameter");
    assert_eq!(r.param(), "googlePay");
    let r = s
        .post(
            "/v1/sources",
            PK,
            json!({"type": "googlePay", "sessionId": sid,
            "googlePay": {"token": t, "extra": 1}}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 400, "{}", r.text);
    // Expired: five minutes after it was issued.
    s.advance(301);
    let r = pay(&s, PK, &sid, "googlePay", &t).await;
    r.expect_error(400, "invalid_wallet_token");
    assert!(r.text.contains("expired"), "{}", r.text);
    s.stop().await;
}

#[tokio::test]
async fn a_card_the_issuer_would_challenge_is_not_challenged_through_a_wallet() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    // As a card: a 3-D Secure challenge in Germany.
    let card = s.card_source(&sid, "5454545454545454").await;
    assert_eq!(card.ok(201)["state"], "requires_action");
    // Through the wallet (its second card is that card): chargeable, no challenge.
    let t = issued(&s, &sid, "googlePay", 1, 1000, "EUR").await;
    let src = pay(&s, PK, &sid, "googlePay", &t).await.ok(201).clone();
    assert_eq!(src["state"], "chargeable");
    assert!(src.get("nextAction").is_none());
    assert_eq!(src["googlePay"]["brand"], "mastercard");
    assert_eq!(src["googlePay"]["lastFourDigits"], "5454");
    let r = s
        .post(
            &format!("/v1/sources/{}/authenticate", id(&src)),
            PK,
            json!({"clientSecret": src["clientSecret"]}),
        )
        .await;
    assert_eq!(r.ok(200)["status"], "authentication_not_required");
    s.attach(&sid, &id(&src)).await.ok(200);
    s.stop().await;
}

#[tokio::test]
async fn racing_redeems_of_one_token_create_one_source() {
    let s = Arc::new(start().await);
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let t = issued(&s, &sid, "googlePay", 0, 1000, "EUR").await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (s, sid, t) = (s.clone(), sid.clone(), t.clone());
            tokio::spawn(async move { pay(&s, PK, &sid, "googlePay", &t).await })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let r = task.await.unwrap();
        match r.status.as_u16() {
            201 => created += 1,
            _ => {
                r.expect_error(400, "wallet_token_used");
            }
        }
    }
    assert_eq!(created, 1);
    let Ok(s) = Arc::try_unwrap(s) else {
        panic!("server still shared")
    };
    s.stop().await;
}

#[tokio::test]
async fn the_test_wallet_is_a_payment_handler_served_by_the_backend() {
    let s = start().await;
    let r = s
        .send(Method::GET, "/hosted/wallet/pay", None, None, &[])
        .await;
    assert_eq!(r.status.as_u16(), 200);
    let link = r.headers["link"].to_str().unwrap().to_owned();
    assert_eq!(
        link,
        format!(
            "<{}/hosted/wallet/manifest.json>; rel=\"payment-method-manifest\"",
            s.url
        )
    );
    let m = s
        .send(Method::GET, "/hosted/wallet/manifest.json", None, None, &[])
        .await;
    assert_eq!(
        m.body["default_applications"][0],
        format!("{}/hosted/wallet/app.json", s.url)
    );
    let app = s
        .send(Method::GET, "/hosted/wallet/app.json", None, None, &[])
        .await;
    assert_eq!(app.body["serviceworker"]["src"], "sw.js");
    assert_eq!(app.body["serviceworker"]["scope"], "/hosted/wallet/");
    let sw = s
        .send(Method::GET, "/hosted/wallet/sw.js", None, None, &[])
        .await;
    assert!(sw.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(sw.text.contains("paymentrequest"));
    let w = s
        .send(Method::GET, "/hosted/wallet/window", None, None, &[])
        .await;
    let csp = w.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(w.headers["x-frame-options"], "DENY");
    assert!(w.text.contains("•••• 4242") && !w.text.contains("4242424242424242"));
    // Tokens: only for an existing session, one of the wallet's cards, a wallet type.
    token(&s, "ses_nope", "googlePay", 0, 1000, "EUR")
        .await
        .expect_error(404, "resource_not_found");
    let sid = id(&s.session(1000, "EUR", "DE").await);
    token(&s, &sid, "googlePay", 7, 1000, "EUR")
        .await
        .expect_error(400, "invalid_parameter");
    token(&s, &sid, "creditCard", 0, 1000, "EUR")
        .await
        .expect_error(400, "invalid_parameter");
    // Not for a complete session.
    let t = issued(&s, &sid, "googlePay", 0, 1000, "EUR").await;
    let src = pay(&s, PK, &sid, "googlePay", &t).await.ok(201).clone();
    s.attach(&sid, &id(&src)).await.ok(200);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201);
    token(&s, &sid, "googlePay", 0, 1000, "EUR")
        .await
        .expect_error(400, "session_complete");
    s.stop().await;
}

#[tokio::test]
async fn a_live_merchant_has_no_test_wallet() {
    let cfg = paysession_server::config::Config::from_toml(
        r#"
[[merchant]]
id = "live"
public_key = "pk_live_shop"
secret_key = "sk_live_shop"
allowed_origins = ["https://shop.example"]
"#,
    )
    .unwrap();
    let s = start_in(Arc::new(tempfile::tempdir().unwrap()), cfg).await;
    let r = s
        .post(
            "/v1/sessions",
            "sk_live_shop",
            json!({"amount": 1000, "currency": "EUR", "country": "DE"}),
        )
        .await;
    let sid = id(r.ok(201));
    let pm: Value = s
        .get(
            &format!("/v1/sessions/{sid}/payment-methods"),
            "pk_live_shop",
        )
        .await
        .ok(200)
        .clone();
    assert!(pm.get("testWallet").is_none());
    assert!(pm["googlePay"].is_object());
    token(&s, &sid, "googlePay", 0, 1000, "EUR")
        .await
        .expect_error(404, "resource_not_found");
    // A real wallet's token cannot be decrypted by this simulator: refused.
    pay(
        &s,
        "pk_live_shop",
        &sid,
        "googlePay",
        "{\"signature\":\"...\"}",
    )
    .await
    .expect_error(400, "invalid_wallet_token");
    s.stop().await;
}
