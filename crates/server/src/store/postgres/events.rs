//! The PostgreSQL engine's event statements: the outbox insert (in the
//! write's transaction) and the reads of the API.

use super::{Failure, PgStore};
use crate::store::events::{EventQuery, EventRow, StoredEvent};
use crate::store::StoreError;
use tokio_postgres::{Row, Transaction};

const COLUMNS: &str = "SELECT seq, id, merchant_id, type, object_id, created, data FROM events";

/// Inserts `e` (its id is fresh: an existing one is an error), and its
/// deliveries: one per live endpoint of the merchant taking its type
/// (store/webhooks.rs).
pub(super) async fn insert(tx: &Transaction<'_>, e: &EventRow) -> Result<(), Failure> {
    insert_row(tx, e).await?;
    let now = crate::store::webhooks::now_ms();
    tx.execute(
        "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, state, attempts, created, window_start, next_at)
         SELECT 'whd_' || md5(random()::text || clock_timestamp()::text || w.id), $1, w.id, 'pending', 0, $2, $2, $2
         FROM webhook_endpoints w WHERE w.merchant_id = $3 AND NOT w.deleted
         AND (w.types = '*' OR strpos(w.types, ',' || $4 || ',') > 0)",
        &[&e.id, &now, &e.merchant, &e.kind],
    )
    .await?;
    Ok(())
}

async fn insert_row(tx: &Transaction<'_>, e: &EventRow) -> Result<(), Failure> {
    tx.execute(
        "INSERT INTO events (id, merchant_id, type, object_id, created, data)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &e.id,
            &e.merchant,
            &e.kind,
            &e.object_id,
            &e.created,
            &e.data,
        ],
    )
    .await?;
    Ok(())
}

fn read(r: &Row) -> StoredEvent {
    StoredEvent {
        seq: r.get(0),
        row: EventRow {
            id: r.get(1),
            merchant: r.get(2),
            kind: r.get(3),
            object_id: r.get(4),
            created: r.get(5),
            data: r.get(6),
        },
    }
}

impl PgStore {
    /// The event `id`.
    pub(super) fn event_by_id(&self, id: &str) -> Result<Option<StoredEvent>, StoreError> {
        self.run(|c| async move {
            let st = c
                .prepare_cached(&format!("{COLUMNS} WHERE id = $1"))
                .await?;
            Ok(c.query_opt(&st, &[&id]).await?.as_ref().map(read))
        })
    }

    /// A page of events, newest first.
    pub(super) fn event_page(&self, q: &EventQuery) -> Result<Vec<StoredEvent>, StoreError> {
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        self.run(|c| async move {
            let st = c
                .prepare_cached(&format!(
                    "{COLUMNS} WHERE merchant_id = $1 AND ($2::text IS NULL OR type = $2)
                     AND ($3::text IS NULL OR object_id = $3) AND ($4::bigint IS NULL OR seq < $4)
                     ORDER BY seq DESC LIMIT $5"
                ))
                .await?;
            let rows = c
                .query(
                    &st,
                    &[&q.merchant, &q.kind, &q.object_id, &q.before, &limit],
                )
                .await?;
            Ok(rows.iter().map(read).collect())
        })
    }
}
