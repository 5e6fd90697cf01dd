//! Signing secrets: a rotation signs with both for its overlap; secrets
//! are sealed at rest, and a row written in clear is sealed at start.

use super::*;
use crate::common::*;
use paysession_core::webhook;
use serde_json::json;
use std::sync::Arc;

#[tokio::test]
async fn a_rotation_signs_with_both_secrets_for_its_overlap() {
    let s = start_fast(60_000).await;
    let (url, mut rx) = receiver(|_| 200).await;
    let ep = session_endpoint(&s, &url).await;
    let old = ep["secret"].as_str().unwrap().to_owned();
    let rotated = s
        .post(
            &format!("/v1/webhook-endpoints/{}/rotate", id(&ep)),
            SK,
            json!({"overlapSeconds": 3600}),
        )
        .await
        .ok(200)
        .clone();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated["previousSecretExpiresTime"].is_string());
    s.session(1000, "EUR", "NL").await;
    let got = next(&mut rx).await;
    assert_eq!(got.signature.matches("v1=").count(), 2, "{}", got.signature);
    for secret in [&old, &new] {
        signed_with(&got, secret);
    }
    // With no overlap the old secret stops signing at once.
    let rotated = s
        .post(
            &format!("/v1/webhook-endpoints/{}/rotate", id(&ep)),
            SK,
            json!({"overlapSeconds": 0}),
        )
        .await
        .ok(200)
        .clone();
    let newest = rotated["secret"].as_str().unwrap().to_owned();
    s.session(1000, "EUR", "NL").await;
    let got = next(&mut rx).await;
    assert_eq!(got.signature.matches("v1=").count(), 1, "{}", got.signature);
    signed_with(&got, &newest);
    assert_eq!(
        webhook::verify(&got.signature, &got.body, &new, now(), 300),
        Err(webhook::VerifyError::Mismatch)
    );
}

/// The stored `secret` and `old_secret` of endpoint `id`, read from the
/// database itself.
async fn raw_secrets(s: &Server, id: &str) -> (String, Option<String>) {
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    let sql = format!("SELECT secret, old_secret FROM webhook_endpoints WHERE id = '{id}'");
    match &s.pg {
        Some(url) => {
            let mut row = pg_rows(url, &sql).await.remove(0);
            let old = row.remove(1);
            (row.remove(0).unwrap(), old)
        }
        None => rusqlite::Connection::open(&s.db)
            .unwrap()
            .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap(),
    }
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Secrets are sealed by the vault at rest (never in the database in clear),
/// rotation still signs with both, and a row an older build wrote in clear
/// is sealed when the server starts (schema 8 / 9) and still signs.
#[tokio::test]
async fn signing_secrets_are_sealed_at_rest_and_clear_rows_are_sealed_at_start() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let tuned = |s: &mut paysession_server::AppState| s.webhooks = fast(60_000);
    let s = start_tuned(dir.clone(), two_merchants(), None, tuned).await;
    let (url, mut rx) = receiver(|_| 200).await;
    let ep = session_endpoint(&s, &url).await;
    let eid = id(&ep);
    let first = ep["secret"].as_str().unwrap().to_owned();
    let second = s
        .post(
            &format!("/v1/webhook-endpoints/{eid}/rotate"),
            SK,
            json!({"overlapSeconds": 3600}),
        )
        .await
        .ok(200)["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    // Nowhere at rest in clear (the SQLite file and its WAL, or every row).
    let rest = s.at_rest().await;
    for secret in [&first, &second] {
        assert!(!rest.iter().any(|b| holds(b, secret)), "{secret} at rest");
    }
    assert!(
        !rest.iter().any(|b| holds(b, "whsec_")),
        "a secret in clear"
    );
    let (stored, stored_old) = raw_secrets(&s, &eid).await;
    let stored_old = stored_old.expect("the rotated-out secret is kept");
    assert!(!stored.contains(&second) && !stored_old.contains(&first));
    assert!(stored.len() > 2 * second.len(), "{stored}");
    // A rotation still signs with both.
    s.session(1000, "EUR", "NL").await;
    let got = next(&mut rx).await;
    assert_eq!(got.signature.matches("v1=").count(), 2, "{}", got.signature);
    for secret in [&first, &second] {
        signed_with(&got, secret);
    }
    let (db, pg) = (s.db.clone(), s.pg.clone());
    s.stop().await;

    // A row an older build wrote: its secret in clear.
    let legacy_id = format!("we_{}", "ab".repeat(16));
    let legacy = format!("whsec_{}", "c0ffee".repeat(5));
    let (url2, mut rx2) = receiver(|_| 200).await;
    let insert = format!(
        "INSERT INTO webhook_endpoints (id, merchant_id, url, types, secret, created)
         VALUES ('{legacy_id}', 'default', '{url2}', ',session.created,', '{legacy}', {})",
        now()
    );
    match &pg {
        Some(pg) => {
            pg_rows(pg, &insert).await;
        }
        None => {
            rusqlite::Connection::open(&db)
                .unwrap()
                .execute(&insert, [])
                .unwrap();
        }
    }
    // The next start seals it before serving.
    let s = start_tuned(dir, two_merchants(), None, tuned).await;
    // It serves once the rows are sealed: the first answer says it is.
    let live = s.get("/v1/webhook-endpoints", SK).await.ok(200).clone();
    assert_eq!(live["data"].as_array().unwrap().len(), 2, "{live}");
    let (sealed, none) = raw_secrets(&s, &legacy_id).await;
    assert!(none.is_none());
    assert!(
        !sealed.contains(&legacy) && !sealed.starts_with("whsec_"),
        "{sealed}"
    );
    // The first endpoint's sealed values were left as they were.
    assert_eq!(raw_secrets(&s, &eid).await.0, stored);
    // Both endpoints still sign with their secrets.
    s.session(1000, "EUR", "NL").await;
    let got = next(&mut rx2).await;
    signed_with(&got, &legacy);
    let got = next(&mut rx).await;
    signed_with(&got, &second);
}
