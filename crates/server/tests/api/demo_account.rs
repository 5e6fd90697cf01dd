//! The demo shop's account cookie, `apiBase` and page headers (issue 18,
//! item 3): the cookie is HMAC-signed, a bare, tampered or foreign value is
//! a fresh account; `apiBase` is `--public-url`, never the request's `Host`;
//! the page sends its policy as headers.

use crate::common::*;
use paysession_server::{AppState, Config, SqliteStore, Vault};
use serde_json::{json, Value};
use std::sync::Arc;

fn www() -> tempfile::TempDir {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(
        www.path().join("index.html"),
        "<!doctype html><meta http-equiv=\"Content-Security-Policy\"\n  content=\"default-src 'self'; connect-src 'self'; frame-src 'self'; base-uri 'none'\"><h1>demo shop</h1>",
    )
    .unwrap();
    www
}

/// A demo server whose `--public-url` is `public_url` (a TLS proxy in front
/// of it, say); requests go to its real listener. Returns its URL and a stop.
async fn start_public(
    demo: &std::path::Path,
    public_url: &str,
) -> (String, tokio::sync::oneshot::Sender<()>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("t.db")).unwrap());
    let mut state = AppState::new(Config::default(), store, Vault::random());
    state.demo_dir = Some(demo.to_owned());
    state.ratelimit = Arc::new(paysession_server::ratelimit::RateLimiter::new(
        paysession_server::ratelimit::RateLimits::off(),
    ));
    state.public_url = public_url.to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(paysession_server::serve(listener, state, async {
        let _ = rx.await;
    }));
    (url, tx, dir)
}

/// `POST /demo/api/{what}` for an NL/EUR shopper with `cookie` (none when
/// empty): the answer's body and its `Set-Cookie`, if any.
async fn demo_post(
    http: &reqwest::Client,
    base: &str,
    what: &str,
    cookie: &str,
    extra: &[(&str, &str)],
) -> (Value, Option<String>) {
    let body = match what {
        "checkout" => {
            json!({"items": [{"sku": "mug", "quantity": 1}], "country": "NL", "currency": "EUR", "account": true})
        }
        _ => json!({"country": "NL", "currency": "EUR"}),
    };
    let mut r = http.post(format!("{base}/demo/api/{what}")).json(&body);
    if !cookie.is_empty() {
        r = r.header("cookie", cookie);
    }
    for (k, v) in extra {
        r = r.header(*k, *v);
    }
    let res = r.send().await.unwrap();
    assert_eq!(res.status(), 200);
    let set = res
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned());
    (res.json().await.unwrap(), set)
}

/// `name=value` of a `Set-Cookie`.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

/// The customer of a session, as the merchant sees it.
async fn customer_of(s: &Server, sid: &Value) -> String {
    let sid = sid.as_str().unwrap();
    s.get(&format!("/v1/sessions/{sid}"), SK).await.ok(200)["customerId"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn a_forged_or_tampered_account_cookie_gets_a_fresh_account() {
    let www = www();
    let s = start_demo(www.path().to_owned()).await;
    // The victim's account, with a saved card.
    let (co, set) = demo_post(&s.http, &s.url, "checkout", "", &[]).await;
    let victim_set = set.expect("a new account sets its cookie");
    let victim = customer_of(&s, &co["sessionId"]).await;
    assert!(victim.starts_with("cus_"));
    let cookie = pair(&victim_set);
    let sid = co["sessionId"].as_str().unwrap();
    let src = id(s
        .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "usage": "convenience",
            "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}}))
        .await
        .ok(201));
    let pm = id(s
        .post(
            &format!("/v1/sessions/{sid}/payment-methods"),
            PK,
            json!({"sourceId": src}),
        )
        .await
        .ok(201));
    // The victim's own cookie is the victim's account.
    let (own, set) = demo_post(&s.http, &s.url, "account", &cookie, &[]).await;
    assert_eq!(customer_of(&s, &own["sessionId"]).await, victim);
    assert!(set.is_none());

    // A forged bare id, the victim's id under a tampered tag, a foreign tag.
    let value = &cookie["demo_customer=".len()..];
    let (id_part, tag) = value.split_once('.').unwrap_or((value, "00"));
    let flipped: String = tag
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '0' {
                    '1'
                } else {
                    '0'
                }
            } else {
                c
            }
        })
        .collect();
    for forged in [
        format!("demo_customer={victim}"),
        format!("demo_customer={id_part}.{flipped}"),
        format!("demo_customer={id_part}.{}", "ab".repeat(32)),
    ] {
        let (acct, set) = demo_post(&s.http, &s.url, "account", &forged, &[]).await;
        let theirs = customer_of(&s, &acct["sessionId"]).await;
        assert!(theirs.starts_with("cus_"));
        assert_ne!(theirs, victim, "{forged} must not be the victim's account");
        assert!(set.is_some(), "{forged}: a fresh account sets its cookie");
        // That session shows none of the victim's cards, cannot pay with nor delete them.
        let asid = acct["sessionId"].as_str().unwrap();
        let methods = s
            .get(&format!("/v1/sessions/{asid}/payment-methods"), PK)
            .await;
        assert!(
            !methods.text.contains(&pm),
            "{forged}: the victim's card is shown"
        );
        s.post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": asid, "paymentMethodId": pm, "creditCard": {"cvv": "123"}}))
            .await
            .expect_error(404, "resource_not_found");
        s.delete(&format!("/v1/sessions/{asid}/payment-methods/{pm}"), PK)
            .await
            .expect_error(404, "resource_not_found");
    }
    // The victim's card is still there.
    let (own, _) = demo_post(&s.http, &s.url, "account", &cookie, &[]).await;
    let osid = own["sessionId"].as_str().unwrap();
    let methods = s
        .get(&format!("/v1/sessions/{osid}/payment-methods"), PK)
        .await;
    assert_eq!(methods.ok(200)["savedPaymentMethods"][0]["id"], pm.as_str());
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/demo/api"] {
        assert!(victim_set.contains(attr), "{victim_set}");
    }
    assert!(
        !victim_set.contains("Secure"),
        "http: no Secure ({victim_set})"
    );
    s.stop().await;
}

#[tokio::test]
async fn api_base_is_the_public_url_never_the_host_header() {
    let www = www();
    let s = start_demo(www.path().to_owned()).await;
    let (co, _) = demo_post(&s.http, &s.url, "checkout", "", &[("host", "evil.example")]).await;
    assert_eq!(co["apiBase"], s.url.as_str());
    s.stop().await;

    let (url, stop, _dir) = start_public(www.path(), "https://shop.example").await;
    let http = reqwest::Client::new();
    let (co, set) = demo_post(&http, &url, "checkout", "", &[("host", "evil.example")]).await;
    assert_eq!(co["apiBase"], "https://shop.example");
    let set = set.unwrap();
    assert!(set.contains("; Secure"), "https: Secure ({set})");
    let _ = stop.send(());
}

#[tokio::test]
async fn the_demo_page_sends_its_policy_as_headers() {
    let www = www();
    let s = start_demo(www.path().to_owned()).await;
    for path in ["/", "/index.html"] {
        let res = s.http.get(format!("{}{path}", s.url)).send().await.unwrap();
        let h = res.headers();
        let get = |n: &str| h.get(n).map(|v| v.to_str().unwrap().to_owned());
        let csp = get("content-security-policy").expect("a CSP header");
        assert!(
            csp.starts_with("default-src 'self'; connect-src 'self'"),
            "{csp}"
        );
        assert!(csp.ends_with("; frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("base-uri 'none'"), "{csp}");
        assert_eq!(
            get("cross-origin-opener-policy").as_deref(),
            Some("same-origin")
        );
        assert_eq!(get("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(get("cache-control").as_deref(), Some("no-cache"));
        assert_eq!(get("strict-transport-security"), None, "http: no HSTS");
    }
    s.stop().await;

    let (url, stop, _dir) = start_public(www.path(), "https://shop.example").await;
    let res = reqwest::get(format!("{url}/")).await.unwrap();
    let h = res.headers();
    assert_eq!(
        h.get("strict-transport-security")
            .map(|v| v.to_str().unwrap()),
        Some("max-age=31536000")
    );
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(
        csp.contains("connect-src 'self' https://shop.example"),
        "the API's origin is allowed: {csp}"
    );
    let _ = stop.send(());
}
