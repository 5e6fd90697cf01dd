//! The order's life after its creation (issue 20): manual capture (partial,
//! several, final), cancel (void), the authorization's expiry, refunds (full,
//! partial, several, split orders, gift cards restored), asynchronous
//! outcomes driven by the test-mode routes, their events, and races between
//! all of them over real HTTP.

use crate::common::*;
use serde_json::{json, Value};

mod asynchronous;
mod captures;
mod expiry;
mod races;
mod refunds;

/// A session of `amount` EUR (`capture` if given), funded by `gift` (the nth
/// test gift card, 500 EUR cents) if given and a Visa card; its order.
async fn order_with(s: &Server, amount: u64, capture: Option<&str>, gift: Option<usize>) -> Value {
    let mut body = json!({"amount": amount, "currency": "EUR", "country": "DE"});
    if let Some(c) = capture {
        body["capture"] = json!(c);
    }
    let sid = id(s.post("/v1/sessions", SK, body).await.ok(201));
    if let Some(n) = gift {
        let g = gift_source(s, &sid, n).await;
        s.attach(&sid, &id(&g)).await.ok(200);
    }
    let c = s
        .card_source(&sid, "4242424242424242")
        .await
        .ok(201)
        .clone();
    s.attach(&sid, &id(&c)).await.ok(200);
    s.post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone()
}

/// A gift-card source of the nth test card on session `sid`.
async fn gift_source(s: &Server, sid: &str, n: usize) -> Value {
    s.post("/v1/sources", PK, gift_body(sid, n))
        .await
        .ok(201)
        .clone()
}

/// The request body of a gift-card source of the nth test card on `sid`.
fn gift_body(sid: &str, n: usize) -> Value {
    let number = format!("60000000000{:05}", n + 1);
    json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": number, "pin": "1234"}})
}

/// What the nth test gift card has left (a new source's balance enquiry).
async fn gift_left(s: &Server, n: usize) -> u64 {
    let sid = id(&s.session(100, "EUR", "DE").await);
    let r = s.post("/v1/sources", PK, gift_body(&sid, n)).await;
    if r.code() == "insufficient_funds" {
        return 0;
    }
    r.ok(201)["giftCard"]["balance"].as_u64().unwrap()
}

/// An order paid by one source of `kind` (`wireTransfer`, `sepaDebit`).
async fn async_order(s: &Server, kind: &str) -> (Value, String) {
    let sid = id(&s.session(1000, "EUR", "DE").await);
    let body = match kind {
        "sepaDebit" => {
            json!({"type": kind, "sessionId": sid, "sepaDebit": {"iban": "DE89 3704 0044 0532 0130 00"}})
        }
        _ => json!({"type": kind, "sessionId": sid}),
    };
    let src = id(s.post("/v1/sources", PK, body).await.ok(201));
    s.attach(&sid, &src).await.ok(200);
    let o = s
        .post("/v1/orders", SK, json!({"sessionId": sid}))
        .await
        .ok(201)
        .clone();
    (o, src)
}

/// The types of the events of object `oid`, oldest first.
async fn events_of(s: &Server, oid: &str) -> Vec<String> {
    let page = s
        .get(&format!("/v1/events?objectId={oid}&limit=100"), SK)
        .await
        .ok(200)
        .clone();
    let mut t: Vec<String> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    t.reverse();
    t
}

fn path(o: &Value, tail: &str) -> String {
    format!("/v1/orders/{}/{tail}", id(o))
}

/// Rounds of each race, and racers of each round.
const ROUNDS: usize = 12;
const RACERS: usize = 6;

async fn race(s: &Server, reqs: Vec<(String, Value)>) -> Vec<Resp> {
    let tasks: Vec<_> = reqs
        .into_iter()
        .map(|(p, body)| {
            let http = s.http.clone();
            let url = format!("{}{p}", s.url);
            tokio::spawn(async move {
                let r = http
                    .post(url)
                    .bearer_auth(SK)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                Resp::read(r).await
            })
        })
        .collect();
    let mut out = vec![];
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn stored(s: &Server, o: &Value) -> Value {
    s.get(&format!("/v1/orders/{}", id(o)), SK)
        .await
        .ok(200)
        .clone()
}
