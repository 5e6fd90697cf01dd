//! The hosted pages over HTTP: the 3-D Secure challenge, the redirect
//! approval, their headers, and who may frame them.

use crate::common::*;
use serde_json::json;

mod challenge;
mod framing;
mod headers;
mod redirect;

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
