//! The SQLite engine's schema and its migrations.

use super::err;
use crate::store::{records, StoreError};
use rusqlite::Connection;

/// Schema migrations, in order; `PRAGMA user_version` is how many were
/// applied. Each runs in one transaction with its version bump. A database of
/// the first release (tables but `user_version` 0) counts as version 1.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the first release.
    "CREATE TABLE sessions (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);
     CREATE TABLE sources (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, session_id TEXT NOT NULL, data TEXT NOT NULL);
     CREATE INDEX sources_session ON sources(session_id);
     CREATE TABLE orders (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, session_id TEXT NOT NULL, data TEXT NOT NULL);
     CREATE TABLE idempotency (
       merchant_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
       status INTEGER NOT NULL, body BLOB NOT NULL, created INTEGER NOT NULL,
       PRIMARY KEY (merchant_id, key));",
    // 2: exactly-once money. Source state as a column (compare-and-swap),
    // gift-card balances, holds and debits, idempotency keys scoped by key
    // kind. Records of version 1 were written by either kind of key; they are
    // kept for the secret key, whose server retries are the ones that span an
    // upgrade (a browser retries within seconds).
    "ALTER TABLE sources ADD COLUMN state TEXT NOT NULL DEFAULT '';
     UPDATE sources SET state = json_extract(data, '$.source.state');
     CREATE TABLE gift_cards (
       merchant_id TEXT NOT NULL, card TEXT NOT NULL, currency TEXT NOT NULL,
       balance INTEGER NOT NULL CHECK (balance >= 0),
       spent INTEGER NOT NULL CHECK (spent >= 0 AND spent <= balance),
       PRIMARY KEY (merchant_id, card));
     CREATE TABLE gift_holds (
       source_id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, card TEXT NOT NULL,
       session_id TEXT NOT NULL, amount INTEGER NOT NULL CHECK (amount > 0), expires INTEGER NOT NULL);
     CREATE INDEX gift_holds_card ON gift_holds(merchant_id, card);
     CREATE INDEX gift_holds_session ON gift_holds(session_id);
     CREATE TABLE gift_debits (
       source_id TEXT PRIMARY KEY, order_id TEXT NOT NULL, merchant_id TEXT NOT NULL,
       card TEXT NOT NULL, amount INTEGER NOT NULL, created INTEGER NOT NULL);
     CREATE TABLE idempotency2 (
       merchant_id TEXT NOT NULL, key_kind TEXT NOT NULL, key TEXT NOT NULL,
       request_hash TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL, created INTEGER NOT NULL,
       PRIMARY KEY (merchant_id, key_kind, key));
     INSERT INTO idempotency2 SELECT merchant_id, 'sk', key, request_hash, status, body, created FROM idempotency;
     DROP TABLE idempotency;
     ALTER TABLE idempotency2 RENAME TO idempotency;",
    // 3: customers and their saved payment methods (the card number sealed
    // by the vault in `data`; one method per source; deleted methods keep a
    // masked row without the number).
    "CREATE TABLE customers (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, data TEXT NOT NULL);
     CREATE TABLE payment_methods (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, customer_id TEXT NOT NULL,
       source_id TEXT NOT NULL UNIQUE, deleted INTEGER NOT NULL DEFAULT 0,
       created INTEGER NOT NULL, data TEXT NOT NULL);
     CREATE INDEX payment_methods_customer ON payment_methods(customer_id, deleted);",
    // 4: sources and orders in the store's own records (store/records.rs):
    // every row's `data` is rewritten by `records::upgrade` (no table changes).
    "",
    // 5: events, written in the transaction of their change (store/events.rs).
    "CREATE TABLE events (
       seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, merchant_id TEXT NOT NULL,
       type TEXT NOT NULL, object_id TEXT NOT NULL, created INTEGER NOT NULL, data TEXT NOT NULL);
     CREATE INDEX events_merchant ON events(merchant_id, seq);
     CREATE INDEX events_type ON events(merchant_id, type, seq);
     CREATE INDEX events_object ON events(object_id, seq);",
    // 6: the lifecycle after the order (flows/orders.rs): an order's version
    // (its updates are compare-and-swapped on it), when its open authorization
    // expires (the sweep's index), and the index of refunds. Orders stored
    // before read as automatic and captured (store/records.rs).
    "ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE orders ADD COLUMN authorization_expires INTEGER;
     CREATE INDEX orders_authorization ON orders(authorization_expires)
       WHERE authorization_expires IS NOT NULL;
     CREATE TABLE refunds (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, order_id TEXT NOT NULL);",
    // 7: webhook endpoints, the deliveries of events to them (inserted in
    // the event's transaction) and every attempt (store/webhooks.rs).
    "CREATE TABLE webhook_endpoints (
       id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, url TEXT NOT NULL, types TEXT NOT NULL,
       secret TEXT NOT NULL, old_secret TEXT, old_until INTEGER, created INTEGER NOT NULL,
       deleted BOOLEAN NOT NULL DEFAULT FALSE);
     CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints(merchant_id, deleted);
     CREATE TABLE webhook_deliveries (
       id TEXT PRIMARY KEY, event_id TEXT NOT NULL, endpoint_id TEXT NOT NULL,
       state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,
       window_start INTEGER NOT NULL, next_at INTEGER NOT NULL, lease_owner TEXT,
       UNIQUE (event_id, endpoint_id));
     CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_at);
     CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created, id);
     CREATE TABLE webhook_attempts (
       delivery_id TEXT NOT NULL, n INTEGER NOT NULL, started INTEGER NOT NULL,
       duration_ms INTEGER NOT NULL, status INTEGER, error TEXT, response TEXT NOT NULL,
       PRIMARY KEY (delivery_id, n));",
    // 8: webhook signing secrets sealed at rest by the vault (AES-256-GCM,
    // bound to the endpoint's id). No table changes: the version says the
    // `secret` and `old_secret` columns hold sealed values, so a build before
    // it refuses the database (it would sign with the sealed text). The
    // store holds no key: the rows an older build wrote in clear are sealed
    // by `webhooks::seal_secrets` as the server starts, before its worker
    // and routes run (`WebhookStore::endpoints_seal`, a compare-and-swap
    // per row).
    "",
];

/// The migration after which `data` holds the store's own records.
const OWN_RECORDS: usize = 4;

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// Brings the database to [`SCHEMA_VERSION`]; refuses a newer one.
pub fn migrate(c: &mut Connection) -> Result<usize, StoreError> {
    let mut v: usize = c
        .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
        .map_err(err)? as usize;
    if v == 0 {
        let first_release: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sessions'",
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        if first_release > 0 {
            v = 1;
        }
    }
    if v > SCHEMA_VERSION {
        return Err(StoreError::Failed(format!(
            "the database is at schema version {v}; this build knows up to {SCHEMA_VERSION}"
        )));
    }
    for (i, m) in MIGRATIONS.iter().enumerate().skip(v) {
        let tx = c
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        tx.execute_batch(m).map_err(err)?;
        if i + 1 == OWN_RECORDS {
            upgrade_rows(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(err)?;
        tx.commit().map_err(err)?;
    }
    Ok(SCHEMA_VERSION)
}

/// Rewrites the rows of sources and orders as the store's own records.
fn upgrade_rows(c: &Connection) -> Result<(), StoreError> {
    for table in ["sources", "orders"] {
        let rows: Vec<(String, String)> = c
            .prepare(&format!("SELECT id, data FROM {table}"))
            .map_err(err)?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        let sql = format!("UPDATE {table} SET data = ?1 WHERE id = ?2");
        for (id, data) in rows {
            if let Some(new) = records::upgrade(table, &data)? {
                c.execute(&sql, [&new, &id]).map_err(err)?;
            }
        }
    }
    Ok(())
}
