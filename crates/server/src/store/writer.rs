//! Group commit for SQLite: one writer thread owns the write connection and
//! drains the queue of pending writes into a single transaction, each write in
//! its own savepoint. One `COMMIT` — one fsync under `synchronous = FULL` —
//! then covers the whole batch, and every caller is answered only after it.
//! A write that conflicts or fails rolls back to its savepoint alone; the rest
//! of the batch commits. Durability is unchanged: nothing is acknowledged
//! before the commit that holds it returned.

use super::{Commit, Idempotent, StoreError, Write};
use rusqlite::{params, Connection};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

/// Most writes folded into one transaction.
const MAX_BATCH: usize = 128;

/// One queued write.
pub enum Job {
    /// A version-checked [`Write`].
    Commit(Box<Write>),
    /// An idempotent response for `(merchant, key)`; the first one wins.
    Idempotent(String, String, Idempotent, i64),
}

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
    StoreError(e.to_string())
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
            .map_err(|_| StoreError("the database writer has stopped".into()))?;
        answer
            .recv()
            .map_err(|_| StoreError("the database writer has stopped".into()))?
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
    let all_fail = |e: StoreError| batch.iter().map(|_| Err(StoreError(e.0.clone()))).collect();
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

fn apply(tx: &Connection, job: &Job) -> Result<Commit, StoreError> {
    match job {
        Job::Commit(w) => apply_write(tx, w),
        Job::Idempotent(merchant, key, r, now) => {
            tx.execute(
                "INSERT OR IGNORE INTO idempotency (merchant_id, key, request_hash, status, body, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![merchant, key, r.request_hash, r.status as i64, r.body, now],
            )
            .map_err(err)?;
            Ok(Commit::Done)
        }
    }
}

fn apply_write(tx: &Connection, w: &Write) -> Result<Commit, StoreError> {
    if let Some(s) = &w.insert_session {
        tx.execute(
            "INSERT INTO sessions (id, merchant_id, version, data) VALUES (?1, ?2, ?3, ?4)",
            params![s.id, s.merchant_id, s.version as i64, json(s)?],
        )
        .map_err(err)?;
    }
    if let Some((s, expected)) = &w.update_session {
        let n = tx
            .execute(
                "UPDATE sessions SET version = ?1, data = ?2 WHERE id = ?3 AND version = ?4",
                params![s.version as i64, json(s)?, s.id, *expected as i64],
            )
            .map_err(err)?;
        if n != 1 {
            return Ok(Commit::Conflict);
        }
    }
    for s in &w.sources {
        tx.execute(
            "INSERT OR REPLACE INTO sources (id, merchant_id, session_id, data) VALUES (?1, ?2, ?3, ?4)",
            params![s.source.id, s.merchant_id, s.source.session_id, json(s)?],
        )
        .map_err(err)?;
    }
    for o in &w.orders {
        tx.execute(
            "INSERT INTO orders (id, merchant_id, session_id, data) VALUES (?1, ?2, ?3, ?4)",
            params![o.order.id, o.merchant_id, o.order.session_id, json(o)?],
        )
        .map_err(err)?;
    }
    Ok(Commit::Done)
}
