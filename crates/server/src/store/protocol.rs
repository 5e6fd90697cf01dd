//! The write protocol: the steps of a [`Write`], written once for every
//! engine. An engine opens the transaction, hands it to [`apply`] as a [`Tx`]
//! (one small statement per method, in its own SQL), and commits or rolls
//! back on the answer. What each step reads, locks, checks and raises, and in
//! which order, is decided here and nowhere else:
//!
//! | step | reads / writes | refused when | conflict |
//! |---|---|---|---|
//! | idempotency | inserts the record | the key has one | `Idempotency` |
//! | session check | the session, locked to the commit | other version, or none | `Session` |
//! | session insert | inserts | the id exists | `Session` |
//! | session update | compare-and-swap on the version | other version, or none | `Session` |
//! | source checks | each source, locked to the commit | other state, or none | `Source(id)` |
//! | sources | insert, or compare-and-swap on the state | id exists / other state, or none | `Source(id)` |
//! | orders | inserts | the id exists | `Order(id)` |
//! | order updates | compare-and-swap on the version; refunds indexed | other version, or none / refund id exists | `Order(id)` |
//! | gift cards | [`gift`]: the card's row locked first | too little, other currency, no live hold, debited, a credit beyond the debits | `Balance(source)` |
//! | customers | inserts | the id exists | `Customer(id)` |
//! | method checks | each method, locked to the commit | deleted, or none | `PaymentMethod(id)` |
//! | methods | insert, or delete if live | id or source exists / deleted, or none | `PaymentMethod(id)` |
//! | holds renewed | a session update moves its live holds' expiry | — | — |
//! | events | inserts one per change ([`super::events`]) | — | — |
//!
//! The first refused step ends the write: the engine rolls the transaction
//! (SQLite: the write's savepoint) back and answers the conflict.

use super::events::{self, EventRow};
use super::rows::{int, CustomerRow, MethodRow, OrderRow, SessionRow, SourceRow};
use super::{Commit, Conflict, GiftCardKey, GiftOp, IdemRecord, PmWrite, SourceWrite, Write};

/// One transaction of an engine: a statement per method. A method answering
/// `bool` says whether its row was written or matched (an insert of an
/// existing key writes nothing and answers `false`, never an error); the
/// protocol turns `false` into the step's conflict. "Locked" means the row
/// cannot change before this transaction ends (PostgreSQL: `FOR SHARE` /
/// `FOR UPDATE`; SQLite's single writer holds every row).
pub(crate) trait Tx {
    /// The engine's failure (a row that cannot be encoded is one too).
    type Error: From<serde_json::Error>;
    /// Inserts the idempotency record.
    async fn insert_idempotency(&self, r: &IdemRecord, now: i64) -> Result<bool, Self::Error>;
    /// Whether session `id` is at `version` (locked).
    async fn session_at(&self, id: &str, version: i64) -> Result<bool, Self::Error>;
    /// Inserts a session.
    async fn insert_session(&self, row: &SessionRow<'_>) -> Result<bool, Self::Error>;
    /// Writes the session if its stored version is `expected`.
    async fn update_session(
        &self,
        row: &SessionRow<'_>,
        expected: i64,
    ) -> Result<bool, Self::Error>;
    /// Whether source `id` is in `state` (locked).
    async fn source_in(&self, id: &str, state: &str) -> Result<bool, Self::Error>;
    /// Inserts a source.
    async fn insert_source(&self, row: &SourceRow<'_>) -> Result<bool, Self::Error>;
    /// Writes the source if its stored state is `from`.
    async fn move_source(&self, row: &SourceRow<'_>, from: &str) -> Result<bool, Self::Error>;
    /// Inserts an order.
    async fn insert_order(&self, row: &OrderRow<'_>) -> Result<bool, Self::Error>;
    /// Writes the order if its stored version is `expected`.
    async fn update_order(&self, row: &OrderRow<'_>, expected: i64) -> Result<bool, Self::Error>;
    /// Indexes refund `id` of `order` (refused when the id exists).
    async fn insert_refund(
        &self,
        id: &str,
        merchant: &str,
        order: &str,
    ) -> Result<bool, Self::Error>;
    /// Takes `amount` off the card's debits if they cover it.
    async fn credit_card(&self, card: &GiftCardKey, amount: i64) -> Result<bool, Self::Error>;
    /// Inserts a customer.
    async fn insert_customer(&self, row: &CustomerRow<'_>) -> Result<bool, Self::Error>;
    /// Whether method `id` exists and is not deleted (locked).
    async fn method_live(&self, id: &str) -> Result<bool, Self::Error>;
    /// Inserts a method (refused as well when its source has one).
    async fn insert_method(&self, row: &MethodRow<'_>) -> Result<bool, Self::Error>;
    /// Writes the method as deleted if it is live.
    async fn delete_method(&self, row: &MethodRow<'_>) -> Result<bool, Self::Error>;
    /// Moves the expiry of the session's holds that are live at `now`.
    async fn renew_holds(&self, session: &str, expires: i64, now: i64) -> Result<(), Self::Error>;
    /// Creates the card's record unless it has one.
    async fn create_card(
        &self,
        card: &GiftCardKey,
        currency: &str,
        balance: i64,
    ) -> Result<(), Self::Error>;
    /// Locks the card's row: its (currency, balance − debits), `None` without a record.
    async fn lock_card(&self, card: &GiftCardKey) -> Result<Option<(String, i64)>, Self::Error>;
    /// What the card's holds live at `now` keep.
    async fn held(&self, card: &GiftCardKey, now: i64) -> Result<i64, Self::Error>;
    /// Drops the hold of `source`, live or not.
    async fn drop_hold(&self, source: &str) -> Result<(), Self::Error>;
    /// Inserts a hold.
    async fn insert_hold(&self, hold: &Hold<'_>) -> Result<(), Self::Error>;
    /// The card and amount of the hold of `source` live at `now`.
    async fn live_hold(
        &self,
        source: &str,
        now: i64,
    ) -> Result<Option<(GiftCardKey, i64)>, Self::Error>;
    /// Drops the hold of `source` if it is live at `now`.
    async fn take_live_hold(&self, source: &str, now: i64) -> Result<bool, Self::Error>;
    /// Adds `amount` to the card's debits if its balance covers them.
    async fn debit_card(&self, card: &GiftCardKey, amount: i64) -> Result<bool, Self::Error>;
    /// Records the debit of `source` (one per source).
    async fn insert_debit(&self, debit: &Debit<'_>) -> Result<bool, Self::Error>;
    /// Inserts an event (the outbox row of a change of this write).
    async fn insert_event(&self, event: &EventRow) -> Result<(), Self::Error>;
}

/// A gift-card hold's row.
pub(crate) struct Hold<'a> {
    pub source: &'a str,
    pub card: &'a GiftCardKey,
    pub session: &'a str,
    pub amount: i64,
    pub expires: i64,
}

/// A gift-card debit's row.
pub(crate) struct Debit<'a> {
    pub source: &'a str,
    pub order: &'a str,
    pub card: &'a GiftCardKey,
    pub amount: i64,
    pub created: i64,
}

/// `None` when every step of this part held, else the first conflict.
type Step<E> = Result<Option<Conflict>, E>;

/// Ends the step with `conflict` unless `held`.
macro_rules! need {
    ($held:expr, $conflict:expr) => {
        if !$held {
            return Ok(Some($conflict));
        }
    };
}

/// Ends the write at the first part that refused.
macro_rules! part {
    ($step:expr) => {
        if let Some(c) = $step.await? {
            return Ok(Some(c));
        }
    };
}

/// Applies `w` inside the engine's open transaction `tx` (the module's steps,
/// in order). On a conflict the caller must roll back what was written.
pub(crate) async fn apply<T: Tx>(tx: &T, w: &Write) -> Result<Commit, T::Error> {
    Ok(match steps(tx, w).await? {
        None => Commit::Done,
        Some(c) => Commit::Conflict(c),
    })
}

/// Every step of `w`, in the module's order.
async fn steps<T: Tx>(tx: &T, w: &Write) -> Step<T::Error> {
    part!(sessions(tx, w));
    part!(sources(tx, w));
    for o in &w.orders {
        let row = OrderRow::new(o)?;
        need!(tx.insert_order(&row).await?, Conflict::Order(row.id.into()));
    }
    for u in &w.order_updates {
        let row = OrderRow::new(&u.rec)?;
        let refused = || Conflict::Order(row.id.into());
        need!(tx.update_order(&row, int(u.expected)).await?, refused());
        for r in &u.refunds_created {
            need!(tx.insert_refund(r, row.merchant, row.id).await?, refused());
        }
    }
    for op in &w.gift {
        part!(gift(tx, op, w.now));
    }
    for c in &w.customers {
        let row = CustomerRow::new(c)?;
        need!(
            tx.insert_customer(&row).await?,
            Conflict::Customer(row.id.into())
        );
    }
    part!(methods(tx, w));
    if let Some((s, _)) = &w.update_session {
        tx.renew_holds(&s.id, s.expires, w.now).await?;
    }
    // Last: only a write every condition of which held records its changes.
    for e in events::of(w)? {
        tx.insert_event(&e).await?;
    }
    Ok(None)
}

/// The idempotency record, then the session: checked, inserted, updated.
async fn sessions<T: Tx>(tx: &T, w: &Write) -> Step<T::Error> {
    if let Some(r) = &w.idempotency {
        need!(
            tx.insert_idempotency(r, w.now).await?,
            Conflict::Idempotency
        );
    }
    if let Some((id, v)) = &w.session_check {
        need!(tx.session_at(id, int(*v)).await?, Conflict::Session);
    }
    if let Some(s) = &w.insert_session {
        need!(
            tx.insert_session(&SessionRow::new(s)?).await?,
            Conflict::Session
        );
    }
    if let Some((s, expected)) = &w.update_session {
        let row = SessionRow::new(s)?;
        need!(
            tx.update_session(&row, int(*expected)).await?,
            Conflict::Session
        );
    }
    Ok(None)
}

/// Source checks, then source inserts and transitions.
async fn sources<T: Tx>(tx: &T, w: &Write) -> Step<T::Error> {
    for (id, state) in &w.source_checks {
        need!(
            tx.source_in(id, state.as_str()).await?,
            Conflict::Source(id.clone())
        );
    }
    for sw in &w.sources {
        let (row, written) = match sw {
            SourceWrite::Insert(s) => {
                let row = SourceRow::new(s)?;
                let written = tx.insert_source(&row).await?;
                (row, written)
            }
            SourceWrite::Transition { rec, from } => {
                let row = SourceRow::new(rec)?;
                let written = tx.move_source(&row, from.as_str()).await?;
                (row, written)
            }
        };
        need!(written, Conflict::Source(row.id.into()));
    }
    Ok(None)
}

/// Method checks, then method inserts and deletes.
async fn methods<T: Tx>(tx: &T, w: &Write) -> Step<T::Error> {
    for id in &w.pm_checks {
        need!(
            tx.method_live(id).await?,
            Conflict::PaymentMethod(id.clone())
        );
    }
    for pw in &w.payment_methods {
        let (row, written) = match pw {
            PmWrite::Insert(m) => {
                let row = MethodRow::new(m)?;
                let written = tx.insert_method(&row).await?;
                (row, written)
            }
            PmWrite::Delete(m) => {
                let row = MethodRow::new(m)?;
                let written = tx.delete_method(&row).await?;
                (row, written)
            }
        };
        need!(written, Conflict::PaymentMethod(row.id.into()));
    }
    Ok(None)
}

/// One gift-card operation. Every one that touches a card locks the card's
/// row before its holds (one lock order: no deadlock between them).
async fn gift<T: Tx>(tx: &T, op: &GiftOp, now: i64) -> Step<T::Error> {
    match op {
        GiftOp::Hold {
            card,
            currency,
            initial,
            source_id,
            session_id,
            amount,
            expires,
        } => {
            let refused = Conflict::Balance(source_id.clone());
            tx.create_card(card, currency.as_str(), int(*initial))
                .await?;
            let locked = tx.lock_card(card).await?;
            // Any earlier hold of this source (expired, or being replaced) goes first.
            tx.drop_hold(source_id).await?;
            let Some((cur, left)) = locked else {
                return Ok(Some(refused));
            };
            let available = left - tx.held(card, now).await?;
            need!(
                cur == currency.as_str() && available >= int(*amount),
                refused
            );
            let hold = Hold {
                source: source_id,
                card,
                session: session_id,
                amount: int(*amount),
                expires: *expires,
            };
            tx.insert_hold(&hold).await?;
        }
        GiftOp::Release { source_id } => tx.drop_hold(source_id).await?,
        GiftOp::Credit {
            card,
            source_id,
            amount,
        } => {
            tx.lock_card(card).await?;
            need!(
                tx.credit_card(card, int(*amount)).await?,
                Conflict::Balance(source_id.clone())
            );
        }
        GiftOp::Capture {
            source_id,
            amount,
            order_id,
        } => return capture(tx, source_id, int(*amount), order_id, now).await,
    }
    Ok(None)
}

/// Turns the live hold of `source` into a debit of `amount`, once.
async fn capture<T: Tx>(
    tx: &T,
    source: &str,
    amount: i64,
    order: &str,
    now: i64,
) -> Step<T::Error> {
    let refused = || Conflict::Balance(source.to_owned());
    let Some((card, held)) = tx.live_hold(source, now).await? else {
        return Ok(Some(refused()));
    };
    need!(held >= amount, refused());
    tx.lock_card(&card).await?;
    need!(tx.take_live_hold(source, now).await?, refused());
    need!(tx.debit_card(&card, amount).await?, refused());
    let debit = Debit {
        source,
        order,
        card: &card,
        amount,
        created: now,
    };
    need!(tx.insert_debit(&debit).await?, refused());
    Ok(None)
}

/// Runs a future that never waits (an engine whose statements are blocking
/// calls, as SQLite's) to its end on this thread; `None` if it did wait.
pub(crate) fn now_or_never<F: std::future::Future>(f: F) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => Some(v),
        std::task::Poll::Pending => None,
    }
}
