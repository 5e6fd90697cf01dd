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
    for bad in [
        "abc",
        "",
        "+1",
        "\"\"1\"\"",
        "\"1",
        "1\"",
        "W/ \"1\"",
        "1.0",
        "12345678901234567890",
    ] {
        for body in [
            json!({"reference": "a", "version": 1}),
            json!({"reference": "a"}),
        ] {
            let r = s
                .send(
                    Method::PATCH,
                    &p,
                    Some(SK),
                    Some(body.clone()),
                    &[("If-Match", bad)],
                )
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
            .send(
                Method::PATCH,
                &p,
                Some(SK),
                Some(json!({"reference": good})),
                &[("If-Match", good)],
            )
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
        .patch(
            &format!("/v1/sessions/{sid}"),
            SK,
            json!({"reference": "a", "version": 1.0}),
        )
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

/// The document's patterns are the server's rules: the e-mail pattern is
/// core's `is_valid_email`, the `If-Match` pattern `parse_if_match`, on
/// cases at each edge of the rules.
#[test]
fn document_patterns_are_the_server_rules() {
    use paysession_server::{openapi, routes::parse_if_match};
    let matches = |pattern: &str, v: &str| {
        jsonschema::draft202012::is_valid(&json!({"type": "string", "pattern": pattern}), &json!(v))
    };
    let long_local = format!("{}@b.co", "a".repeat(65));
    let emails = [
        "a@b.co",
        "a.b+c@d-e.fg",
        "#!$%&'*+-/=?^_`{|}~@x.y",
        "@b.co",
        "a@b",
        "a@.b.co",
        "a@b..co",
        "a@b.co.",
        "a@@b.co",
        "a b@c.de",
        "a(b)@c.de",
        "a@b,c.de",
        "a\"b@c.de",
        "é@b.co",
        ".a@b.co",
        "a@b.c/d",
        &long_local,
    ];
    for e in emails {
        let schema_ok =
            matches(openapi::EMAIL_PATTERN, e) && e.len() <= paysession_core::email::MAX_LEN;
        assert_eq!(
            schema_ok,
            paysession_core::email::is_valid_email(e),
            "e-mail {e:?}: pattern and core's rule differ"
        );
    }
    for v in [
        "1",
        "\"1\"",
        "W/\"1\"",
        "W/1",
        " 1 ",
        "\t\"2\"",
        "",
        "+1",
        "\"1",
        "1\"",
        "\"\"1\"\"",
        "W/ 1",
        "w/1",
        "1.0",
        "1234567890123456789",
        "12345678901234567890",
        "abc",
        "\"\"",
    ] {
        assert_eq!(
            matches(openapi::IF_MATCH_PATTERN, v),
            parse_if_match(v.as_bytes()).is_some(),
            "If-Match {v:?}: pattern and parse_if_match differ"
        );
    }
}

/// The constraints, links and per-type source schemas landed in the document
/// (each is merged at a path; a renamed schema would silently drop one).
#[test]
fn document_carries_the_server_constraints_and_links() {
    use paysession_core::owner;
    let doc = paysession_server::openapi::document();
    let s = &doc["components"]["schemas"];
    assert_eq!(
        s["Owner"]["properties"]["firstName"]["maxLength"],
        owner::TEXT_MAX
    );
    assert_eq!(
        s["Owner"]["properties"]["phoneNumber"]["maxLength"],
        owner::SHORT_MAX
    );
    assert_eq!(
        s["Address"]["properties"]["postalCode"]["maxLength"],
        owner::SHORT_MAX
    );
    assert_eq!(
        s["Owner"]["properties"]["email"]["pattern"],
        paysession_server::openapi::EMAIL_PATTERN
    );
    assert_eq!(
        s["CreateCustomer"]["properties"]["email"]["maxLength"],
        paysession_core::email::MAX_LEN
    );
    assert_eq!(s["CreateSession"]["properties"]["amount"]["minimum"], 1);
    assert!(s["CreateSession"]["properties"]["locale"]["pattern"].is_string());
    assert_eq!(
        s["CardInput"]["properties"]["expirationMonth"]["maximum"],
        12
    );
    assert_eq!(
        s["WalletTokenRequest"]["properties"]["type"]["enum"],
        json!(["applePay", "googlePay"])
    );
    assert!(s["UpdateSession"]["properties"].get("card").is_none());
    assert!(s["UpdateSessionFields"]["properties"]
        .get("reference")
        .is_none());
    assert!(s["UpdateSessionFields"]["properties"].get("card").is_some());
    assert_eq!(
        s["CreateSource"]["oneOf"].as_array().map(Vec::len),
        Some(10)
    );
    assert!(s["CreateSource_payPal"]["properties"]
        .get("creditCard")
        .is_none());
    assert!(s["CreateSource_payPal"]["properties"]
        .get("browserInfo")
        .is_none());
    assert!(s["CreateSource_savedCard"]["properties"]
        .get("usage")
        .is_none());
    assert_eq!(
        s["RedirectInput"]["required"],
        json!(["returnUrl", "cancelUrl"])
    );
    assert!(s["CreateSession"]["examples"].is_array());
    let p = &doc["paths"];
    assert_eq!(
        p["/v1/sessions/{id}/fields"]["patch"]["requestBody"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/UpdateSessionFields"
    );
    let link = |path: &str, method: &str, status: &str, name: &str| {
        p[path][method]["responses"][status]["links"][name]["operationId"].clone()
    };
    assert_eq!(
        link("/v1/sessions", "post", "201", "createSource"),
        "createSource"
    );
    assert_eq!(
        link("/v1/sources", "post", "201", "attachSource"),
        "attachSource"
    );
    assert_eq!(
        link("/v1/sessions/{id}/sources", "post", "200", "createOrder"),
        "createOrder"
    );
    assert_eq!(
        link("/v1/orders", "post", "201", "retrieveOrder"),
        "retrieveOrder"
    );
    assert_eq!(
        p["/hosted/wallet/app.json"]["get"]["responses"]["200"]["content"]
            ["application/manifest+json"]["schema"]["type"],
        "object"
    );
}
