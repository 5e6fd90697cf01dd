//! The PostgreSQL engine's webhook statements (store/webhooks.rs): claims
//! with `FOR UPDATE SKIP LOCKED`, so instances sharing the database never
//! claim one delivery together, and outcomes under the claim's lease.

use super::PgStore;
use crate::store::events::EventRow;
use crate::store::webhooks::{
    sealed_row, state, Attempt, Claimed, Delivery, DeliveryQuery, Endpoint, Next, WebhookStore,
    CLEAR_ROWS,
};
use crate::store::StoreError;
use tokio_postgres::Row;

const ENDPOINT: &str =
    "SELECT id, merchant_id, url, types, secret, old_secret, old_until, created, deleted FROM webhook_endpoints";
const DELIVERY: &str =
    "SELECT id, event_id, endpoint_id, state, attempts, created, window_start, next_at FROM webhook_deliveries";

fn endpoint(r: &Row) -> Endpoint {
    Endpoint {
        id: r.get(0),
        merchant: r.get(1),
        url: r.get(2),
        types: Endpoint::types_from(r.get(3)),
        secret: r.get(4),
        old_secret: r.get(5),
        old_until: r.get(6),
        created: r.get(7),
        deleted: r.get(8),
    }
}

fn delivery(r: &Row) -> Delivery {
    Delivery {
        id: r.get(0),
        event_id: r.get(1),
        endpoint_id: r.get(2),
        state: r.get(3),
        attempts: r.get(4),
        created: r.get(5),
        window_start: r.get(6),
        next_at: r.get(7),
    }
}

impl WebhookStore for PgStore {
    fn endpoint_put(&self, e: &Endpoint, replace: bool) -> Result<bool, StoreError> {
        let types = e.types_column();
        let sql = if replace {
            "INSERT INTO webhook_endpoints (id, merchant_id, url, types, secret, created)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, types = EXCLUDED.types,
               secret = EXCLUDED.secret, deleted = FALSE
             WHERE webhook_endpoints.merchant_id = EXCLUDED.merchant_id"
        } else {
            "INSERT INTO webhook_endpoints (id, merchant_id, url, types, secret, created)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"
        };
        self.run(|c| {
            let types = &types;
            async move {
                let n = c
                    .execute(
                        sql,
                        &[&e.id, &e.merchant, &e.url, types, &e.secret, &e.created],
                    )
                    .await?;
                Ok(n == 1)
            }
        })
    }

    fn endpoint_create(&self, e: &Endpoint, cap: usize) -> Result<bool, StoreError> {
        let types = e.types_column();
        let cap = i64::try_from(cap).unwrap_or(i64::MAX);
        self.run(|mut c| {
            let types = &types;
            async move {
                let tx = c.transaction().await?;
                // One creator per merchant at a time (READ COMMITTED alone
                // lets two transactions count the same 15): the count and the
                // insert under a transaction lock of the merchant's.
                tx.execute(
                    "SELECT pg_advisory_xact_lock(hashtext('paysession_webhook_endpoints:' || $1))",
                    &[&e.merchant],
                )
                .await?;
                let n = tx
                    .execute(
                        "INSERT INTO webhook_endpoints (id, merchant_id, url, types, secret, created)
                         SELECT $1, $2, $3, $4, $5, $6
                         WHERE (SELECT COUNT(*) FROM webhook_endpoints
                                WHERE merchant_id = $2 AND NOT deleted) < $7
                         ON CONFLICT DO NOTHING",
                        &[&e.id, &e.merchant, &e.url, types, &e.secret, &e.created, &cap],
                    )
                    .await?;
                tx.commit().await?;
                Ok(n == 1)
            }
        })
    }

    fn endpoints_seal(&self, seal: &dyn Fn(&str, &str) -> String) -> Result<usize, StoreError> {
        let rows: Vec<(String, String, Option<String>)> = self.run(|c| async move {
            Ok(c.query(CLEAR_ROWS, &[])
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect())
        })?;
        let swaps: Vec<_> = rows
            .into_iter()
            .map(|(id, secret, old)| {
                let (new, new_old) = sealed_row(seal, &id, &secret, old.as_deref());
                (id, secret, old, new, new_old)
            })
            .collect();
        self.run(|c| {
            let swaps = &swaps;
            async move {
                let mut n = 0;
                for (id, secret, old, new, new_old) in swaps {
                    n += c
                        .execute(
                            "UPDATE webhook_endpoints SET secret = $4, old_secret = $5
                             WHERE id = $1 AND secret = $2 AND old_secret IS NOT DISTINCT FROM $3",
                            &[id, secret, old, new, new_old],
                        )
                        .await?;
                }
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            }
        })
    }

    fn endpoint(&self, id: &str) -> Result<Option<Endpoint>, StoreError> {
        self.run(|c| async move {
            let st = c
                .prepare_cached(&format!("{ENDPOINT} WHERE id = $1"))
                .await?;
            Ok(c.query_opt(&st, &[&id]).await?.as_ref().map(endpoint))
        })
    }

    fn endpoints(&self, merchant: &str) -> Result<Vec<Endpoint>, StoreError> {
        self.run(|c| async move {
            let st = c
                .prepare_cached(&format!(
                    "{ENDPOINT} WHERE merchant_id = $1 AND NOT deleted ORDER BY created, id"
                ))
                .await?;
            Ok(c.query(&st, &[&merchant])
                .await?
                .iter()
                .map(endpoint)
                .collect())
        })
    }

    fn endpoint_delete(&self, id: &str, merchant: &str) -> Result<bool, StoreError> {
        self.run(|mut c| async move {
            let tx = c.transaction().await?;
            let n = tx
                .execute(
                    "UPDATE webhook_endpoints SET deleted = TRUE
                     WHERE id = $1 AND merchant_id = $2 AND NOT deleted",
                    &[&id, &merchant],
                )
                .await?;
            if n == 1 {
                tx.execute(
                    "UPDATE webhook_deliveries SET state = $2, lease_owner = NULL
                     WHERE endpoint_id = $1 AND state = $3",
                    &[&id, &state::FAILED, &state::PENDING],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    fn endpoint_rotate(
        &self,
        id: &str,
        merchant: &str,
        secret: &str,
        old_until: i64,
    ) -> Result<Option<Endpoint>, StoreError> {
        self.run(|c| async move {
            let row = c
                .query_opt(
                    "UPDATE webhook_endpoints SET old_secret = secret, old_until = $3, secret = $4
                     WHERE id = $1 AND merchant_id = $2 AND NOT deleted
                     RETURNING id, merchant_id, url, types, secret, old_secret, old_until, created, deleted",
                    &[&id, &merchant, &old_until, &secret],
                )
                .await?;
            Ok(row.as_ref().map(endpoint))
        })
    }

    fn deliveries_claim(
        &self,
        lease: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(|c| async move {
            let rows = c
                .query(
                    "WITH c AS (
                       UPDATE webhook_deliveries d
                          SET lease_owner = $1, next_at = $2 + $3, attempts = d.attempts + 1
                         FROM (SELECT id FROM webhook_deliveries
                                WHERE state = 'pending' AND next_at <= $2
                                ORDER BY next_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
                        WHERE d.id = due.id
                    RETURNING d.id, d.event_id, d.endpoint_id, d.state, d.attempts, d.created,
                              d.window_start, d.next_at)
                     SELECT c.id, c.event_id, c.endpoint_id, c.state, c.attempts, c.created,
                            c.window_start, c.next_at,
                            w.id, w.merchant_id, w.url, w.types, w.secret, w.old_secret,
                            w.old_until, w.created, w.deleted,
                            e.id, e.merchant_id, e.type, e.object_id, e.created, e.data
                       FROM c JOIN webhook_endpoints w ON w.id = c.endpoint_id
                              JOIN events e ON e.id = c.event_id",
                    &[&lease, &now_ms, &lease_ms, &limit],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| Claimed {
                    delivery: delivery(r),
                    lease: lease.to_owned(),
                    endpoint: Endpoint {
                        id: r.get(8),
                        merchant: r.get(9),
                        url: r.get(10),
                        types: Endpoint::types_from(r.get(11)),
                        secret: r.get(12),
                        old_secret: r.get(13),
                        old_until: r.get(14),
                        created: r.get(15),
                        deleted: r.get(16),
                    },
                    event: EventRow {
                        id: r.get(17),
                        merchant: r.get(18),
                        kind: r.get(19),
                        object_id: r.get(20),
                        created: r.get(21),
                        data: r.get(22),
                    },
                })
                .collect())
        })
    }

    fn deliveries_next_due(&self) -> Result<Option<i64>, StoreError> {
        self.run(|c| async move {
            let st = c
                .prepare_cached(
                    "SELECT min(next_at) FROM webhook_deliveries WHERE state = 'pending'",
                )
                .await?;
            Ok(c.query_one(&st, &[]).await?.get(0))
        })
    }

    fn delivery_finish(&self, lease: &str, a: &Attempt, next: Next) -> Result<bool, StoreError> {
        let (st, at) = match next {
            Next::Succeeded => (state::SUCCEEDED, None),
            Next::RetryAt(t) => (state::PENDING, Some(t)),
            Next::Failed => (state::FAILED, None),
        };
        self.run(|mut c| async move {
            let tx = c.transaction().await?;
            let n = tx
                .execute(
                    "UPDATE webhook_deliveries SET state = $3, next_at = COALESCE($4, next_at),
                       lease_owner = NULL
                     WHERE id = $1 AND lease_owner = $2 AND state = 'pending'",
                    &[&a.delivery_id, &lease, &st, &at],
                )
                .await?;
            if n == 1 {
                tx.execute(
                    "INSERT INTO webhook_attempts (delivery_id, n, started, duration_ms, status, error, response)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                    &[&a.delivery_id, &a.n, &a.started, &a.duration_ms, &a.status, &a.error, &a.response],
                )
                .await?;
            }
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    fn delivery(&self, id: &str) -> Result<Option<Delivery>, StoreError> {
        self.run(|c| async move {
            let st = c
                .prepare_cached(&format!("{DELIVERY} WHERE id = $1"))
                .await?;
            Ok(c.query_opt(&st, &[&id]).await?.as_ref().map(delivery))
        })
    }

    fn deliveries(&self, q: &DeliveryQuery) -> Result<Vec<Delivery>, StoreError> {
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        let (bc, bid) = match &q.before {
            Some((c, i)) => (Some(*c), Some(i.clone())),
            None => (None, None),
        };
        self.run(|c| {
            let bid = bid.clone();
            async move {
                let st = c
                    .prepare_cached(&format!(
                        "{DELIVERY} WHERE endpoint_id = $1 AND ($2::text IS NULL OR state = $2)
                         AND ($3::text IS NULL OR event_id = $3)
                         AND ($4::bigint IS NULL OR (created, id) < ($4, $5::text))
                         ORDER BY created DESC, id DESC LIMIT $6"
                    ))
                    .await?;
                let rows = c
                    .query(
                        &st,
                        &[&q.endpoint_id, &q.state, &q.event_id, &bc, &bid, &limit],
                    )
                    .await?;
                Ok(rows.iter().map(delivery).collect())
            }
        })
    }

    fn attempts(&self, delivery_id: &str) -> Result<Vec<Attempt>, StoreError> {
        self.run(|c| async move {
            let rows = c
                .query(
                    "SELECT delivery_id, n, started, duration_ms, status, error, response
                     FROM webhook_attempts WHERE delivery_id = $1 ORDER BY n",
                    &[&delivery_id],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| Attempt {
                    delivery_id: r.get(0),
                    n: r.get(1),
                    started: r.get(2),
                    duration_ms: r.get(3),
                    status: r.get(4),
                    error: r.get(5),
                    response: r.get(6),
                })
                .collect())
        })
    }

    fn delivery_redeliver(&self, id: &str, now_ms: i64) -> Result<bool, StoreError> {
        self.run(|c| async move {
            let n = c
                .execute(
                    "UPDATE webhook_deliveries d SET state = 'pending', next_at = $2,
                       window_start = $2, lease_owner = NULL
                     WHERE d.id = $1 AND (d.state <> 'pending' OR d.lease_owner IS NULL OR d.next_at <= $2)
                     AND EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.id = d.endpoint_id AND NOT w.deleted)",
                    &[&id, &now_ms],
                )
                .await?;
            Ok(n == 1)
        })
    }
}
