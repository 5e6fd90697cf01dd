//! The shared verdict table (tests/verdicts.json) run through the server: each
//! row's input must get the verdict ("ok" or the error code, and the
//! parameter) that the SDK gives in the browser (tests/browser/verdicts.spec.mjs).

use crate::common::{self, id, PK};
use serde_json::{json, Value};

fn table() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/verdicts.json");
    let text = std::fs::read_to_string(path).expect("tests/verdicts.json");
    let v: Value = serde_json::from_str(&text).expect("tests/verdicts.json is JSON");
    v["rows"].as_array().expect("rows").clone()
}

fn query(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn server_gives_the_tables_verdicts() {
    let srv = common::start().await;
    let mut wrong = vec![];
    let rows = table();
    assert!(rows.len() >= 50, "the table lost rows");
    for row in &rows {
        let (rule, input) = (row["rule"].as_str().unwrap(), &row["input"]);
        let r = match rule {
            "email" | "country" => {
                let owner = if rule == "email" {
                    json!({"email": input})
                } else {
                    json!({"address": {"country": input}})
                };
                let s = srv.session(1000, "EUR", "US").await;
                srv.patch(
                    &format!("/v1/sessions/{}/fields", id(&s)),
                    PK,
                    json!({"owner": owner}),
                )
                .await
            }
            "owner" => {
                let s = srv.session(1000, "EUR", "US").await;
                srv.patch(
                    &format!("/v1/sessions/{}/fields", id(&s)),
                    PK,
                    json!({"owner": input}),
                )
                .await
            }
            "giftCard" => {
                let s = srv.session(1000, "EUR", "US").await;
                srv.post(
                    "/v1/sources",
                    PK,
                    json!({"type": "giftCard", "sessionId": id(&s), "giftCard": input}),
                )
                .await
            }
            "url" => {
                let s = srv.session(1000, "EUR", "US").await;
                srv.post(
                    "/v1/sources",
                    PK,
                    json!({"type": "payPal", "sessionId": id(&s),
                    "payPal": {"returnUrl": input, "cancelUrl": "https://shop.example/cancel"}}),
                )
                .await
            }
            "card" => {
                let s = srv.session(1000, "EUR", "US").await;
                srv.post(
                    "/v1/sources",
                    PK,
                    json!({"type": "creditCard", "sessionId": id(&s), "creditCard": input}),
                )
                .await
            }
            "iban" => {
                let s = srv.session(1000, "EUR", "DE").await;
                srv.post(
                    "/v1/sources",
                    PK,
                    json!({"type": "sepaDebit", "sessionId": id(&s), "sepaDebit": {"iban": input}}),
                )
                .await
            }
            "market" => {
                let mut q = vec![];
                for k in ["currency", "country", "amount"] {
                    match &input[k] {
                        Value::Null => {}
                        Value::String(v) => q.push(format!("{k}={}", query(v))),
                        v => q.push(format!("{k}={v}")),
                    }
                }
                srv.get(&format!("/v1/payment-methods?{}", q.join("&")), PK)
                    .await
            }
            other => panic!("unknown rule {other} in tests/verdicts.json"),
        };
        let got = if r.status.is_success() {
            ("ok".to_owned(), String::new())
        } else {
            (r.code().to_owned(), r.param().to_owned())
        };
        let want = (
            row["expect"].as_str().unwrap().to_owned(),
            row["parameter"].as_str().unwrap_or("").to_owned(),
        );
        if got != want {
            wrong.push(format!(
                "{rule} {input}: server says {got:?}, the table {want:?} ({})",
                r.text
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows differ:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
    srv.stop().await;
}
