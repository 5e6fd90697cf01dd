//! The PostgreSQL engine's schema, its migrations, and scratch schemas for
//! the tests and the benchmark.

use super::{describe, Failure, PgStore};
use crate::store::{records, StoreError};
use tokio_postgres::NoTls;

/// Schema migrations, in order; `paysession_schema.version` is how many were
/// applied. They mirror the SQLite engine's (the same version numbers mean
/// the same tables), so version 1 is the first release's layout.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // 5: sources and orders in the store's own records (SQLite's migration 4).
    "",
    // 6: events, written in the transaction of their change (SQLite's migration 5).
    "CREATE TABLE events (
       seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL UNIQUE,
       merchant_id TEXT NOT NULL, type TEXT NOT NULL, object_id TEXT NOT NULL,
       created BIGINT NOT NULL, data TEXT NOT NULL);
     CREATE INDEX events_merchant ON events(merchant_id, seq);
     CREATE INDEX events_type ON events(merchant_id, type, seq);
     CREATE INDEX events_object ON events(object_id, seq);",
    // 7: the lifecycle after the order (SQLite's migration 6).
    "ALTER TABLE orders ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
     ALTER TABLE orders ADD COLUMN authorization_expires BIGINT;
     CREATE INDEX orders_authorization ON orders(authorization_expires)
       WHERE authorization_expires IS NOT NULL;
     CREATE TABLE refunds (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, order_id TEXT NOT NULL);",
    // 8: webhook endpoints, the deliveries of events to them (inserted in
    // the event's transaction) and every attempt (SQLite's migration 7).
    "CREATE TABLE webhook_endpoints (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, url TEXT NOT NULL, types TEXT NOT NULL,
       secret TEXT NOT NULL, old_secret TEXT, old_until BIGINT, created BIGINT NOT NULL,
       deleted BOOLEAN NOT NULL DEFAULT FALSE);
     CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints(merchant_id, deleted);
     CREATE TABLE webhook_deliveries (
       id TEXT PRIMARY KEY, event_id TEXT NOT NULL, endpoint_id TEXT NOT NULL,
       state TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, created BIGINT NOT NULL,
       window_start BIGINT NOT NULL, next_at BIGINT NOT NULL, lease_owner TEXT,
       UNIQUE (event_id, endpoint_id));
     CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_at);
     CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created, id);
     CREATE TABLE webhook_attempts (
       delivery_id TEXT NOT NULL, n BIGINT NOT NULL, started BIGINT NOT NULL,
       duration_ms BIGINT NOT NULL, status BIGINT, error TEXT, response TEXT NOT NULL,
       PRIMARY KEY (delivery_id, n));",
    // 9: webhook signing secrets sealed at rest (SQLite's migration 8: no
    // table changes; the rows are sealed as the server starts).
    "",
];

/// The migration after which `data` holds the store's own records.
const OWN_RECORDS: usize = 5;

/// The schema version this build writes (versions 1 and 2 are SQLite's 1
/// and 2; versions 4 to 9 are SQLite's 3 to 8: version 3 is PostgreSQL's own).
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

impl PgStore {
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
                if n + 1 == OWN_RECORDS {
                    upgrade_rows(&tx).await?;
                }
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

/// Rewrites the rows of sources and orders as the store's own records.
async fn upgrade_rows(tx: &tokio_postgres::Transaction<'_>) -> Result<(), Failure> {
    for table in ["sources", "orders"] {
        let rows = tx
            .query(&format!("SELECT id, data FROM {table}"), &[])
            .await?;
        let sql = format!("UPDATE {table} SET data = $1 WHERE id = $2");
        for row in rows {
            let (id, data): (String, String) = (row.get(0), row.get(1));
            let new = records::upgrade(table, &data).map_err(|e| Failure::Fatal(e.to_string()))?;
            if let Some(new) = new {
                tx.execute(&sql, &[&new, &id]).await?;
            }
        }
    }
    Ok(())
}
