//! The PostgreSQL engine (tokio-postgres with a deadpool pool), for several
//! server instances on one database. It keeps the store contract of
//! [`super`] with row locks at `READ COMMITTED`:
//!
//! - every compare-and-swap is an `UPDATE … WHERE version = $v` (or
//!   `state = $from`): a racing writer waits for the row lock, then sees the
//!   new row and matches nothing;
//! - a condition that writes nothing (`session_check`, `source_checks`) reads
//!   its row `FOR SHARE`, so the row cannot change before the commit;
//! - a gift card's row is locked `FOR UPDATE` before its available amount is
//!   computed, so holds and captures of one card are serialized;
//! - the idempotency record is inserted first (`ON CONFLICT DO NOTHING`): a
//!   second instance with the same key waits for the first to commit, then
//!   finds the record and is refused.
//!
//! Deadlocks, serialization failures and lost connections are retried here,
//! with a fresh connection, up to [`RETRY_FOR`]; only then is the error
//! answered ([`StoreError::Unavailable`], a 503 the client may retry with its
//! idempotency key). A connection lost *during* `COMMIT` leaves the outcome
//! unknown; so every write records a random id in `write_log` inside its own
//! transaction, and the retry of a write whose `COMMIT` failed first looks its
//! id up: found, the write is done (and answered so); not found, it never
//! happened and is applied again.

mod events;
mod schema;
mod shared;
mod tx;
mod webhooks;

pub use schema::{scratch_schema, test_database, SCHEMA_VERSION};

use super::rows::{gift_balance, Record};
use super::{Commit, GiftBalance, GiftCardKey, Idempotent, Store, StoreError, StoreHealth, Write};
use crate::config::KeyKind;
use crate::model::{CustomerRec, OrderRec, PaymentMethodRec, SessionRec, SourceRec};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio_postgres::error::SqlState;
use tokio_postgres::NoTls;

/// How long a failing operation is retried before it is answered as unavailable.
pub const RETRY_FOR: Duration = Duration::from_secs(10);

/// Default connections per server instance.
pub const DEFAULT_POOL: usize = 16;

/// A pool of connections to one database, driven by a small runtime of its
/// own so that the blocking [`Store`] calls can wait on it from any thread.
pub struct PgStore {
    pool: Pool,
    rt: Option<tokio::runtime::Runtime>,
    /// Checkouts that found no idle connection and had to wait.
    pool_waits: AtomicU64,
    /// Operations retried after a transient failure.
    retries: AtomicU64,
    /// Tests: the next successful COMMIT is reported as a lost connection.
    #[cfg(test)]
    lose_next_commit_answer: std::sync::atomic::AtomicBool,
}

/// A failure of one attempt.
pub(crate) enum Failure {
    /// Worth another attempt on a fresh connection.
    Transient(String),
    /// Not (a bad statement, a constraint, bad data).
    Fatal(String),
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        let transient = e.is_closed()
            || matches!(
                e.code(),
                Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::ADMIN_SHUTDOWN
                    || *c == SqlState::CRASH_SHUTDOWN
                    || *c == SqlState::CANNOT_CONNECT_NOW
                    || *c == SqlState::TOO_MANY_CONNECTIONS
                    || c.code().starts_with("08")
            )
            || (e.code().is_none() && std::error::Error::source(&e).is_some());
        let text = describe(&e);
        if transient {
            Failure::Transient(text)
        } else {
            Failure::Fatal(text)
        }
    }
}

impl From<deadpool_postgres::PoolError> for Failure {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => Failure::Transient(other.to_string()),
        }
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::Fatal(e.to_string())
    }
}

/// The error and, for a database error, its code and message (never values).
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {} ({})", e, db.message(), db.code().code()),
        None => e.to_string(),
    }
}

type Attempt<T> = Result<T, Failure>;

impl PgStore {
    /// Connects to `url` (`postgres://USER@HOST:PORT/DB`, libpq's URL form)
    /// with up to `pool_size` connections, and migrates the schema.
    pub fn open(url: &str, pool_size: usize) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Failed(format!("bad PostgreSQL URL: {e}")))?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Failed(e.to_string()))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = rt
            .block_on(async {
                Pool::builder(manager)
                    .max_size(pool_size.max(1))
                    .runtime(deadpool_postgres::Runtime::Tokio1)
                    .wait_timeout(Some(RETRY_FOR))
                    .create_timeout(Some(Duration::from_secs(5)))
                    .recycle_timeout(Some(Duration::from_secs(5)))
                    .build()
            })
            .map_err(|e| StoreError::Failed(e.to_string()))?;
        let store = PgStore {
            pool,
            rt: Some(rt),
            pool_waits: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            #[cfg(test)]
            lose_next_commit_answer: Default::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.rt
            .as_ref()
            .expect("the runtime lives as long as the store")
    }

    /// Runs `op` on a pooled connection, retrying transient failures on a
    /// fresh one (with backoff) for up to [`RETRY_FOR`].
    fn run<T, F, Fut>(&self, op: F) -> Result<T, StoreError>
    where
        F: Fn(Object) -> Fut,
        Fut: Future<Output = Attempt<T>>,
    {
        self.rt().block_on(async {
            let start = Instant::now();
            let mut attempt = 0u32;
            loop {
                let got = async {
                    let s = self.pool.status();
                    if s.available == 0 && s.size >= s.max_size {
                        self.pool_waits.fetch_add(1, Ordering::Relaxed);
                    }
                    let client = self.pool.get().await?;
                    op(client).await
                }
                .await;
                match got {
                    Ok(v) => return Ok(v),
                    Err(Failure::Fatal(e)) => return Err(StoreError::Failed(e)),
                    Err(Failure::Transient(e)) => {
                        if start.elapsed() >= RETRY_FOR {
                            return Err(StoreError::Unavailable(e));
                        }
                        self.retries.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(error = %e, attempt, "database operation retried");
                        // 5, 10, 20 … 320 ms, plus up to half again at random.
                        let base = 5u64 << attempt.min(6);
                        let jitter = rand::random::<u64>() % (base / 2 + 1);
                        tokio::time::sleep(Duration::from_millis(base + jitter)).await;
                        attempt += 1;
                    }
                }
            }
        })
    }

    fn get<T: Record>(&self, sql: &'static str, id: &str) -> Result<Option<T>, StoreError> {
        let data: Option<String> = self.run(|c| async move {
            let st = c.prepare_cached(sql).await?;
            Ok(c.query_opt(&st, &[&id]).await?.map(|r| r.get(0)))
        })?;
        data.map(|d| T::decode(&d)).transpose()
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

impl Store for PgStore {
    fn session(&self, id: &str) -> Result<Option<SessionRec>, StoreError> {
        self.get("SELECT data FROM sessions WHERE id = $1", id)
    }

    fn source(&self, id: &str) -> Result<Option<SourceRec>, StoreError> {
        self.get("SELECT data FROM sources WHERE id = $1", id)
    }

    fn order(&self, id: &str) -> Result<Option<OrderRec>, StoreError> {
        self.get("SELECT data FROM orders WHERE id = $1", id)
    }

    fn due_authorizations(
        &self,
        merchant: Option<&str>,
        now: i64,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let merchant = merchant.map(str::to_owned);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(|c| {
            let merchant = merchant.clone();
            async move {
                let st = c
                    .prepare_cached(
                        "SELECT id FROM orders WHERE authorization_expires <= $1
                           AND ($2::TEXT IS NULL OR merchant_id = $2)
                         ORDER BY authorization_expires LIMIT $3",
                    )
                    .await?;
                let rows = c.query(&st, &[&now, &merchant, &limit]).await?;
                Ok(rows.iter().map(|r| r.get(0)).collect())
            }
        })
    }

    fn order_of_refund(&self, refund_id: &str) -> Result<Option<OrderRec>, StoreError> {
        self.get(
            "SELECT o.data FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = $1",
            refund_id,
        )
    }

    fn customer(&self, id: &str) -> Result<Option<CustomerRec>, StoreError> {
        self.get("SELECT data FROM customers WHERE id = $1", id)
    }

    fn payment_method(&self, id: &str) -> Result<Option<PaymentMethodRec>, StoreError> {
        self.get("SELECT data FROM payment_methods WHERE id = $1", id)
    }

    fn payment_methods(&self, customer_id: &str) -> Result<Vec<PaymentMethodRec>, StoreError> {
        let rows: Vec<String> = self.run(|c| async move {
            let st = c
                .prepare_cached(
                    "SELECT data FROM payment_methods WHERE customer_id = $1 AND NOT deleted ORDER BY created, id",
                )
                .await?;
            Ok(c.query(&st, &[&customer_id])
                .await?
                .into_iter()
                .map(|r| r.get(0))
                .collect())
        })?;
        rows.iter().map(|d| PaymentMethodRec::decode(d)).collect()
    }

    fn gift_balance(
        &self,
        card: &GiftCardKey,
        now: i64,
    ) -> Result<Option<GiftBalance>, StoreError> {
        let row: Option<(String, i64, i64)> = self.run(|c| async move {
            let st = c
                .prepare_cached(
                    "SELECT g.currency, g.balance, g.balance - g.spent - COALESCE(
                       (SELECT SUM(h.amount) FROM gift_holds h
                         WHERE h.merchant_id = g.merchant_id AND h.card = g.card AND h.expires > $3), 0)::BIGINT
                     FROM gift_cards g WHERE g.merchant_id = $1 AND g.card = $2",
                )
                .await?;
            Ok(c.query_opt(&st, &[&card.merchant, &card.card, &now])
                .await?
                .map(|r| (r.get(0), r.get(1), r.get(2))))
        })?;
        row.map(gift_balance).transpose()
    }

    fn event(&self, id: &str) -> Result<Option<crate::store::events::StoredEvent>, StoreError> {
        self.event_by_id(id)
    }

    fn events(
        &self,
        q: &crate::store::events::EventQuery,
    ) -> Result<Vec<crate::store::events::StoredEvent>, StoreError> {
        self.event_page(q)
    }

    fn commit(&self, w: Write) -> Result<Commit, StoreError> {
        self.write(w)
    }

    fn idempotent(
        &self,
        merchant: &str,
        kind: KeyKind,
        key: &str,
    ) -> Result<Option<Idempotent>, StoreError> {
        let kind = kind.as_str();
        self.run(|c| async move {
            let st = c
                .prepare_cached(
                    "SELECT request_hash, status, body FROM idempotency WHERE merchant_id = $1 AND key_kind = $2 AND key = $3",
                )
                .await?;
            Ok(c.query_opt(&st, &[&merchant, &kind, &key])
                .await?
                .map(|r| Idempotent {
                    request_hash: r.get(0),
                    status: r.get::<_, i32>(1).clamp(0, 999) as u16,
                    body: r.get(2),
                }))
        })
    }

    fn shared(&self) -> bool {
        true
    }

    fn rate_take(
        &self,
        bucket: &str,
        now: i64,
        interval: i64,
        tolerance: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.take_rate(bucket, now, interval, tolerance)
    }

    fn health(&self) -> Result<StoreHealth, StoreError> {
        self.run(|c| async move {
            c.simple_query("SELECT 1").await?;
            Ok(())
        })?;
        Ok(self.counters())
    }

    fn ready(&self, within: Duration) -> Result<StoreHealth, StoreError> {
        self.probe(within)?;
        Ok(self.counters())
    }
}

#[cfg(test)]
mod tests;
