//! The shopper picks the checkout's language; the locale catalogs are
//! served without a key.

use super::*;
use crate::common::*;
use serde_json::json;

#[tokio::test]
async fn the_shopper_picks_the_language_of_the_checkout() {
    let (s, _www) = demo().await;
    let catalog = s.get("/demo/api/catalog", "").await.ok(200).clone();
    let locales = catalog["locales"].as_array().unwrap();
    assert!(locales.len() >= 30 && locales.contains(&json!("he-IL")));
    let body = json!({"items": [{"sku": "mug", "quantity": 1}], "country": "DE", "currency": "EUR", "locale": "he"});
    let c = s.post("/demo/api/checkout", "", body).await.ok(200).clone();
    assert_eq!(c["locale"], "he-IL");
    // Without a choice, the market's language.
    assert_eq!(checkout(&s, "mug", 1, "DE").await["locale"], "de-DE");
}

#[tokio::test]
async fn locale_catalogs_are_served_without_a_key() {
    let s = start().await;
    let de = s
        .send(reqwest::Method::GET, "/v1/locales/de-DE", None, None, &[])
        .await;
    assert_eq!(de.status.as_u16(), 200);
    assert_eq!(de.body["field.cardNumber"], "Kartennummer");
    assert!(de.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let ar = s
        .send(reqwest::Method::GET, "/v1/locales/ar", None, None, &[])
        .await;
    assert_eq!(ar.body["dir"], "rtl");
    s.send(reqwest::Method::GET, "/v1/locales/xx-YY", None, None, &[])
        .await
        .expect_error(404, "resource_not_found");
    // Without --demo there is no demo backend.
    s.get("/demo/api/catalog", "")
        .await
        .expect_error(404, "route_not_found");
}
