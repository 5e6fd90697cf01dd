//! Gift-card money, rollback, read-your-writes and saved methods (rules 1, 4, 6).

use super::{
    card, customer, done, eur, hold, idem, method, race, session, source, winners, write, THREADS,
};
use crate::config::KeyKind;
use crate::store::{Commit, Conflict, GiftCardKey, GiftOp, PmWrite, SourceWrite, Store, Write};
use paysession_core::{state::SourceState, Currency};
use std::sync::Arc;

/// Rule 4: racing holds never exceed the balance; holds end at their expiry;
/// a card keeps its currency.
pub fn racing_holds_never_exceed_the_balance(s: Arc<dyn Store>) {
    let st = s.clone();
    let results = race(32, move |i| {
        st.commit(write(Write {
            gift: vec![hold(&format!("src_{i}"), 70, eur())],
            ..Default::default()
        }))
        .unwrap()
    });
    let won = winners(&results).len();
    assert_eq!(won, 7, "500 / 70 = 7 holds: {results:?}");
    assert!(results
        .iter()
        .all(|r| *r == Commit::Done || matches!(r, Commit::Conflict(Conflict::Balance(_)))));
    let b = s.gift_balance(&card(), 10).unwrap().unwrap();
    assert_eq!((b.balance, b.available, b.currency), (500, 10, eur()));
    assert_eq!(
        s.gift_balance(&card(), 100).unwrap().unwrap().available,
        500
    );
    // Renewing a source's hold replaces it rather than adding to it.
    let winner = (0..32).find(|i| results[*i] == Commit::Done).unwrap();
    done(
        &s,
        Write {
            gift: vec![hold(&format!("src_{winner}"), 80, eur())],
            ..Default::default()
        },
    );
    assert_eq!(s.gift_balance(&card(), 10).unwrap().unwrap().available, 0);
    let usd = s
        .commit(write(Write {
            gift: vec![hold("src_usd", 1, Currency::parse("USD").unwrap())],
            ..Default::default()
        }))
        .unwrap();
    assert!(matches!(usd, Commit::Conflict(Conflict::Balance(_))));
    assert!(s
        .gift_balance(
            &GiftCardKey {
                merchant: "m".into(),
                card: "never".into()
            },
            10
        )
        .unwrap()
        .is_none());
}

/// Rule 4: a capture needs a live hold, debits once, and releases drop holds.
pub fn racing_captures_debit_once(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            gift: vec![hold("src_a", 300, eur()), hold("src_b", 150, eur())],
            ..Default::default()
        },
    );
    assert_eq!(s.gift_balance(&card(), 10).unwrap().unwrap().available, 50);
    let st = s.clone();
    let results = race(THREADS, move |i| {
        st.commit(write(Write {
            gift: vec![GiftOp::Capture {
                source_id: "src_a".into(),
                amount: 300,
                order_id: format!("ord_{i}"),
            }],
            ..Default::default()
        }))
        .unwrap()
    });
    assert_eq!(winners(&results).len(), 1, "{results:?}");
    let b = s.gift_balance(&card(), 10).unwrap().unwrap();
    assert_eq!(b.available, 50, "300 debited once, 150 still held");
    done(
        &s,
        Write {
            gift: vec![GiftOp::Release {
                source_id: "src_b".into(),
            }],
            ..Default::default()
        },
    );
    assert_eq!(s.gift_balance(&card(), 10).unwrap().unwrap().available, 200);
    // An expired hold captures nothing.
    done(
        &s,
        Write {
            gift: vec![hold("src_c", 100, eur())],
            ..Default::default()
        },
    );
    let late = s
        .commit(Write {
            gift: vec![GiftOp::Capture {
                source_id: "src_c".into(),
                amount: 100,
                order_id: "ord_late".into(),
            }],
            now: 100,
            ..Default::default()
        })
        .unwrap();
    assert!(matches!(late, Commit::Conflict(Conflict::Balance(_))));
    assert_eq!(
        s.gift_balance(&card(), 100).unwrap().unwrap().available,
        200
    );
}

/// Rule 1: a refused condition leaves nothing of its write.
pub fn a_refused_condition_rolls_back_the_whole_write(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            insert_session: Some(session("s0")),
            ..Default::default()
        },
    );
    let mut moved = session("s0");
    moved.version = 2;
    let r = s
        .commit(write(Write {
            insert_session: Some(session("s1")),
            update_session: Some((moved, 7)),
            idempotency: Some(idem("k", KeyKind::Secret, 200)),
            gift: vec![hold("src_x", 10, eur())],
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(r, Commit::Conflict(Conflict::Session));
    assert!(s.session("s1").unwrap().is_none());
    assert!(s.idempotent("m", KeyKind::Secret, "k").unwrap().is_none());
    assert!(s
        .gift_balance(&card(), 10)
        .unwrap()
        .is_none_or(|b| b.available == 500));
    // A refused hold undoes the session written before it.
    let r = s
        .commit(write(Write {
            insert_session: Some(session("s2")),
            gift: vec![hold("src_y", 501, eur())],
            ..Default::default()
        }))
        .unwrap();
    assert!(matches!(r, Commit::Conflict(Conflict::Balance(_))));
    assert!(s.session("s2").unwrap().is_none());
    // A key with a record refuses the write that would record it again.
    done(
        &s,
        Write {
            idempotency: Some(idem("k", KeyKind::Secret, 200)),
            ..Default::default()
        },
    );
    let r = s
        .commit(write(Write {
            insert_session: Some(session("s3")),
            idempotency: Some(idem("k", KeyKind::Secret, 201)),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(r, Commit::Conflict(Conflict::Idempotency));
    assert!(s.session("s3").unwrap().is_none());
}

/// Rule 6 as far as a test in one process sees it: every acknowledged write
/// is read back at once, from any connection.
pub fn reads_see_every_acknowledged_write(s: Arc<dyn Store>) {
    let st = s.clone();
    let results = race(THREADS, move |i| {
        for j in 0..10 {
            let id = format!("s_{i}_{j}");
            let done = st.commit(write(Write {
                insert_session: Some(session(&id)),
                ..Default::default()
            }));
            assert_eq!(done.unwrap(), Commit::Done, "{id}");
            assert!(st.session(&id).unwrap().is_some(), "{id} read back at once");
        }
    });
    assert_eq!(results.len(), THREADS);
    assert!(s.health().unwrap().pool_size > 0);
}

/// Rule 6: racing saves of one source (an order retried, a tokenize racing
/// an order) make exactly one method; a refused one writes nothing else.
pub fn a_source_is_saved_as_one_method(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            customers: vec![customer("cus_1")],
            ..Default::default()
        },
    );
    assert_eq!(s.customer("cus_1").unwrap().unwrap().merchant_id, "m");
    let st = s.clone();
    let results = race(THREADS, move |i| {
        st.commit(write(Write {
            insert_session: Some(session(&format!("ses_{i}"))),
            payment_methods: vec![PmWrite::Insert(method(&format!("pm_{i}"), "src_1"))],
            ..Default::default()
        }))
        .unwrap()
    });
    let winners = winners(&results);
    assert_eq!(winners.len(), 1, "{results:?}");
    let list = s.payment_methods("cus_1").unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, format!("pm_{}", winners[0]));
    for i in 0..THREADS {
        assert_eq!(
            s.session(&format!("ses_{i}")).unwrap().is_some(),
            i == winners[0],
            "a refused save rolled back its whole write"
        );
    }
    // Another source makes another method, listed oldest first.
    let mut later = method("pm_later", "src_2");
    later.created = 9;
    done(
        &s,
        Write {
            payment_methods: vec![PmWrite::Insert(later)],
            ..Default::default()
        },
    );
    let ids: Vec<String> = s
        .payment_methods("cus_1")
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, vec![format!("pm_{}", winners[0]), "pm_later".into()]);
}

/// Rule 6: of racing deletes one wins; a write that relies on the method
/// being live (`pm_checks`) commits only while it is, else nothing of it.
pub fn a_deleted_method_pays_nothing(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            customers: vec![customer("cus_1")],
            payment_methods: vec![PmWrite::Insert(method("pm_1", "src_0"))],
            ..Default::default()
        },
    );
    let st = s.clone();
    let results = race(THREADS, move |i| {
        if i % 2 == 0 {
            let mut gone = method("pm_1", "src_0");
            gone.deleted = true;
            gone.number_sealed = None;
            st.commit(write(Write {
                payment_methods: vec![PmWrite::Delete(gone)],
                ..Default::default()
            }))
            .unwrap()
        } else {
            st.commit(write(Write {
                pm_checks: vec!["pm_1".into()],
                sources: vec![SourceWrite::Insert(source(
                    &format!("src_pay{i}"),
                    SourceState::Chargeable,
                ))],
                ..Default::default()
            }))
            .unwrap()
        }
    });
    let deletes = (0..THREADS)
        .filter(|i| i % 2 == 0 && results[*i] == Commit::Done)
        .count();
    assert_eq!(deletes, 1, "{results:?}");
    for (i, r) in results.iter().enumerate() {
        match r {
            Commit::Done => {}
            Commit::Conflict(c) => assert_eq!(*c, Conflict::PaymentMethod("pm_1".into())),
        }
        if i % 2 == 1 {
            assert_eq!(
                s.source(&format!("src_pay{i}")).unwrap().is_some(),
                *r == Commit::Done
            );
        }
    }
    let m = s.payment_method("pm_1").unwrap().unwrap();
    assert!(m.deleted && m.number_sealed.is_none());
    assert!(s.payment_methods("cus_1").unwrap().is_empty());
    // After the delete, every pay with it is refused.
    let late = s
        .commit(write(Write {
            pm_checks: vec!["pm_1".into()],
            sources: vec![SourceWrite::Insert(source(
                "src_late",
                SourceState::Chargeable,
            ))],
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(
        late,
        Commit::Conflict(Conflict::PaymentMethod("pm_1".into()))
    );
    assert!(s.source("src_late").unwrap().is_none());
}
