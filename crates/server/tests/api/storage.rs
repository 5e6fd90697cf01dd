use crate::common::*;
use serde_json::json;

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn no_full_card_number_or_security_code_reaches_the_database() {
    let s = start().await;
    let sid = id(&s.session(1000, "EUR", "US").await);
    // Distinctive values: a Luhn-valid Visa number and a 4-digit Amex code.
    let visa = "4111111111111111";
    let amex = "378282246310005";
    s.patch(&format!("/v1/sessions/{sid}/fields"), PK, json!({"card": {"number": visa, "expirationMonth": 12, "expirationYear": 2040, "cvv": "987"}}))
        .await
        .ok(200);
    s.post("/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid,
        "creditCard": {"number": "3782 822463 10005", "expirationMonth": 12, "expirationYear": 2040, "cvv": "7531"}}))
        .await
        .ok(201);
    // Also through an idempotent request (its body is hashed, never stored).
    s.send(reqwest::Method::PATCH, &format!("/v1/sessions/{sid}/fields"), Some(PK),
        Some(json!({"card": {"number": visa, "expirationMonth": 11, "expirationYear": 2040, "cvv": "987"}})), &[]).await.ok(200);
    s.send(reqwest::Method::POST, "/v1/sources", Some(PK),
        Some(json!({"type": "creditCard", "sessionId": sid, "creditCard": {"number": visa, "expirationMonth": 12, "expirationYear": 2040, "cvv": "987"}})),
        &[("Idempotency-Key", "card-key")]).await.ok(201);
    let files = s.at_rest().await;
    let total: usize = files.iter().map(|f| f.len()).sum();
    assert!(total > 0);
    // The masked form and the fingerprint are there; the secrets are not.
    assert!(
        files.iter().any(|f| contains(f, "411111xxxxxx1111")),
        "the masked card is stored"
    );
    for f in &files {
        for secret in [
            visa,
            amex,
            "4111 1111 1111 1111",
            "3782 822463 10005",
            "\"987\"",
            "\"7531\"",
            "987\"",
            "7531\"",
        ] {
            assert!(!contains(f, secret), "found {secret:?} in the database");
        }
    }
    // The key file sits beside the database, readable only by its owner.
    #[cfg(unix)]
    if s.pg.is_none() {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.dir.path().join("test.db.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    s.stop().await;
}
