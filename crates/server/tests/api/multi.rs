//! Three `paysession-server` processes on one PostgreSQL, the races spread
//! across them, and one instance killed (SIGKILL) under load. Runs when
//! `PAYSESSION_TEST_DATABASE` names a PostgreSQL database (`npm test` sets
//! it and `PAYSESSION_REQUIRE_PG`, which turns a missing database into a
//! failure instead of a skip).

use crate::common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ROUNDS: usize = 15;
const VAULT_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

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
        let (child, url) = instance(&db, &config, flags);
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

fn instance(db: &str, config: &std::path::Path, flags: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paysession-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            db,
            "--db-pool",
            "8",
        ])
        .args(["--rate-limit-demo-checkout", "off"])
        .args(flags)
        .arg("--config")
        .arg(config)
        .env("PAYSESSION_VAULT_KEY", VAULT_KEY)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("listening on http://"), "{line:?}");
    (
        child,
        line.trim().trim_start_matches("listening on ").to_owned(),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_of_one_session_version_on_three_instances_have_one_winner() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let sid = c.session(round, 1000, &format!("r{round}")).await;
        let futs = (0..9)
            .map(|i| {
                let (c, sid) = (c.clone(), sid.clone());
                Box::pin(async move {
                    c.call(
                        i,
                        reqwest::Method::PATCH,
                        &format!("/v1/sessions/{sid}"),
                        SK,
                        Some(json!({"reference": format!("writer {i}"), "version": 1})),
                        None,
                    )
                    .await
                    .unwrap()
                }) as _
            })
            .collect();
        let answers: Vec<Resp> = all(futs).await;
        let won: Vec<usize> = (0..9).filter(|i| answers[*i].status == 200).collect();
        assert_eq!(
            won.len(),
            1,
            "round {round}: {:?}",
            answers.iter().map(|a| a.status).collect::<Vec<_>>()
        );
        for a in answers.iter().filter(|a| a.status != 200) {
            a.expect_error(409, "session_version_mismatch");
        }
        // Every instance reads the winner's write (read-your-writes across instances).
        for i in 0..3 {
            let got = c.get(i, &format!("/v1/sessions/{sid}"), SK).await;
            assert_eq!(got.ok(200)["reference"], format!("writer {}", won[0]));
            assert_eq!(got.body["version"], 2);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_idempotency_key_sent_to_every_instance_at_once_makes_one_write() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let key = format!("multi-key-{round}");
        let reference = format!("idem-{round}");
        let futs = (0..3)
            .map(|i| {
                let (c, key, reference) = (c.clone(), key.clone(), reference.clone());
                Box::pin(async move {
                    c.call(i, reqwest::Method::POST, "/v1/sessions", SK,
                        Some(json!({"amount": 1234, "currency": "EUR", "country": "DE", "reference": reference})),
                        Some(&key))
                        .await
                        .unwrap()
                }) as _
            })
            .collect();
        let answers: Vec<Resp> = all(futs).await;
        // One instance wrote; the others replay its answer, byte for byte.
        assert!(
            answers.iter().all(|a| a.status == 201),
            "round {round}: {:?}",
            answers.iter().map(|a| &a.text).collect::<Vec<_>>()
        );
        assert!(
            answers.iter().all(|a| a.text == answers[0].text),
            "round {round}"
        );
        let n = c
            .rows(&format!(
                "SELECT count(*) FROM sessions WHERE data::jsonb->>'reference' = '{reference}'"
            ))
            .await;
        assert_eq!(n[0][0].as_deref(), Some("1"), "round {round}");
    }
}

/// The `n`th test gift card, apart from the other tests' cards.
fn gift(n: usize) -> String {
    format!("60000000009{:05}", n + 1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_orders_on_three_instances_make_one_order_and_debit_once() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let sid = c.session(round, 800, "orders").await;
        let g = id(c
            .post(round + 1, "/v1/sources", PK, json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": gift(round), "pin": "1234"}}))
            .await
            .ok(201));
        c.post(
            round + 2,
            &format!("/v1/sessions/{sid}/sources"),
            SK,
            json!({"sourceId": g}),
        )
        .await
        .ok(200);
        let card = id(c
            .post(round, "/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid,
                "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}}))
            .await
            .ok(201));
        c.post(
            round + 1,
            &format!("/v1/sessions/{sid}/sources"),
            SK,
            json!({"sourceId": card}),
        )
        .await
        .ok(200);
        let futs = (0..9)
            .map(|i| {
                let (c, sid) = (c.clone(), sid.clone());
                Box::pin(
                    async move { c.post(i, "/v1/orders", SK, json!({"sessionId": sid})).await },
                ) as _
            })
            .collect();
        let answers: Vec<Resp> = all(futs).await;
        let made: Vec<&Resp> = answers.iter().filter(|a| a.status == 201).collect();
        assert_eq!(made.len(), 1, "round {round}");
        for a in answers.iter().filter(|a| a.status != 201) {
            a.expect_error(400, "order_submit_failed");
        }
        for i in 0..3 {
            assert_eq!(
                c.get(i, &format!("/v1/sessions/{sid}"), SK).await.ok(200)["orderId"],
                made[0].body["id"]
            );
        }
        let left = c.get(round, &format!("/v1/sources/{g}"), SK).await;
        assert_eq!(left.ok(200)["giftCard"]["balance"], 0);
        let debits = c
            .rows(&format!(
                "SELECT count(*), sum(amount) FROM gift_debits WHERE source_id = '{g}'"
            ))
            .await;
        assert_eq!(
            (debits[0][0].as_deref(), debits[0][1].as_deref()),
            (Some("1"), Some("500")),
            "round {round}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_gift_card_on_sessions_of_three_instances_never_exceeds_its_balance() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let number = gift(100 + round);
        // Six sessions of 300 on the three instances; the card holds 500.
        let mut sids = vec![];
        for i in 0..6 {
            sids.push(c.session(i, 300, "gift").await);
        }
        let futs = sids
            .iter()
            .enumerate()
            .map(|(i, sid)| {
                let (c, sid, number) = (c.clone(), sid.clone(), number.clone());
                Box::pin(async move {
                    let src = c
                        .post(i, "/v1/sources", PK, json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": number, "pin": "1234"}}))
                        .await;
                    if src.status != 201 {
                        return (src, None);
                    }
                    let g = id(&src.body);
                    let a = c.post(i + 1, &format!("/v1/sessions/{sid}/sources"), SK, json!({"sourceId": g})).await;
                    (a, Some(sid))
                }) as _
            })
            .collect();
        let answers: Vec<(Resp, Option<String>)> = all(futs).await;
        for (a, _) in &answers {
            assert!(
                a.status == 200 || a.code() == "insufficient_funds",
                "{}",
                a.text
            );
        }
        let mut contributed = 0;
        for sid in &sids {
            let v = c.get(2, &format!("/v1/sessions/{sid}"), SK).await;
            contributed += v.ok(200)["amountContributed"].as_u64().unwrap();
        }
        assert_eq!(
            contributed, 500,
            "round {round}: the card is spent exactly, never more"
        );
        // Each round's card is held in full, and no card beyond its balance.
        let held = c
            .rows("SELECT COALESCE(sum(amount), 0) FROM gift_holds")
            .await;
        assert_eq!(
            held[0][0].as_deref(),
            Some((500 * (round + 1)).to_string().as_str())
        );
        let over = c
            .rows("SELECT count(*) FROM gift_cards g WHERE g.spent + (SELECT COALESCE(sum(amount), 0) FROM gift_holds h WHERE h.card = g.card) > g.balance")
            .await;
        assert_eq!(over[0][0].as_deref(), Some("0"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approve_and_cancel_on_different_instances_have_one_outcome() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        let sid = c.session(round, 1000, "redirect").await;
        let src = c
            .post(round, "/v1/sources", PK, json!({"type": "payPal", "sessionId": sid, "payPal": {
                "returnUrl": "https://shop.example/return", "cancelUrl": "https://shop.example/cancel"}}))
            .await;
        let src = src.ok(201).clone();
        let (src_id, secret) = (id(&src), src["clientSecret"].as_str().unwrap().to_owned());
        let futs = [
            "approve", "cancel", "approve", "cancel", "approve", "cancel",
        ]
        .into_iter()
        .enumerate()
        .map(|(i, action)| {
            let (c, src_id, secret) = (c.clone(), src_id.clone(), secret.clone());
            Box::pin(async move {
                let r = c
                    .http
                    .post(format!("{}/hosted/redirect/{src_id}", c.at(i)))
                    .form(&[("clientSecret", secret), ("action", action.to_owned())])
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                let loc = r
                    .headers()
                    .get("location")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                (status, loc, r.text().await.unwrap())
            }) as _
        })
        .collect();
        let answers: Vec<(u16, String, String)> = all(futs).await;
        let winners: Vec<_> = answers.iter().filter(|a| a.0 == 303).collect();
        assert_eq!(winners.len(), 1, "round {round}: {answers:?}");
        for (status, _, body) in answers.iter().filter(|a| a.0 != 303) {
            assert_eq!(*status, 400, "{body}");
            assert!(body.contains("source_state_invalid"), "{body}");
        }
        let approved = winners[0].1.starts_with("https://shop.example/return");
        for i in 0..3 {
            let stored = c.get(i, &format!("/v1/sources/{src_id}"), SK).await;
            assert_eq!(
                stored.ok(200)["state"],
                if approved { "chargeable" } else { "cancelled" }
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_instance_killed_under_load_loses_nothing_acknowledged() {
    let Some(c) = cluster(3).await else { return };
    let mut c = c;
    let (urls, http) = (c.urls.clone(), c.http.clone());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // 24 clients create sessions, each with its own idempotency key, round
    // robin over the instances; a request that fails (connection refused or
    // reset, a 5xx) is retried with the same key on the next instance, as a
    // load balancer would.
    let clients: Vec<_> = (0..24)
        .map(|w| {
            let (urls, http, stop, done) =
                (urls.clone(), http.clone(), stop.clone(), done.clone());
            tokio::spawn(async move {
                let mut acked: Vec<(String, String)> = vec![];
                let mut failed_attempts = 0;
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let key = format!("load-{w}-{n}");
                    let mut at = w + n;
                    loop {
                        let r = http
                            .post(format!("{}/v1/sessions", urls[at % urls.len()]))
                            .bearer_auth(SK)
                            .header("Idempotency-Key", &key)
                            .json(&json!({"amount": 100, "currency": "EUR", "country": "DE", "reference": key}))
                            .timeout(Duration::from_secs(10))
                            .send()
                            .await;
                        match r {
                            Ok(r) if r.status() == 201 => {
                                let v: Value = r.json().await.unwrap();
                                acked.push((key.clone(), id(&v)));
                                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                break;
                            }
                            Ok(r) if r.status().is_server_error() => failed_attempts += 1,
                            Ok(r) => panic!("{key}: {} {}", r.status(), r.text().await.unwrap()),
                            Err(_) => failed_attempts += 1,
                        }
                        at += 1;
                    }
                    n += 1;
                }
                (acked, failed_attempts)
            })
        })
        .collect();
    // Progress, not time, decides when to kill and when to stop (the machine
    // may be slow): 60 sessions before the kill, 60 more after it.
    let acks = || done.load(std::sync::atomic::Ordering::Relaxed);
    let until = |n: usize| async move {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while acks() < n && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    until(60).await;
    let mut victim = c.children[0].take().unwrap();
    victim.kill().unwrap(); // SIGKILL
    victim.wait().unwrap();
    let at_kill = acks();
    until(at_kill + 60).await;
    let after_kill = acks() - at_kill;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut acked = vec![];
    let mut failed = 0;
    for t in clients {
        let (a, f) = t.await.unwrap();
        acked.extend(a);
        failed += f;
    }
    eprintln!(
        "{} sessions acknowledged, {failed} attempts failed over to another instance",
        acked.len()
    );
    assert!(
        failed > 0,
        "the kill hit requests in flight or queued for the dead instance"
    );
    assert!(
        after_kill >= 60,
        "the load went on after the kill: {after_kill} sessions in 60 s"
    );
    // Every acknowledged session is there, once, read from the survivors.
    c.urls.remove(0);
    for (i, (key, sid)) in acked.iter().enumerate() {
        if i % 7 == 0 {
            let got = c.get(i, &format!("/v1/sessions/{sid}"), SK).await;
            assert_eq!(got.ok(200)["reference"], key.as_str());
        }
    }
    let rows = c
        .rows("SELECT data::jsonb->>'reference', count(*) FROM sessions GROUP BY 1")
        .await;
    let stored: std::collections::HashMap<String, String> = rows
        .into_iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
        .collect();
    for (key, _) in &acked {
        assert_eq!(
            stored.get(key).map(String::as_str),
            Some("1"),
            "{key} stored exactly once"
        );
    }
    // Keys that never got an answer made at most one session each.
    assert!(stored.values().all(|n| n == "1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_public_key_rate_limit_is_one_budget_across_instances() {
    // 12 per hour: a burst of 12, then one every 5 minutes.
    let Some(c) = cluster_with(3, &["--rate-limit-public", "12/h"]).await else {
        return;
    };
    let c = std::sync::Arc::new(c);
    let sid = c.session(0, 1000, "limits").await;
    let futs = (0..36)
        .map(|i| {
            let (c, sid) = (c.clone(), sid.clone());
            Box::pin(async move {
                c.get(i, &format!("/v1/sessions/{sid}/payment-methods"), PK)
                    .await
            }) as _
        })
        .collect();
    let answers: Vec<Resp> = all(futs).await;
    let passed = answers.iter().filter(|a| a.status == 200).count();
    // One budget of 12 for the client, whichever instance it reaches (three
    // budgets in three processes' memory would let 36 through).
    assert_eq!(
        passed,
        12,
        "{:?}",
        answers
            .iter()
            .map(|a| a.status.as_u16())
            .collect::<Vec<_>>()
    );
    for a in answers.iter().filter(|a| a.status != 200) {
        a.expect_error(429, "rate_limit_exceeded");
        let wait: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
        // 300 s a token; a request stamped a few ms before another instance's
        // last take waits those ms more, rounded up to a whole second: 301.
        assert!((1..=301).contains(&wait), "Retry-After {wait}");
    }
    // The secret key is not limited.
    for i in 0..3 {
        c.get(i, &format!("/v1/sessions/{sid}"), SK).await.ok(200);
    }
}

#[tokio::test]
async fn migrate_applies_the_schema_once_and_the_server_needs_the_shared_vault_key() {
    let Some(admin) = paysession_server::store::postgres::test_database() else {
        return;
    };
    let db = tokio::task::spawn_blocking(move || {
        paysession_server::store::postgres::scratch_schema(&admin, "mig").unwrap()
    })
    .await
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_paysession-server");
    for _ in 0..2 {
        assert_eq!(
            migrate(&db),
            format!(
                "postgres schema at version {}",
                paysession_server::store::postgres::SCHEMA_VERSION
            )
        );
    }
    let v = pg_rows(&db, "SELECT version FROM paysession_schema").await;
    assert_eq!(
        v,
        vec![vec![Some(
            paysession_server::store::postgres::SCHEMA_VERSION.to_string()
        )]]
    );
    // Without the vault key every instance must share, the server refuses to start.
    let out = Command::new(bin)
        .args(["--listen", "127.0.0.1:0", "--database", &db])
        .env_remove("PAYSESSION_VAULT_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PAYSESSION_VAULT_KEY"), "{err}");
    assert!(
        !err.contains("paysession@"),
        "the database URL is not echoed: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn captures_and_refunds_on_three_instances_stay_within_the_order() {
    let Some(c) = cluster(3).await else { return };
    let c = std::sync::Arc::new(c);
    for round in 0..ROUNDS {
        // A manual order of 1200: a gift card's 500 and a card's 700.
        let sid = id(c
            .post(
                round,
                "/v1/sessions",
                SK,
                json!({"amount": 1200, "currency": "EUR", "country": "DE", "capture": "manual"}),
            )
            .await
            .ok(201));
        let g = id(c
            .post(round + 1, "/v1/sources", PK, json!({"type": "giftCard", "sessionId": sid, "giftCard": {"number": gift(200 + round), "pin": "1234"}}))
            .await
            .ok(201));
        c.post(
            round,
            &format!("/v1/sessions/{sid}/sources"),
            SK,
            json!({"sourceId": g}),
        )
        .await
        .ok(200);
        let card = id(c
            .post(round + 2, "/v1/sources", PK, json!({"type": "creditCard", "sessionId": sid,
                "creditCard": {"number": "4242424242424242", "expirationMonth": 12, "expirationYear": 2040, "cvv": "123"}}))
            .await
            .ok(201));
        c.post(
            round,
            &format!("/v1/sessions/{sid}/sources"),
            SK,
            json!({"sourceId": card}),
        )
        .await
        .ok(200);
        let o = id(c
            .post(round + 1, "/v1/orders", SK, json!({"sessionId": sid}))
            .await
            .ok(201));
        // Six captures of 300 and three refunds of 300, spread over the instances.
        let futs = (0..9)
            .map(|i| {
                let (c, o) = (c.clone(), o.clone());
                Box::pin(async move {
                    let what = if i % 3 == 2 { "refunds" } else { "captures" };
                    (
                        what,
                        c.post(
                            i,
                            &format!("/v1/orders/{o}/{what}"),
                            SK,
                            json!({"amount": 300}),
                        )
                        .await,
                    )
                }) as _
            })
            .collect();
        let answers: Vec<(&str, Resp)> = all(futs).await;
        let captured = answers
            .iter()
            .filter(|(w, a)| *w == "captures" && a.status == 200)
            .count() as u64;
        assert_eq!(captured, 4, "round {round}: 4 captures of 300 fit in 1200");
        let refunds: Vec<&Value> = answers
            .iter()
            .filter(|(w, a)| *w == "refunds" && a.status == 201)
            .map(|(_, a)| &a.body)
            .collect();
        for (w, a) in &answers {
            match (*w, a.status.as_u16()) {
                ("captures", 200) | ("refunds", 201) => {}
                ("captures", _) => {
                    a.expect_error(400, "order_already_captured");
                }
                _ => {
                    a.expect_error(400, "amount_exceeds_refundable");
                }
            }
        }
        let stored = c
            .get(round, &format!("/v1/orders/{o}"), SK)
            .await
            .ok(200)
            .clone();
        assert_eq!(stored["amountCaptured"], 1200, "round {round}");
        assert_eq!(
            stored["amountRefunded"],
            300 * refunds.len() as u64,
            "round {round}"
        );
        assert_eq!(stored["version"], 4 + refunds.len() as u64, "round {round}");
        // What the refunds gave back to the gift card is on the card again.
        let to_gift: u64 = refunds
            .iter()
            .flat_map(|r| r["parts"].as_array().unwrap().iter())
            .filter(|p| p["type"] == "giftCard")
            .map(|p| p["amount"].as_u64().unwrap())
            .sum();
        let left = c.get(round + 2, &format!("/v1/sources/{g}"), SK).await;
        assert_eq!(
            left.ok(200)["giftCard"]["balance"],
            to_gift,
            "round {round}"
        );
    }
}
