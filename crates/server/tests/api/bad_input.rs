use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn every_bad_input_class_is_a_contract_4xx() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let json_ct = "application/json";
    s.raw(
        Method::POST,
        "/v1/sessions",
        SK,
        json_ct,
        b"{\"amount\": 10".to_vec(),
    )
    .await
    .expect_error(400, "malformed_json");
    s.raw(Method::POST, "/v1/sessions", SK, json_ct, b"[1,2]".to_vec())
        .await
        .expect_error(400, "malformed_json");
    s.raw(Method::POST, "/v1/sessions", SK, json_ct, b"".to_vec())
        .await
        .expect_error(400, "malformed_json");
    s.raw(
        Method::POST,
        "/v1/sessions",
        SK,
        "text/plain",
        b"{}".to_vec(),
    )
    .await
    .expect_error(415, "unsupported_media_type");
    s.raw(
        Method::POST,
        "/v1/sessions",
        SK,
        "application/x-www-form-urlencoded",
        b"amount=1".to_vec(),
    )
    .await
    .expect_error(415, "unsupported_media_type");
    let huge = format!("{{\"reference\": \"{}\"}}", "x".repeat(70 * 1024));
    s.raw(
        Method::PATCH,
        &format!("/v1/sessions/{sid}"),
        SK,
        json_ct,
        huge.into_bytes(),
    )
    .await
    .expect_error(413, "payload_too_large");

    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"currency": "EUR", "country": "DE"}),
            "missing_parameter",
            "amount",
        ),
        (
            json!({"amount": "10", "currency": "EUR", "country": "DE"}),
            "invalid_amount",
            "amount",
        ),
        (
            json!({"amount": 10.5, "currency": "EUR", "country": "DE"}),
            "invalid_amount",
            "amount",
        ),
        (
            json!({"amount": -1, "currency": "EUR", "country": "DE"}),
            "invalid_amount",
            "amount",
        ),
        (
            json!({"amount": 0, "currency": "EUR", "country": "DE"}),
            "invalid_amount",
            "amount",
        ),
        (
            json!({"amount": 1_000_000_000_000u64, "currency": "EUR", "country": "DE"}),
            "invalid_amount",
            "amount",
        ),
        (
            json!({"amount": 10, "currency": "XYZ", "country": "DE"}),
            "invalid_currency",
            "currency",
        ),
        (
            json!({"amount": 10, "currency": "eur", "country": "DE"}),
            "invalid_currency",
            "currency",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "country": "ZZ"}),
            "invalid_country",
            "country",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "country": "DE", "foo": 1}),
            "unknown_parameter",
            "foo",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "country": "DE", "owner": {"nick": "x"}}),
            "unknown_parameter",
            "owner.nick",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "country": "DE", "owner": {"email": "nope"}}),
            "invalid_email",
            "owner.email",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "country": "DE", "owner": {"address": {"country": "Germany"}}}),
            "invalid_country",
            "owner.address.country",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "country": "DE", "owner": "Ada"}),
            "invalid_parameter",
            "owner",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "country": "DE", "metadata": {"a": 1}}),
            "invalid_parameter",
            "metadata.a",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "country": "DE", "reference": null}),
            "null_not_allowed",
            "reference",
        ),
    ];
    for (body, code, param) in cases {
        let r = s.post("/v1/sessions", SK, body.clone()).await;
        r.expect_error(400, code);
        assert_eq!(r.param(), param, "{body}: {}", r.text);
    }

    let card = |c: Value| json!({"type": "creditCard", "sessionId": sid, "creditCard": c});
    let src_cases: Vec<(Value, &str, &str)> = vec![
        (
            card(
                json!({"number": "4242424242424241", "expirationMonth": 12, "expirationYear": 2040}),
            ),
            "invalid_card_number",
            "creditCard.number",
        ),
        (
            card(json!({"number": "4242 4242", "expirationMonth": 12, "expirationYear": 2040})),
            "incomplete_card_number",
            "creditCard.number",
        ),
        (
            card(json!({"number": "abcd", "expirationMonth": 12, "expirationYear": 2040})),
            "invalid_card_number",
            "creditCard.number",
        ),
        (
            card(
                json!({"number": "4242424242424242", "expirationMonth": 1, "expirationYear": 2020}),
            ),
            "invalid_expiration_date",
            "creditCard.expirationYear",
        ),
        (
            card(
                json!({"number": "4242424242424242", "expirationMonth": 13, "expirationYear": 2040}),
            ),
            "invalid_expiration_date",
            "creditCard.expirationMonth",
        ),
        (
            card(
                json!({"number": "4242424242424242", "expirationMonth": "12", "expirationYear": 2040}),
            ),
            "invalid_parameter",
            "creditCard.expirationMonth",
        ),
        (
            // Core's card rule (the SDK's verdict): a missing half of the expiry is incomplete.
            card(json!({"number": "4242424242424242", "expirationYear": 2040, "cvv": "123"})),
            "incomplete_expiration_date",
            "creditCard.expirationMonth",
        ),
        (
            card(
                json!({"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "12a"}),
            ),
            "invalid_security_code",
            "creditCard.cvv",
        ),
        (
            card(
                json!({"number": 4242424242424242u64, "expirationMonth": 12, "expirationYear": 2040}),
            ),
            "invalid_parameter",
            "creditCard.number",
        ),
        (
            json!({"type": "creditCard", "sessionId": sid}),
            "missing_parameter",
            "creditCard",
        ),
        (
            json!({"type": "bitcoin", "sessionId": sid}),
            "unknown_payment_type",
            "type",
        ),
        (
            json!({"type": 7, "sessionId": sid}),
            "invalid_parameter",
            "type",
        ),
        (json!({"sessionId": sid}), "missing_parameter", "type"),
        (
            json!({"type": "creditCard", "sessionId": sid, "payPal": {}}),
            "invalid_parameter",
            "payPal",
        ),
        (
            json!({"type": "creditCard", "sessionId": sid, "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}, "browserInfo": {"screenWidth": -1}}),
            "invalid_parameter",
            "browserInfo.screenWidth",
        ),
    ];
    for (body, code, param) in src_cases {
        let r = s.post("/v1/sources", PK, body.clone()).await;
        r.expect_error(400, code);
        assert_eq!(r.param(), param, "{body}: {}", r.text);
        assert!(
            !r.text.contains("4242424242424242"),
            "the error echoes the card number"
        );
    }
    s.post(
        "/v1/sources",
        PK,
        json!({"type": "creditCard", "sessionId": "ses_nope"}),
    )
    .await
    .expect_error(404, "resource_not_found");

    let r = s
        .send(Method::GET, "/v1/nothing-here", Some(SK), None, &[])
        .await;
    r.expect_error(404, "route_not_found");
    let r = s
        .send(Method::PUT, "/v1/sessions", Some(SK), Some(json!({})), &[])
        .await;
    r.expect_error(405, "method_not_allowed");
    let r = s
        .send(
            Method::DELETE,
            &format!("/v1/sessions/{sid}"),
            Some(SK),
            None,
            &[],
        )
        .await;
    r.expect_error(405, "method_not_allowed");
    s.stop().await;
}

#[tokio::test]
async fn odd_bodies_never_cause_a_5xx() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let routes = [
        (Method::POST, "/v1/sessions".to_owned(), SK),
        (Method::PATCH, format!("/v1/sessions/{sid}"), SK),
        (Method::PATCH, format!("/v1/sessions/{sid}/fields"), PK),
        (Method::POST, "/v1/sources".to_owned(), PK),
        (Method::POST, format!("/v1/sessions/{sid}/sources"), SK),
        (Method::POST, "/v1/orders".to_owned(), SK),
        (
            Method::POST,
            "/v1/sources/src_x/authenticate".to_owned(),
            PK,
        ),
    ];
    let bodies: Vec<&[u8]> = vec![
        b"null",
        b"true",
        b"\"str\"",
        b"123",
        b"{\"a\":",
        b"\xff\xfe",
        b"{\"owner\":{\"address\":[]}}",
        b"{\"version\":-1}",
        b"{\"version\":1e99}",
        b"{\"card\":{\"number\":\"\"}}",
        b"{\"sessionId\":{}}",
        b"{\"type\":\"giftCard\",\"sessionId\":\"x\",\"giftCard\":{}}",
        b"{\"amount\":18446744073709551616}",
        b"{\"\\u0000\":1}",
        b"{\"owner\":{\"firstName\":\"\\ud800\"}}",
    ];
    for (m, p, k) in &routes {
        for b in &bodies {
            let r = s.raw(m.clone(), p, k, "application/json", b.to_vec()).await;
            assert!(
                r.status.is_client_error(),
                "{m} {p} {:?} -> {} {}",
                String::from_utf8_lossy(b),
                r.status,
                r.text
            );
            assert!(r.body["errors"][0]["code"].is_string(), "{p}: {}", r.text);
        }
    }
    s.stop().await;
}
