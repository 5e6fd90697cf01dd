//! The PostgreSQL engine's own tests (the shared contract is in `conformance`).

use super::schema::MIGRATIONS;
use super::*;
use crate::config::KeyKind;
use crate::store::conformance;
use crate::store::SourceWrite;

/// The engine under test, on a fresh schema of [`test_database`].
fn open() -> Option<PgStore> {
    let url = scratch_schema(&test_database()?, "store").unwrap();
    Some(PgStore::open(&url, 8).unwrap())
}

conformance::suite!(open);

#[test]
fn a_first_release_schema_migrates_in_place_and_a_newer_one_is_refused() {
    let Some(admin) = test_database() else {
        return;
    };
    let url = scratch_schema(&admin, "mig").unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sql = |q: String| {
        let url = url.clone();
        rt.block_on(async move {
            let (c, conn) = tokio_postgres::connect(&url, NoTls).await.unwrap();
            let d = tokio::spawn(conn);
            c.batch_execute(&q).await.unwrap();
            drop(c);
            let _ = d.await;
        })
    };
    sql(format!(
        "{}
         CREATE TABLE paysession_schema (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), version INTEGER NOT NULL);
         INSERT INTO paysession_schema (version) VALUES (1);
         INSERT INTO sources (id, merchant_id, session_id, data)
           VALUES ('src_1', 'm', 'ses_1', '{{\"merchant_id\": \"m\", \"source\": {{\"state\": \"pending_redirect\"}}}}');
         INSERT INTO idempotency VALUES ('m', 'k1', 'h', 201, '\\x7b7d', 0);",
        MIGRATIONS[0]
    ));
    let store = PgStore::open(&url, 2).unwrap();
    let r = store
        .idempotent("m", KeyKind::Secret, "k1")
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.request_hash.as_str(), r.status, r.body.as_slice()),
        ("h", 201, &b"{}"[..])
    );
    assert!(store
        .idempotent("m", KeyKind::Public, "k1")
        .unwrap()
        .is_none());
    let state: String = store
        .run(|c| async move {
            Ok(
                c.query_one("SELECT state FROM sources WHERE id = 'src_1'", &[])
                    .await?
                    .get(0),
            )
        })
        .unwrap();
    assert_eq!(state, "pending_redirect");
    // Opening again changes nothing; a newer schema is refused.
    assert_eq!(store.migrate().unwrap(), SCHEMA_VERSION);
    drop(store);
    sql("UPDATE paysession_schema SET version = 99".into());
    assert!(PgStore::open(&url, 2).is_err());
}

#[test]
fn writes_go_on_while_their_connections_are_killed() {
    let Some(admin) = test_database() else {
        return;
    };
    let app = format!("paysession_kill_{:08x}", rand::random::<u32>());
    let url = format!(
        "{}&application_name={app}",
        scratch_schema(&admin, "kill").unwrap()
    );
    let store = std::sync::Arc::new(PgStore::open(&url, 4).unwrap());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = std::sync::Arc::new(AtomicU64::new(0));
    let killer = kill_again_and_again(&admin, &app, stop.clone(), done.clone());
    let st = store.clone();
    let results = conformance::race(8, move |t| {
        (0..40)
            .map(|i| {
                let id = format!("s_{t}_{i}");
                let r = st.commit(Write {
                    insert_session: Some(conformance::session(&id)),
                    idempotency: Some(crate::store::IdemRecord {
                        merchant: "m".into(),
                        kind: KeyKind::Secret,
                        key: id.clone(),
                        response: Idempotent {
                            request_hash: "h".into(),
                            status: 201,
                            body: vec![],
                        },
                    }),
                    now: 10,
                    ..Default::default()
                });
                done.fetch_add(1, Ordering::SeqCst);
                (id, r)
            })
            .collect::<Vec<_>>()
    });
    stop.store(true, Ordering::SeqCst);
    let killed = killer.join().unwrap();
    for (id, r) in results.into_iter().flatten() {
        assert!(matches!(r, Ok(Commit::Done)), "{id}: {r:?}");
        assert!(store.session(&id).unwrap().is_some(), "{id}");
        assert!(
            store
                .idempotent("m", KeyKind::Secret, &id)
                .unwrap()
                .is_some(),
            "{id}"
        );
    }
    let h = store.health().unwrap();
    eprintln!(
        "{killed} connections killed, {} operations retried",
        h.retries
    );
    assert!(
        killed > 0 && h.retries > 0,
        "the test killed connections in use: {killed}, {}",
        h.retries
    );
}

#[test]
fn a_write_whose_commit_answer_was_lost_is_not_applied_twice() {
    let Some(s) = open() else { return };
    s.lose_next_commit_answer.store(true, Ordering::SeqCst);
    // Committed, but the answer is lost: the retry finds its write id.
    let r = s.commit(Write {
        insert_session: Some(conformance::session("s0")),
        sources: vec![SourceWrite::Insert(conformance::source(
            "src_0",
            paysession_core::state::SourceState::Chargeable,
        ))],
        now: 10,
        ..Default::default()
    });
    assert_eq!(r.unwrap(), Commit::Done);
    assert_eq!(s.retries.load(Ordering::SeqCst), 1);
    assert!(s.session("s0").unwrap().is_some());
    assert!(!s.lose_next_commit_answer.load(Ordering::SeqCst));
    // Its events were recorded once, by the attempt that committed.
    let events = s
        .events(&crate::store::events::EventQuery {
            merchant: "m".into(),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.row.kind.as_str()).collect();
    assert_eq!(kinds, ["source.created", "session.created"]);
}

#[test]
fn shared_rate_buckets_hold_across_connections() {
    let Some(s) = open() else { return };
    let s = std::sync::Arc::new(s);
    let sec = 1_000_000_000i64;
    // 5 per 10 s: a burst of 5, then one every 2 s.
    let (interval, tolerance) = (2 * sec, 8 * sec);
    let now = 1_700_000_000 * sec;
    let st = s.clone();
    let results = conformance::race(24, move |_| {
        st.rate_take("b", now, interval, tolerance).unwrap()
    });
    assert_eq!(
        results.iter().filter(|r| r.is_none()).count(),
        5,
        "{results:?}"
    );
    let wait = results.iter().flatten().min().unwrap();
    assert_eq!(*wait, 2 * sec);
    assert!(s
        .rate_take("b", now + sec, interval, tolerance)
        .unwrap()
        .is_some());
    assert_eq!(
        s.rate_take("b", now + 2 * sec, interval, tolerance)
            .unwrap(),
        None
    );
    assert_eq!(
        s.rate_take("other", now, interval, tolerance).unwrap(),
        None
    );
}

/// Another connection terminates every connection named `app`, again and
/// again, until `stop`; the thread answers how many it killed. It kills again
/// only once a write has finished since its last kill (`done` counts them):
/// on a loaded machine a fresh connection and a write can take longer than
/// the 15 ms between kills, and a killer on a clock alone then starved every
/// write until the store's retries ran out (seen with nextest beside the
/// multi-instance tests), which tests the machine, not the store.
fn kill_again_and_again(
    admin: &str,
    app: &str,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    done: std::sync::Arc<AtomicU64>,
) -> std::thread::JoinHandle<u64> {
    let (admin, app) = (admin.to_owned(), app.to_owned());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let (c, conn) = tokio_postgres::connect(&admin, NoTls).await.unwrap();
            tokio::spawn(conn);
            let (mut killed, mut seen) = (0u64, u64::MAX);
            while !stop.load(Ordering::SeqCst) {
                let now = done.load(Ordering::SeqCst);
                if now == seen {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    continue;
                }
                seen = now;
                let rows = c
                    .query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                        &[&app],
                    )
                    .await
                    .unwrap();
                killed += rows.len() as u64;
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
            killed
        })
    })
}

#[test]
fn a_schema_4_database_migrates_to_own_records_and_every_row_reads_back() {
    use crate::store::conformance::upgrade;
    let Some(admin) = test_database() else {
        return;
    };
    let url = scratch_schema(&admin, "own").unwrap();
    let old = format!(
        "{}
         CREATE TABLE paysession_schema (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), version INTEGER NOT NULL);
         INSERT INTO paysession_schema (version) VALUES (4);
         {}",
        MIGRATIONS[..4].join(";\n"),
        upgrade::old_rows_sql()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (c, conn) = tokio_postgres::connect(&url, NoTls).await.unwrap();
        let d = tokio::spawn(conn);
        c.batch_execute(&old).await.unwrap();
        drop(c);
        let _ = d.await;
    });
    let store = PgStore::open(&url, 2).unwrap();
    upgrade::every_old_row_reads_back(&store);
    let data: String = store
        .run(|c| async move {
            let q = "SELECT data FROM orders WHERE id = 'ord_fix'";
            Ok(c.query_one(q, &[]).await?.get(0))
        })
        .unwrap();
    let stored: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(stored["sources"][0]["kind"], "giftCard", "{data}");
    assert!(stored.get("order").is_none(), "{data}");
}

/// `IdemRecord.kind` is a `KeyKind`; the row keeps `pk` / `sk` as before
/// (what a database written by an earlier release holds, and reads back).
#[test]
fn key_kinds_are_stored_as_pk_and_sk() {
    let Some(store) = open() else {
        return;
    };
    conformance::both_key_kinds(&store);
    let rows: Vec<(String, String)> = store
        .run(|c| async move {
            Ok(
                c.query("SELECT key, key_kind FROM idempotency ORDER BY key", &[])
                    .await?
                    .iter()
                    .map(|r| (r.get(0), r.get(1)))
                    .collect(),
            )
        })
        .unwrap();
    let stored = conformance::STORED_KEY_KINDS.map(|(k, v)| (k.into(), v.into()));
    assert_eq!(rows, stored);
}
