//! The store contract ([`super`]) as tests every engine runs: each engine's
//! test module calls `conformance::suite!(open)` with a function that opens a
//! fresh, empty store (`Option::None` skips, for an engine not available).
//! Races use real threads on one store, as the server's blocking tasks do.

use super::{
    Commit, Conflict, GiftCardKey, GiftOp, IdemRecord, Idempotent, PmWrite, SourceWrite, Store,
    Write,
};
use crate::model::{CustomerRec, PaymentMethodRec, SessionRec, SourceRec};
use paysession_core::{country::Country, state::SourceState, Amount, Currency};
use std::sync::Arc;

/// One `#[test]` per contract rule, for the engine `open` opens.
macro_rules! suite {
    ($open:ident) => {
        mod conformance_suite {
            use crate::store::conformance as c;
            fn open() -> Option<std::sync::Arc<dyn crate::store::Store>> {
                super::$open()
                    .map(|s| std::sync::Arc::new(s) as std::sync::Arc<dyn crate::store::Store>)
            }
            #[test]
            fn versioned_updates_have_one_winner() {
                if let Some(s) = open() {
                    c::versioned_updates_have_one_winner(s)
                }
            }
            #[test]
            fn racing_source_transitions_have_one_winner() {
                if let Some(s) = open() {
                    c::racing_source_transitions_have_one_winner(s)
                }
            }
            #[test]
            fn one_idempotency_key_makes_one_write() {
                if let Some(s) = open() {
                    c::one_idempotency_key_makes_one_write(s)
                }
            }
            #[test]
            fn checks_hold_until_commit() {
                if let Some(s) = open() {
                    c::checks_hold_until_commit(s)
                }
            }
            #[test]
            fn racing_holds_never_exceed_the_balance() {
                if let Some(s) = open() {
                    c::racing_holds_never_exceed_the_balance(s)
                }
            }
            #[test]
            fn racing_captures_debit_once() {
                if let Some(s) = open() {
                    c::racing_captures_debit_once(s)
                }
            }
            #[test]
            fn a_refused_condition_rolls_back_the_whole_write() {
                if let Some(s) = open() {
                    c::a_refused_condition_rolls_back_the_whole_write(s)
                }
            }
            #[test]
            fn a_source_is_saved_as_one_method() {
                if let Some(s) = open() {
                    c::a_source_is_saved_as_one_method(s)
                }
            }
            #[test]
            fn a_deleted_method_pays_nothing() {
                if let Some(s) = open() {
                    c::a_deleted_method_pays_nothing(s)
                }
            }
            #[test]
            fn reads_see_every_acknowledged_write() {
                if let Some(s) = open() {
                    c::reads_see_every_acknowledged_write(s)
                }
            }
        }
    };
}
pub(crate) use suite;

/// Threads in each race.
const THREADS: usize = 24;

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

/// A session record.
pub fn session(id: &str) -> SessionRec {
    SessionRec {
        id: id.into(),
        merchant_id: "m".into(),
        client_secret: "cs".into(),
        version: 1,
        amount: Amount(1000),
        currency: eur(),
        country: Country::parse("DE").unwrap(),
        owner: None,
        shipping: None,
        reference: None,
        locale: None,
        metadata: None,
        customer_id: None,
        card: None,
        attached: vec![],
        order_id: None,
        failed_attempts: 0,
        require_terms: false,
        terms_acceptance: None,
        wallet_tokens: Vec::new(),
        created: 0,
        updated: 0,
        expires: 1_000,
    }
}

/// A source record in `state`.
pub fn source(id: &str, state: SourceState) -> SourceRec {
    let v = serde_json::json!({
        "merchant_id": "m", "challenged": false,
        "source": {
            "id": id, "clientSecret": "cs", "sessionId": "ses_1", "type": "giftCard",
            "state": state, "flow": "standard", "reusable": false, "amount": 100,
            "currency": "EUR", "createdTime": "t", "updatedTime": "t"
        }
    });
    serde_json::from_value(v).unwrap()
}

fn write(w: Write) -> Write {
    Write { now: 10, ..w }
}

/// Runs `f(i)` on `n` threads at once; their results in order.
pub fn race<T: Send + 'static>(n: usize, f: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let f = Arc::new(f);
    let gate = Arc::new(std::sync::Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (f, gate) = (f.clone(), gate.clone());
            std::thread::spawn(move || {
                gate.wait();
                f(i)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn done(s: &Arc<dyn Store>, w: Write) {
    assert_eq!(s.commit(write(w)).unwrap(), Commit::Done);
}

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
        let winners: Vec<usize> = (0..THREADS)
            .filter(|i| results[*i] == Commit::Done)
            .collect();
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
    let winners: Vec<usize> = (0..THREADS)
        .filter(|i| results[*i] == Commit::Done)
        .collect();
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

fn idem(key: &str, kind: &'static str, status: u16) -> IdemRecord {
    IdemRecord {
        merchant: "m".into(),
        kind,
        key: key.into(),
        response: Idempotent {
            request_hash: format!("h{status}"),
            status,
            body: status.to_string().into_bytes(),
        },
    }
}

/// Rule 5: writes racing with one idempotency key: one commits, with its
/// record; the others write nothing. Keys of the two kinds are apart.
pub fn one_idempotency_key_makes_one_write(s: Arc<dyn Store>) {
    let st = s.clone();
    let results = race(THREADS, move |i| {
        st.commit(write(Write {
            insert_session: Some(session(&format!("s{i}"))),
            idempotency: Some(idem("key-1", "sk", 200 + i as u16)),
            ..Default::default()
        }))
        .unwrap()
    });
    let winners: Vec<usize> = (0..THREADS)
        .filter(|i| results[*i] == Commit::Done)
        .collect();
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
    let rec = s.idempotent("m", "sk", "key-1").unwrap().unwrap();
    assert_eq!(rec.status, 200 + winners[0] as u16);
    assert_eq!(rec.body, rec.status.to_string().into_bytes());
    assert!(s.idempotent("m", "pk", "key-1").unwrap().is_none());
    assert!(s.idempotent("other", "sk", "key-1").unwrap().is_none());
    done(
        &s,
        Write {
            idempotency: Some(idem("key-1", "pk", 201)),
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

fn card() -> GiftCardKey {
    GiftCardKey {
        merchant: "m".into(),
        card: "fp".into(),
    }
}

fn hold(source: &str, amount: u64, currency: Currency) -> GiftOp {
    GiftOp::Hold {
        card: card(),
        currency,
        initial: 500,
        source_id: source.into(),
        session_id: format!("ses_{source}"),
        amount,
        expires: 100,
    }
}

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
    let won = results.iter().filter(|r| **r == Commit::Done).count();
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
    assert_eq!(
        results.iter().filter(|r| **r == Commit::Done).count(),
        1,
        "{results:?}"
    );
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
            idempotency: Some(idem("k", "sk", 200)),
            gift: vec![hold("src_x", 10, eur())],
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(r, Commit::Conflict(Conflict::Session));
    assert!(s.session("s1").unwrap().is_none());
    assert!(s.idempotent("m", "sk", "k").unwrap().is_none());
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
            idempotency: Some(idem("k", "sk", 200)),
            ..Default::default()
        },
    );
    let r = s
        .commit(write(Write {
            insert_session: Some(session("s3")),
            idempotency: Some(idem("k", "sk", 201)),
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
            st.commit(write(Write {
                insert_session: Some(session(&id)),
                ..Default::default()
            }))
            .unwrap();
            assert!(st.session(&id).unwrap().is_some(), "{id} read back at once");
        }
    });
    assert_eq!(results.len(), THREADS);
    assert!(s.health().unwrap().pool_size > 0);
}

fn customer(id: &str) -> CustomerRec {
    CustomerRec {
        id: id.into(),
        merchant_id: "m".into(),
        email: None,
        reference: None,
        metadata: None,
        created: 1,
    }
}

fn method(id: &str, source: &str) -> PaymentMethodRec {
    PaymentMethodRec {
        id: id.into(),
        merchant_id: "m".into(),
        customer_id: "cus_1".into(),
        source_id: source.into(),
        usage: paysession_core::wire::Usage::Convenience,
        brand: paysession_core::card::Brand::Visa,
        last_four_digits: "4242".into(),
        expiration_month: 12,
        expiration_year: 2040,
        fingerprint: "f".into(),
        number_sealed: Some("sealed".into()),
        created: 5,
        deleted: false,
    }
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
    let winners: Vec<usize> = (0..THREADS)
        .filter(|i| results[*i] == Commit::Done)
        .collect();
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
