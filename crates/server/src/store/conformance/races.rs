//! Compare-and-swap and idempotency under races (contract rules 2, 3 and 5).

use super::{done, idem, race, session, source, winners, write, THREADS};
use crate::config::KeyKind;
use crate::store::{Commit, Conflict, SourceWrite, Store, Write};
use paysession_core::state::SourceState;
use std::sync::Arc;

/// Rule 2: of writers racing from one version, exactly one commits.
pub fn versioned_updates_have_one_winner(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            insert_session: Some(session("s0")),
            ..Default::default()
        },
    );
    for round in 1..=3u64 {
        let st = s.clone();
        let results = race(THREADS, move |i| {
            let mut rec = session("s0");
            rec.version = round + 1;
            rec.reference = Some(format!("writer {i}"));
            st.commit(write(Write {
                update_session: Some((rec, round)),
                ..Default::default()
            }))
            .unwrap()
        });
        let winners = winners(&results);
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        assert!(results
            .iter()
            .all(|r| *r == Commit::Done || *r == Commit::Conflict(Conflict::Session)));
        let stored = s.session("s0").unwrap().unwrap();
        assert_eq!(stored.version, round + 1);
        assert_eq!(stored.reference, Some(format!("writer {}", winners[0])));
    }
}

/// Rule 3: of transitions racing out of one state, exactly one commits; an
/// insert of an existing id is refused.
pub fn racing_source_transitions_have_one_winner(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            sources: vec![SourceWrite::Insert(source(
                "src_1",
                SourceState::PendingRedirect,
            ))],
            ..Default::default()
        },
    );
    let st = s.clone();
    let results = race(THREADS, move |i| {
        let to = if i % 2 == 0 {
            SourceState::Chargeable
        } else {
            SourceState::Cancelled
        };
        st.commit(write(Write {
            sources: vec![SourceWrite::Transition {
                rec: source("src_1", to),
                from: SourceState::PendingRedirect,
            }],
            ..Default::default()
        }))
        .unwrap()
    });
    let winners = winners(&results);
    assert_eq!(winners.len(), 1, "{results:?}");
    let want = if winners[0].is_multiple_of(2) {
        SourceState::Chargeable
    } else {
        SourceState::Cancelled
    };
    assert_eq!(s.source("src_1").unwrap().unwrap().source.state, want);
    let again = s
        .commit(write(Write {
            sources: vec![SourceWrite::Insert(source(
                "src_1",
                SourceState::Chargeable,
            ))],
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(again, Commit::Conflict(Conflict::Source("src_1".into())));
}

/// Rule 5: writes racing with one idempotency key: one commits, with its
/// record; the others write nothing. Keys of the two kinds are apart.
pub fn one_idempotency_key_makes_one_write(s: Arc<dyn Store>) {
    let st = s.clone();
    let results = race(THREADS, move |i| {
        st.commit(write(Write {
            insert_session: Some(session(&format!("s{i}"))),
            idempotency: Some(idem("key-1", KeyKind::Secret, 200 + i as u16)),
            ..Default::default()
        }))
        .unwrap()
    });
    let winners = winners(&results);
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(results
        .iter()
        .all(|r| *r == Commit::Done || *r == Commit::Conflict(Conflict::Idempotency)));
    for i in 0..THREADS {
        assert_eq!(
            s.session(&format!("s{i}")).unwrap().is_some(),
            i == winners[0]
        );
    }
    let rec = s
        .idempotent("m", KeyKind::Secret, "key-1")
        .unwrap()
        .unwrap();
    assert_eq!(rec.status, 200 + winners[0] as u16);
    assert_eq!(rec.body, rec.status.to_string().into_bytes());
    assert!(s
        .idempotent("m", KeyKind::Public, "key-1")
        .unwrap()
        .is_none());
    assert!(s
        .idempotent("other", KeyKind::Secret, "key-1")
        .unwrap()
        .is_none());
    done(
        &s,
        Write {
            idempotency: Some(idem("key-1", KeyKind::Public, 201)),
            ..Default::default()
        },
    );
}

/// Rules 2 and 3: a check that writes nothing still refuses when the row
/// moved, and a write that checked commits only with what it checked.
pub fn checks_hold_until_commit(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            insert_session: Some(session("s0")),
            ..Default::default()
        },
    );
    done(
        &s,
        Write {
            sources: vec![SourceWrite::Insert(source(
                "src_1",
                SourceState::Chargeable,
            ))],
            ..Default::default()
        },
    );
    for round in 0..10u64 {
        // Half the writers move the session and the source on; the other half
        // write an order that depends on both being unchanged.
        let st = s.clone();
        let results = race(THREADS, move |i| {
            if i % 2 == 0 {
                let mut rec = session("s0");
                rec.version = round + 2;
                st.commit(write(Write {
                    update_session: Some((rec, round + 1)),
                    ..Default::default()
                }))
                .unwrap()
            } else {
                let mut order = session(&format!("dep_{round}_{i}"));
                order.reference = Some("depends".into());
                st.commit(write(Write {
                    insert_session: Some(order),
                    session_check: Some(("s0".into(), round + 1)),
                    source_checks: vec![("src_1".into(), SourceState::Chargeable)],
                    ..Default::default()
                }))
                .unwrap()
            }
        });
        let updates = (0..THREADS)
            .step_by(2)
            .filter(|i| results[*i] == Commit::Done)
            .count();
        assert_eq!(updates, 1, "round {round}: {results:?}");
        assert_eq!(s.session("s0").unwrap().unwrap().version, round + 2);
    }
    let stale = s
        .commit(write(Write {
            insert_session: Some(session("late")),
            session_check: Some(("s0".into(), 1)),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(stale, Commit::Conflict(Conflict::Session));
    assert!(s.session("late").unwrap().is_none());
    let gone = s
        .commit(write(Write {
            insert_session: Some(session("late")),
            source_checks: vec![("src_1".into(), SourceState::Consumed)],
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(gone, Commit::Conflict(Conflict::Source("src_1".into())));
    assert!(s.session("late").unwrap().is_none());
}
