//! Storage behind a trait so another engine can be added.
//!
//! # The store contract
//!
//! Every engine implements [`Store::commit`] with exactly these rules, and the
//! flows (crate::flows) rely on nothing else:
//!
//! 1. A [`Write`] is applied in **one transaction**: every part of it, or
//!    nothing. A refused condition rolls the whole write back and is answered as
//!    [`Commit::Conflict`] naming the first condition that failed.
//! 2. **Sessions** are compare-and-swapped on their version:
//!    `update_session: (rec, v)` writes only if the stored version is still `v`;
//!    `session_check: (id, v)` asserts the version without writing.
//! 3. **Sources** move between states by compare-and-swap:
//!    [`SourceWrite::Transition`] writes only if the stored state is still
//!    `from`; [`SourceWrite::Insert`] only creates. `source_checks` assert a
//!    source's state without writing. So of racing transitions out of one state
//!    exactly one commits.
//! 4. **Gift cards** hold a balance of their own ([`GiftCardKey`]); available =
//!    balance − debits − live holds (a hold is live until its `expires`).
//!    [`GiftOp::Hold`] commits only if the card's currency matches and the
//!    amount is available *inside the transaction*; [`GiftOp::Capture`] turns a
//!    live hold into a debit; [`GiftOp::Release`] drops a hold. When a write
//!    updates a session, the holds of its attached sources are renewed to the
//!    session's new expiry in the same transaction. No interleaving of writes can
//!    make the debits and live holds of a card exceed its balance.
//! 5. **Idempotency** records are written in the transaction of the write they
//!    answer (`idempotency`), keyed by (merchant, key kind, key); an existing
//!    record for the key refuses the write ([`Conflict::Idempotency`]), so a
//!    write and its record are committed together or not at all, and a crash
//!    cannot leave one without the other.
//! 6. **Customers** are only inserted. **Saved payment methods**
//!    ([`PmWrite`]) are inserted at most once per source (a second method for
//!    the same `source_id` refuses the write) and deleted by
//!    compare-and-swap (only a live method is deleted; its sealed number is
//!    erased with it). `pm_checks` assert a method is still live without
//!    writing (read under a lock until the commit), so a write that pays with
//!    a method and a delete of it never both rely on it being live.
//! 7. Nothing is acknowledged before the transaction that holds it is durable.
//! 8. **Inserts never fail on an existing id**: a session, source, order,
//!    customer or payment method whose id exists refuses the write with the
//!    conflict of its kind ([`Conflict::Session`], [`Conflict::Source`],
//!    [`Conflict::Order`], [`Conflict::Customer`], [`Conflict::PaymentMethod`]),
//!    and a source is debited at most once (a second capture is
//!    [`Conflict::Balance`]). A store error is never the answer to a condition.
//!    Of several refused conditions, the first in the order of [`Write`]'s
//!    steps names the conflict (idempotency, session check, session insert,
//!    session update, source checks, sources, orders, order updates, gift
//!    cards, customers, method checks, methods).
//! 9. **Events** ([`events`]): a committed write records one event per
//!    change it made, in its own transaction; a refused write records none.
//!    With each event, the same transaction inserts its webhook deliveries
//!    ([`webhooks`]: one per live endpoint of the merchant taking its type).
//! 10. **Orders** are updated by compare-and-swap on their version
//!     ([`OrderUpdate`]: captures, cancel, refunds, asynchronous outcomes),
//!     with the gift-card credits they give back ([`GiftOp::Credit`], which a
//!     card's debits must cover) and the index of the refunds they create, in
//!     the same transaction: of racing updates from one version exactly one
//!     commits ([`Conflict::Order`]).

#[cfg(test)]
pub mod conformance;
mod error;
pub mod events;
mod health;
pub mod postgres;
mod protocol;
mod records;
mod rows;
pub mod sqlite;
pub mod webhooks;
mod write;

pub use error::StoreError;
pub use health::{StoreHealth, READY_WITHIN};
pub use write::{
    Commit, Conflict, GiftOp, IdemRecord, Idempotent, OrderUpdate, PmWrite, SourceWrite, Write,
};

use crate::model::{CustomerRec, OrderRec, PaymentMethodRec, SessionRec, SourceRec};
use paysession_core::Currency;

/// A gift card's identity (defined beside the records that name it).
pub use crate::model::GiftCardKey;

/// What a gift card has: its currency and what is available now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GiftBalance {
    /// The card's currency.
    pub currency: Currency,
    /// The balance it was issued with.
    pub balance: u64,
    /// balance − debits − live holds.
    pub available: u64,
}

/// The storage engine.
pub trait Store: webhooks::WebhookStore + Send + Sync + 'static {
    /// A session by id.
    fn session(&self, id: &str) -> Result<Option<SessionRec>, StoreError>;
    /// A source by id.
    fn source(&self, id: &str) -> Result<Option<SourceRec>, StoreError>;
    /// An order by id.
    fn order(&self, id: &str) -> Result<Option<OrderRec>, StoreError>;
    /// The order a refund (`re_…`) belongs to.
    fn order_of_refund(&self, refund_id: &str) -> Result<Option<OrderRec>, StoreError>;
    /// Ids of orders (of `merchant`, or every merchant's) whose open
    /// authorization expired at `now`, soonest first, `limit` at most.
    fn due_authorizations(
        &self,
        merchant: Option<&str>,
        now: i64,
        limit: usize,
    ) -> Result<Vec<String>, StoreError>;
    /// A customer by id.
    fn customer(&self, id: &str) -> Result<Option<CustomerRec>, StoreError>;
    /// A saved payment method by id (deleted ones too).
    fn payment_method(&self, id: &str) -> Result<Option<PaymentMethodRec>, StoreError>;
    /// A customer's live payment methods, oldest first.
    fn payment_methods(&self, customer_id: &str) -> Result<Vec<PaymentMethodRec>, StoreError>;
    /// A gift card's balance at `now`; `None` for a card never used.
    fn gift_balance(&self, card: &GiftCardKey, now: i64)
        -> Result<Option<GiftBalance>, StoreError>;
    /// An event by id.
    fn event(&self, id: &str) -> Result<Option<events::StoredEvent>, StoreError>;
    /// A page of a merchant's events, newest first (`q.limit` rows at most).
    fn events(&self, q: &events::EventQuery) -> Result<Vec<events::StoredEvent>, StoreError>;
    /// Applies `w` in one transaction, or nothing of it.
    fn commit(&self, w: Write) -> Result<Commit, StoreError>;
    /// The stored response for `(merchant, kind, key)`.
    fn idempotent(
        &self,
        merchant: &str,
        kind: crate::config::KeyKind,
        key: &str,
    ) -> Result<Option<Idempotent>, StoreError>;
    /// Checks the database answers, and reports the engine's counters.
    fn health(&self) -> Result<StoreHealth, StoreError>;
    /// [`Store::health`] for a readiness probe: one attempt, no retries, and
    /// a database that has not answered within `within` is
    /// [`StoreError::Unavailable`].
    fn ready(&self, within: std::time::Duration) -> Result<StoreHealth, StoreError> {
        let _ = within; // a local file answers at once
        self.health()
    }
    /// Whether several server processes may share this store (then whatever
    /// they must agree on lives in it: rate-limit buckets, and the vault key
    /// comes from configuration).
    fn shared(&self) -> bool {
        false
    }
    /// Counts one request against the shared rate-limit `bucket` (GCRA, unix
    /// nanoseconds): allowed when the bucket's theoretical arrival time is at
    /// most `tolerance` ahead of `now`, which then moves it `interval` on.
    /// `Ok(None)`: allowed; `Ok(Some(ns))`: refused, retry in `ns`. Only
    /// engines that are [`Store::shared`] keep buckets.
    fn rate_take(
        &self,
        _bucket: &str,
        _now: i64,
        _interval: i64,
        _tolerance: i64,
    ) -> Result<Option<i64>, StoreError> {
        Err(StoreError::Failed(
            "this engine keeps no shared rate-limit buckets".into(),
        ))
    }
}

/// Opens a database URL: `sqlite://FILE`, `sqlite:FILE`, `sqlite::memory:`,
/// or `postgres://USER@HOST:PORT/DB` (also `postgresql://`) with a pool of
/// `pool` connections. Returns the store and, for SQLite, its file (for the
/// vault key file beside it).
pub fn open_url(
    url: &str,
    pool: usize,
) -> Result<(std::sync::Arc<dyn Store>, Option<std::path::PathBuf>), String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let s = postgres::PgStore::open(url, pool).map_err(|e| e.to_string())?;
        return Ok((std::sync::Arc::new(s), None));
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| {
            "unsupported database URL (use sqlite://FILE or postgres://USER@HOST:PORT/DB)"
                .to_owned()
        })?;
    if rest == ":memory:" || rest.is_empty() {
        let s = sqlite::SqliteStore::memory().map_err(|e| e.to_string())?;
        return Ok((std::sync::Arc::new(s), None));
    }
    let path = std::path::PathBuf::from(rest.split('?').next().unwrap_or(rest));
    let s = sqlite::SqliteStore::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((std::sync::Arc::new(s), Some(path)))
}
