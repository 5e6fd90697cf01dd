//! The redirect approval page: approve and cancel follow the 303.

use super::*;

#[tokio::test]
async fn redirect_page_approve_and_cancel_follow_the_303() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "NL").await);
    let mk = |t: &'static str| json!({"type": t, "sessionId": sid, t: {"returnUrl": "https://shop.example/return?cart=7", "cancelUrl": "https://shop.example/cancel"}});
    let src = s
        .post("/v1/sources", PK, mk("payPal"))
        .await
        .ok(201)
        .clone();
    let page = s
        .http
        .get(src["redirect"]["redirectUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    assert_strict_csp_page(&headers, &html);
    assert!(html.contains(">Approve</button>") && html.contains(">Cancel</button>"));
    let secret = src["clientSecret"].as_str().unwrap();
    let post_url = format!("{}/hosted/redirect/{}", s.url, id(&src));
    let res = form(
        &s,
        &post_url,
        &[("clientSecret", secret), ("action", "approve")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let loc = res.headers()["location"].to_str().unwrap().to_owned();
    let expect = format!(
        "https://shop.example/return?cart=7&sourceId={}&sourceClientSecret={}&state=chargeable",
        id(&src),
        secret
    );
    assert_eq!(loc, expect);
    let got = s
        .get(
            &format!("/v1/sources/{}?clientSecret={secret}", id(&src)),
            PK,
        )
        .await;
    assert_eq!(got.ok(200)["state"], "chargeable");
    // Approving twice is refused.
    let again = form(
        &s,
        &post_url,
        &[("clientSecret", secret), ("action", "approve")],
    )
    .await;
    assert_eq!(again.status(), 400);

    let k = s
        .post("/v1/sources", PK, mk("klarnaCredit"))
        .await
        .ok(201)
        .clone();
    let ks = k["clientSecret"].as_str().unwrap();
    let res = form(
        &s,
        &format!("{}/hosted/redirect/{}", s.url, id(&k)),
        &[("clientSecret", ks), ("action", "cancel")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let loc = res.headers()["location"].to_str().unwrap();
    assert!(
        loc.starts_with("https://shop.example/cancel?sourceId=")
            && loc.ends_with("&state=cancelled"),
        "{loc}"
    );
    let got = s
        .get(&format!("/v1/sources/{}?clientSecret={ks}", id(&k)), PK)
        .await;
    assert_eq!(got.ok(200)["state"], "cancelled");
    s.attach(&sid, &id(&k))
        .await
        .expect_error(400, "source_state_invalid");
    s.attach(&sid, &id(&src)).await.ok(200);
    assert_eq!(s.retrieve(&sid).await["state"], "requires_confirmation");
    s.stop().await;
}

/// A source that never had a redirect (a card) answered on the redirect form
/// (schemathesis' stateful phase found it a 500): a coded 400, the source
/// unchanged.
#[tokio::test]
async fn the_redirect_form_refuses_a_source_without_a_redirect() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let card = s
        .card_source(&sid, "4242424242424242")
        .await
        .ok(201)
        .clone();
    for action in ["cancel", "approve"] {
        let res = s.redirect_submit(&card, action).await;
        assert_eq!(res.status(), 400, "{action}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], "source_state_invalid", "{body}");
    }
    // The test-mode approval goes through the same flow.
    s.post(
        &format!("/v1/test/sources/{}/approve", id(&card)),
        SK,
        json!({}),
    )
    .await
    .expect_error(400, "source_state_invalid");
    let secret = card["clientSecret"].as_str().unwrap();
    let got = s
        .get(
            &format!("/v1/sources/{}?clientSecret={secret}", id(&card)),
            PK,
        )
        .await;
    assert_eq!(got.ok(200)["state"], card["state"]);
    s.stop().await;
}
