//! The SQLite engine's own tests (the shared contract is in `conformance`).

use super::schema::MIGRATIONS;
use super::*;
use crate::config::KeyKind;
use std::sync::Arc;

fn open() -> Option<SqliteStore> {
    Some(SqliteStore::memory().unwrap())
}

crate::store::conformance::suite!(open);

use crate::store::conformance::session;

#[test]
fn concurrent_writes_share_commits_and_a_conflict_rolls_back_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let done = store.commit(Write {
        insert_session: Some(session("s0")),
        ..Default::default()
    });
    assert_eq!(done.unwrap(), Commit::Done);

    // 32 threads: 16 insert new sessions, 16 update s0 from version 1.
    let threads: Vec<_> = (0..32)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                if i % 2 == 0 {
                    store.commit(Write {
                        insert_session: Some(session(&format!("s{}", i + 1))),
                        ..Default::default()
                    })
                } else {
                    let mut s = session("s0");
                    s.version = 2;
                    s.reference = Some(format!("writer {i}"));
                    store.commit(Write {
                        update_session: Some((s, 1)),
                        ..Default::default()
                    })
                }
            })
        })
        .collect();
    let results: Vec<Commit> = threads
        .into_iter()
        .map(|t| t.join().unwrap().unwrap())
        .collect();
    let won = results
        .iter()
        .enumerate()
        .filter(|(i, r)| i % 2 == 1 && **r == Commit::Done)
        .count();
    assert_eq!(won, 1, "exactly one versioned update wins: {results:?}");
    assert!(results
        .iter()
        .enumerate()
        .all(|(i, r)| i % 2 == 1 || *r == Commit::Done));

    let (writes, commits) = store.write_stats();
    assert_eq!(writes, 33);
    assert!(
        commits < writes,
        "concurrent writes were grouped: {commits} commits for {writes} writes"
    );

    // Everything acknowledged is in the file: a fresh store sees it.
    drop(store);
    let again = SqliteStore::open(&path).unwrap();
    for i in (0..32).step_by(2) {
        assert!(again.session(&format!("s{}", i + 1)).unwrap().is_some());
    }
    let s0 = again.session("s0").unwrap().unwrap();
    assert_eq!(s0.version, 2);
    assert!(s0.reference.unwrap().starts_with("writer "));
}

#[test]
fn a_first_release_database_migrates_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(MIGRATIONS[0]).unwrap();
        let src = serde_json::json!({"merchant_id": "m", "source": {"state": "pending_redirect"}});
        c.execute(
            "INSERT INTO sources (id, merchant_id, session_id, data) VALUES ('src_1', 'm', 'ses_1', ?1)",
            [src.to_string()],
        )
        .unwrap();
        c.execute(
            "INSERT INTO idempotency VALUES ('m', 'k1', 'h', 201, x'7b7d', 0)",
            [],
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let r = store
        .idempotent("m", KeyKind::Secret, "k1")
        .unwrap()
        .unwrap();
    assert_eq!((r.request_hash.as_str(), r.status), ("h", 201));
    assert!(store
        .idempotent("m", KeyKind::Public, "k1")
        .unwrap()
        .is_none());
    let c = store.reader();
    let state: String = c
        .query_row("SELECT state FROM sources WHERE id = 'src_1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(state, "pending_redirect");
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v as usize, SCHEMA_VERSION);
    drop(c);
    drop(store);
    // Opening again changes nothing; a newer schema is refused.
    drop(SqliteStore::open(&path).unwrap());
    let c = Connection::open(&path).unwrap();
    c.pragma_update(None, "user_version", 99).unwrap();
    drop(c);
    assert!(SqliteStore::open(&path).is_err());
}

#[test]
fn a_scratch_database_is_removed_on_drop() {
    let store = SqliteStore::memory().unwrap();
    let path = store.scratch.clone().unwrap();
    let done = store.commit(Write {
        insert_session: Some(session("x")),
        ..Default::default()
    });
    assert_eq!(done.unwrap(), Commit::Done);
    assert!(store.session("x").unwrap().is_some());
    assert!(path.exists());
    drop(store);
    assert!(!path.exists());
}

#[test]
fn a_schema_3_database_migrates_to_own_records_and_every_row_reads_back() {
    use crate::store::conformance::upgrade;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    {
        let c = Connection::open(&path).unwrap();
        for m in &MIGRATIONS[..3] {
            c.execute_batch(m).unwrap();
        }
        c.pragma_update(None, "user_version", 3).unwrap();
        c.execute_batch(&upgrade::old_rows_sql()).unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    upgrade::every_old_row_reads_back(&store);
    let c = store.reader();
    let data: String = c
        .query_row("SELECT data FROM sources WHERE id = 'src_gift'", [], |r| {
            r.get(0)
        })
        .unwrap();
    drop(c);
    let stored: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(stored["gift_card_key"], "fp_gift", "{data}");
    assert!(stored.get("source").is_none(), "{data}");
    // A migrated row moves on as any other.
    let mut rec = store.source("src_card").unwrap().unwrap();
    rec.source.state = paysession_core::state::SourceState::Consumed;
    let moved = store.commit(Write {
        sources: vec![crate::store::SourceWrite::Transition {
            rec,
            from: paysession_core::state::SourceState::Chargeable,
        }],
        now: 10,
        ..Default::default()
    });
    assert_eq!(moved.unwrap(), Commit::Done);
}

/// `IdemRecord.kind` is a `KeyKind`; the row keeps `pk` / `sk` as before
/// (what a database written by an earlier release holds, and reads back).
#[test]
fn key_kinds_are_stored_as_pk_and_sk() {
    use crate::store::conformance::{both_key_kinds, STORED_KEY_KINDS};
    let store = SqliteStore::memory().unwrap();
    both_key_kinds(&store);
    let c = store.reader();
    let mut q = c
        .prepare("SELECT key, key_kind FROM idempotency ORDER BY key")
        .unwrap();
    let rows: Vec<(String, String)> = q
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows, STORED_KEY_KINDS.map(|(k, v)| (k.into(), v.into())));
}
