//! Customers and saved payment methods: saving a card (at the order, or with
//! the session's tokenize operation), listing, deleting, paying with a saved
//! card and a fresh security code, and who may do what.

use crate::common::*;
use serde_json::{json, Value};

const SK_OTHER: &str = "sk_test_other";
const PK_OTHER: &str = "pk_test_other";

async fn customer(s: &Server) -> String {
    let c = s
        .post(
            "/v1/customers",
            SK,
            json!({"email": "ada@example.com", "reference": "u-1"}),
        )
        .await;
    let b = c.ok(201);
    assert!(b["id"].as_str().unwrap().starts_with("cus_"));
    assert_eq!(b["paymentMethods"], json!([]));
    id(b)
}

async fn session_for(s: &Server, cus: &str, country: &str) -> String {
    let r = s
        .post(
            "/v1/sessions",
            SK,
            json!({"amount": 1000, "currency": "EUR", "country": country, "customerId": cus}),
        )
        .await;
    assert_eq!(r.ok(201)["customerId"], cus);
    id(&r.body)
}

fn card(number: &str, usage: Option<&str>, sid: &str) -> Value {
    let mut v = json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": number, "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}});
    if let Some(u) = usage {
        v["usage"] = json!(u);
    }
    v
}

async fn pay(s: &Server, sid: &str, src: &str) -> Value {
    s.attach(sid, src).await.ok(200);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone()
}

async fn methods(s: &Server, cus: &str) -> Vec<Value> {
    s.get(&format!("/v1/customers/{cus}/payment-methods"), SK)
        .await
        .ok(200)["data"]
        .as_array()
        .unwrap()
        .clone()
}

/// Saves 4242… (convenience) through an order; returns the method's id.
async fn save_by_order(s: &Server, cus: &str) -> String {
    let sid = session_for(s, cus, "US").await;
    let src = s
        .post(
            "/v1/sources",
            PK,
            card("4242424242424242", Some("convenience"), &sid),
        )
        .await;
    let src = id(src.ok(201));
    // Nothing is saved before the order completes.
    assert!(methods(s, cus).await.is_empty());
    pay(s, &sid, &src).await;
    let list = methods(s, cus).await;
    assert_eq!(list.len(), 1, "{list:?}");
    id(&list[0])
}

#[tokio::test]
async fn a_card_with_usage_is_saved_once_when_the_order_completes() {
    let s = start().await;
    let cus = customer(&s).await;
    let pm = save_by_order(&s, &cus).await;
    let list = methods(&s, &cus).await;
    assert_eq!(
        list[0],
        json!({"id": pm, "type": "creditCard", "usage": "convenience",
            "creditCard": {"brand": "visa", "lastFourDigits": "4242", "expirationMonth": 12, "expirationYear": 2040},
            "createdTime": list[0]["createdTime"]})
    );
    // The customer shows it; a card without usage is not saved.
    let c = s.get(&format!("/v1/customers/{cus}"), SK).await;
    assert_eq!(c.ok(200)["paymentMethods"][0]["id"], pm.as_str());
    let sid = session_for(&s, &cus, "US").await;
    let src = id(s
        .post("/v1/sources", PK, card("5555555555554444", None, &sid))
        .await
        .ok(201));
    pay(&s, &sid, &src).await;
    assert_eq!(methods(&s, &cus).await.len(), 1);
    // The session's payment methods show the saved one to the browser.
    let sid = session_for(&s, &cus, "US").await;
    let pmv = s
        .get(&format!("/v1/sessions/{sid}/payment-methods"), PK)
        .await;
    assert_eq!(pmv.ok(200)["savedPaymentMethods"][0]["id"], pm.as_str());
    // A session without a customer has none, and refuses usage.
    let plain = id(&s.session(1000, "EUR", "US").await);
    let pmv = s
        .get(&format!("/v1/sessions/{plain}/payment-methods"), PK)
        .await;
    assert!(pmv.ok(200).get("savedPaymentMethods").is_none());
    s.post(
        "/v1/sources",
        PK,
        card("4242424242424242", Some("convenience"), &plain),
    )
    .await
    .expect_error(400, "invalid_parameter");
    s.stop().await;
}

#[tokio::test]
async fn the_session_tokenize_operation_saves_without_paying_exactly_once() {
    let s = start().await;
    let cus = customer(&s).await;
    let sid = session_for(&s, &cus, "US").await;
    let src = id(s
        .post(
            "/v1/sources",
            PK,
            card("5555555555554444", Some("subscription"), &sid),
        )
        .await
        .ok(201));
    let path = format!("/v1/sessions/{sid}/payment-methods");
    let r = s.post(&path, PK, json!({"sourceId": src})).await;
    let m = r.ok(201);
    assert!(m["id"].as_str().unwrap().starts_with("pm_"));
    assert_eq!(m["usage"], "subscription");
    assert_eq!(m["creditCard"]["brand"], "mastercard");
    // Saved once: the source is consumed.
    s.post(&path, PK, json!({"sourceId": src}))
        .await
        .expect_error(400, "source_state_invalid");
    assert_eq!(methods(&s, &cus).await.len(), 1);
    // The session is still open (nothing was paid).
    assert_eq!(s.retrieve(&sid).await["state"], "requires_source");
    // A source without usage cannot be saved.
    let plain = id(s
        .post("/v1/sources", PK, card("4242424242424242", None, &sid))
        .await
        .ok(201));
    s.post(&path, PK, json!({"sourceId": plain}))
        .await
        .expect_error(400, "invalid_parameter");
    s.stop().await;
}

#[tokio::test]
async fn racing_tokenize_requests_save_one_method() {
    let s = std::sync::Arc::new(start().await);
    let cus = customer(&s).await;
    let sid = session_for(&s, &cus, "US").await;
    let src = id(s
        .post(
            "/v1/sources",
            PK,
            card("4242424242424242", Some("unscheduled"), &sid),
        )
        .await
        .ok(201));
    let mut tasks = vec![];
    for _ in 0..8 {
        let (s, sid, src) = (s.clone(), sid.clone(), src.clone());
        tasks.push(tokio::spawn(async move {
            s.post(
                &format!("/v1/sessions/{sid}/payment-methods"),
                PK,
                json!({"sourceId": src}),
            )
            .await
            .status
            .as_u16()
        }));
    }
    let mut codes = vec![];
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| *c == 201 || *c == 400), "{codes:?}");
    assert_eq!(methods(&s, &cus).await.len(), 1);
}

#[tokio::test]
async fn a_saved_card_pays_with_only_a_fresh_security_code() {
    let s = start().await;
    let cus = customer(&s).await;
    let pm = save_by_order(&s, &cus).await;
    let sid = session_for(&s, &cus, "US").await;
    let body = json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": {"cvv": "321"}});
    let src = s.post("/v1/sources", PK, body).await;
    let src = src.ok(201).clone();
    assert_eq!(src["state"], "chargeable");
    assert_eq!(src["creditCard"]["lastFourDigits"], "4242");
    pay(&s, &sid, &id(&src)).await;
    assert_eq!(s.retrieve(&sid).await["state"], "complete");
    // Paying again does not save the method twice.
    assert_eq!(methods(&s, &cus).await.len(), 1);

    let sid = session_for(&s, &cus, "US").await;
    // Without a code, with a wrong-length code, with the card's number: refused.
    for (cc, code, param) in [
        (json!({}), "missing_parameter", "creditCard.cvv"),
        (
            json!({"cvv": "12"}),
            "incomplete_security_code",
            "creditCard.cvv",
        ),
        (
            json!({"cvv": "123", "number": "4242424242424242"}),
            "invalid_parameter",
            "creditCard.number",
        ),
    ] {
        let r = s
            .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": cc}))
            .await;
        r.expect_error(400, code);
        assert_eq!(r.param(), param, "{}", r.text);
    }
    // Usage with a saved method, or on another type: refused.
    s.post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "usage": "convenience", "creditCard": {"cvv": "123"}}))
        .await
        .expect_error(400, "invalid_parameter");
    s.post("/v1/sources", PK, json!({"type": "wireTransfer", "sessionId": sid, "usage": "convenience", "wireTransfer": {}}))
        .await
        .expect_error(400, "invalid_parameter");
    s.stop().await;
}

#[tokio::test]
async fn a_saved_3ds_card_is_challenged_again_when_it_pays() {
    let s = start().await;
    let cus = customer(&s).await;
    let sid = session_for(&s, &cus, "DE").await;
    let src = s
        .post(
            "/v1/sources",
            PK,
            card("5454545454545454", Some("convenience"), &sid),
        )
        .await
        .ok(201)
        .clone();
    assert_eq!(src["state"], "requires_action");
    // Not chargeable yet: not saved by the tokenize operation.
    s.post(
        &format!("/v1/sessions/{sid}/payment-methods"),
        PK,
        json!({"sourceId": id(&src)}),
    )
    .await
    .expect_error(400, "source_state_invalid");
    let auth = s
        .post(
            &format!("/v1/sources/{}/authenticate", id(&src)),
            PK,
            json!({"clientSecret": src["clientSecret"], "challengeResponse": "password"}),
        )
        .await;
    assert_eq!(auth.ok(200)["status"], "complete");
    pay(&s, &sid, &id(&src)).await;
    let list = methods(&s, &cus).await;
    assert_eq!(list.len(), 1);
    let pm = id(&list[0]);
    // Paying with it in an SCA country needs the challenge again.
    let sid = session_for(&s, &cus, "DE").await;
    let src = s
        .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": {"cvv": "737"}}))
        .await
        .ok(201)
        .clone();
    assert_eq!(src["state"], "requires_action");
    assert_eq!(src["nextAction"]["type"], "challenge");
    s.post(
        &format!("/v1/sources/{}/authenticate", id(&src)),
        PK,
        json!({"clientSecret": src["clientSecret"], "challengeResponse": "password"}),
    )
    .await
    .ok(200);
    pay(&s, &sid, &id(&src)).await;
    s.stop().await;
}

#[tokio::test]
async fn deleting_a_method_refuses_paying_with_it() {
    let s = start().await;
    let cus = customer(&s).await;
    let pm = save_by_order(&s, &cus).await;
    // A source made with it before the delete cannot complete an order after.
    let sid = session_for(&s, &cus, "US").await;
    let early = id(s
        .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": {"cvv": "123"}}))
        .await
        .ok(201));
    s.attach(&sid, &early).await.ok(200);
    let r = s
        .delete(&format!("/v1/customers/{cus}/payment-methods/{pm}"), SK)
        .await;
    assert_eq!(r.ok(200), &json!({"id": pm, "deleted": true}));
    assert!(methods(&s, &cus).await.is_empty());
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .expect_error(400, "payment_method_removed");
    // A new source with it is refused; a second delete finds nothing.
    let r = s
        .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": pm, "creditCard": {"cvv": "123"}}))
        .await;
    r.expect_error(400, "payment_method_removed");
    assert_eq!(r.param(), "paymentMethodId");
    s.delete(&format!("/v1/customers/{cus}/payment-methods/{pm}"), SK)
        .await
        .expect_error(404, "resource_not_found");
    s.stop().await;
}

#[tokio::test]
async fn the_browser_removes_a_method_only_through_its_customers_session() {
    let s = start().await;
    let cus = customer(&s).await;
    let pm = save_by_order(&s, &cus).await;
    let other_cus = customer(&s).await;
    let other = session_for(&s, &other_cus, "US").await;
    let plain = id(&s.session(1000, "EUR", "US").await);
    // Another customer's session: not found; a session without a customer: refused.
    s.delete(&format!("/v1/sessions/{other}/payment-methods/{pm}"), PK)
        .await
        .expect_error(404, "resource_not_found");
    s.delete(&format!("/v1/sessions/{plain}/payment-methods/{pm}"), PK)
        .await
        .expect_error(400, "invalid_parameter");
    // Nor can that session pay with it.
    s.post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": other, "paymentMethodId": pm, "creditCard": {"cvv": "123"}}))
        .await
        .expect_error(404, "resource_not_found");
    // Another merchant's public key does not see the session.
    let mine = session_for(&s, &cus, "US").await;
    s.delete(
        &format!("/v1/sessions/{mine}/payment-methods/{pm}"),
        PK_OTHER,
    )
    .await
    .expect_error(404, "resource_not_found");
    assert_eq!(methods(&s, &cus).await.len(), 1);
    let r = s
        .delete(&format!("/v1/sessions/{mine}/payment-methods/{pm}"), PK)
        .await;
    assert_eq!(r.ok(200)["deleted"], true);
    assert!(methods(&s, &cus).await.is_empty());
    s.stop().await;
}

#[tokio::test]
async fn customers_belong_to_their_merchant_and_to_the_secret_key() {
    let s = start().await;
    let cus = customer(&s).await;
    for path in [
        format!("/v1/customers/{cus}"),
        format!("/v1/customers/{cus}/payment-methods"),
    ] {
        s.get(&path, SK_OTHER)
            .await
            .expect_error(404, "resource_not_found");
        s.get(&path, PK)
            .await
            .expect_error(403, "permission_denied");
    }
    s.post("/v1/customers", PK, json!({}))
        .await
        .expect_error(403, "permission_denied");
    s.delete(
        &format!("/v1/customers/{cus}/payment-methods/pm_00000000000000000000000000000000"),
        SK_OTHER,
    )
    .await
    .expect_error(404, "resource_not_found");
    // Another merchant's session cannot name this customer.
    let r = s
        .post(
            "/v1/sessions",
            SK_OTHER,
            json!({"amount": 1000, "currency": "EUR", "country": "US", "customerId": cus}),
        )
        .await;
    r.expect_error(404, "resource_not_found");
    assert_eq!(r.param(), "customerId");
    // The browser cannot set a customer.
    let sid = id(&s.session(1000, "EUR", "US").await);
    s.patch(
        &format!("/v1/sessions/{sid}/fields"),
        PK,
        json!({"customerId": cus}),
    )
    .await
    .expect_error(400, "unknown_parameter");
    // Bad input is coded.
    let r = s
        .post(
            "/v1/sources",
            PK,
            card("4242424242424242", Some("forever"), &sid),
        )
        .await;
    r.expect_error(400, "invalid_parameter");
    assert_eq!(r.param(), "usage");
    s.post("/v1/customers", SK, json!({"email": "not-an-email"}))
        .await
        .expect_error(400, "invalid_email");
    s.post("/v1/customers", SK, json!({"name": "x"}))
        .await
        .expect_error(400, "unknown_parameter");
    // The customer's email is not shown to another merchant's key, and the
    // browser view of a session does not name the customer.
    let mine = session_for(&s, &cus, "US").await;
    let v = s.get(&format!("/v1/sessions/{mine}/fields"), PK).await;
    assert!(v.ok(200).get("customerId").is_none());
    s.stop().await;
}

#[tokio::test]
async fn customer_creation_honours_the_idempotency_key() {
    let s = start().await;
    let h = [("Idempotency-Key", "cus-1")];
    let a = s
        .send(
            reqwest::Method::POST,
            "/v1/customers",
            Some(SK),
            Some(json!({"email": "a@example.com"})),
            &h,
        )
        .await;
    let b = s
        .send(
            reqwest::Method::POST,
            "/v1/customers",
            Some(SK),
            Some(json!({"email": "a@example.com"})),
            &h,
        )
        .await;
    assert_eq!(a.ok(201)["id"], b.ok(201)["id"]);
    assert_eq!(b.headers.get("idempotent-replayed").unwrap(), "true");
    s.stop().await;
}

#[tokio::test]
async fn no_saved_card_number_or_security_code_is_at_rest() {
    let s = start().await;
    let cus = customer(&s).await;
    let visa = "4111111111111111";
    let mc = "2223003122003222";
    // Saved at an order, and by the tokenize operation.
    let sid = session_for(&s, &cus, "US").await;
    let body = json!({"type": "creditCard", "sessionId": sid, "usage": "convenience",
        "creditCard": {"number": visa, "expirationMonth": 12, "expirationYear": 2040, "cvv": "987"}});
    let src = id(s.post("/v1/sources", PK, body).await.ok(201));
    pay(&s, &sid, &src).await;
    let sid = session_for(&s, &cus, "US").await;
    let body = json!({"type": "creditCard", "sessionId": sid, "usage": "unscheduled",
        "creditCard": {"number": mc, "expirationMonth": 11, "expirationYear": 2041, "cvv": "864"}});
    let src = id(s.post("/v1/sources", PK, body).await.ok(201));
    s.post(
        &format!("/v1/sessions/{sid}/payment-methods"),
        PK,
        json!({"sourceId": src}),
    )
    .await
    .ok(201);
    // A source saved but never used keeps only the sealed number.
    let body = json!({"type": "creditCard", "sessionId": sid, "usage": "unscheduled",
        "creditCard": {"number": visa, "expirationMonth": 12, "expirationYear": 2040, "cvv": "987"}});
    s.post("/v1/sources", PK, body).await.ok(201);
    // Paid with a fresh code.
    let list = methods(&s, &cus).await;
    assert_eq!(list.len(), 2);
    let sid = session_for(&s, &cus, "US").await;
    let src = id(s
        .post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid, "paymentMethodId": id(&list[0]), "creditCard": {"cvv": "246"}}))
        .await
        .ok(201));
    let _ = src;
    let rest = s.at_rest().await;
    if s.pg.is_some() {
        let all = rest
            .iter()
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect::<String>();
        assert!(all.contains("pm_"), "the methods are stored");
    }
    for f in &rest {
        for secret in [visa, mc] {
            assert!(
                !f.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "found {secret:?} at rest"
            );
        }
        for code in ["987", "864", "246"] {
            assert!(
                !standalone(f, code),
                "found the security code {code:?} at rest"
            );
        }
    }
    s.stop().await;
}

/// `code` at rest on its own: not inside a longer run of hex digits or
/// letters (an id or a sealed value may hold any three digits by chance).
fn standalone(hay: &[u8], code: &str) -> bool {
    let n = code.len();
    (0..hay.len().saturating_sub(n - 1)).any(|i| {
        &hay[i..i + n] == code.as_bytes()
            && (i == 0 || !hay[i - 1].is_ascii_alphanumeric())
            && hay.get(i + n).is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

#[tokio::test]
async fn a_finished_session_removes_no_saved_method() {
    let s = start().await;
    let cus = customer(&s).await;
    // The session that saved the card, complete after its order.
    let done = session_for(&s, &cus, "US").await;
    let src = s
        .post(
            "/v1/sources",
            PK,
            card("4242424242424242", Some("convenience"), &done),
        )
        .await;
    pay(&s, &done, &id(src.ok(201))).await;
    assert_eq!(s.retrieve(&done).await["state"], "complete");
    let pm = id(&methods(&s, &cus).await[0]);
    // Another session of the customer, left to expire.
    let late = session_for(&s, &cus, "US").await;
    s.advance(61 * 60);
    assert_eq!(s.retrieve(&late).await["state"], "expired");
    for key in [PK, SK] {
        s.delete(&format!("/v1/sessions/{done}/payment-methods/{pm}"), key)
            .await
            .expect_error(400, "session_complete");
        s.delete(&format!("/v1/sessions/{late}/payment-methods/{pm}"), key)
            .await
            .expect_error(400, "session_expired");
    }
    assert_eq!(methods(&s, &cus).await.len(), 1, "the card was removed");
    // An open session of the customer still removes it.
    let open = session_for(&s, &cus, "US").await;
    let r = s
        .delete(&format!("/v1/sessions/{open}/payment-methods/{pm}"), PK)
        .await;
    assert_eq!(r.ok(200)["deleted"], true);
    assert!(methods(&s, &cus).await.is_empty());
    s.stop().await;
}
