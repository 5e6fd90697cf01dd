//! Hosted-page headers (issue 8, finding 8): `nosniff` on every answer, pages that cannot be framed.

use super::*;

#[tokio::test]
async fn every_answer_says_nosniff() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "NL").await);
    let src = s.paypal_source(&sid).await;
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
    let src = s.paypal_source(&sid).await.ok(201).clone();
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
    let res = s.redirect_submit(&src, "approve").await;
    assert_eq!(res.status(), 303);
    let (h, html) = page(&s, &approval).await;
    assert!(html.contains("data-state=\"chargeable\""), "{html}");
    assert_eq!(ancestors(&h), "frame-ancestors 'none'");
    assert_eq!(h["x-frame-options"], "DENY");
    s.stop().await;
}
