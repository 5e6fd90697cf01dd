//! Redirect targets (issue 8, finding 6): `returnUrl`/`cancelUrl` only on the
//! merchant's registered origins, stored as the URL parser's ASCII
//! serialisation, and `Location` built from it; links the server hands out
//! come from configuration, never from the request's `Host`.

use crate::common::*;
use paysession_server::config::Config;
use serde_json::{json, Value};
use std::sync::Arc;

const PAYPAL: &str = "payPal";

fn body(sid: &str, t: &str, return_url: &str, cancel_url: &str) -> Value {
    json!({"type": t, "sessionId": sid, t: {"returnUrl": return_url, "cancelUrl": cancel_url}})
}

async fn start_config(toml: &str) -> Server {
    start_in(
        Arc::new(tempfile::tempdir().unwrap()),
        Config::from_toml(toml).unwrap(),
    )
    .await
}

/// Approves (or cancels) a redirect source on its hosted page: the `Location`.
async fn submit(s: &Server, src: &Value, action: &str) -> Vec<u8> {
    let res = s.redirect_submit(src, action).await;
    assert_eq!(res.status(), 303);
    res.headers()["location"].as_bytes().to_vec()
}

#[tokio::test]
async fn redirect_targets_off_the_merchants_origins_are_refused() {
    let s = start().await; // merchant "default": allowed_origins = ["https://shop.example"]
    let session = s.session(1000, "EUR", "NL").await;
    let sid = id(&session);
    let ok = "https://shop.example/return";
    let unregistered = [
        "https://evil.example/return",
        "https://shop.example.evil.example/",
        "http://shop.example/return",
        "https://shop.example:8443/return",
        "https://other.example/return", // another merchant's origin
    ];
    for t in ["payPal", "klarnaCredit", "ideal"] {
        for bad in unregistered {
            for (field, b) in [
                ("returnUrl", body(&sid, t, bad, ok)),
                ("cancelUrl", body(&sid, t, ok, bad)),
            ] {
                let r = s.post("/v1/sources", PK, b).await;
                r.expect_error(400, "invalid_parameter");
                assert_eq!(r.param(), format!("{t}.{field}"), "{bad}: {}", r.text);
            }
        }
    }
    // Malformed stays invalid_url, naming the field.
    for bad in [
        "/return",
        "shop.example/return",
        "javascript:alert(1)",
        "ftp://shop.example/x",
        "https://",
        "https://user:pw@shop.example/return",
        "https://shop.example/re\nturn",
        "https://shop.example/re turn",
        "https://shop.example:99999/",
        // WHATWG: a backslash ends the host of an http(s) URL; this is
        // evil.example. Core's one rule refuses any backslash.
        "https://evil.example\\.shop.example/",
        "https://evil.example\\@shop.example/",
    ] {
        for (field, b) in [
            ("returnUrl", body(&sid, PAYPAL, bad, ok)),
            ("cancelUrl", body(&sid, PAYPAL, ok, bad)),
        ] {
            let r = s.post("/v1/sources", PK, b).await;
            r.expect_error(400, "invalid_url");
            assert_eq!(r.param(), format!("payPal.{field}"), "{bad:?}");
        }
    }
    // Nothing was written: the session's version did not move.
    assert_eq!(s.retrieve(&sid).await["version"], session["version"]);
    s.stop().await;
}

#[tokio::test]
async fn a_registered_origin_is_accepted_and_its_fragment_kept() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "NL").await);
    let src = s
        .post(
            "/v1/sources",
            PK,
            body(
                &sid,
                PAYPAL,
                "https://SHOP.example:443/return?cart=7#step-2",
                "https://shop.example",
            ),
        )
        .await
        .ok(201)
        .clone();
    // Stored as the parser serialises it (lower-case host, no default port, a path).
    assert_eq!(
        src["redirect"]["returnUrl"],
        "https://shop.example/return?cart=7#step-2"
    );
    assert_eq!(src["redirect"]["cancelUrl"], "https://shop.example/");
    let loc = submit(&s, &src, "approve").await;
    assert_eq!(
        String::from_utf8(loc).unwrap(),
        format!(
            "https://shop.example/return?cart=7&sourceId={}&sourceClientSecret={}&state=chargeable#step-2",
            id(&src),
            src["clientSecret"].as_str().unwrap()
        )
    );
    s.stop().await;
}

#[tokio::test]
async fn the_any_origin_merchant_keeps_todays_behaviour() {
    let s = start_in(Arc::new(tempfile::tempdir().unwrap()), Config::default()).await;
    let sid = id(&s.session(1000, "EUR", "NL").await);
    let src = s
        .post(
            "/v1/sources",
            PK,
            body(
                &sid,
                PAYPAL,
                "https://evil.example/.shop.example/",
                "http://localhost:3000/cancel",
            ),
        )
        .await
        .ok(201)
        .clone();
    assert_eq!(
        src["redirect"]["returnUrl"],
        "https://evil.example/.shop.example/"
    );
    assert_eq!(src["redirect"]["cancelUrl"], "http://localhost:3000/cancel");
    let loc = String::from_utf8(submit(&s, &src, "cancel").await).unwrap();
    assert!(
        loc.starts_with("http://localhost:3000/cancel?sourceId=")
            && loc.ends_with("&state=cancelled"),
        "{loc}"
    );
    // Malformed is still refused, and so is the backslash trick (a browser
    // reads `https://evil.example\.shop.example/` as host evil.example).
    for bad in [
        "javascript:alert(1)",
        "https://evil.example\\.shop.example/",
    ] {
        s.post(
            "/v1/sources",
            PK,
            body(&sid, PAYPAL, bad, "https://a.example/"),
        )
        .await
        .expect_error(400, "invalid_url");
    }
    s.stop().await;
}

#[tokio::test]
async fn punycode_hosts_and_encoded_paths_are_stored_and_sent_normalised() {
    let s = start_config(
        r#"
[[merchant]]
id = "idn"
public_key = "pk_test_idn"
secret_key = "sk_test_idn"
allowed_origins = ["https://xn--bcher-kva.example"]
"#,
    )
    .await;
    let sid = id(&s
        .post(
            "/v1/sessions",
            "sk_test_idn",
            json!({"amount": 1000, "currency": "EUR", "country": "NL"}),
        )
        .await
        .ok(201)
        .clone());
    let src = s
        .post(
            "/v1/sources",
            "pk_test_idn",
            body(
                &sid,
                PAYPAL,
                "https://XN--Bcher-kva.example:443/zur%C3%BCck?wort=gr%C3%BC%C3%9Fe#oben",
                "https://xn--bcher-kva.example/abbruch/%C3%BC",
            ),
        )
        .await
        .ok(201)
        .clone();
    let ret = "https://xn--bcher-kva.example/zur%C3%BCck?wort=gr%C3%BC%C3%9Fe#oben";
    assert_eq!(src["redirect"]["returnUrl"], ret);
    assert_eq!(
        src["redirect"]["cancelUrl"],
        "https://xn--bcher-kva.example/abbruch/%C3%BC"
    );
    let loc = submit(&s, &src, "approve").await;
    assert!(loc.is_ascii(), "{}", String::from_utf8_lossy(&loc));
    assert_eq!(
        String::from_utf8(loc).unwrap(),
        format!(
            "https://xn--bcher-kva.example/zur%C3%BCck?wort=gr%C3%BC%C3%9Fe&sourceId={}&sourceClientSecret={}&state=chargeable#oben",
            id(&src),
            src["clientSecret"].as_str().unwrap()
        )
    );
    // Raw non-ASCII never gets in (the SDK refuses it too: core's one rule),
    // so it can never reach `Location` as raw bytes.
    for raw in [
        "https://Bücher.example/zurück",
        "https://xn--bcher-kva.example/zurück",
    ] {
        let r = s
            .post("/v1/sources", "pk_test_idn", body(&sid, PAYPAL, raw, ret))
            .await;
        r.expect_error(400, "invalid_url");
        assert_eq!(r.param(), "payPal.returnUrl");
    }
    // Another host is refused like any other.
    s.post(
        "/v1/sources",
        "pk_test_idn",
        body(&sid, PAYPAL, "https://xn--bchers-kva.example/", ret),
    )
    .await
    .expect_error(400, "invalid_parameter");
    s.stop().await;
}

#[tokio::test]
async fn links_come_from_the_public_url_never_from_host() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let evil = [("host", "evil.example")];
    let card = json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": "5454545454545454", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}});
    let r = s
        .send(
            reqwest::Method::POST,
            "/v1/sources",
            Some(PK),
            Some(card),
            &evil,
        )
        .await;
    let challenge = r.ok(201)["nextAction"]["url"].as_str().unwrap().to_owned();
    assert!(
        challenge.starts_with(&format!("{}/hosted/challenge/", s.url)),
        "{challenge}"
    );
    let redirect = body(
        &sid,
        PAYPAL,
        "https://shop.example/r",
        "https://shop.example/c",
    );
    let r = s
        .send(
            reqwest::Method::POST,
            "/v1/sources",
            Some(PK),
            Some(redirect),
            &evil,
        )
        .await;
    let r = r.ok(201);
    for u in [&r["redirect"]["redirectUrl"], &r["nextAction"]["url"]] {
        let u = u.as_str().unwrap();
        assert!(u.starts_with(&format!("{}/hosted/redirect/", s.url)), "{u}");
    }
    let m = s
        .send(
            reqwest::Method::GET,
            &format!("/v1/sessions/{sid}/payment-methods"),
            Some(PK),
            None,
            &evil,
        )
        .await;
    let text = &m.text;
    assert_eq!(m.status, 200, "{text}");
    assert!(!text.contains("evil.example"), "{text}");
    assert!(text.contains(&format!("{}/hosted/", s.url)), "{text}");
    s.stop().await;
}
