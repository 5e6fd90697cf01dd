//! The 3-D Secure challenge page: the password, a wrong one, a card that needs none.

use super::*;

#[tokio::test]
async fn three_d_secure_challenge_page_succeeds_with_the_password() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let src = s.post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": "5454545454545454", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"},
        "browserInfo": {"screenWidth": 1280, "screenHeight": 800, "colorDepth": 24, "timeZoneOffset": -60, "language": "de-DE", "userAgent": "test", "javaEnabled": false}
    })).await;
    let src = src.ok(201).clone();
    assert_eq!(src["state"], "requires_action");
    assert_eq!(src["nextAction"]["type"], "challenge");
    let url = src["nextAction"]["url"].as_str().unwrap().to_owned();
    let secret = src["clientSecret"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!(
            "{}/hosted/challenge/{}?clientSecret=",
            s.url,
            id(&src)
        )),
        "{url}"
    );
    // A source that still needs action cannot be attached.
    s.attach(&sid, &id(&src))
        .await
        .expect_error(400, "source_state_invalid");
    let auth = format!("/v1/sources/{}/authenticate", id(&src));
    assert_eq!(
        s.post(&auth, PK, json!({"clientSecret": secret}))
            .await
            .ok(200)["status"],
        "pending"
    );

    let page = s.http.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    assert_strict_csp_page(&headers, &html);
    assert!(html.contains("<form method=\"post\"") && html.contains("name=\"password\""));

    let post_url = format!("{}/hosted/challenge/{}", s.url, id(&src));
    let res = form(
        &s,
        &post_url,
        &[("clientSecret", &secret), ("password", "password")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    let html = res.text().await.unwrap();
    assert_strict_csp_page(&headers, &html);
    assert!(
        html.contains("data-state=\"chargeable\"")
            && html.contains(&format!("data-source-id=\"{}\"", id(&src)))
    );
    assert!(html.contains("<script src=\"/hosted/assets/hosted.js\">"));
    let js = s
        .http
        .get(format!("{}/hosted/assets/hosted.js", s.url))
        .send()
        .await
        .unwrap();
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let js = js.text().await.unwrap();
    assert!(
        js.contains("postMessage")
            && js.contains("paysession:challenge")
            && js.contains("sourceId")
    );

    let r = s
        .post(&auth, PK, json!({"clientSecret": secret, "sessionId": sid}))
        .await;
    let r = r.ok(200);
    assert_eq!(r["status"], "complete");
    assert_eq!(r["source"]["state"], "chargeable");
    s.post(&auth, PK, json!({"clientSecret": "nope"}))
        .await
        .expect_error(403, "invalid_client_secret");
    let other = id(&s.session(1000, "EUR", "DE").await);
    s.post(
        &auth,
        PK,
        json!({"clientSecret": secret, "sessionId": other}),
    )
    .await
    .expect_error(400, "source_session_mismatch");
    let v = s.attach(&sid, &id(&src)).await;
    assert_eq!(v.ok(200)["state"], "requires_confirmation");
    // Wrong secret on the hosted page.
    let bad = form(
        &s,
        &post_url,
        &[("clientSecret", "x"), ("password", "password")],
    )
    .await;
    assert_eq!(bad.status(), 403);
    s.stop().await;
}

#[tokio::test]
async fn three_d_secure_wrong_password_fails_and_non_sca_needs_none() {
    let s = start().await;
    let sid = id(&s.session(1000, "GBP", "GB").await);
    let src = s
        .card_source(&sid, "4917610000000000")
        .await
        .ok(201)
        .clone();
    let secret = src["clientSecret"].as_str().unwrap();
    let res = form(
        &s,
        &format!("{}/hosted/challenge/{}", s.url, id(&src)),
        &[("clientSecret", secret), ("password", "letmein")],
    )
    .await;
    let html = res.text().await.unwrap();
    assert!(html.contains("data-state=\"failed\""), "{html}");
    let auth = format!("/v1/sources/{}/authenticate", id(&src));
    assert_eq!(
        s.post(&auth, PK, json!({"clientSecret": secret}))
            .await
            .ok(200)["status"],
        "failed"
    );
    s.attach(&sid, &id(&src))
        .await
        .expect_error(400, "source_state_invalid");
    // The authenticate endpoint also takes the answer directly.
    let src2 = s
        .card_source(&sid, "5454545454545454")
        .await
        .ok(201)
        .clone();
    let r = s
        .post(
            &format!("/v1/sources/{}/authenticate", id(&src2)),
            PK,
            json!({"clientSecret": src2["clientSecret"], "challengeResponse": "password"}),
        )
        .await;
    assert_eq!(r.ok(200)["status"], "complete");
    let plain = s
        .card_source(&sid, "4242424242424242")
        .await
        .ok(201)
        .clone();
    let r = s
        .post(
            &format!("/v1/sources/{}/authenticate", id(&plain)),
            PK,
            json!({"clientSecret": plain["clientSecret"]}),
        )
        .await;
    assert_eq!(r.ok(200)["status"], "authentication_not_required");
    s.stop().await;
}
