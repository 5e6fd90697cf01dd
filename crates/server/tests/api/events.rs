//! Events (`GET /v1/events`, `GET /v1/events/{id}`): recorded with each
//! change, once; listed newest first with a cursor; filtered; bad queries
//! are coded 400s.

use crate::common::*;
use reqwest::Method;
use serde_json::{json, Value};

/// `GET /v1/events?QUERY` with the secret key: the page.
async fn page(s: &Server, query: &str) -> Value {
    s.get(&format!("/v1/events?{query}"), SK)
        .await
        .ok(200)
        .clone()
}

/// (type, objectId) of each event of a page.
fn kinds(page: &Value) -> Vec<(String, String)> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_owned();
            (s("type"), s("objectId"))
        })
        .collect()
}

fn pair(kind: &str, id: &str) -> (String, String) {
    (kind.into(), id.into())
}

/// A PayPal source approved on its hosted page, attached, and the order.
async fn checkout(s: &Server) -> (String, String, String) {
    let sid = id(&s.session(1000, "EUR", "NL").await);
    let src = s.paypal_source(&sid).await.ok(201).clone();
    let approved = s.redirect_submit(&src, "approve").await;
    assert_eq!(approved.status(), 303);
    s.attach(&sid, &id(&src)).await.ok(200);
    let order = s.post("/v1/orders", SK, json!({"sessionId": sid})).await;
    (sid, id(&src), id(order.ok(201)))
}

#[tokio::test]
async fn a_checkout_records_its_events_newest_first() {
    let s = start().await;
    let (sid, src, ord) = checkout(&s).await;
    let all = page(&s, "limit=100").await;
    assert_eq!(all["hasMore"], false);
    assert_eq!(
        kinds(&all),
        [
            // Captured at once (automatic capture): paid with its creation.
            pair("order.paid", &ord),
            pair("order.created", &ord),
            pair("source.consumed", &src),
            pair("session.updated", &sid),
            pair("session.updated", &sid),
            pair("source.chargeable", &src),
            pair("source.created", &src),
            pair("session.created", &sid),
        ]
    );
    // Each event's object is what its own route answers now (nothing changed since).
    let newest = &all["data"][0];
    assert_eq!(
        newest["data"]["object"],
        *s.get(&format!("/v1/orders/{ord}"), SK).await.ok(200)
    );
    assert_eq!(all["data"][1]["data"]["object"], newest["data"]["object"]);
    let session = &all["data"][3]["data"]["object"];
    assert_eq!(*session, s.retrieve(&sid).await);
    assert_eq!(all["data"][5]["data"]["object"]["state"], "chargeable");
    // One event by id, as listed.
    let eid = newest["id"].as_str().unwrap();
    assert!(eid.starts_with("evt_"), "{eid}");
    assert_eq!(
        *s.get(&format!("/v1/events/{eid}"), SK).await.ok(200),
        *newest
    );
    // Filters.
    let by_source = page(&s, &format!("objectId={src}")).await;
    assert_eq!(by_source["data"].as_array().unwrap().len(), 3);
    let updates = page(&s, &format!("type=session.updated&objectId={sid}")).await;
    assert_eq!(
        kinds(&updates),
        [pair("session.updated", &sid), pair("session.updated", &sid)]
    );
    // Another merchant sees none of them; the public key none at all.
    assert_eq!(
        kinds(s.get("/v1/events", "sk_test_other").await.ok(200)),
        []
    );
    s.get(&format!("/v1/events/{eid}"), "sk_test_other")
        .await
        .expect_error(404, "resource_not_found");
    s.get("/v1/events", PK)
        .await
        .expect_error(403, "permission_denied");
}

#[tokio::test]
async fn pages_walk_every_event_once() {
    let s = start().await;
    for _ in 0..3 {
        checkout(&s).await;
    }
    let all = page(&s, "limit=100").await;
    let want: Vec<Value> = all["data"].as_array().unwrap().clone();
    assert_eq!(want.len(), 24);
    let mut got: Vec<Value> = Vec::new();
    let mut query = "limit=4".to_owned();
    for _ in 0..10 {
        let p = page(&s, &query).await;
        let data = p["data"].as_array().unwrap();
        got.extend(data.iter().cloned());
        if p["hasMore"] == false {
            break;
        }
        assert_eq!(data.len(), 4);
        query = format!("limit=4&startingAfter={}", data[3]["id"].as_str().unwrap());
    }
    assert_eq!(got, want);
    // The default page is 10.
    let first = page(&s, "").await;
    assert_eq!(first["data"].as_array().unwrap().len(), 10);
    assert_eq!(first["hasMore"], true);
}

#[tokio::test]
async fn a_replayed_or_refused_write_records_no_event() {
    let s = start().await;
    let body = json!({"amount": 1000, "currency": "EUR", "country": "DE"});
    let key = [("Idempotency-Key", "events-1")];
    let first = s
        .send(
            Method::POST,
            "/v1/sessions",
            Some(SK),
            Some(body.clone()),
            &key,
        )
        .await;
    let again = s
        .send(Method::POST, "/v1/sessions", Some(SK), Some(body), &key)
        .await;
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(first.ok(201), again.ok(201));
    let sid = id(first.ok(201));
    assert_eq!(kinds(&page(&s, "").await), [pair("session.created", &sid)]);
    // Racing writers on one version, round after round: one event per winner.
    let path = format!("{}/v1/sessions/{sid}", s.url);
    for round in 1..=3u64 {
        let mut tasks = Vec::new();
        for i in 0..8 {
            let (http, url) = (s.http.clone(), path.clone());
            tasks.push(tokio::spawn(async move {
                let b = json!({"reference": format!("w{i}"), "version": round});
                let r = http
                    .patch(url)
                    .bearer_auth(SK)
                    .json(&b)
                    .send()
                    .await
                    .unwrap();
                r.status().as_u16()
            }));
        }
        let mut codes = Vec::new();
        for t in tasks {
            codes.push(t.await.unwrap());
        }
        assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
        assert!(codes.iter().all(|c| *c == 200 || *c == 409), "{codes:?}");
        let updates = page(&s, "type=session.updated").await;
        assert_eq!(updates["data"].as_array().unwrap().len() as u64, round);
        let stored = s.retrieve(&sid).await;
        assert_eq!(
            updates["data"][0]["data"]["object"]["reference"],
            stored["reference"]
        );
    }
}

#[tokio::test]
async fn bad_event_queries_are_coded_400s() {
    let s = start().await;
    let (_, _, ord) = checkout(&s).await;
    for (query, param) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("type=order.shipped", "type"),
        ("type=", "type"),
        ("objectId=", "objectId"),
        (
            "startingAfter=evt_0123456789abcdef0123456789abcdef",
            "startingAfter",
        ),
        ("startingAfter=not-an-id", "startingAfter"),
    ] {
        let r = s.get(&format!("/v1/events?{query}"), SK).await;
        r.expect_error(400, "invalid_parameter");
        assert_eq!(r.param(), param, "{query}");
    }
    let r = s.get("/v1/events?after=1", SK).await;
    r.expect_error(400, "unknown_parameter");
    // Another merchant's event is no cursor.
    let theirs = page(&s, "limit=1").await["data"][0]["id"].clone();
    let r = s
        .get(
            &format!("/v1/events?startingAfter={}", theirs.as_str().unwrap()),
            "sk_test_other",
        )
        .await;
    r.expect_error(400, "invalid_parameter");
    for bad in ["evt_nope", &ord, "evt_0123456789abcdef0123456789abcdef"] {
        s.get(&format!("/v1/events/{bad}"), SK)
            .await
            .expect_error(404, "resource_not_found");
    }
}

#[tokio::test]
async fn a_failed_challenge_and_a_cancelled_redirect_are_source_events() {
    let s = start().await;
    let sid = id(&s.session(1000, "GBP", "GB").await);
    let card = s
        .card_source(&sid, "4917610000000000")
        .await
        .ok(201)
        .clone();
    assert_eq!(card["state"], "requires_action");
    let failed = s
        .http
        .post(format!("{}/hosted/challenge/{}", s.url, id(&card)))
        .form(&[
            ("clientSecret", card["clientSecret"].as_str().unwrap()),
            ("password", "letmein"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 200);
    let sid = id(&s.session(1000, "EUR", "NL").await);
    let paypal = s.paypal_source(&sid).await.ok(201).clone();
    let cancelled = s.redirect_submit(&paypal, "cancel").await;
    assert_eq!(cancelled.status(), 303);
    let f = page(&s, "type=source.failed").await;
    assert_eq!(kinds(&f), [pair("source.failed", &id(&card))]);
    assert_eq!(f["data"][0]["data"]["object"]["state"], "failed");
    let c = page(&s, "type=source.cancelled").await;
    assert_eq!(kinds(&c), [pair("source.cancelled", &id(&paypal))]);
    let created = page(&s, "type=source.created").await;
    assert_eq!(created["data"].as_array().unwrap().len(), 2);
}
