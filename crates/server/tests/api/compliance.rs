//! `GET /v1/sessions/{id}/compliance` and the terms-of-sale acceptance:
//! recorded on the source and the session, required when the session says so.

use crate::common::*;
use serde_json::{json, Value};

const CARD: &str = "4242424242424242";

fn card(sid: &str, extra: Value) -> Value {
    let mut b = json!({
        "type": "creditCard", "sessionId": sid,
        "creditCard": {"number": CARD, "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}
    });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

#[tokio::test]
async fn compliance_details_are_localized_and_scoped() {
    let s = start().await;
    let sid = id(&s
        .post(
            "/v1/sessions",
            SK,
            json!({"amount": 2500, "currency": "EUR", "country": "DE", "locale": "de-DE"}),
        )
        .await
        .ok(201)
        .clone());
    let path = format!("/v1/sessions/{sid}/compliance");
    // The session's locale by default.
    let d = s.get(&path, PK).await.ok(200).clone();
    assert_eq!(d["locale"], "de-DE");
    assert_eq!(d["termsOfSale"]["localizedText"], "Verkaufsbedingungen");
    assert_eq!(d["legalNotice"]["localizedText"], "Impressum");
    assert_eq!(d["businessEntity"]["id"], "PS_TEST_SOR");
    assert!(d["sellerDisclosure"]["localizedText"]
        .as_str()
        .unwrap()
        .starts_with("PaySession Test Seller of Record ist"));
    assert_eq!(d["termsVersion"], "2026-01");
    assert_eq!(d["requireTermsAcceptance"], false);
    assert!(d.get("termsAcceptance").is_none());
    for doc in [
        "termsOfSale",
        "privacyPolicy",
        "cookiePolicy",
        "cancellationRights",
        "legalNotice",
        "confirmDisclosure",
    ] {
        let url = d[doc]["url"].as_str().unwrap();
        assert!(
            url.starts_with("http://") && url.contains("/hosted/legal/"),
            "{doc}: {url}"
        );
        // Every link answers.
        assert_eq!(s.http.get(url).send().await.unwrap().status(), 200, "{url}");
    }
    for u in ["convenience", "subscription", "unscheduled"] {
        assert!(d["savePaymentAgreement"][u]["localizedText"]
            .as_str()
            .unwrap()
            .starts_with("Wir speichern Ihre Karte"));
    }
    // An asked locale wins; an unknown one reads English; the secret key reads too.
    let fr = s
        .get(&format!("{path}?locale=fr-FR"), SK)
        .await
        .ok(200)
        .clone();
    assert_eq!(fr["locale"], "fr-FR");
    // The text is the catalog's (one place for each string).
    let catalog: serde_json::Value =
        serde_json::from_str(include_str!("../../locales/fr-FR.json")).unwrap();
    assert_eq!(
        fr["confirmDisclosure"]["localizedText"],
        catalog["terms.accept"]
    );
    assert!(catalog["terms.accept"].as_str().unwrap().starts_with("J"));
    let en = s
        .get(&format!("{path}?locale=xx-YY"), PK)
        .await
        .ok(200)
        .clone();
    assert_eq!(en["locale"], "en-US");
    assert_eq!(en["savePaymentAgreement"]["subscription"]["localizedText"],
        "We save your card and charge it for your subscription as agreed. You can cancel at any time.");
    // Refusals.
    s.get(&format!("{path}?lang=de"), PK)
        .await
        .expect_error(400, "unknown_parameter");
    s.get("/v1/sessions/ses_nope/compliance", PK)
        .await
        .expect_error(404, "resource_not_found");
    s.get(&path, "pk_test_other")
        .await
        .expect_error(404, "resource_not_found");
    s.get(&path, "pk_test_nobody")
        .await
        .expect_error(401, "invalid_api_key");
    s.stop().await;
}

#[tokio::test]
async fn a_session_requiring_terms_refuses_sources_without_acceptance() {
    let s = start().await;
    let v = s
        .post(
            "/v1/sessions",
            SK,
            json!({"amount": 2500, "currency": "EUR", "country": "DE", "requireTermsAcceptance": true}),
        )
        .await
        .ok(201)
        .clone();
    assert_eq!(v["requireTermsAcceptance"], true);
    let sid = id(&v);
    // No acceptance: refused, nothing written (the version stays).
    let r = s.post("/v1/sources", PK, card(&sid, json!({}))).await;
    r.expect_error(400, "terms_not_accepted");
    assert_eq!(r.param(), "termsAcceptance");
    assert_eq!(r.body["type"], "bad_request");
    // Another version than the one shown: refused.
    let r = s
        .post(
            "/v1/sources",
            PK,
            card(&sid, json!({"termsAcceptance": {"version": "2019-01"}})),
        )
        .await;
    r.expect_error(400, "terms_not_accepted");
    assert_eq!(r.param(), "termsAcceptance.version");
    // A malformed acceptance.
    s.post(
        "/v1/sources",
        PK,
        card(
            &sid,
            json!({"termsAcceptance": {"version": "2026-01", "at": 1}}),
        ),
    )
    .await
    .expect_error(400, "unknown_parameter");
    s.post(
        "/v1/sources",
        PK,
        card(&sid, json!({"termsAcceptance": true})),
    )
    .await
    .expect_error(400, "invalid_parameter");
    s.post(
        "/v1/sources",
        PK,
        card(&sid, json!({"termsAcceptance": {}})),
    )
    .await
    .expect_error(400, "missing_parameter");
    let after = s.retrieve(&sid).await;
    assert_eq!(after["version"], 1, "a refusal writes nothing");
    assert!(after.get("termsAcceptance").is_none());
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .expect_error(400, "order_submit_failed");

    // Accepted: recorded on the source and, with the source's id, on the session.
    let src = s
        .post(
            "/v1/sources",
            PK,
            card(&sid, json!({"termsAcceptance": {"version": "2026-01"}})),
        )
        .await
        .ok(201)
        .clone();
    assert_eq!(src["termsAcceptance"]["version"], "2026-01");
    assert!(src["termsAcceptance"]["acceptedTime"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    let sess = s.retrieve(&sid).await;
    assert_eq!(sess["termsAcceptance"]["version"], "2026-01");
    assert_eq!(sess["termsAcceptance"]["sourceId"], src["id"]);
    assert_eq!(
        sess["termsAcceptance"]["acceptedTime"],
        src["termsAcceptance"]["acceptedTime"]
    );
    assert!(s.stored_session(&sid).await.contains("\"sourceId\""));
    // Read back through the source and the compliance route.
    let back = s
        .get(
            &format!(
                "/v1/sources/{}?clientSecret={}",
                id(&src),
                src["clientSecret"].as_str().unwrap()
            ),
            PK,
        )
        .await
        .ok(200)
        .clone();
    assert_eq!(back["termsAcceptance"], src["termsAcceptance"]);
    let d = s
        .get(&format!("/v1/sessions/{sid}/compliance"), PK)
        .await
        .ok(200)
        .clone();
    assert_eq!(d["requireTermsAcceptance"], true);
    assert_eq!(d["termsAcceptance"]["sourceId"], src["id"]);
    // The session's acceptance covers its later sources and its order.
    let second = s
        .post("/v1/sources", PK, card(&sid, json!({})))
        .await
        .ok(201)
        .clone();
    assert!(second.get("termsAcceptance").is_none());
    s.attach(&sid, &id(&second)).await.ok(200);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201);
    s.stop().await;
}

#[tokio::test]
async fn terms_are_optional_unless_required() {
    let s = start().await;
    let sid = id(&s.session(2500, "EUR", "DE").await);
    let v = s.retrieve(&sid).await;
    assert!(v.get("requireTermsAcceptance").is_none());
    let src = s.card_source(&sid, CARD).await.ok(201).clone();
    assert!(src.get("termsAcceptance").is_none());
    // An acceptance of a stale version is refused even when not required.
    s.post(
        "/v1/sources",
        PK,
        card(&sid, json!({"termsAcceptance": {"version": "old"}})),
    )
    .await
    .expect_error(400, "terms_not_accepted");
    s.attach(&sid, &id(&src)).await.ok(200);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201);
    s.post(
        "/v1/sessions",
        SK,
        json!({"amount": 1, "currency": "EUR", "country": "DE", "requireTermsAcceptance": "yes"}),
    )
    .await
    .expect_error(400, "invalid_parameter");
    s.stop().await;
}

/// The order's own check: a session that requires the terms and has none
/// recorded (its record altered in the database, since the API cannot make
/// one) gets no order, and nothing is written.
#[tokio::test]
async fn an_order_needs_the_recorded_acceptance_when_the_session_requires_it() {
    let s = start().await;
    let sid = id(&s.session(2500, "EUR", "DE").await);
    let src = s.card_source(&sid, CARD).await.ok(201).clone();
    s.attach(&sid, &id(&src)).await.ok(200);
    let sql = format!(
        "UPDATE sessions SET data = {} WHERE id = '{sid}'",
        if s.pg.is_some() {
            "jsonb_set(data::jsonb, '{require_terms}', 'true')::text"
        } else {
            "json_set(data, '$.require_terms', json('true'))"
        }
    );
    match &s.pg {
        Some(url) => {
            pg_rows(url, &sql).await;
        }
        None => {
            rusqlite::Connection::open(&s.db)
                .unwrap()
                .execute(&sql, [])
                .unwrap();
        }
    }
    assert_eq!(s.retrieve(&sid).await["requireTermsAcceptance"], true);
    let r = s.post("/v1/orders", SK, json!({"sessionId": sid})).await;
    r.expect_error(400, "terms_not_accepted");
    assert_eq!(r.param(), "sessionId");
    let after = s.retrieve(&sid).await;
    assert!(after.get("orderId").is_none());
    assert_eq!(after["state"], "requires_confirmation");
    s.stop().await;
}
