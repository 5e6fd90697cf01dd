//! Instances as processes: one killed under load loses nothing acknowledged; `migrate` and the shared vault key.

use super::*;

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
