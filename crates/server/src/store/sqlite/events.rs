//! The SQLite engine's event statements: the outbox insert (on the writer's
//! connection, inside the write's savepoint) and the reads of the API.

use super::err;
use crate::store::events::{EventQuery, EventRow, StoredEvent};
use crate::store::StoreError;
use rusqlite::{params, Connection, OptionalExtension, Row};

const COLUMNS: &str = "SELECT seq, id, merchant_id, type, object_id, created, data FROM events";

/// Inserts `e` (its id is fresh: an existing one is an error), and its
/// deliveries: one per live endpoint of the merchant taking its type
/// (store/webhooks.rs).
pub(super) fn insert(c: &Connection, e: &EventRow) -> Result<(), StoreError> {
    insert_row(c, e)?;
    c.prepare_cached(
        "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, state, attempts, created, window_start, next_at)
         SELECT 'whd_' || lower(hex(randomblob(16))), ?1, w.id, 'pending', 0, ?2, ?2, ?2
         FROM webhook_endpoints w WHERE w.merchant_id = ?3 AND NOT w.deleted
         AND (w.types = '*' OR instr(w.types, ',' || ?4 || ',') > 0)",
    )
    .map_err(err)?
    .execute(params![e.id, crate::store::webhooks::now_ms(), e.merchant, e.kind])
    .map_err(err)
    .map(drop)
}

fn insert_row(c: &Connection, e: &EventRow) -> Result<(), StoreError> {
    c.prepare_cached(
        "INSERT INTO events (id, merchant_id, type, object_id, created, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .map_err(err)?
    .execute(params![
        e.id,
        e.merchant,
        e.kind,
        e.object_id,
        e.created,
        e.data
    ])
    .map_err(err)
    .map(drop)
}

fn read(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        seq: r.get(0)?,
        row: EventRow {
            id: r.get(1)?,
            merchant: r.get(2)?,
            kind: r.get(3)?,
            object_id: r.get(4)?,
            created: r.get(5)?,
            data: r.get(6)?,
        },
    })
}

/// The event `id`.
pub(super) fn one(c: &Connection, id: &str) -> Result<Option<StoredEvent>, StoreError> {
    c.prepare_cached(&format!("{COLUMNS} WHERE id = ?1"))
        .map_err(err)?
        .query_row([id], read)
        .optional()
        .map_err(err)
}

/// A page of events, newest first.
pub(super) fn page(c: &Connection, q: &EventQuery) -> Result<Vec<StoredEvent>, StoreError> {
    let sql = format!(
        "{COLUMNS} WHERE merchant_id = ?1 AND (?2 IS NULL OR type = ?2)
         AND (?3 IS NULL OR object_id = ?3) AND (?4 IS NULL OR seq < ?4)
         ORDER BY seq DESC LIMIT ?5"
    );
    let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
    let mut st = c.prepare_cached(&sql).map_err(err)?;
    let rows = st
        .query_map(
            params![q.merchant, q.kind, q.object_id, q.before, limit],
            read,
        )
        .map_err(err)?;
    rows.collect::<Result<_, _>>().map_err(err)
}
