//! Rate limits (docs/API.md §5.12): public-key requests per (key, client
//! address) and demo checkouts per client address; `429 rate_limit_exceeded`
//! with `Retry-After`. The clock is the harness's ManualClock: refills are
//! made by moving it, never by sleeping.

use crate::common::*;
use paysession_server::ratelimit::{LimitSpec, RateLimiter, RateLimits};
use reqwest::Method;
use serde_json::{json, Value};
use std::{net::IpAddr, sync::Arc};

const PK_OTHER: &str = "pk_test_other";

fn limits(public: &str, demo_checkout: &str) -> RateLimits {
    RateLimits {
        public_key: public.parse::<LimitSpec>().unwrap().0,
        demo_checkout: demo_checkout.parse::<LimitSpec>().unwrap().0,
        ..RateLimits::default()
    }
}

async fn limited(public: &str, demo_checkout: &str, demo: Option<std::path::PathBuf>) -> Server {
    let config = match demo {
        Some(_) => paysession_server::Config::default(),
        None => two_merchants(),
    };
    let l = limits(public, demo_checkout);
    start_tuned(
        Arc::new(tempfile::tempdir().unwrap()),
        config,
        demo,
        move |s| s.ratelimit = Arc::new(RateLimiter::new(l)),
    )
    .await
}

/// The exact answer to a refused request.
fn expect_throttled(r: &Resp) -> u64 {
    assert_eq!(r.status.as_u16(), 429, "{}", r.text);
    assert_eq!(
        r.body,
        json!({"type": "rate_limited", "errors": [{
            "code": "rate_limit_exceeded",
            "message": "Too many requests: wait the seconds in Retry-After, then try again."
        }]}),
        "{}",
        r.text
    );
    let retry = r
        .headers
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap();
    retry.parse::<u64>().expect("Retry-After in whole seconds")
}

/// A client whose connections come from `addr` (any 127.0.0.0/8 address on Linux).
fn client_from(addr: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(addr.parse::<IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn get_from(c: &reqwest::Client, s: &Server, path: &str, key: &str) -> Resp {
    Resp::read(
        c.get(format!("{}{path}", s.url))
            .bearer_auth(key)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_public_key_burst_over_the_limit_gets_429_and_retry_after() {
    // Three requests at once, then one every 20 minutes.
    let s = limited("3/h", "off", None).await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let methods = format!("/v1/sessions/{sid}/payment-methods");
    s.get(&methods, PK).await.ok(200);
    // `?key=pk_…` counts as the same key.
    s.send(Method::GET, &format!("{methods}?key={PK}"), None, None, &[])
        .await
        .ok(200);
    s.card_source(&sid, "4242424242424242").await.ok(201);

    let r = s.get(&methods, PK).await;
    let retry = expect_throttled(&r);
    assert!((600..=1200).contains(&retry), "Retry-After {retry}");
    // POSTs and the query key are refused alike; refusals do not extend the wait.
    expect_throttled(&s.card_source(&sid, "5555555555554444").await);
    let q = s
        .send(Method::GET, &format!("{methods}?key={PK}"), None, None, &[])
        .await;
    assert!(expect_throttled(&q) <= retry);
    // A browser on an allowed origin can read the 429 and its Retry-After.
    let r = s
        .send(
            Method::GET,
            &methods,
            Some(PK),
            None,
            &[("origin", "https://shop.example")],
        )
        .await;
    expect_throttled(&r);
    assert_eq!(
        r.headers["access-control-allow-origin"],
        "https://shop.example"
    );
    assert!(r.headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("retry-after"));
    // A bad key is still the route's 401, not a 429.
    s.get(&methods, "pk_test_nobody")
        .await
        .expect_error(401, "invalid_api_key");
}

#[tokio::test]
async fn another_key_or_another_address_is_unaffected() {
    let s = limited("2/h", "off", None).await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let other_sid = id(&s
        .post(
            "/v1/sessions",
            "sk_test_other",
            json!({"amount": 1000, "currency": "EUR", "country": "DE"}),
        )
        .await
        .ok(201)
        .clone());
    let methods = format!("/v1/sessions/{sid}/payment-methods");
    for _ in 0..2 {
        s.get(&methods, PK).await.ok(200);
    }
    expect_throttled(&s.get(&methods, PK).await);

    // The other merchant's public key, same address: its own bucket.
    let other = format!("/v1/sessions/{other_sid}/payment-methods");
    for _ in 0..2 {
        s.get(&other, PK_OTHER).await.ok(200);
    }
    expect_throttled(&s.get(&other, PK_OTHER).await);

    // The same key from another address: its own bucket.
    let elsewhere = client_from("127.0.0.2");
    for _ in 0..2 {
        get_from(&elsewhere, &s, &methods, PK).await.ok(200);
    }
    expect_throttled(&get_from(&elsewhere, &s, &methods, PK).await);
    // ...and 127.0.0.1 is still throttled.
    expect_throttled(&s.get(&methods, PK).await);
}

#[tokio::test]
async fn the_bucket_refills_after_retry_after() {
    let s = limited("2/h", "off", None).await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let methods = format!("/v1/sessions/{sid}/payment-methods");
    for _ in 0..2 {
        s.get(&methods, PK).await.ok(200);
    }
    let retry = expect_throttled(&s.get(&methods, PK).await);
    s.advance(retry);
    s.get(&methods, PK).await.ok(200);
    // One token came back, not the whole bucket.
    let again = expect_throttled(&s.get(&methods, PK).await);
    assert!(again > 1, "{again}");
    // A refused POST was not stored under its Idempotency-Key: once the bucket
    // refills, the same key runs the request. (A fresh session: the clock has
    // moved on by half its lifetime.)
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let src = json!({"type": "creditCard", "sessionId": sid, "creditCard":
        {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}});
    let key = [("idempotency-key", "rl-refused-once")];
    let r = s
        .send(
            Method::POST,
            "/v1/sources",
            Some(PK),
            Some(src.clone()),
            &key,
        )
        .await;
    let retry = expect_throttled(&r);
    s.advance(retry);
    let r = s
        .send(Method::POST, "/v1/sources", Some(PK), Some(src), &key)
        .await;
    r.ok(201);
    assert!(r.headers.get("idempotent-replayed").is_none());
    // A full period refills the whole bucket.
    s.advance(3600);
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let methods = format!("/v1/sessions/{sid}/payment-methods");
    for _ in 0..2 {
        s.get(&methods, PK).await.ok(200);
    }
    expect_throttled(&s.get(&methods, PK).await);
}

#[tokio::test]
async fn secret_key_traffic_is_not_limited() {
    let s = limited("1/h", "1/h", None).await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let methods = format!("/v1/sessions/{sid}/payment-methods");
    s.get(&methods, PK).await.ok(200);
    expect_throttled(&s.get(&methods, PK).await);
    // The merchant's server, from the same address, on the same merchant.
    for i in 0..30 {
        let sid = id(&s.session(1000 + i, "EUR", "DE").await);
        s.get(&format!("/v1/sessions/{sid}/payment-methods"), SK)
            .await
            .ok(200);
        let src = s
            .post("/v1/sources", SK, json!({"type": "creditCard", "sessionId": sid,
                "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}}))
            .await;
        // The merchant route refuses card data (a 400), but never a 429.
        assert_ne!(src.status.as_u16(), 429, "{}", src.text);
        s.retrieve(&sid).await;
    }
    // Key-less routes are not limited either.
    for _ in 0..30 {
        s.send(Method::GET, "/healthz", None, None, &[])
            .await
            .ok(200);
    }
}

#[tokio::test]
async fn demo_checkout_is_limited_per_address() {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), "<h1>demo shop</h1>").unwrap();
    // Two checkouts at once, then one every 30 minutes; public keys: one request.
    let s = limited("1/h", "2/h", Some(www.path().to_owned())).await;
    let cart =
        json!({"items": [{"sku": "mug", "quantity": 1}], "country": "DE", "currency": "EUR"});
    let checkout = || s.post("/demo/api/checkout", "", cart.clone());
    let first: Value = checkout().await.ok(200).clone();
    checkout().await.ok(200);
    let r = checkout().await;
    let retry = expect_throttled(&r);
    assert!((900..=1800).contains(&retry), "Retry-After {retry}");

    // The demo merchant's own calls (secret key, in-process) are not limited:
    // the sessions handed out can still be paid.
    let sid = first["sessionId"].as_str().unwrap().to_owned();
    let src = id(s.card_source(&sid, "4242424242424242").await.ok(201));
    s.demo_source(&sid, &src).await;
    s.post("/demo/api/orders", "", json!({"sessionId": sid}))
        .await
        .ok(201);

    // Another address checks out.
    let elsewhere = client_from("127.0.0.2");
    let r = Resp::read(
        elsewhere
            .post(format!("{}/demo/api/checkout", s.url))
            .json(&cart)
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.ok(200);
    // After Retry-After, one more from here.
    s.advance(retry);
    checkout().await.ok(200);
    expect_throttled(&checkout().await);
}
