//! Group commit for SQLite: one writer thread owns the write connection and
//! drains the queue of pending writes into a single transaction, each write in
//! its own savepoint. One `COMMIT` — one fsync under `synchronous = FULL` —
//! then covers the whole batch, and every caller is answered only after it.
//! A write that conflicts or fails rolls back to its savepoint alone; the rest
//! of the batch commits. Durability is unchanged: nothing is acknowledged
//! before the commit that holds it returned.

use crate::store::protocol::{apply as apply_protocol, now_or_never};
use crate::store::{Commit, StoreError, Write};
use rusqlite::Connection;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use super::err;

/// Most writes folded into one transaction.
const MAX_BATCH: usize = 128;

/// Statements run on the write connection ([`Job::Exec`]).
pub type Statements = Box<dyn FnOnce(&Connection) -> Result<(), StoreError> + Send>;

/// One queued write.
pub enum Job {
    /// A write of the protocol.
    Write(Box<Write>),
    /// Statements of their own (the webhook tables, store/webhooks.rs): run
    /// in the batch's transaction, in a savepoint rolled back on `Err`. The
    /// closure hands its own result back; the reply only says it ran.
    Exec(Statements),
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

    /// Runs `f` on the write connection in the next batch's transaction and
    /// blocks until that transaction committed: `f`'s answer, or the
    /// commit's failure. An `Err` of `f` rolls back what `f` wrote.
    pub fn exec<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = sync_channel(1);
        let job = Job::Exec(Box::new(move |c: &Connection| match f(c) {
            Ok(v) => {
                let _ = tx.send(v);
                Ok(())
            }
            Err(e) => Err(e),
        }));
        // An `Exec` job states no conditions: it commits or fails, never conflicts.
        let _: Commit = self.submit(job)?;
        rx.recv()
            .map_err(|_| StoreError::Failed("the database writer dropped an answer".into()))
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
        let n = batch.len() as u64;
        let results = commit_batch(&mut conn, batch);
        stats.writes.fetch_add(n, Ordering::Relaxed);
        stats.commits.fetch_add(1, Ordering::Relaxed);
        for (reply, r) in results {
            let _ = reply.send(r);
        }
    }
}

type Answered = Vec<(Reply, Result<Commit, StoreError>)>;

fn commit_batch(conn: &mut Connection, batch: Vec<(Job, Reply)>) -> Answered {
    let mut replies = Vec::with_capacity(batch.len());
    let mut results = Vec::with_capacity(batch.len());
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate);
    let failed = match tx {
        Err(e) => {
            replies.extend(batch.into_iter().map(|(_, reply)| reply));
            Some(err(e))
        }
        Ok(tx) => {
            let mut failed = None;
            for (job, reply) in batch {
                replies.push(reply);
                if failed.is_some() {
                    continue;
                }
                let r = tx
                    .execute_batch("SAVEPOINT w")
                    .map_err(err)
                    .and_then(|_| match job {
                        Job::Write(w) => apply(&tx, &w),
                        Job::Exec(f) => f(&tx).map(|()| Commit::Done),
                    });
                let undo = !matches!(r, Ok(Commit::Done));
                let end = if undo {
                    "ROLLBACK TO w; RELEASE w"
                } else {
                    "RELEASE w"
                };
                if let Err(e) = tx.execute_batch(end) {
                    failed = Some(err(e));
                }
                results.push(r);
            }
            match failed {
                Some(e) => Some(e),
                None => tx.commit().err().map(err),
            }
        }
    };
    if let Some(e) = failed {
        return replies
            .into_iter()
            .map(|r| (r, Err(StoreError::Failed(e.to_string()))))
            .collect();
    }
    replies.into_iter().zip(results).collect()
}

/// Applies one write through the protocol (whose SQLite statements never wait).
fn apply(tx: &Connection, w: &Write) -> Result<Commit, StoreError> {
    now_or_never(apply_protocol(tx, w))
        .unwrap_or_else(|| Err(StoreError::Failed("a SQLite statement waited".into())))
}
