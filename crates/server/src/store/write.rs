//! A [`Write`]: one transaction's worth of changes, its parts, and what it
//! answers (the store contract: [`super`]).

use crate::config::KeyKind;
use crate::model::{CustomerRec, GiftCardKey, OrderRec, PaymentMethodRec, SessionRec, SourceRec};
use paysession_core::{state::SourceState, Currency};

/// A source to create, or to move out of the state it was read in.
#[derive(Debug)]
pub enum SourceWrite {
    /// A new source (its id must not exist).
    Insert(SourceRec),
    /// The source as it becomes, if its stored state is still `from`.
    Transition {
        /// The new record.
        rec: SourceRec,
        /// The state the decision was made on.
        from: SourceState,
    },
}

/// A change to a saved payment method.
#[derive(Debug)]
pub enum PmWrite {
    /// A new method; refused if its id exists or a method was saved from its
    /// `source_id` already.
    Insert(PaymentMethodRec),
    /// The method as deleted (`deleted`, no number), if it is still live.
    Delete(PaymentMethodRec),
}

/// A change to gift-card money.
#[derive(Debug)]
pub enum GiftOp {
    /// Holds `amount` for `source_id` (attached to `session_id`) until
    /// `expires`, if that much is available. The card's record is created on
    /// first use with `initial` in `currency`; a card in another currency is a
    /// conflict.
    Hold {
        /// The card.
        card: GiftCardKey,
        /// Its currency (fixed at first use).
        currency: Currency,
        /// Balance given to a card seen for the first time.
        initial: u64,
        /// The source the hold is for (one hold per source).
        source_id: String,
        /// The session it funds.
        session_id: String,
        /// Minor units.
        amount: u64,
        /// Unix seconds.
        expires: i64,
    },
    /// Drops the hold of `source_id`, if any.
    Release {
        /// The source.
        source_id: String,
    },
    /// Gives `amount` back to the card of `source_id` (a void, an expiry, a
    /// refund): its debits shrink by `amount`, which they must cover.
    Credit {
        /// The card.
        card: GiftCardKey,
        /// The source the money came from.
        source_id: String,
        /// Minor units.
        amount: u64,
    },
    /// Debits `amount` from the live hold of `source_id` (which must cover it)
    /// and drops the hold.
    Capture {
        /// The source.
        source_id: String,
        /// Minor units to debit.
        amount: u64,
        /// The order the debit pays.
        order_id: String,
    },
}

/// An order written by compare-and-swap on its version (captures, cancel,
/// refunds, asynchronous outcomes: flows/orders.rs).
#[derive(Debug)]
pub struct OrderUpdate {
    /// The order as it becomes (its `order.version` is `expected + 1`).
    pub rec: OrderRec,
    /// The version the decision was made on.
    pub expected: u64,
    /// What changed, for the events: each with the id of its object (the
    /// order, or one of its refunds).
    pub changes: Vec<(paysession_core::state::LifecycleEvent, String)>,
    /// Refunds this change creates (indexed by id, unique).
    pub refunds_created: Vec<String>,
}

/// An idempotency record to store with a write.
#[derive(Clone, Debug)]
pub struct IdemRecord {
    /// Merchant id.
    pub merchant: String,
    /// The kind of key the request came with: keys of the two kinds never
    /// share a record (stored as [`KeyKind::as_str`], `pk` or `sk`).
    pub kind: KeyKind,
    /// The client's key.
    pub key: String,
    /// The response.
    pub response: Idempotent,
}

/// One transaction's worth of changes (see the module's contract).
#[derive(Default, Debug)]
pub struct Write {
    /// A new session.
    pub insert_session: Option<SessionRec>,
    /// An updated session and the version it was read at.
    pub update_session: Option<(SessionRec, u64)>,
    /// A session whose version must still be this (no write).
    pub session_check: Option<(String, u64)>,
    /// Sources to insert or move.
    pub sources: Vec<SourceWrite>,
    /// Sources whose state must still be this (no write).
    pub source_checks: Vec<(String, SourceState)>,
    /// Orders to insert.
    pub orders: Vec<OrderRec>,
    /// Orders to update, each by compare-and-swap on its version.
    pub order_updates: Vec<OrderUpdate>,
    /// Gift-card holds, releases and debits.
    pub gift: Vec<GiftOp>,
    /// New customers.
    pub customers: Vec<CustomerRec>,
    /// Saved payment methods to insert or delete.
    pub payment_methods: Vec<PmWrite>,
    /// Saved payment methods that must still be live (no write).
    pub pm_checks: Vec<String>,
    /// The answer to store under an idempotency key.
    pub idempotency: Option<IdemRecord>,
    /// Now, unix seconds (which holds are live).
    pub now: i64,
}

/// Which condition refused a write.
#[derive(Debug, PartialEq, Eq)]
pub enum Conflict {
    /// The session's version moved on (or the session is gone, or a session
    /// to insert has the id of one that exists).
    Session,
    /// This source's state moved on (or it exists already / is gone).
    Source(String),
    /// This source's gift card lacks the amount, has another currency, or its hold is gone.
    Balance(String),
    /// A record for the idempotency key exists already.
    Idempotency,
    /// This saved payment method is gone (deleted, or already saved from its source).
    PaymentMethod(String),
    /// An order with this id exists already (an insert), or its version
    /// moved on (an update), or a refund it creates has an id that exists.
    Order(String),
    /// A customer with this id exists already.
    Customer(String),
}

/// Outcome of [`Store::commit`].
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a conflict means nothing was written"]
pub enum Commit {
    /// Everything was written.
    Done,
    /// A condition failed; nothing was written.
    Conflict(Conflict),
}

/// A stored idempotent response.
#[derive(Clone, Debug)]
pub struct Idempotent {
    /// Keyed HMAC of method, path and body.
    pub request_hash: String,
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}
