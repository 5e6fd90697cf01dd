use crate::common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn keys_and_merchant_isolation() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let p = format!("/v1/sessions/{sid}");
    let r = s.send(Method::GET, &p, None, None, &[]).await;
    r.expect_error(401, "invalid_api_key");
    assert_eq!(r.body["type"], "unauthorized");
    s.get(&p, "sk_test_wrong")
        .await
        .expect_error(401, "invalid_api_key");
    s.send(
        Method::GET,
        &p,
        None,
        None,
        &[("Authorization", "Basic abc")],
    )
    .await
    .expect_error(401, "invalid_api_key");
    // A public key reaches only browser routes.
    let r = s.get(&p, PK).await;
    r.expect_error(403, "permission_denied");
    assert_eq!(r.body["type"], "forbidden");
    s.post(
        "/v1/sessions",
        PK,
        json!({"amount": 1, "currency": "EUR", "country": "DE"}),
    )
    .await
    .expect_error(403, "permission_denied");
    s.patch(&p, PK, json!({"reference": "x"}))
        .await
        .expect_error(403, "permission_denied");
    s.get(&format!("{p}/fields"), PK).await.ok(200);
    s.get(&format!("{p}/payment-methods"), PK).await.ok(200);
    // Another merchant's objects look like they do not exist.
    s.get(&p, "sk_test_other")
        .await
        .expect_error(404, "resource_not_found");
    s.get(&format!("{p}/fields"), "pk_test_other")
        .await
        .expect_error(404, "resource_not_found");
    s.get(&format!("{p}/payment-methods"), "pk_test_other")
        .await
        .expect_error(404, "resource_not_found");
    s.patch(
        &format!("{p}/fields"),
        "pk_test_other",
        json!({"owner": {"firstName": "x"}}),
    )
    .await
    .expect_error(404, "resource_not_found");
    s.post(
        "/v1/sources",
        "pk_test_other",
        json!({"type": "wireTransfer", "sessionId": sid}),
    )
    .await
    .expect_error(404, "resource_not_found");
    s.post("/v1/orders", "sk_test_other", json!({"sessionId": sid}))
        .await
        .expect_error(404, "resource_not_found");
    s.get("/v1/sessions/ses_00000000000000000000000000000000", SK)
        .await
        .expect_error(404, "resource_not_found");
    s.stop().await;
}

#[tokio::test]
async fn cors_allows_the_configured_origins() {
    let s = start().await;
    let pre = |origin: &'static str| {
        s.http
            .request(Method::OPTIONS, format!("{}/v1/sources", s.url))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type, idempotency-key, if-match",
            )
            .send()
    };
    let ok = pre("https://shop.example").await.unwrap();
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    let allowed = ok.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for h in [
        "authorization",
        "content-type",
        "idempotency-key",
        "if-match",
    ] {
        assert!(allowed.contains(h), "{allowed}");
    }
    let other = pre("https://other.example").await.unwrap();
    assert_eq!(
        other.headers()["access-control-allow-origin"],
        "https://other.example"
    );
    let evil = pre("https://evil.example").await.unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    let r = s
        .send(
            Method::GET,
            "/v1/payment-methods?currency=EUR&country=DE",
            Some(PK),
            None,
            &[("Origin", "https://shop.example")],
        )
        .await;
    assert_eq!(
        r.headers["access-control-allow-origin"],
        "https://shop.example"
    );
    // The SDK reads these from another origin: Retry-After for its backoff.
    let exposed = r.headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for h in ["retry-after", "idempotent-replayed"] {
        assert!(exposed.contains(h), "{exposed}");
    }
    s.stop().await;
}

/// A GET without an Authorization header.
async fn no_auth(s: &Server, path: &str) -> Resp {
    s.send(Method::GET, path, None, None, &[]).await
}

#[tokio::test]
async fn a_public_key_in_the_url_reads_without_a_preflight_but_a_secret_key_never_does() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);

    // GET with ?key=pk_… and no Authorization header: a CORS "simple request".
    let pm = no_auth(&s, &format!("/v1/sessions/{sid}/payment-methods?key={PK}")).await;
    assert_eq!(pm.status.as_u16(), 200, "{}", pm.text);
    assert_eq!(pm.body["sessionInformation"]["amount"], 1000);
    let lookup = no_auth(
        &s,
        &format!("/v1/payment-methods?currency=EUR&country=DE&key={PK}"),
    )
    .await;
    assert_eq!(lookup.status.as_u16(), 200, "{}", lookup.text);

    // A secret key is refused in a URL, even on a route it could use with the header.
    no_auth(&s, &format!("/v1/sessions/{sid}?key={SK}"))
        .await
        .expect_error(401, "invalid_api_key");
    no_auth(&s, &format!("/v1/sessions/{sid}/payment-methods?key={SK}"))
        .await
        .expect_error(401, "invalid_api_key");
    // Another merchant's public key still sees nothing of this session.
    no_auth(
        &s,
        &format!("/v1/sessions/{sid}/payment-methods?key=pk_test_other"),
    )
    .await
    .expect_error(404, "resource_not_found");
    no_auth(
        &s,
        &format!("/v1/sessions/{sid}/payment-methods?key=pk_nope"),
    )
    .await
    .expect_error(401, "invalid_api_key");

    // Writes take the key only from the header.
    let r = s
        .send(
            Method::POST,
            &format!("/v1/sources?key={PK}"),
            None,
            Some(serde_json::json!({"type": "wireTransfer", "sessionId": sid, "wireTransfer": {}})),
            &[],
        )
        .await;
    r.expect_error(401, "invalid_api_key");
    s.stop().await;
}
