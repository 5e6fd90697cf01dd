//! Three `paysession-server` processes on one PostgreSQL, the races spread
//! across them, and one instance killed (SIGKILL) under load. Runs when
//! `PAYSESSION_TEST_DATABASE` names a PostgreSQL database (`npm test` sets
//! it and `PAYSESSION_REQUIRE_PG`, which turns a missing database into a
//! failure instead of a skip).

use crate::common::*;
use serde_json::{json, Value};
use std::process::{Child, Command};
use std::time::Duration;

mod money;
mod processes;
mod writes;

const ROUNDS: usize = 15;

struct Cluster {
    urls: Vec<String>,
    children: Vec<Option<Child>>,
    db: String,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for c in self.children.iter_mut().flatten() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `n` instances on a fresh schema, or `None` without PostgreSQL.
async fn cluster(n: usize) -> Option<Cluster> {
    cluster_with(n, &["--rate-limit-public", "off"]).await
}

/// `cluster` with these extra server flags.
async fn cluster_with(n: usize, flags: &[&str]) -> Option<Cluster> {
    let admin = paysession_server::store::postgres::test_database()?;
    let db = tokio::task::spawn_blocking(move || {
        paysession_server::store::postgres::scratch_schema(&admin, "multi").unwrap()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("merchants.toml");
    std::fs::write(&config, TWO_MERCHANTS).unwrap();
    // The first instance migrates; the others then start at once.
    let mut children = vec![];
    let mut urls = vec![];
    for _ in 0..n {
        let (child, url) = cluster_instance(&db, &config, flags);
        children.push(Some(child));
        urls.push(url);
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    Some(Cluster {
        urls,
        children,
        db,
        http,
        _dir: dir,
    })
}

/// An instance of the cluster: the demo checkout's rate limit off, then `flags`.
fn cluster_instance(db: &str, config: &std::path::Path, flags: &[&str]) -> (Child, String) {
    instance(
        db,
        config,
        &[&["--rate-limit-demo-checkout", "off"], flags].concat(),
    )
}

impl Cluster {
    /// The instance that serves request `i` (round robin).
    fn at(&self, i: usize) -> &str {
        &self.urls[i % self.urls.len()]
    }

    async fn call(
        &self,
        i: usize,
        method: reqwest::Method,
        path: &str,
        key: &str,
        body: Option<Value>,
        idem: Option<&str>,
    ) -> Result<Resp, reqwest::Error> {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.at(i)))
            .bearer_auth(key);
        if let Some(b) = body {
            r = r.json(&b);
        }
        if let Some(k) = idem {
            r = r.header("Idempotency-Key", k);
        }
        Ok(Resp::read(r.send().await?).await)
    }

    async fn post(&self, i: usize, path: &str, key: &str, body: Value) -> Resp {
        self.call(i, reqwest::Method::POST, path, key, Some(body), None)
            .await
            .unwrap()
    }

    async fn get(&self, i: usize, path: &str, key: &str) -> Resp {
        self.call(i, reqwest::Method::GET, path, key, None, None)
            .await
            .unwrap()
    }

    async fn session(&self, i: usize, amount: u64, reference: &str) -> String {
        id(self
            .post(i, "/v1/sessions", SK, json!({"amount": amount, "currency": "EUR", "country": "DE", "reference": reference}))
            .await
            .ok(201))
    }

    /// A gift card source and a 4242… card source of `sid`, each attached;
    /// `at`: the instances that create the gift card, attach it, create the
    /// card and attach it. Their ids.
    async fn gift_and_card(&self, sid: &str, gift: &str, at: [usize; 4]) -> (String, String) {
        let g = id(self
            .post(at[0], "/v1/sources", PK, json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": gift, "pin": "1234"}}))
            .await
            .ok(201));
        self.post(
            at[1],
            &format!("/v1/sessions/{sid}/sources"),
            SK,
            json!({"sourceId": g}),
        )
        .await
        .ok(200);
        let card = id(self
            .post(at[2], "/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid,
                "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}}))
            .await
            .ok(201));
        self.post(
            at[3],
            &format!("/v1/sessions/{sid}/sources"),
            SK,
            json!({"sourceId": card}),
        )
        .await
        .ok(200);
        (g, card)
    }

    async fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        pg_rows(&self.db, sql).await
    }
}

/// Runs the futures at once; their outputs in order.
async fn all<T: Send + 'static>(
    futs: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>>,
) -> Vec<T> {
    let tasks: Vec<_> = futs.into_iter().map(tokio::spawn).collect();
    let mut out = vec![];
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}
