//! Group commit for SQLite: one writer thread owns the write connection and
//! drains the queue of pending writes into a single transaction, each write in
//! its own savepoint. One `COMMIT` — one fsync under `synchronous = FULL` —
//! then covers the whole batch, and every caller is answered only after it.
//! A write that conflicts or fails rolls back to its savepoint alone; the rest
//! of the batch commits. Durability is unchanged: nothing is acknowledged
//! before the commit that holds it returned.

use super::{Commit, Conflict, GiftOp, PmWrite, SourceWrite, StoreError, Write};
use rusqlite::{params, Connection, OptionalExtension};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

/// Most writes folded into one transaction.
const MAX_BATCH: usize = 128;

/// One queued write.
pub type Job = Box<Write>;

type Reply = SyncSender<Result<Commit, StoreError>>;

/// The handle callers use; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    queue: SyncSender<(Job, Reply)>,
    stats: Arc<Stats>,
}

/// Counters: how many writes, in how many committed transactions.
#[derive(Default, Debug)]
pub struct Stats {
    /// Writes answered.
    pub writes: AtomicU64,
    /// Transactions committed (fsyncs).
    pub commits: AtomicU64,
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Failed(e.to_string())
}

impl Writer {
    /// Starts the writer thread on `conn`.
    pub fn start(conn: Connection) -> Result<Writer, StoreError> {
        let (tx, rx) = sync_channel::<(Job, Reply)>(4 * MAX_BATCH);
        let stats = Arc::new(Stats::default());
        let counters = stats.clone();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, rx, &counters))
            .map_err(err)?;
        Ok(Writer { queue: tx, stats })
    }

    /// (writes, committed transactions) so far.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.stats.writes.load(Ordering::Relaxed),
            self.stats.commits.load(Ordering::Relaxed),
        )
    }

    /// Queues `job` and blocks until the transaction holding it committed.
    pub fn submit(&self, job: Job) -> Result<Commit, StoreError> {
        let (reply, answer) = sync_channel(1);
        self.queue
            .send((job, reply))
            .map_err(|_| StoreError::Failed("the database writer has stopped".into()))?;
        answer
            .recv()
            .map_err(|_| StoreError::Failed("the database writer has stopped".into()))?
    }
}

fn run(mut conn: Connection, rx: Receiver<(Job, Reply)>, stats: &Stats) {
    // Blocks for the first write of a batch, then takes whatever else is queued.
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let results = commit_batch(&mut conn, &batch);
        stats
            .writes
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        stats.commits.fetch_add(1, Ordering::Relaxed);
        for ((_, reply), r) in batch.into_iter().zip(results) {
            let _ = reply.send(r);
        }
    }
}

fn commit_batch(conn: &mut Connection, batch: &[(Job, Reply)]) -> Vec<Result<Commit, StoreError>> {
    let all_fail = |e: StoreError| {
        batch
            .iter()
            .map(|_| Err(StoreError::Failed(e.to_string())))
            .collect()
    };
    let tx = match conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => return all_fail(err(e)),
    };
    let mut results = Vec::with_capacity(batch.len());
    for (job, _) in batch {
        let r = tx
            .execute_batch("SAVEPOINT w")
            .map_err(err)
            .and_then(|_| apply(&tx, job));
        let undo = !matches!(r, Ok(Commit::Done));
        let end = if undo {
            "ROLLBACK TO w; RELEASE w"
        } else {
            "RELEASE w"
        };
        if let Err(e) = tx.execute_batch(end) {
            return all_fail(err(e));
        }
        results.push(r);
    }
    match tx.commit() {
        Ok(()) => results,
        Err(e) => all_fail(err(e)),
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(err)
}

/// Stops the write with a conflict (its savepoint is rolled back).
macro_rules! refuse {
    ($c:expr) => {
        return Ok(Commit::Conflict($c))
    };
}

fn apply(tx: &Connection, w: &Write) -> Result<Commit, StoreError> {
    if let Some(r) = &w.idempotency {
        let n = tx
            .execute(
                "INSERT OR IGNORE INTO idempotency (merchant_id, key_kind, key, request_hash, status, body, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![r.merchant, r.kind, r.key, r.response.request_hash, r.response.status as i64, r.response.body, w.now],
            )
            .map_err(err)?;
        if n != 1 {
            refuse!(Conflict::Idempotency);
        }
    }
    if let Some((id, v)) = &w.session_check {
        let n: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM sessions WHERE id = ?1 AND version = ?2",
                params![id, *v as i64],
                |r| r.get(0),
            )
            .map_err(err)?;
        if n != 1 {
            refuse!(Conflict::Session);
        }
    }
    if let Some(s) = &w.insert_session {
        let n = tx
            .execute(
                "INSERT OR IGNORE INTO sessions (id, merchant_id, version, data) VALUES (?1, ?2, ?3, ?4)",
                params![s.id, s.merchant_id, s.version as i64, json(s)?],
            )
            .map_err(err)?;
        if n != 1 {
            refuse!(Conflict::Session);
        }
    }
    if let Some((s, expected)) = &w.update_session {
        let n = tx
            .execute(
                "UPDATE sessions SET version = ?1, data = ?2 WHERE id = ?3 AND version = ?4",
                params![s.version as i64, json(s)?, s.id, *expected as i64],
            )
            .map_err(err)?;
        if n != 1 {
            refuse!(Conflict::Session);
        }
    }
    for (id, state) in &w.source_checks {
        let n: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM sources WHERE id = ?1 AND state = ?2",
                params![id, state.as_str()],
                |r| r.get(0),
            )
            .map_err(err)?;
        if n != 1 {
            refuse!(Conflict::Source(id.clone()));
        }
    }
    for sw in &w.sources {
        match sw {
            SourceWrite::Insert(s) => {
                let n = tx
                    .execute(
                        "INSERT OR IGNORE INTO sources (id, merchant_id, session_id, state, data) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![s.source.id, s.merchant_id, s.source.session_id, s.source.state.as_str(), json(s)?],
                    )
                    .map_err(err)?;
                if n != 1 {
                    refuse!(Conflict::Source(s.source.id.clone()));
                }
            }
            SourceWrite::Transition { rec, from } => {
                let n = tx
                    .execute(
                        "UPDATE sources SET state = ?1, data = ?2 WHERE id = ?3 AND state = ?4",
                        params![
                            rec.source.state.as_str(),
                            json(rec)?,
                            rec.source.id,
                            from.as_str()
                        ],
                    )
                    .map_err(err)?;
                if n != 1 {
                    refuse!(Conflict::Source(rec.source.id.clone()));
                }
            }
        }
    }
    for o in &w.orders {
        let n = tx
            .execute(
                "INSERT OR IGNORE INTO orders (id, merchant_id, session_id, data) VALUES (?1, ?2, ?3, ?4)",
                params![o.order.id, o.merchant_id, o.order.session_id, json(o)?],
            )
            .map_err(err)?;
        if n != 1 {
            refuse!(Conflict::Order(o.order.id.clone()));
        }
    }
    for op in &w.gift {
        if let Some(c) = apply_gift(tx, op, w.now)? {
            refuse!(c);
        }
    }
    for c in &w.customers {
        let n = tx
            .execute(
                "INSERT OR IGNORE INTO customers (id, merchant_id, data) VALUES (?1, ?2, ?3)",
                params![c.id, c.merchant_id, json(c)?],
            )
            .map_err(err)?;
        if n != 1 {
            refuse!(Conflict::Customer(c.id.clone()));
        }
    }
    for id in &w.pm_checks {
        let n: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM payment_methods WHERE id = ?1 AND deleted = 0",
                [id],
                |r| r.get(0),
            )
            .map_err(err)?;
        if n != 1 {
            refuse!(Conflict::PaymentMethod(id.clone()));
        }
    }
    for pw in &w.payment_methods {
        match pw {
            PmWrite::Insert(m) => {
                let n = tx
                    .execute(
                        "INSERT OR IGNORE INTO payment_methods (id, merchant_id, customer_id, source_id, deleted, created, data)
                         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
                        params![m.id, m.merchant_id, m.customer_id, m.source_id, m.created, json(m)?],
                    )
                    .map_err(err)?;
                if n != 1 {
                    refuse!(Conflict::PaymentMethod(m.id.clone()));
                }
            }
            PmWrite::Delete(m) => {
                let n = tx
                    .execute(
                        "UPDATE payment_methods SET deleted = 1, data = ?1 WHERE id = ?2 AND deleted = 0",
                        params![json(m)?, m.id],
                    )
                    .map_err(err)?;
                if n != 1 {
                    refuse!(Conflict::PaymentMethod(m.id.clone()));
                }
            }
        }
    }
    if let Some((s, _)) = &w.update_session {
        tx.execute(
            "UPDATE gift_holds SET expires = ?1 WHERE session_id = ?2 AND expires > ?3",
            params![s.expires, s.id, w.now],
        )
        .map_err(err)?;
    }
    Ok(Commit::Done)
}

/// `None` when applied; else the conflict.
fn apply_gift(tx: &Connection, op: &GiftOp, now: i64) -> Result<Option<Conflict>, StoreError> {
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
            tx.execute(
                "INSERT OR IGNORE INTO gift_cards (merchant_id, card, currency, balance, spent) VALUES (?1, ?2, ?3, ?4, 0)",
                params![card.merchant, card.card, currency.as_str(), *initial as i64],
            )
            .map_err(err)?;
            // Any earlier hold of this source (expired, or being replaced) goes first.
            tx.execute("DELETE FROM gift_holds WHERE source_id = ?1", [source_id])
                .map_err(err)?;
            let (cur, available) = available(tx, &card.merchant, &card.card, now)?;
            if cur != currency.as_str() || available < *amount as i64 {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            }
            tx.execute(
                "INSERT INTO gift_holds (source_id, merchant_id, card, session_id, amount, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![source_id, card.merchant, card.card, session_id, *amount as i64, expires],
            )
            .map_err(err)?;
        }
        GiftOp::Release { source_id } => {
            tx.execute("DELETE FROM gift_holds WHERE source_id = ?1", [source_id])
                .map_err(err)?;
        }
        GiftOp::Capture {
            source_id,
            amount,
            order_id,
        } => {
            let hold: Option<(String, String, i64)> = tx
                .query_row(
                    "SELECT merchant_id, card, amount FROM gift_holds WHERE source_id = ?1 AND expires > ?2",
                    params![source_id, now],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(err)?;
            let Some((merchant, card, held)) = hold else {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            };
            if held < *amount as i64 {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            }
            tx.execute("DELETE FROM gift_holds WHERE source_id = ?1", [source_id])
                .map_err(err)?;
            let n = tx
                .execute(
                    "UPDATE gift_cards SET spent = spent + ?1 WHERE merchant_id = ?2 AND card = ?3 AND balance - spent >= ?1",
                    params![*amount as i64, merchant, card],
                )
                .map_err(err)?;
            if n != 1 {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            }
            let n = tx
                .execute(
                    "INSERT OR IGNORE INTO gift_debits (source_id, order_id, merchant_id, card, amount, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![source_id, order_id, merchant, card, *amount as i64, now],
                )
                .map_err(err)?;
            if n != 1 {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            }
        }
    }
    Ok(None)
}

/// (currency, balance − spent − live holds) of a card that has a record.
pub fn available(
    c: &Connection,
    merchant: &str,
    card: &str,
    now: i64,
) -> Result<(String, i64), StoreError> {
    c.query_row(
        "SELECT g.currency, g.balance - g.spent - COALESCE(
             (SELECT SUM(h.amount) FROM gift_holds h
               WHERE h.merchant_id = g.merchant_id AND h.card = g.card AND h.expires > ?3), 0)
           FROM gift_cards g WHERE g.merchant_id = ?1 AND g.card = ?2",
        params![merchant, card, now],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(err)
}
