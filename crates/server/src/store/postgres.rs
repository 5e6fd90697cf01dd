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

use super::{
    Commit, Conflict, GiftBalance, GiftCardKey, GiftOp, Idempotent, PmWrite, SourceWrite, Store,
    StoreError, StoreHealth, Write,
};
use crate::model::{CustomerRec, OrderRec, PaymentMethodRec, SessionRec, SourceRec};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use paysession_core::Currency;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, Transaction};

/// How long a failing operation is retried before it is answered as unavailable.
pub const RETRY_FOR: Duration = Duration::from_secs(10);

/// Default connections per server instance.
pub const DEFAULT_POOL: usize = 16;

/// Schema migrations, in order; `paysession_schema.version` is how many were
/// applied. They mirror the SQLite engine's (the same version numbers mean
/// the same tables), so version 1 is the first release's layout.
const MIGRATIONS: &[&str] = &[
    // 1: the first release.
    "CREATE TABLE sessions (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, version BIGINT NOT NULL, data TEXT NOT NULL);
     CREATE TABLE sources (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, session_id TEXT NOT NULL, data TEXT NOT NULL);
     CREATE INDEX sources_session ON sources(session_id);
     CREATE TABLE orders (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, session_id TEXT NOT NULL, data TEXT NOT NULL);
     CREATE TABLE idempotency (
       merchant_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
       status INTEGER NOT NULL, body BYTEA NOT NULL, created BIGINT NOT NULL,
       PRIMARY KEY (merchant_id, key));",
    // 2: exactly-once money (see the SQLite engine's migration 2).
    "ALTER TABLE sources ADD COLUMN state TEXT NOT NULL DEFAULT '';
     UPDATE sources SET state = COALESCE(data::jsonb #>> '{source,state}', '');
     CREATE TABLE gift_cards (
       merchant_id TEXT NOT NULL, card TEXT NOT NULL, currency TEXT NOT NULL,
       balance BIGINT NOT NULL CHECK (balance >= 0),
       spent BIGINT NOT NULL CHECK (spent >= 0 AND spent <= balance),
       PRIMARY KEY (merchant_id, card));
     CREATE TABLE gift_holds (
       source_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, card TEXT NOT NULL,
       session_id TEXT NOT NULL, amount BIGINT NOT NULL CHECK (amount > 0), expires BIGINT NOT NULL);
     CREATE INDEX gift_holds_card ON gift_holds(merchant_id, card);
     CREATE INDEX gift_holds_session ON gift_holds(session_id);
     CREATE TABLE gift_debits (
       source_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, merchant_id TEXT NOT NULL,
       card TEXT NOT NULL, amount BIGINT NOT NULL, created BIGINT NOT NULL);
     ALTER TABLE idempotency ADD COLUMN key_kind TEXT NOT NULL DEFAULT 'sk';
     ALTER TABLE idempotency ALTER COLUMN key_kind DROP DEFAULT;
     ALTER TABLE idempotency DROP CONSTRAINT idempotency_pkey;
     ALTER TABLE idempotency ADD PRIMARY KEY (merchant_id, key_kind, key);",
    // 3: rate-limit buckets every instance shares (SQLite's single process
    // keeps them in memory), and the ids of committed writes (a retry after a
    // connection lost during COMMIT finds out whether its write committed).
    "CREATE TABLE rate_buckets (bucket TEXT PRIMARY KEY, tat BIGINT NOT NULL);
     CREATE INDEX rate_buckets_tat ON rate_buckets(tat);
     CREATE TABLE write_log (id TEXT PRIMARY KEY, created BIGINT NOT NULL);
     CREATE INDEX write_log_created ON write_log(created);",
    // 4: customers and their saved payment methods (SQLite's migration 3).
    "CREATE TABLE customers (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, data TEXT NOT NULL);
     CREATE TABLE payment_methods (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, customer_id TEXT NOT NULL,
       source_id TEXT NOT NULL UNIQUE, deleted BOOLEAN NOT NULL DEFAULT FALSE,
       created BIGINT NOT NULL, data TEXT NOT NULL);
     CREATE INDEX payment_methods_customer ON payment_methods(customer_id, deleted);",
];

/// The schema version this build writes (versions 1 and 2 are SQLite's 1
/// and 2; version 4 is SQLite's 3: version 3 is PostgreSQL's own).
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

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
enum Failure {
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

fn json<T: serde::Serialize>(v: &T) -> Result<String, Failure> {
    Ok(serde_json::to_string(v)?)
}

fn i(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

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

    /// Brings the schema to [`SCHEMA_VERSION`] (under an advisory lock, so
    /// instances starting together migrate once); refuses a newer schema.
    pub fn migrate(&self) -> Result<usize, StoreError> {
        let v = self.run(|mut c| async move {
            let tx = c.transaction().await?;
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtext('paysession_schema:' || current_schema()))",
                &[],
            )
            .await?;
            tx.batch_execute(
                "CREATE TABLE IF NOT EXISTS paysession_schema (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), version INTEGER NOT NULL)",
            )
            .await?;
            let v: i32 = tx
                .query_opt("SELECT version FROM paysession_schema", &[])
                .await?
                .map(|r| r.get(0))
                .unwrap_or(0);
            let v = v.max(0) as usize;
            if v > SCHEMA_VERSION {
                return Ok(v);
            }
            for (n, m) in MIGRATIONS.iter().enumerate().skip(v) {
                tx.batch_execute(m).await?;
                tx.execute(
                    "INSERT INTO paysession_schema (version) VALUES ($1)
                     ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version",
                    &[&((n + 1) as i32)],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(v)
        })?;
        if v > SCHEMA_VERSION {
            return Err(StoreError::Failed(format!(
                "the database is at schema version {v}; this build knows up to {SCHEMA_VERSION}"
            )));
        }
        Ok(SCHEMA_VERSION)
    }

    fn get<T: serde::de::DeserializeOwned>(
        &self,
        sql: &'static str,
        id: &str,
    ) -> Result<Option<T>, StoreError> {
        let data: Option<String> = self.run(|c| async move {
            let st = c.prepare_cached(sql).await?;
            Ok(c.query_opt(&st, &[&id]).await?.map(|r| r.get(0)))
        })?;
        data.map(|d| serde_json::from_str(&d).map_err(|e| StoreError::Failed(e.to_string())))
            .transpose()
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// Stops the write with a conflict (the transaction is rolled back on drop).
macro_rules! refuse {
    ($c:expr) => {
        return Ok(Commit::Conflict($c))
    };
}

async fn apply(tx: &Transaction<'_>, w: &Write) -> Attempt<Commit> {
    if let Some(r) = &w.idempotency {
        let n = tx
            .execute(
                "INSERT INTO idempotency (merchant_id, key_kind, key, request_hash, status, body, created)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &[&r.merchant, &r.kind, &r.key, &r.response.request_hash, &(r.response.status as i32), &r.response.body, &w.now],
            )
            .await?;
        if n != 1 {
            refuse!(Conflict::Idempotency);
        }
    }
    if let Some((id, v)) = &w.session_check {
        let row = tx
            .query_opt(
                "SELECT 1 FROM sessions WHERE id = $1 AND version = $2 FOR SHARE",
                &[id, &i(*v)],
            )
            .await?;
        if row.is_none() {
            refuse!(Conflict::Session);
        }
    }
    if let Some(s) = &w.insert_session {
        let n = tx
            .execute(
                "INSERT INTO sessions (id, merchant_id, version, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&s.id, &s.merchant_id, &i(s.version), &json(s)?],
            )
            .await?;
        if n != 1 {
            refuse!(Conflict::Session);
        }
    }
    if let Some((s, expected)) = &w.update_session {
        let n = tx
            .execute(
                "UPDATE sessions SET version = $1, data = $2 WHERE id = $3 AND version = $4",
                &[&i(s.version), &json(s)?, &s.id, &i(*expected)],
            )
            .await?;
        if n != 1 {
            refuse!(Conflict::Session);
        }
    }
    for (id, state) in &w.source_checks {
        let row = tx
            .query_opt(
                "SELECT 1 FROM sources WHERE id = $1 AND state = $2 FOR SHARE",
                &[id, &state.as_str()],
            )
            .await?;
        if row.is_none() {
            refuse!(Conflict::Source(id.clone()));
        }
    }
    for sw in &w.sources {
        match sw {
            SourceWrite::Insert(s) => {
                let n = tx
                    .execute(
                        "INSERT INTO sources (id, merchant_id, session_id, state, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                        &[&s.source.id, &s.merchant_id, &s.source.session_id, &s.source.state.as_str(), &json(s)?],
                    )
                    .await?;
                if n != 1 {
                    refuse!(Conflict::Source(s.source.id.clone()));
                }
            }
            SourceWrite::Transition { rec, from } => {
                let n = tx
                    .execute(
                        "UPDATE sources SET state = $1, data = $2 WHERE id = $3 AND state = $4",
                        &[
                            &rec.source.state.as_str(),
                            &json(rec)?,
                            &rec.source.id,
                            &from.as_str(),
                        ],
                    )
                    .await?;
                if n != 1 {
                    refuse!(Conflict::Source(rec.source.id.clone()));
                }
            }
        }
    }
    for o in &w.orders {
        let n = tx
            .execute(
                "INSERT INTO orders (id, merchant_id, session_id, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&o.order.id, &o.merchant_id, &o.order.session_id, &json(o)?],
            )
            .await?;
        if n != 1 {
            refuse!(Conflict::Order(o.order.id.clone()));
        }
    }
    for op in &w.gift {
        if let Some(c) = apply_gift(tx, op, w.now).await? {
            refuse!(c);
        }
    }
    for c in &w.customers {
        let n = tx
            .execute(
                "INSERT INTO customers (id, merchant_id, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&c.id, &c.merchant_id, &json(c)?],
            )
            .await?;
        if n != 1 {
            refuse!(Conflict::Customer(c.id.clone()));
        }
    }
    for id in &w.pm_checks {
        // Locked until the commit: a delete waits, then finds it used.
        let row = tx
            .query_opt(
                "SELECT 1 FROM payment_methods WHERE id = $1 AND NOT deleted FOR SHARE",
                &[id],
            )
            .await?;
        if row.is_none() {
            refuse!(Conflict::PaymentMethod(id.clone()));
        }
    }
    for pw in &w.payment_methods {
        match pw {
            PmWrite::Insert(m) => {
                let n = tx
                    .execute(
                        "INSERT INTO payment_methods (id, merchant_id, customer_id, source_id, deleted, created, data)
                         VALUES ($1, $2, $3, $4, FALSE, $5, $6) ON CONFLICT DO NOTHING",
                        &[&m.id, &m.merchant_id, &m.customer_id, &m.source_id, &m.created, &json(m)?],
                    )
                    .await?;
                if n != 1 {
                    refuse!(Conflict::PaymentMethod(m.id.clone()));
                }
            }
            PmWrite::Delete(m) => {
                let n = tx
                    .execute(
                        "UPDATE payment_methods SET deleted = TRUE, data = $1 WHERE id = $2 AND NOT deleted",
                        &[&json(m)?, &m.id],
                    )
                    .await?;
                if n != 1 {
                    refuse!(Conflict::PaymentMethod(m.id.clone()));
                }
            }
        }
    }
    if let Some((s, _)) = &w.update_session {
        tx.execute(
            "UPDATE gift_holds SET expires = $1 WHERE session_id = $2 AND expires > $3",
            &[&s.expires, &s.id, &w.now],
        )
        .await?;
    }
    Ok(Commit::Done)
}

/// Locks the card's row: (currency, balance − spent), `None` for no card.
async fn lock_card(
    tx: &Transaction<'_>,
    merchant: &str,
    card: &str,
) -> Attempt<Option<(String, i64)>> {
    Ok(tx
        .query_opt(
            "SELECT currency, balance - spent FROM gift_cards WHERE merchant_id = $1 AND card = $2 FOR UPDATE",
            &[&merchant, &card],
        )
        .await?
        .map(|row| (row.get(0), row.get(1))))
}

/// What the live holds of a card keep.
async fn held(tx: &Transaction<'_>, merchant: &str, card: &str, now: i64) -> Attempt<i64> {
    Ok(tx
        .query_one(
            "SELECT COALESCE(SUM(amount), 0)::BIGINT FROM gift_holds WHERE merchant_id = $1 AND card = $2 AND expires > $3",
            &[&merchant, &card, &now],
        )
        .await?
        .get(0))
}

/// `None` when applied; else the conflict.
async fn apply_gift(tx: &Transaction<'_>, op: &GiftOp, now: i64) -> Attempt<Option<Conflict>> {
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
                "INSERT INTO gift_cards (merchant_id, card, currency, balance, spent) VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING",
                &[&card.merchant, &card.card, &currency.as_str(), &i(*initial)],
            )
            .await?;
            // The card's row first (the lock order of every gift-card write).
            let locked = lock_card(tx, &card.merchant, &card.card).await?;
            // Any earlier hold of this source (expired, or being replaced) goes first.
            tx.execute("DELETE FROM gift_holds WHERE source_id = $1", &[source_id])
                .await?;
            let Some((cur, left)) = locked else {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            };
            let available = left - held(tx, &card.merchant, &card.card, now).await?;
            if cur != currency.as_str() || available < i(*amount) {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            }
            tx.execute(
                "INSERT INTO gift_holds (source_id, merchant_id, card, session_id, amount, expires) VALUES ($1, $2, $3, $4, $5, $6)",
                &[source_id, &card.merchant, &card.card, session_id, &i(*amount), expires],
            )
            .await?;
        }
        GiftOp::Release { source_id } => {
            tx.execute("DELETE FROM gift_holds WHERE source_id = $1", &[source_id])
                .await?;
        }
        GiftOp::Capture {
            source_id,
            amount,
            order_id,
        } => {
            let hold = tx
                .query_opt(
                    "SELECT merchant_id, card, amount FROM gift_holds WHERE source_id = $1 AND expires > $2",
                    &[source_id, &now],
                )
                .await?;
            let Some(hold) = hold else {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            };
            let (merchant, card, held): (String, String, i64) =
                (hold.get(0), hold.get(1), hold.get(2));
            if held < i(*amount) {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            }
            // The card first (the lock order of every gift-card write), then the hold.
            lock_card(tx, &merchant, &card).await?;
            let n = tx
                .execute(
                    "DELETE FROM gift_holds WHERE source_id = $1 AND expires > $2",
                    &[source_id, &now],
                )
                .await?;
            if n != 1 {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            }
            let n = tx
                .execute(
                    "UPDATE gift_cards SET spent = spent + $1 WHERE merchant_id = $2 AND card = $3 AND balance - spent >= $1",
                    &[&i(*amount), &merchant, &card],
                )
                .await?;
            if n != 1 {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            }
            let n = tx
                .execute(
                    "INSERT INTO gift_debits (source_id, order_id, merchant_id, card, amount, created) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                    &[source_id, order_id, &merchant, &card, &i(*amount), &now],
                )
                .await?;
            if n != 1 {
                return Ok(Some(Conflict::Balance(source_id.clone())));
            }
        }
    }
    Ok(None)
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
        rows.iter()
            .map(|d| serde_json::from_str(d).map_err(|e| StoreError::Failed(e.to_string())))
            .collect()
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
        let Some((currency, balance, available)) = row else {
            return Ok(None);
        };
        Ok(Some(GiftBalance {
            currency: Currency::parse(&currency).ok_or_else(|| {
                StoreError::Failed(format!("gift card with currency {currency:?}"))
            })?,
            balance: balance.max(0) as u64,
            available: available.max(0) as u64,
        }))
    }

    fn commit(&self, w: Write) -> Result<Commit, StoreError> {
        let w = &w;
        let id = &format!("{:032x}", rand::random::<u128>());
        // Set once a COMMIT was sent: from then on the write may have landed.
        let sent = &std::sync::atomic::AtomicBool::new(false);
        let out = self.run(|mut c| async move {
            let tx = c.transaction().await?;
            if sent.load(Ordering::SeqCst)
                && tx
                    .query_opt("SELECT 1 FROM write_log WHERE id = $1", &[id])
                    .await?
                    .is_some()
            {
                return Ok(Commit::Done);
            }
            let out = apply(&tx, w).await?;
            match out {
                Commit::Done => {
                    tx.execute(
                        "INSERT INTO write_log (id, created) VALUES ($1, $2)",
                        &[id, &w.now],
                    )
                    .await?;
                    sent.store(true, Ordering::SeqCst);
                    tx.commit().await?;
                    #[cfg(test)]
                    if self.lose_next_commit_answer.swap(false, Ordering::SeqCst) {
                        return Err(Failure::Transient(
                            "injected: the answer to COMMIT was lost".into(),
                        ));
                    }
                }
                Commit::Conflict(_) => tx.rollback().await?,
            }
            Ok(out)
        })?;
        if rand::random::<u16>().is_multiple_of(4096) {
            // Now and then, ids older than any retry are forgotten.
            let before = w.now - 24 * 3600;
            let _ = self.run(|c| async move {
                c.execute("DELETE FROM write_log WHERE created < $1", &[&before])
                    .await?;
                Ok(())
            });
        }
        Ok(out)
    }

    fn idempotent(
        &self,
        merchant: &str,
        kind: &str,
        key: &str,
    ) -> Result<Option<Idempotent>, StoreError> {
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
        let sweep = rand::random::<u16>().is_multiple_of(1024);
        self.run(|c| async move {
            // One statement: the bucket is created, or moved on only if it
            // has room, under the row's lock.
            let st = c
                .prepare_cached(
                    "INSERT INTO rate_buckets (bucket, tat) VALUES ($1::TEXT, $2::BIGINT + $3::BIGINT)
                     ON CONFLICT (bucket) DO UPDATE SET tat = GREATEST(rate_buckets.tat, $2::BIGINT) + $3::BIGINT
                       WHERE GREATEST(rate_buckets.tat, $2::BIGINT) - $2::BIGINT <= $4::BIGINT
                     RETURNING tat",
                )
                .await?;
            let taken = c.query_opt(&st, &[&bucket, &now, &interval, &tolerance]).await?;
            if sweep {
                // Now and then, buckets that are full again are forgotten.
                c.execute("DELETE FROM rate_buckets WHERE tat < $1", &[&now])
                    .await?;
            }
            if taken.is_some() {
                return Ok(None);
            }
            let tat: Option<i64> = c
                .query_opt("SELECT tat FROM rate_buckets WHERE bucket = $1", &[&bucket])
                .await?
                .map(|r| r.get(0));
            Ok(Some(tat.map_or(0, |t| (t - tolerance - now).max(0))))
        })
    }

    fn health(&self) -> Result<StoreHealth, StoreError> {
        self.run(|c| async move {
            c.simple_query("SELECT 1").await?;
            Ok(())
        })?;
        Ok(self.counters())
    }

    fn ready(&self, within: Duration) -> Result<StoreHealth, StoreError> {
        // A pooled connection the database closed (after an outage) fails
        // at once: such failures are tried again on a fresh one, all within
        // `within`.
        let probe = async {
            let mut last = String::new();
            for attempt in 0..8u32 {
                let tried: Attempt<()> = async {
                    let c = self.pool.get().await?;
                    c.simple_query("SELECT 1").await?;
                    Ok(())
                }
                .await;
                match tried {
                    Ok(()) => return Ok(()),
                    Err(Failure::Fatal(e)) => return Err(StoreError::Unavailable(e)),
                    Err(Failure::Transient(e)) => last = e,
                }
                tokio::time::sleep(Duration::from_millis(5 << attempt.min(5))).await;
            }
            Err(StoreError::Unavailable(last))
        };
        self.rt().block_on(async {
            tokio::time::timeout(within, probe)
                .await
                .unwrap_or_else(|_| {
                    Err(StoreError::Unavailable(format!(
                        "no answer within {} ms",
                        within.as_millis()
                    )))
                })
        })?;
        Ok(self.counters())
    }
}

impl PgStore {
    /// The pool's and the retries' counters.
    fn counters(&self) -> StoreHealth {
        let s = self.pool.status();
        StoreHealth {
            engine: "postgres",
            schema_version: SCHEMA_VERSION,
            pool_size: s.max_size as u64,
            pool_in_use: (s.size.saturating_sub(s.available)) as u64,
            pool_waits: self.pool_waits.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            writes: 0,
            commits: 0,
        }
    }
}

/// Creates a fresh, empty schema `PREFIX_<random>` in the database at `url`
/// and returns a URL whose connections work in it: many isolated stores in
/// one database (the tests, the benchmark). Blocks; call it off async threads.
pub fn scratch_schema(url: &str, prefix: &str) -> Result<String, StoreError> {
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(StoreError::Failed(format!("bad schema prefix {prefix:?}")));
    }
    let name = format!("{prefix}_{:016x}", rand::random::<u64>());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StoreError::Failed(e.to_string()))?;
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(url, NoTls).await?;
        let driver = tokio::spawn(conn);
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await?;
        drop(client);
        let _ = driver.await;
        Ok::<_, tokio_postgres::Error>(())
    })
    .map_err(|e| StoreError::Unavailable(describe(&e)))?;
    let sep = if url.contains('?') { '&' } else { '?' };
    Ok(format!("{url}{sep}options=-c%20search_path%3D{name}"))
}

/// The PostgreSQL database tests run against: `PAYSESSION_TEST_DATABASE`
/// (`scripts/pg.sh start DIR` prints one). Unset, a test skips (and says so),
/// unless `PAYSESSION_REQUIRE_PG` is set, as `npm test` sets it: then it fails.
pub fn test_database() -> Option<String> {
    let Ok(url) = std::env::var("PAYSESSION_TEST_DATABASE") else {
        assert!(
            std::env::var_os("PAYSESSION_REQUIRE_PG").is_none(),
            "PAYSESSION_REQUIRE_PG is set but PAYSESSION_TEST_DATABASE is not"
        );
        eprintln!(
            "skipped: PAYSESSION_TEST_DATABASE is not set (scripts/pg.sh start DIR prints one)"
        );
        return None;
    };
    Some(url)
}

#[cfg(test)]
#[path = "postgres_tests.rs"]
mod tests;
