//! Orders updated by compare-and-swap, their events and refunds, and
//! gift-card credits (rule 10).

use super::{card, done, eur, hold, order, race, refused, winners, write, THREADS};
use crate::store::{Commit, Conflict, GiftOp, OrderUpdate, Store, Write};
use paysession_core::state::LifecycleEvent;
use std::sync::Arc;

/// `ord_1` as of `version`, changed by `writer`.
fn update(version: u64, writer: usize) -> OrderUpdate {
    let mut rec = order("ord_1", "ses_1");
    rec.order.version = version + 1;
    rec.order.amount_captured = writer as u64;
    OrderUpdate {
        rec,
        expected: version,
        changes: vec![(LifecycleEvent::PaymentCaptured, "ord_1".into())],
        refunds_created: vec![],
    }
}

/// Rule 10: of order updates racing from one version exactly one commits,
/// and only its event is recorded.
pub fn racing_order_updates_have_one_winner(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            orders: vec![order("ord_1", "ses_1")],
            ..Default::default()
        },
    );
    for round in 0..3u64 {
        let st = s.clone();
        let results = race(THREADS, move |i| {
            st.commit(write(Write {
                order_updates: vec![update(round, i)],
                ..Default::default()
            }))
            .unwrap()
        });
        let won = winners(&results);
        assert_eq!(won.len(), 1, "round {round}: {results:?}");
        assert!(
            results
                .iter()
                .all(|r| *r == Commit::Done
                    || *r == Commit::Conflict(Conflict::Order("ord_1".into())))
        );
        let stored = s.order("ord_1").unwrap().unwrap();
        assert_eq!(stored.order.version, round + 1);
        // The totals are derived from the payments (none here), never stored.
        assert_eq!(stored.order.amount_captured, 0);
    }
    let q = crate::store::events::EventQuery {
        merchant: "m".into(),
        kind: Some("payment.captured".into()),
        limit: 100,
        ..Default::default()
    };
    assert_eq!(s.events(&q).unwrap().len(), 3, "one event per winner");
    // An update of an order that does not exist is refused too.
    let mut u = update(0, 0);
    u.rec.order.id = "ord_none".into();
    refused(
        &s,
        "k-missing",
        Write {
            order_updates: vec![u],
            ..Default::default()
        },
        Conflict::Order("ord_none".into()),
    );
}

/// An update's changes are its events (a refund's with the refund as
/// object), and the refunds it creates are found by id; a refund id that
/// exists refuses the write.
pub fn an_order_update_records_its_events_and_refunds(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            orders: vec![order("ord_1", "ses_1")],
            ..Default::default()
        },
    );
    let mut u = update(0, 0);
    u.rec.order.refunds.push(paysession_core::wire::Refund {
        id: "re_1".into(),
        order_id: "ord_1".into(),
        amount: 5,
        currency: eur(),
        state: paysession_core::state::RefundState::Succeeded,
        reason: None,
        parts: vec![],
        created_time: "t".into(),
        updated_time: "t".into(),
    });
    u.changes = vec![
        (LifecycleEvent::RefundCreated, "re_1".into()),
        (LifecycleEvent::RefundSucceeded, "re_1".into()),
    ];
    u.refunds_created = vec!["re_1".into()];
    done(
        &s,
        Write {
            order_updates: vec![u],
            ..Default::default()
        },
    );
    let found = s.order_of_refund("re_1").unwrap().unwrap();
    assert_eq!(found.order.id, "ord_1");
    assert_eq!(found.order.refunds[0].amount, 5);
    assert!(s.order_of_refund("re_2").unwrap().is_none());
    let q = crate::store::events::EventQuery {
        merchant: "m".into(),
        object_id: Some("re_1".into()),
        limit: 10,
        ..Default::default()
    };
    let kinds: Vec<String> = s
        .events(&q)
        .unwrap()
        .into_iter()
        .map(|e| {
            let data: serde_json::Value = serde_json::from_str(&e.row.data).unwrap();
            assert_eq!(
                data["orderId"], "ord_1",
                "a refund's event holds the refund"
            );
            e.row.kind
        })
        .collect();
    assert_eq!(kinds, ["refund.succeeded", "refund.created"]);
    // The same refund id again: refused, nothing kept.
    let mut again = update(1, 0);
    again.refunds_created = vec!["re_1".into()];
    refused(
        &s,
        "k-dup-refund",
        Write {
            order_updates: vec![again],
            ..Default::default()
        },
        Conflict::Order("ord_1".into()),
    );
    assert_eq!(s.order("ord_1").unwrap().unwrap().order.version, 1);
}

/// A credit gives a card back what its debits took, never more; a refused
/// credit rolls back the order update it came with.
pub fn a_credit_beyond_the_debits_rolls_the_write_back(s: Arc<dyn Store>) {
    done(
        &s,
        Write {
            orders: vec![order("ord_1", "ses_1")],
            gift: vec![hold("src_g", 300, eur())],
            ..Default::default()
        },
    );
    done(
        &s,
        Write {
            gift: vec![GiftOp::Capture {
                source_id: "src_g".into(),
                amount: 300,
                order_id: "ord_1".into(),
            }],
            ..Default::default()
        },
    );
    assert_eq!(s.gift_balance(&card(), 10).unwrap().unwrap().available, 200);
    let credit = |amount| GiftOp::Credit {
        card: card(),
        source_id: "src_g".into(),
        amount,
    };
    refused(
        &s,
        "k-credit",
        Write {
            order_updates: vec![update(0, 0)],
            gift: vec![credit(301)],
            ..Default::default()
        },
        Conflict::Balance("src_g".into()),
    );
    assert_eq!(s.order("ord_1").unwrap().unwrap().order.version, 0);
    assert_eq!(s.gift_balance(&card(), 10).unwrap().unwrap().available, 200);
    done(
        &s,
        Write {
            order_updates: vec![update(0, 0)],
            gift: vec![credit(100)],
            ..Default::default()
        },
    );
    assert_eq!(s.gift_balance(&card(), 10).unwrap().unwrap().available, 300);
    // Racing credits of 100 against 200 of debits: two commit.
    let st = s.clone();
    let results = race(THREADS, move |_| {
        st.commit(write(Write {
            gift: vec![GiftOp::Credit {
                card: card(),
                source_id: "src_g".into(),
                amount: 100,
            }],
            ..Default::default()
        }))
        .unwrap()
    });
    assert_eq!(winners(&results).len(), 2, "{results:?}");
    assert_eq!(s.gift_balance(&card(), 10).unwrap().unwrap().available, 500);
}

/// The sweep's index: orders whose authorization is open (something
/// capturable) and expired at `now`, soonest first, per merchant if asked.
pub fn due_authorizations_are_the_open_ones_past_their_expiry(s: Arc<dyn Store>) {
    use paysession_core::state::PaymentState;
    let open = |id: &str, merchant: &str, expires: i64| {
        let mut o = order(id, "ses_1");
        o.merchant_id = merchant.into();
        o.order.payment_state = PaymentState::Authorized;
        o.authorization_expires = Some(expires);
        o
    };
    let mut captured = open("ord_c", "m", 1);
    captured.order.payment_state = PaymentState::Captured;
    done(
        &s,
        Write {
            orders: vec![
                open("ord_b", "m", 9),
                open("ord_a", "m", 5),
                open("ord_late", "m", 50),
                open("ord_x", "other", 3),
                captured,
                order("ord_auto", "ses_2"),
            ],
            ..Default::default()
        },
    );
    assert_eq!(
        s.due_authorizations(Some("m"), 10, 10).unwrap(),
        ["ord_a", "ord_b"]
    );
    assert_eq!(
        s.due_authorizations(None, 10, 10).unwrap(),
        ["ord_x", "ord_a", "ord_b"]
    );
    assert_eq!(s.due_authorizations(None, 10, 1).unwrap(), ["ord_x"]);
    // Once nothing is capturable the order leaves the index.
    let mut closed = open("ord_a", "m", 5);
    closed.order.version = 1;
    closed.order.payment_state = PaymentState::Expired;
    done(
        &s,
        Write {
            order_updates: vec![OrderUpdate {
                rec: closed,
                expected: 0,
                changes: vec![(LifecycleEvent::PaymentExpired, "ord_a".into())],
                refunds_created: vec![],
            }],
            ..Default::default()
        },
    );
    assert_eq!(s.due_authorizations(Some("m"), 10, 10).unwrap(), ["ord_b"]);
}
