//! What Schemathesis (scripts/test-contract.sh) found against the published
//! document, each pinned here against the real server.

use crate::common::*;
use reqwest::Method;
use serde_json::json;

/// A malformed `If-Match` is `400 invalid_parameter` even when the body has a
/// `version` (which wins when both are well formed); before, the header was
/// not read at all then, so `If-Match: abc` passed with a body `version`.
/// Its grammar is the document's pattern: `3`, `"3"`, `W/"3"` (`W/3`), at most
/// 19 digits, nothing else (`+1` and `""1""` passed before).
#[tokio::test]
async fn if_match_is_checked_whenever_sent() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let p = format!("/v1/sessions/{sid}");
    for bad in ["abc", "", "+1", "\"\"1\"\"", "\"1", "1\"", "W/ \"1\"", "1.0", "12345678901234567890"] {
        for body in [json!({"reference": "a", "version": 1}), json!({"reference": "a"})] {
            let r = s
                .send(Method::PATCH, &p, Some(SK), Some(body.clone()), &[("If-Match", bad)])
                .await;
            assert_eq!(
                (r.status.as_u16(), r.code(), r.param()),
                (400, "invalid_parameter", "If-Match"),
                "If-Match {bad:?} with body {body}: {}",
                r.text
            );
        }
    }
    assert_eq!(s.retrieve(&sid).await["version"], 1, "nothing was written");
    for (good, version) in [("1", 2), ("\"2\"", 3), ("W/\"3\"", 4), ("W/4", 5)] {
        let r = s
            .send(Method::PATCH, &p, Some(SK), Some(json!({"reference": good})), &[("If-Match", good)])
            .await;
        assert_eq!(r.ok(200)["version"], version, "If-Match {good:?}");
    }
    // The body's version wins over a well-formed If-Match.
    let r = s
        .send(
            Method::PATCH,
            &p,
            Some(SK),
            Some(json!({"reference": "b", "version": 5})),
            &[("If-Match", "1")],
        )
        .await;
    assert_eq!(r.ok(200)["version"], 6);
    s.stop().await;
}

/// JSON has one number type: `1000.0` is the integer 1000 (as JSON Schema's
/// `integer`, the document's type, says); before, every integer field
/// refused it (`400 invalid_amount` for `"amount": 1000.0`, `400
/// invalid_parameter` for `"version": 1.0`). A fraction is still refused.
#[tokio::test]
async fn integral_numbers_with_a_fraction_part_are_integers() {
    let s = start().await;
    let r = s
        .post(
            "/v1/sessions",
            SK,
            json!({"amount": 1000.0, "currency": "EUR", "country": "DE"}),
        )
        .await;
    let sid = id(r.ok(201));
    assert_eq!(r.body["amount"], 1000);
    let r = s
        .patch(&format!("/v1/sessions/{sid}"), SK, json!({"reference": "a", "version": 1.0}))
        .await;
    assert_eq!(r.ok(200)["version"], 2);
    let r = s
        .raw(
            Method::POST,
            "/v1/sessions",
            SK,
            "application/json",
            br#"{"amount": 1e3, "currency": "EUR", "country": "DE"}"#.to_vec(),
        )
        .await;
    assert_eq!(r.ok(201)["amount"], 1000);
    s.post(
        "/v1/sessions",
        SK,
        json!({"amount": 1000.5, "currency": "EUR", "country": "DE"}),
    )
    .await
    .expect_error(400, "invalid_amount");
    s.patch(&format!("/v1/sessions/{sid}"), SK, json!({"version": 2.5}))
        .await
        .expect_error(400, "invalid_parameter");
    s.stop().await;
}
