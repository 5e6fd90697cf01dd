//! Events, the outbox: every change a [`Write`] makes to a session, source,
//! order, customer or saved payment method is recorded as an event row in the
//! write's own transaction (the protocol's last step), so an event exists if
//! and only if its change committed: a refused write (a conflict, an
//! idempotency key already used) writes none, and a replayed answer writes
//! nothing at all. Which events a write makes is decided here, once:
//!
//! | change | event `type` |
//! |---|---|
//! | session inserted | `session.created` |
//! | session updated (compare-and-swap) | `session.updated` |
//! | source inserted | `source.created` |
//! | source moved to state `S` | `source.S` (`source.chargeable`, `source.failed`, `source.consumed`, …) |
//! | order inserted | `order.created` (and `order.paid` when it is captured in full at once) |
//! | order updated (compare-and-swap) | one per change it names ([`LifecycleEvent`]): `payment.captured`, `payment.voided`, `payment.expired`, `payment.failed`, `order.paid`, `refund.created`, `refund.succeeded`, `refund.failed` |
//! | customer inserted | `customer.created` |
//! | payment method saved / deleted | `payment_method.attached` / `payment_method.detached` |
//!
//! An event's `data` is the object's wire JSON as the change left it (the
//! secret key's view): the order for `order.*` and `payment.*`, the refund
//! (with its `orderId`) for `refund.*`, whose `object_id` is the refund's.
//! Checks (a session or source asserted, not written) and gift-card money
//! make no event of their own.

use super::{PmWrite, SourceWrite, Write};
use paysession_core::state::{LifecycleEvent, PaymentState, SourceState};

/// The prefix of event ids.
pub const PREFIX: &str = "evt_";

/// `events (seq, id, merchant_id, type, object_id, created, data)`: `seq`
/// is the engine's ascending row number (the list's order and cursor).
#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    /// `evt_…`.
    pub id: String,
    /// The merchant whose object changed.
    pub merchant: String,
    /// `session.updated`, `source.chargeable`, … (the module's table).
    pub kind: String,
    /// The id of the object that changed (`ses_…`, `src_…`, `ord_…`, …).
    pub object_id: String,
    /// Unix seconds (the write's `now`).
    pub created: i64,
    /// The object's wire JSON as the change left it.
    pub data: String,
}

/// A stored event read back, with its row number.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    /// Ascending in insertion order.
    pub seq: i64,
    /// The row.
    pub row: EventRow,
}

/// A page of a merchant's events, newest first.
#[derive(Clone, Debug, Default)]
pub struct EventQuery {
    /// Merchant id.
    pub merchant: String,
    /// Only events of this type.
    pub kind: Option<String>,
    /// Only events of this object.
    pub object_id: Option<String>,
    /// Only events older than this row number (the cursor's `seq`).
    pub before: Option<i64>,
    /// At most this many rows.
    pub limit: usize,
}

/// The type of the event of a source moving to `state`.
pub fn source_type(state: SourceState) -> String {
    format!("source.{}", state.as_str())
}

fn row(w: &Write, merchant: &str, kind: &str, object_id: &str, data: String) -> EventRow {
    EventRow {
        id: crate::ids::new_id(PREFIX),
        merchant: merchant.to_owned(),
        kind: kind.to_owned(),
        object_id: object_id.to_owned(),
        created: w.now,
        data,
    }
}

/// The events of `w`, in the order of its steps.
pub fn of(w: &Write) -> Result<Vec<EventRow>, serde_json::Error> {
    let mut out = Vec::new();
    if let Some(s) = &w.insert_session {
        let data = serde_json::to_string(&s.view(w.now, true))?;
        out.push(row(w, &s.merchant_id, "session.created", &s.id, data));
    }
    if let Some((s, _)) = &w.update_session {
        let data = serde_json::to_string(&s.view(w.now, true))?;
        out.push(row(w, &s.merchant_id, "session.updated", &s.id, data));
    }
    for sw in &w.sources {
        let (rec, kind) = match sw {
            SourceWrite::Insert(rec) => (rec, "source.created".to_owned()),
            SourceWrite::Transition { rec, .. } => (rec, source_type(rec.source.state)),
        };
        let data = serde_json::to_string(&rec.source)?;
        out.push(row(w, &rec.merchant_id, &kind, &rec.source.id, data));
    }
    for o in &w.orders {
        let data = serde_json::to_string(&o.order)?;
        out.push(row(
            w,
            &o.merchant_id,
            "order.created",
            &o.order.id,
            data.clone(),
        ));
        if o.order.payment_state == PaymentState::Captured {
            let kind = LifecycleEvent::OrderPaid.as_str();
            out.push(row(w, &o.merchant_id, kind, &o.order.id, data));
        }
    }
    for u in &w.order_updates {
        let o = &u.rec.order;
        for (change, object) in &u.changes {
            let data = match o.refunds.iter().find(|r| &r.id == object) {
                Some(refund) if change.is_refund() => serde_json::to_string(refund)?,
                _ => serde_json::to_string(o)?,
            };
            out.push(row(w, &u.rec.merchant_id, change.as_str(), object, data));
        }
    }
    for c in &w.customers {
        let data = serde_json::to_string(&c.view(&[]))?;
        out.push(row(w, &c.merchant_id, "customer.created", &c.id, data));
    }
    for pw in &w.payment_methods {
        let (m, kind) = match pw {
            PmWrite::Insert(m) => (m, "payment_method.attached"),
            PmWrite::Delete(m) => (m, "payment_method.detached"),
        };
        let data = serde_json::to_string(&m.summary())?;
        out.push(row(w, &m.merchant_id, kind, &m.id, data));
    }
    Ok(out)
}

/// Every event type a write can make (the module's table; the API's filter
/// accepts these only).
pub fn types() -> Vec<String> {
    let mut t: Vec<String> = [
        "session.created",
        "session.updated",
        "source.created",
        "order.created",
        "customer.created",
        "payment_method.attached",
        "payment_method.detached",
    ]
    .map(String::from)
    .into();
    t.extend(SourceState::ALL.iter().map(|s| source_type(*s)));
    t.extend(LifecycleEvent::ALL.iter().map(|e| e.as_str().to_owned()));
    t
}
