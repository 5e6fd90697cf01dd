use crate::common::*;
use serde_json::json;

fn assert_strict_csp_page(r: &reqwest::header::HeaderMap, html: &str) {
    let csp = r.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("style-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert!(r
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    // No inline script or style: every <script> has a src, no style attributes or elements.
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=").count(),
        "{html}"
    );
    assert!(
        !html.contains("style=") && !html.contains("<style"),
        "{html}"
    );
}

async fn form(s: &Server, url: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    s.http.post(url).form(fields).send().await.unwrap()
}

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

// ---- Hosted-page headers (issue 8, finding 8) ----

fn csp(h: &reqwest::header::HeaderMap) -> String {
    h["content-security-policy"].to_str().unwrap().to_owned()
}

/// `frame-ancestors …` of a page's CSP (the last directive).
fn ancestors(h: &reqwest::header::HeaderMap) -> String {
    let csp = csp(h);
    let d = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("frame-ancestors"));
    d.unwrap_or_else(|| panic!("no frame-ancestors: {csp}"))
        .to_owned()
}

async fn page(s: &Server, url: &str) -> (reqwest::header::HeaderMap, String) {
    let r = s.http.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    (h, r.text().await.unwrap())
}

#[tokio::test]
async fn every_answer_says_nosniff() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "NL").await);
    let src = s
        .post("/v1/sources", PK, json!({"type": "payPal", "sessionId": sid,
            "payPal": {"returnUrl": "https://shop.example/r", "cancelUrl": "https://shop.example/c"}}))
        .await;
    let mut answers = vec![("json 201", src.status.as_u16(), src.headers.clone())];
    let redirect = src.body["redirect"]["redirectUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    for (what, path, key) in [
        ("json 200", format!("/v1/sessions/{sid}"), Some(SK)),
        ("error 401", format!("/v1/sessions/{sid}"), None),
        ("error 404 route", "/nope".to_owned(), None),
        (
            "error 403 page",
            format!("/hosted/redirect/{}?clientSecret=x", id(&src.body)),
            None,
        ),
        ("html page", redirect, None),
        ("html legal", "/hosted/legal/terms".to_owned(), None),
        ("asset js", "/hosted/assets/hosted.js".to_owned(), None),
        ("asset css", "/hosted/assets/hosted.css".to_owned(), None),
        (
            "asset svg",
            "/hosted/assets/icons/payPal.svg".to_owned(),
            None,
        ),
        ("text", "/healthz".to_owned(), None),
    ] {
        let r = s.send(reqwest::Method::GET, &path, key, None, &[]).await;
        answers.push((what, r.status.as_u16(), r.headers));
    }
    let r = s
        .send(reqwest::Method::DELETE, "/healthz", None, None, &[])
        .await;
    answers.push(("error 405", r.status.as_u16(), r.headers));
    let r = s
        .send(
            reqwest::Method::OPTIONS,
            "/v1/sources",
            None,
            None,
            &[
                ("origin", "https://shop.example"),
                ("access-control-request-method", "POST"),
            ],
        )
        .await;
    answers.push(("preflight", r.status.as_u16(), r.headers));
    for (what, status, h) in answers {
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{what} ({status})"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn redirect_approval_and_legal_pages_cannot_be_framed() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "NL").await);
    let src = s
        .post("/v1/sources", PK, json!({"type": "payPal", "sessionId": sid,
            "payPal": {"returnUrl": "https://shop.example/r", "cancelUrl": "https://shop.example/c"}}))
        .await
        .ok(201)
        .clone();
    let approval = src["redirect"]["redirectUrl"].as_str().unwrap().to_owned();
    let mut urls = vec![approval.clone()];
    for doc in ["terms", "privacy", "cookies", "cancellation", "notice"] {
        urls.push(format!("{}/hosted/legal/{doc}", s.url));
    }
    for u in &urls {
        let (h, _) = page(&s, u).await;
        assert_eq!(ancestors(&h), "frame-ancestors 'none'", "{u}");
        assert_eq!(h["x-frame-options"], "DENY", "{u}");
    }
    // The "already handled" page after approval too.
    let res = form(
        &s,
        &format!("{}/hosted/redirect/{}", s.url, id(&src)),
        &[
            ("clientSecret", src["clientSecret"].as_str().unwrap()),
            ("action", "approve"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (h, html) = page(&s, &approval).await;
    assert!(html.contains("data-state=\"chargeable\""), "{html}");
    assert_eq!(ancestors(&h), "frame-ancestors 'none'");
    assert_eq!(h["x-frame-options"], "DENY");
    s.stop().await;
}

/// A 3-D Secure source of `key`'s merchant: (source, page URL).
async fn challenge_source(s: &Server, sk: &str, pk: &str) -> (serde_json::Value, String) {
    let sid = id(&s
        .post(
            "/v1/sessions",
            sk,
            json!({"amount": 1000, "currency": "EUR", "country": "DE"}),
        )
        .await
        .ok(201)
        .clone());
    let src = s
        .post("/v1/sources", pk, json!({"type": "creditCard", "sessionId": sid,
            "creditCard": {"number": "5454545454545454", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}}))
        .await
        .ok(201)
        .clone();
    let url = src["nextAction"]["url"].as_str().unwrap().to_owned();
    (src, url)
}

/// The challenge form's answer for `password`, with `origin` in the form if given.
async fn challenge_answer(
    s: &Server,
    src: &serde_json::Value,
    origin: Option<&str>,
) -> (reqwest::header::HeaderMap, String) {
    let mut f = vec![
        ("clientSecret", src["clientSecret"].as_str().unwrap()),
        ("password", "password"),
    ];
    if let Some(o) = origin {
        f.push(("origin", o));
    }
    let r = form(s, &format!("{}/hosted/challenge/{}", s.url, id(src)), &f).await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    (h, r.text().await.unwrap())
}

#[tokio::test]
async fn the_challenge_page_is_framed_and_answers_only_the_merchants_origins() {
    let s = start().await; // default: ["https://shop.example"]; other: ["https://other.example"]
    let (src, url) = challenge_source(&s, SK, PK).await;
    // The embedding page's origin, when it is the merchant's: the only ancestor,
    // carried by the form, the only recipient of the result.
    let (h, html) = page(&s, &format!("{url}&origin=https://shop.example")).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://shop.example");
    assert!(h.get("x-frame-options").is_none());
    assert!(
        html.contains("<input type=\"hidden\" name=\"origin\" value=\"https://shop.example\">"),
        "{html}"
    );
    // Anything else asked for: the registered origins, no origin in the form.
    for asked in [
        "https://evil.example",
        "https://other.example",
        "https://shop.example/",
        "null",
        "*",
    ] {
        let (h, html) = page(&s, &format!("{url}&origin={}", asked.replace(':', "%3A"))).await;
        assert_eq!(
            ancestors(&h),
            "frame-ancestors https://shop.example",
            "{asked}"
        );
        assert!(!html.contains("name=\"origin\""), "{asked}: {html}");
    }
    let (h, _) = page(&s, &url).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://shop.example");

    let (h, html) = challenge_answer(&s, &src, Some("https://shop.example")).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://shop.example");
    assert!(
        html.contains(" data-post-to=\"https://shop.example\""),
        "{html}"
    );
    // Reloading the result with a foreign origin posts to the registered one only.
    let (h, html) = page(&s, &format!("{url}&origin=https://evil.example")).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://shop.example");
    assert!(
        html.contains(" data-post-to=\"https://shop.example\""),
        "{html}"
    );
    assert!(!html.contains("evil.example"), "{html}");

    // The other merchant's page: its own origin only.
    let (src2, url2) = challenge_source(&s, "sk_test_other", "pk_test_other").await;
    let (h, _) = page(&s, &format!("{url2}&origin=https://shop.example")).await;
    assert_eq!(ancestors(&h), "frame-ancestors https://other.example");
    let (_, html) = challenge_answer(&s, &src2, Some("https://shop.example")).await;
    assert!(
        html.contains(" data-post-to=\"https://other.example\""),
        "{html}"
    );
    s.stop().await;
}

#[tokio::test]
async fn the_any_origin_merchant_frames_for_the_asked_origin_and_posts_to_it_alone() {
    let s = start_in(
        std::sync::Arc::new(tempfile::tempdir().unwrap()),
        paysession_server::Config::default(),
    )
    .await;
    let (src, url) = challenge_source(&s, SK, PK).await;
    let (h, html) = page(&s, &format!("{url}&origin=http://127.0.0.1:4174")).await;
    assert_eq!(ancestors(&h), "frame-ancestors http://127.0.0.1:4174");
    assert!(
        html.contains("name=\"origin\" value=\"http://127.0.0.1:4174\""),
        "{html}"
    );
    let (h, html) = challenge_answer(&s, &src, Some("http://127.0.0.1:4174")).await;
    assert_eq!(ancestors(&h), "frame-ancestors http://127.0.0.1:4174");
    assert!(
        html.contains(" data-post-to=\"http://127.0.0.1:4174\""),
        "{html}"
    );
    // No usable origin: any page may frame it (every origin is this merchant's),
    // and since none is known the result is posted to no one.
    for q in [
        "",
        "&origin=null",
        "&origin=https://a.example/path",
        "&origin=javascript:x",
    ] {
        let (h, html) = page(&s, &format!("{url}{q}")).await;
        assert_eq!(ancestors(&h), "frame-ancestors *", "{q}");
        assert!(html.contains(" data-post-to=\"\""), "{q}: {html}");
    }
    s.stop().await;
}

#[tokio::test]
async fn hosted_js_posts_only_to_the_named_origins() {
    let s = start().await;
    let js = s
        .http
        .get(format!("{}/hosted/assets/hosted.js", s.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(js.contains("data-post-to"), "{js}");
    // Every postMessage names a target origin taken from the page, none is "*".
    assert!(!js.contains("\"*\"") && !js.contains("'*'"), "{js}");
    assert_eq!(js.matches("postMessage(").count(), 1, "{js}");
    assert!(js.contains("postMessage(msg, to[j])"), "{js}");
    s.stop().await;
}

/// `GET /hosted/field`: the drop-in's card frames made at mount, before the
/// payment-methods answer names the fields origin, are asked of the API,
/// which sends them to the fields origin's `/field` with the same query; a
/// server without a fields origin answers `404 resource_not_found`.
#[tokio::test]
async fn the_field_frame_redirects_to_the_fields_origin_with_its_query() {
    let path = "/hosted/field?k=pk_test_default&o=http%3A%2F%2Fshop.example";
    let none = start().await;
    none.get(path, PK)
        .await
        .expect_error(404, "resource_not_found");

    let s = start_tuned(
        std::sync::Arc::new(tempfile::tempdir().unwrap()),
        paysession_server::config::Config::default(),
        None,
        |st| st.fields_url = Some("http://fields.example:8081".into()),
    )
    .await;
    let r = s.get(path, PK).await;
    assert_eq!(r.status, 302);
    assert_eq!(
        r.headers["location"].to_str().unwrap(),
        format!(
            "http://fields.example:8081/field?{}",
            path.split_once('?').unwrap().1
        )
    );
    assert_eq!(r.headers["cache-control"], "private, max-age=300");
    // The same origin the payment-methods answer names.
    let ses = s.session(1000, "EUR", "NL").await;
    let methods = format!("/v1/sessions/{}/payment-methods", id(&ses));
    let pm = s.get(&methods, PK).await;
    assert_eq!(pm.ok(200)["fieldsUrl"], "http://fields.example:8081");
}
