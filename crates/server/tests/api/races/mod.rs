//! Issue 8's findings as tests: money and state under real concurrency.
//! Each race runs many rounds of parallel HTTP requests; every round must end
//! with exactly one winner and a stored state that agrees with every answer.

use crate::common::*;
use serde_json::{json, Value};

mod challenges;
mod gift_cards;
mod orders;

const ROUNDS: usize = 30;

/// A cloneable client for spawned requests.
#[derive(Clone)]
struct C {
    http: reqwest::Client,
    url: String,
}

impl C {
    fn of(s: &Server) -> C {
        C {
            http: s.http.clone(),
            url: s.url.clone(),
        }
    }
    async fn post(&self, path: &str, key: &str, body: Value) -> Resp {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap();
        Resp::read(r).await
    }
    async fn get(&self, path: &str, key: &str) -> Resp {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        Resp::read(r).await
    }
    async fn form(&self, path: &str, fields: Vec<(&'static str, String)>) -> (u16, String, String) {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .form(&fields)
            .send()
            .await
            .unwrap();
        form_answer(r).await
    }
}

/// The `n`th test gift card (`6000 0000 0000 0001` is the first).
fn gift(n: usize) -> String {
    format!("60000000000{:05}", n + 1)
}

async fn gift_source(s: &Server, sid: &str, number: &str) -> Resp {
    s.post(
        "/v1/sources",
        PK,
        json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": number, "pin": "1234"}}),
    )
    .await
}

async fn join<T: Send + 'static>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}
