//! Who may see and make customers, the idempotency key, and nothing of a card in clear at rest.

use super::*;

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
    let create = || {
        s.send(
            reqwest::Method::POST,
            "/v1/customers",
            Some(SK),
            Some(json!({"email": "a@example.com"})),
            &h,
        )
    };
    let (a, b) = (create().await, create().await);
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
