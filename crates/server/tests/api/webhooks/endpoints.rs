//! The endpoints API (secret key only, coded bad input) and its cap of 16
//! under concurrent creates.

use super::*;
use crate::common::*;
use serde_json::json;
use std::sync::Arc;

#[tokio::test]
async fn webhook_endpoints_are_managed_with_the_secret_key_and_bad_input_is_coded() {
    let s = start_fast(60_000).await;
    let created = create_endpoint(&s, json!({"url": "http://127.0.0.1:9/paysession"}))
        .await
        .ok(201)
        .clone();
    let eid = id(&created);
    assert!(eid.starts_with("we_"));
    assert_eq!(created["types"], json!(["*"]));
    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 30,
        "{secret}"
    );
    // The secret is shown once.
    let got = s.get(&format!("/v1/webhook-endpoints/{eid}"), SK).await;
    assert!(got.ok(200).get("secret").is_none());
    let list = s.get("/v1/webhook-endpoints", SK).await.ok(200).clone();
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert!(list["data"][0].get("secret").is_none());
    // Another merchant sees nothing of it; the public key may not.
    s.get(&format!("/v1/webhook-endpoints/{eid}"), "sk_test_other")
        .await
        .expect_error(404, "resource_not_found");
    s.get("/v1/webhook-endpoints", PK)
        .await
        .expect_error(403, "permission_denied");
    // Bad input.
    for url in [
        "https://hooks.example/x", // https, but this server is loopback-only
        "http://hooks.example/x",
        "ftp://127.0.0.1/x",
        "https://user:pw@hooks.example/x",
        "not a url",
        "https://hooks.example/x#frag",
    ] {
        let r = create_endpoint(&s, json!({"url": url})).await;
        r.expect_error(400, "invalid_url");
        assert_eq!(r.param(), "url");
    }
    create_endpoint(
        &s,
        json!({"url": format!("http://localhost:9/{}", "a".repeat(2100))}),
    )
    .await
    .expect_error(400, "invalid_url");
    for types in ["", "order.shipped", "*,order.created", "session.created,,"] {
        let r = create_endpoint(&s, json!({"url": "http://localhost:9/", "types": types})).await;
        r.expect_error(400, "invalid_parameter");
        assert_eq!(r.param(), "types");
    }
    create_endpoint(&s, json!({"url": "http://localhost:9/", "colour": 1}))
        .await
        .expect_error(400, "unknown_parameter");
    create_endpoint(&s, json!({}))
        .await
        .expect_error(400, "missing_parameter");
    s.post(
        &format!("/v1/webhook-endpoints/{eid}/rotate"),
        SK,
        json!({"overlapSeconds": 604801}),
    )
    .await
    .expect_error(400, "invalid_parameter");
    for q in [
        "limit=0",
        "state=done",
        "eventId=evt_x",
        "startingAfter=whd_x",
        "color=1",
    ] {
        let r = s
            .get(&format!("/v1/webhook-endpoints/{eid}/deliveries?{q}"), SK)
            .await;
        assert_eq!(r.status.as_u16(), 400, "{q}: {}", r.text);
    }
    s.get("/v1/webhook-endpoints/we_nope/deliveries", SK)
        .await
        .expect_error(404, "resource_not_found");
    // At most 16.
    for _ in 1..16 {
        create_endpoint(&s, json!({"url": "http://localhost:9/"}))
            .await
            .ok(201);
    }
    create_endpoint(&s, json!({"url": "http://localhost:9/"}))
        .await
        .expect_error(400, "invalid_parameter");
    // Deleted: gone.
    let del = s.delete(&format!("/v1/webhook-endpoints/{eid}"), SK).await;
    assert_eq!(del.ok(200)["deleted"], true);
    s.get(&format!("/v1/webhook-endpoints/{eid}"), SK)
        .await
        .expect_error(404, "resource_not_found");
    s.delete(&format!("/v1/webhook-endpoints/{eid}"), SK)
        .await
        .expect_error(404, "resource_not_found");
}

/// The 16-endpoint cap under concurrent creates: each round leaves 13 live
/// endpoints and sends 8 creates at once; exactly 3 may win (the count and
/// the insert are one transaction), the others are `400 invalid_parameter`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_endpoint_cap_holds_under_concurrent_creates() {
    let s = Arc::new(start_fast(60_000).await);
    const ROUNDS: usize = 25;
    const AT_ONCE: usize = 8;
    let mut over = vec![];
    for round in 0..ROUNDS {
        // Down to 13 live endpoints.
        let live = s.get("/v1/webhook-endpoints", SK).await.ok(200).clone();
        let live: Vec<String> = live["data"].as_array().unwrap().iter().map(id).collect();
        for e in live.iter().skip(13) {
            s.delete(&format!("/v1/webhook-endpoints/{e}"), SK)
                .await
                .ok(200);
        }
        for _ in live.len()..13 {
            create_endpoint(&s, json!({"url": "http://localhost:9/"}))
                .await
                .ok(201);
        }
        let tasks: Vec<_> = (0..AT_ONCE)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move {
                    create_endpoint(&s, json!({"url": "http://localhost:9/"})).await
                })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            let r = t.await.unwrap();
            if r.status.as_u16() == 201 {
                won += 1;
            } else {
                r.expect_error(400, "invalid_parameter");
            }
        }
        let n = s.get("/v1/webhook-endpoints", SK).await.ok(200)["data"]
            .as_array()
            .unwrap()
            .len();
        if won != 3 || n != 16 {
            over.push(format!("round {round}: {won} created, {n} live"));
        }
    }
    assert!(over.is_empty(), "the cap of 16 broke: {over:?}");
}
