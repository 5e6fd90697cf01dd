//! What each step of a write answers to each condition it refuses: a typed
//! [`Conflict`] naming the step (never an error, which the server would answer
//! as a 500), with nothing of the write kept. Duplicate ids of every kind are
//! conditions like the others.

use super::{card, customer, done, hold, idem, method, order, refused, session, source, write};
use crate::config::KeyKind;
use crate::store::{Commit, Conflict, GiftOp, PmWrite, SourceWrite, Store, Write};
use paysession_core::state::SourceState;
use std::sync::Arc;

/// A session inserted under an existing id: `Conflict::Session`; the stored
/// session is unchanged.
pub fn a_duplicate_session_id_is_a_session_conflict(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            insert_session: Some(session("s0")),
            ..Default::default()
        },
    );
    let mut again = session("s0");
    again.reference = Some("second".into());
    let w = Write {
        insert_session: Some(again),
        ..Default::default()
    };
    refused(&s, "dup-session", w, Conflict::Session);
    assert_eq!(s.session("s0").unwrap().unwrap().reference, None);
}

/// A source inserted under an existing id: `Conflict::Source(id)`; the stored
/// source keeps its state, and the session written before it is undone.
pub fn a_duplicate_source_id_is_a_source_conflict(s: Arc<dyn Store>) {
    let first = SourceWrite::Insert(source("src_1", SourceState::Chargeable));
    done(
        &s,
        Write {
            sources: vec![first],
            ..Default::default()
        },
    );
    let w = Write {
        insert_session: Some(session("s1")),
        sources: vec![SourceWrite::Insert(source("src_1", SourceState::Consumed))],
        ..Default::default()
    };
    refused(&s, "dup-source", w, Conflict::Source("src_1".into()));
    let kept = s.source("src_1").unwrap().unwrap();
    assert_eq!(kept.source.state, SourceState::Chargeable);
    assert!(s.session("s1").unwrap().is_none());
}

/// An order inserted under an existing id: `Conflict::Order(id)`.
pub fn a_duplicate_order_id_is_an_order_conflict(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            orders: vec![order("ord_1", "s0")],
            ..Default::default()
        },
    );
    let w = Write {
        insert_session: Some(session("s1")),
        orders: vec![order("ord_1", "s1")],
        ..Default::default()
    };
    refused(&s, "dup-order", w, Conflict::Order("ord_1".into()));
    assert_eq!(s.order("ord_1").unwrap().unwrap().order.session_id, "s0");
    assert!(s.session("s1").unwrap().is_none());
}

/// A customer inserted under an existing id: `Conflict::Customer(id)`.
pub fn a_duplicate_customer_id_is_a_customer_conflict(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            customers: vec![customer("cus_1")],
            ..Default::default()
        },
    );
    let mut again = customer("cus_1");
    again.email = Some("second@example.com".into());
    let w = Write {
        customers: vec![again],
        ..Default::default()
    };
    refused(&s, "dup-customer", w, Conflict::Customer("cus_1".into()));
    assert_eq!(s.customer("cus_1").unwrap().unwrap().email, None);
}

/// A method inserted under an existing id, or saved again from its source:
/// `Conflict::PaymentMethod(the new method's id)`.
pub fn a_duplicate_method_id_or_source_is_a_method_conflict(s: Arc<dyn Store>) {
    let first = PmWrite::Insert(method("pm_1", "src_1"));
    done(
        &s,
        Write {
            payment_methods: vec![first],
            ..Default::default()
        },
    );
    let same_id = PmWrite::Insert(method("pm_1", "src_2"));
    let w = Write {
        payment_methods: vec![same_id],
        ..Default::default()
    };
    refused(&s, "dup-pm-id", w, Conflict::PaymentMethod("pm_1".into()));
    let same_source = PmWrite::Insert(method("pm_2", "src_1"));
    let w = Write {
        payment_methods: vec![same_source],
        ..Default::default()
    };
    refused(
        &s,
        "dup-pm-source",
        w,
        Conflict::PaymentMethod("pm_2".into()),
    );
    let kept = s.payment_methods("cus_1").unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (kept[0].id.as_str(), kept[0].source_id.as_str()),
        ("pm_1", "src_1")
    );
}

/// A source is debited once: held again after its capture, a second capture
/// is `Conflict::Balance(source)` and its hold stays.
pub fn a_second_capture_of_a_source_is_a_balance_conflict(s: Arc<dyn Store>) {
    let eur = super::eur();
    let capture = |order: &str| GiftOp::Capture {
        source_id: "src_a".into(),
        amount: 100,
        order_id: order.into(),
    };
    done(
        &s,
        Write {
            gift: vec![hold("src_a", 100, eur)],
            ..Default::default()
        },
    );
    done(
        &s,
        Write {
            gift: vec![capture("ord_1")],
            ..Default::default()
        },
    );
    done(
        &s,
        Write {
            gift: vec![hold("src_a", 100, eur)],
            ..Default::default()
        },
    );
    let w = Write {
        gift: vec![capture("ord_2")],
        ..Default::default()
    };
    refused(&s, "second-capture", w, Conflict::Balance("src_a".into()));
    let b = s.gift_balance(&card(), 10).unwrap().unwrap();
    assert_eq!(b.available, 300, "500 − one debit of 100 − the hold of 100");
}

/// Every step that needs a row refuses when the row does not exist.
pub fn a_missing_row_refuses_every_conditional_step(s: Arc<dyn Store>) {
    let cases: Vec<(&str, Write, Conflict)> = vec![
        (
            "check-session",
            Write {
                session_check: Some(("nope".into(), 1)),
                ..Default::default()
            },
            Conflict::Session,
        ),
        (
            "update-session",
            Write {
                update_session: Some((session("nope"), 1)),
                ..Default::default()
            },
            Conflict::Session,
        ),
        (
            "check-source",
            Write {
                source_checks: vec![("nope".into(), SourceState::Chargeable)],
                ..Default::default()
            },
            Conflict::Source("nope".into()),
        ),
        (
            "move-source",
            Write {
                sources: vec![SourceWrite::Transition {
                    rec: source("nope", SourceState::Consumed),
                    from: SourceState::Chargeable,
                }],
                ..Default::default()
            },
            Conflict::Source("nope".into()),
        ),
        (
            "check-method",
            Write {
                pm_checks: vec!["nope".into()],
                ..Default::default()
            },
            Conflict::PaymentMethod("nope".into()),
        ),
        (
            "delete-method",
            Write {
                payment_methods: vec![PmWrite::Delete(method("nope", "src_1"))],
                ..Default::default()
            },
            Conflict::PaymentMethod("nope".into()),
        ),
    ];
    for (key, w, conflict) in cases {
        refused(&s, key, w, conflict);
    }
    assert!(s.session("nope").unwrap().is_none());
    assert!(s.source("nope").unwrap().is_none());
    assert!(s.payment_method("nope").unwrap().is_none());
}

/// A capture without a hold, or above it, is `Conflict::Balance`; a release
/// of no hold is no conflict.
pub fn a_short_or_missing_hold_refuses_the_capture(s: Arc<dyn Store>) {
    let capture = |amount| GiftOp::Capture {
        source_id: "src_a".into(),
        amount,
        order_id: "ord_1".into(),
    };
    let w = Write {
        gift: vec![capture(100)],
        ..Default::default()
    };
    refused(&s, "no-hold", w, Conflict::Balance("src_a".into()));
    done(
        &s,
        Write {
            gift: vec![hold("src_a", 100, super::eur())],
            ..Default::default()
        },
    );
    let w = Write {
        gift: vec![capture(150)],
        ..Default::default()
    };
    refused(&s, "above-hold", w, Conflict::Balance("src_a".into()));
    assert_eq!(s.gift_balance(&card(), 10).unwrap().unwrap().available, 400);
    let release = GiftOp::Release {
        source_id: "src_none".into(),
    };
    done(
        &s,
        Write {
            gift: vec![release],
            ..Default::default()
        },
    );
}

/// Of several refused conditions, the first step in the protocol's order
/// names the conflict: idempotency, session check, session insert, session
/// update, source checks, sources, orders, gift cards, customers, method
/// checks, methods.
pub fn the_first_refused_step_names_the_conflict(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            insert_session: Some(session("s0")),
            sources: vec![SourceWrite::Insert(source(
                "src_1",
                SourceState::Chargeable,
            ))],
            orders: vec![order("ord_1", "s0")],
            customers: vec![customer("cus_1")],
            payment_methods: vec![PmWrite::Insert(method("pm_1", "src_1"))],
            idempotency: Some(idem("used", KeyKind::Secret, 200)),
            ..Default::default()
        },
    );
    let steps = refusals_of_the_session_and_sources()
        .into_iter()
        .chain(refusals_of_the_other_records());
    for (n, (w, conflict)) in steps.enumerate() {
        let got = s.commit(write(w)).unwrap();
        assert_eq!(got, Commit::Conflict(conflict), "pair {n}");
    }
}

/// Pairs of refused steps (the session's and the sources'), with the
/// conflict of the first.
fn refusals_of_the_session_and_sources() -> Vec<(Write, Conflict)> {
    let dup_source = || {
        vec![SourceWrite::Insert(source(
            "src_1",
            SourceState::Chargeable,
        ))]
    };
    vec![
        (
            Write {
                idempotency: Some(idem("used", KeyKind::Secret, 201)),
                session_check: Some(("s0".into(), 9)),
                ..Default::default()
            },
            Conflict::Idempotency,
        ),
        (
            Write {
                session_check: Some(("s0".into(), 9)),
                insert_session: Some(session("s0")),
                ..Default::default()
            },
            Conflict::Session,
        ),
        (
            Write {
                update_session: Some((session("s0"), 9)),
                source_checks: vec![("src_1".into(), SourceState::Consumed)],
                ..Default::default()
            },
            Conflict::Session,
        ),
        (
            Write {
                source_checks: vec![("src_9".into(), SourceState::Chargeable)],
                sources: dup_source(),
                ..Default::default()
            },
            Conflict::Source("src_9".into()),
        ),
        (
            Write {
                sources: dup_source(),
                orders: vec![order("ord_1", "s0")],
                ..Default::default()
            },
            Conflict::Source("src_1".into()),
        ),
    ]
}

/// Pairs of refused steps (orders, gift cards, customers, methods), with the
/// conflict of the first.
fn refusals_of_the_other_records() -> Vec<(Write, Conflict)> {
    vec![
        (
            Write {
                orders: vec![order("ord_1", "s0")],
                gift: vec![hold("src_g", 501, super::eur())],
                ..Default::default()
            },
            Conflict::Order("ord_1".into()),
        ),
        (
            Write {
                gift: vec![hold("src_g", 501, super::eur())],
                customers: vec![customer("cus_1")],
                ..Default::default()
            },
            Conflict::Balance("src_g".into()),
        ),
        (
            Write {
                customers: vec![customer("cus_1")],
                pm_checks: vec!["pm_9".into()],
                ..Default::default()
            },
            Conflict::Customer("cus_1".into()),
        ),
        (
            Write {
                pm_checks: vec!["pm_9".into()],
                payment_methods: vec![PmWrite::Insert(method("pm_1", "src_7"))],
                ..Default::default()
            },
            Conflict::PaymentMethod("pm_9".into()),
        ),
    ]
}
