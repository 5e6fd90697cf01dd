//! Events (contract rule 9): one per change of a committed write, in its
//! transaction; none for a refused one, however it was refused or raced.

use super::{customer, done, idem, method, order, race, session, source, winners, write};
use crate::config::KeyKind;
use crate::store::events::{EventQuery, StoredEvent};
use crate::store::{Commit, Conflict, PmWrite, SourceWrite, Store, Write};
use paysession_core::state::SourceState;
use std::sync::Arc;

/// Merchant `m`'s events, newest first, filtered as given.
fn events(s: &Arc<dyn Store>, kind: Option<&str>, object: Option<&str>) -> Vec<StoredEvent> {
    s.events(&EventQuery {
        merchant: "m".into(),
        kind: kind.map(Into::into),
        object_id: object.map(Into::into),
        before: None,
        limit: 10_000,
    })
    .unwrap()
}

/// (type, object id) of each event, oldest first.
fn kinds(s: &Arc<dyn Store>) -> Vec<(String, String)> {
    let mut v: Vec<_> = events(s, None, None)
        .into_iter()
        .map(|e| (e.row.kind, e.row.object_id))
        .collect();
    v.reverse();
    v
}

fn pair(kind: &str, id: &str) -> (String, String) {
    (kind.into(), id.into())
}

/// Every change of a write records its event, with the object as written.
pub fn every_change_records_one_event(s: Arc<dyn Store>) {
    let mut pending = source("src_1", SourceState::PendingRedirect);
    pending.source.session_id = "s0".into();
    done(
        &s,
        Write {
            insert_session: Some(session("s0")),
            sources: vec![SourceWrite::Insert(pending.clone())],
            customers: vec![customer("cus_1")],
            ..Default::default()
        },
    );
    let mut moved = session("s0");
    moved.version = 2;
    moved.reference = Some("r2".into());
    let mut chargeable = pending.clone();
    chargeable.source.state = SourceState::Chargeable;
    done(
        &s,
        Write {
            update_session: Some((moved, 1)),
            sources: vec![SourceWrite::Transition {
                rec: chargeable,
                from: SourceState::PendingRedirect,
            }],
            orders: vec![order("ord_1", "s0")],
            payment_methods: vec![PmWrite::Insert(method("pm_1", "src_1"))],
            ..Default::default()
        },
    );
    let mut gone = method("pm_1", "src_1");
    gone.deleted = true;
    done(
        &s,
        Write {
            payment_methods: vec![PmWrite::Delete(gone)],
            session_check: Some(("s0".into(), 2)),
            ..Default::default()
        },
    );
    assert_eq!(
        kinds(&s),
        [
            pair("session.created", "s0"),
            pair("source.created", "src_1"),
            pair("customer.created", "cus_1"),
            pair("session.updated", "s0"),
            pair("source.chargeable", "src_1"),
            pair("order.created", "ord_1"),
            // Captured in full at its creation (automatic capture).
            pair("order.paid", "ord_1"),
            pair("payment_method.attached", "pm_1"),
            pair("payment_method.detached", "pm_1"),
        ]
    );
    let updated = &events(&s, Some("session.updated"), None)[0];
    let object: serde_json::Value = serde_json::from_str(&updated.row.data).unwrap();
    assert_eq!(object["id"], "s0");
    assert_eq!(object["version"], 2);
    assert_eq!(object["reference"], "r2");
    assert_eq!(updated.row.created, 10);
    let got = s.event(&updated.row.id).unwrap().unwrap();
    assert_eq!(&got, updated);
    let source: serde_json::Value =
        serde_json::from_str(&events(&s, None, Some("src_1"))[0].row.data).unwrap();
    assert_eq!(source["state"], "chargeable");
}

/// A refused write records nothing, whichever step refused it; a write that
/// only checks records nothing either.
pub fn a_refused_write_records_no_event(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            insert_session: Some(session("s0")),
            idempotency: Some(idem("k", KeyKind::Secret, 201)),
            ..Default::default()
        },
    );
    let before = kinds(&s);
    let refusals = [
        // The same idempotency key again (what a concurrent retry does).
        Write {
            insert_session: Some(session("s1")),
            idempotency: Some(idem("k", KeyKind::Secret, 201)),
            ..Default::default()
        },
        // A session already there, with a new source in the same write.
        Write {
            sources: vec![SourceWrite::Insert(source(
                "src_9",
                SourceState::Chargeable,
            ))],
            insert_session: Some(session("s0")),
            ..Default::default()
        },
        // A stale version, with an order and a customer in the same write.
        Write {
            update_session: Some((session("s0"), 7)),
            orders: vec![order("ord_9", "s0")],
            customers: vec![customer("cus_9")],
            ..Default::default()
        },
        // The last step refuses: a method that is not there.
        Write {
            customers: vec![customer("cus_8")],
            pm_checks: vec!["pm_none".into()],
            ..Default::default()
        },
    ];
    for w in refusals {
        let r = s.commit(write(w)).unwrap();
        assert!(matches!(r, Commit::Conflict(_)), "{r:?}");
    }
    done(
        &s,
        Write {
            session_check: Some(("s0".into(), 1)),
            ..Default::default()
        },
    );
    assert_eq!(kinds(&s), before);
}

/// Of writers racing on one version, only the winner's event is recorded,
/// round after round.
pub fn racing_writes_record_only_the_winners_events(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            insert_session: Some(session("s0")),
            ..Default::default()
        },
    );
    for round in 1..=5u64 {
        let st = s.clone();
        let results = race(super::THREADS, move |i| {
            let mut rec = session("s0");
            rec.version = round + 1;
            rec.reference = Some(format!("writer {i}"));
            let mut src = source(&format!("src_{round}_{i}"), SourceState::Chargeable);
            src.source.session_id = "s0".into();
            st.commit(write(Write {
                update_session: Some((rec, round)),
                sources: vec![SourceWrite::Insert(src)],
                ..Default::default()
            }))
            .unwrap()
        });
        let won = winners(&results);
        assert_eq!(won.len(), 1, "round {round}: {results:?}");
        assert!(results
            .iter()
            .all(|r| *r == Commit::Done || *r == Commit::Conflict(Conflict::Session)));
        let updates = events(&s, Some("session.updated"), Some("s0"));
        assert_eq!(updates.len() as u64, round, "round {round}");
        let object: serde_json::Value = serde_json::from_str(&updates[0].row.data).unwrap();
        assert_eq!(object["reference"], format!("writer {}", won[0]));
        assert_eq!(
            events(&s, Some("source.created"), None).len() as u64,
            round,
            "round {round}"
        );
    }
}

/// Pages are newest first, `before` a row number, filters combine, and a
/// merchant sees only its own events.
pub fn event_pages_are_newest_first_and_filtered(s: Arc<dyn Store>) {
    for i in 0..5 {
        done(
            &s,
            Write {
                insert_session: Some(session(&format!("s{i}"))),
                customers: vec![customer(&format!("cus_{i}"))],
                ..Default::default()
            },
        );
    }
    let mut other = session("x0");
    other.merchant_id = "other".into();
    done(
        &s,
        Write {
            insert_session: Some(other),
            ..Default::default()
        },
    );
    let all = events(&s, None, None);
    assert_eq!(all.len(), 10);
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq));
    assert!(all.iter().all(|e| e.row.merchant == "m"));
    let page = |before, limit| {
        s.events(&EventQuery {
            merchant: "m".into(),
            kind: Some("session.created".into()),
            object_id: None,
            before,
            limit,
        })
        .unwrap()
    };
    let first = page(None, 2);
    let ids: Vec<_> = first.iter().map(|e| e.row.object_id.as_str()).collect();
    assert_eq!(ids, ["s4", "s3"]);
    let next = page(Some(first[1].seq), 10);
    let ids: Vec<_> = next.iter().map(|e| e.row.object_id.as_str()).collect();
    assert_eq!(ids, ["s2", "s1", "s0"]);
    assert_eq!(events(&s, Some("customer.created"), Some("cus_3")).len(), 1);
    assert!(events(&s, Some("session.created"), Some("cus_3")).is_empty());
    assert!(s.event("evt_none").unwrap().is_none());
}
