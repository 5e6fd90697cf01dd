//! The SQLite engine's webhook statements (store/webhooks.rs). Writes run on
//! the writer thread ([`super::writer::Writer::exec`]), whose single
//! connection makes a claim's read and update one compare-and-swap; reads use
//! the read pool.

use super::{err, SqliteStore};
use crate::store::webhooks::{
    sealed_row, state, Attempt, Claimed, Delivery, DeliveryQuery, Endpoint, Next, WebhookStore,
    CLEAR_ROWS,
};
use crate::store::StoreError;
use rusqlite::{params, Connection, OptionalExtension, Row};

const ENDPOINT: &str =
    "SELECT id, merchant_id, url, types, secret, old_secret, old_until, created, deleted FROM webhook_endpoints";
const DELIVERY: &str =
    "SELECT id, event_id, endpoint_id, state, attempts, created, window_start, next_at FROM webhook_deliveries";

fn endpoint(r: &Row<'_>) -> rusqlite::Result<Endpoint> {
    Ok(Endpoint {
        id: r.get(0)?,
        merchant: r.get(1)?,
        url: r.get(2)?,
        types: Endpoint::types_from(&r.get::<_, String>(3)?),
        secret: r.get(4)?,
        old_secret: r.get(5)?,
        old_until: r.get(6)?,
        created: r.get(7)?,
        deleted: r.get(8)?,
    })
}

fn delivery(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        id: r.get(0)?,
        event_id: r.get(1)?,
        endpoint_id: r.get(2)?,
        state: r.get(3)?,
        attempts: r.get(4)?,
        created: r.get(5)?,
        window_start: r.get(6)?,
        next_at: r.get(7)?,
    })
}

fn endpoint_by_id(c: &Connection, id: &str) -> Result<Option<Endpoint>, StoreError> {
    c.prepare_cached(&format!("{ENDPOINT} WHERE id = ?1"))
        .map_err(err)?
        .query_row([id], endpoint)
        .optional()
        .map_err(err)
}

/// Claims due deliveries on the writer's connection (nothing else writes
/// between the read and the update).
fn claim(
    c: &Connection,
    lease: &str,
    now_ms: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let due: Vec<Delivery> = c
        .prepare_cached(&format!(
            "{DELIVERY} WHERE state = 'pending' AND next_at <= ?1 ORDER BY next_at LIMIT ?2"
        ))
        .map_err(err)?
        .query_map(params![now_ms, limit], delivery)
        .map_err(err)?
        .collect::<Result<_, _>>()
        .map_err(err)?;
    let mut out = Vec::with_capacity(due.len());
    for mut d in due {
        let moved = c
            .prepare_cached(
                "UPDATE webhook_deliveries SET lease_owner = ?2, next_at = ?3, attempts = attempts + 1
                 WHERE id = ?1 AND state = 'pending' AND next_at = ?4",
            )
            .map_err(err)?
            .execute(params![d.id, lease, now_ms + lease_ms, d.next_at])
            .map_err(err)?;
        if moved != 1 {
            continue;
        }
        d.attempts += 1;
        d.next_at = now_ms + lease_ms;
        let Some(ep) = endpoint_by_id(c, &d.endpoint_id)? else {
            continue;
        };
        let Some(ev) = super::events::one(c, &d.event_id)? else {
            continue;
        };
        out.push(Claimed {
            delivery: d,
            lease: lease.to_owned(),
            event: ev.row,
            endpoint: ep,
        });
    }
    Ok(out)
}

impl WebhookStore for SqliteStore {
    fn endpoint_put(&self, e: &Endpoint, replace: bool) -> Result<bool, StoreError> {
        let e = e.clone();
        self.writer.exec(move |c| {
            let sql = if replace {
                "INSERT INTO webhook_endpoints (id, merchant_id, url, types, secret, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET url = excluded.url, types = excluded.types,
                   secret = excluded.secret, deleted = FALSE
                 WHERE webhook_endpoints.merchant_id = excluded.merchant_id"
            } else {
                "INSERT INTO webhook_endpoints (id, merchant_id, url, types, secret, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING"
            };
            let n = c
                .prepare_cached(sql)
                .map_err(err)?
                .execute(params![
                    e.id,
                    e.merchant,
                    e.url,
                    e.types_column(),
                    e.secret,
                    e.created
                ])
                .map_err(err)?;
            Ok(n == 1)
        })
    }

    fn endpoint_create(&self, e: &Endpoint, cap: usize) -> Result<bool, StoreError> {
        let e = e.clone();
        let cap = i64::try_from(cap).unwrap_or(i64::MAX);
        // On the single writer: the count and the insert in one transaction.
        self.writer.exec(move |c| {
            let n = c
                .prepare_cached(
                    "INSERT INTO webhook_endpoints (id, merchant_id, url, types, secret, created)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6
                     WHERE (SELECT COUNT(*) FROM webhook_endpoints
                            WHERE merchant_id = ?2 AND NOT deleted) < ?7
                     ON CONFLICT DO NOTHING",
                )
                .map_err(err)?
                .execute(params![
                    e.id,
                    e.merchant,
                    e.url,
                    e.types_column(),
                    e.secret,
                    e.created,
                    cap
                ])
                .map_err(err)?;
            Ok(n == 1)
        })
    }

    fn endpoints_seal(&self, seal: &dyn Fn(&str, &str) -> String) -> Result<usize, StoreError> {
        let rows: Vec<(String, String, Option<String>)> = {
            let c = self.reader();
            let mut st = c.prepare(CLEAR_ROWS).map_err(err)?;
            let rows = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(err)?;
            rows.collect::<Result<_, _>>().map_err(err)?
        };
        let swaps: Vec<_> = rows
            .into_iter()
            .map(|(id, secret, old)| {
                let (new, new_old) = sealed_row(seal, &id, &secret, old.as_deref());
                (id, secret, old, new, new_old)
            })
            .collect();
        self.writer.exec(move |c| {
            let mut n = 0;
            for (id, secret, old, new, new_old) in &swaps {
                n += c
                    .execute(
                        "UPDATE webhook_endpoints SET secret = ?4, old_secret = ?5
                         WHERE id = ?1 AND secret = ?2 AND old_secret IS ?3",
                        params![id, secret, old, new, new_old],
                    )
                    .map_err(err)?;
            }
            Ok(n)
        })
    }

    fn endpoint(&self, id: &str) -> Result<Option<Endpoint>, StoreError> {
        endpoint_by_id(&self.reader(), id)
    }

    fn endpoints(&self, merchant: &str) -> Result<Vec<Endpoint>, StoreError> {
        let c = self.reader();
        let mut st = c
            .prepare_cached(&format!(
                "{ENDPOINT} WHERE merchant_id = ?1 AND NOT deleted ORDER BY created, id"
            ))
            .map_err(err)?;
        let rows = st.query_map([merchant], endpoint).map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    fn endpoint_delete(&self, id: &str, merchant: &str) -> Result<bool, StoreError> {
        let (id, merchant) = (id.to_owned(), merchant.to_owned());
        self.writer.exec(move |c| {
            let n = c
                .execute(
                    "UPDATE webhook_endpoints SET deleted = TRUE
                     WHERE id = ?1 AND merchant_id = ?2 AND NOT deleted",
                    params![id, merchant],
                )
                .map_err(err)?;
            if n == 1 {
                c.execute(
                    "UPDATE webhook_deliveries SET state = ?2, lease_owner = NULL
                     WHERE endpoint_id = ?1 AND state = ?3",
                    params![id, state::FAILED, state::PENDING],
                )
                .map_err(err)?;
            }
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
        let (id, merchant, secret) = (id.to_owned(), merchant.to_owned(), secret.to_owned());
        self.writer.exec(move |c| {
            let n = c
                .execute(
                    "UPDATE webhook_endpoints SET old_secret = secret, old_until = ?3, secret = ?4
                     WHERE id = ?1 AND merchant_id = ?2 AND NOT deleted",
                    params![id, merchant, old_until, secret],
                )
                .map_err(err)?;
            if n != 1 {
                return Ok(None);
            }
            endpoint_by_id(c, &id)
        })
    }

    fn deliveries_claim(
        &self,
        lease: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        let lease = lease.to_owned();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.writer
            .exec(move |c| claim(c, &lease, now_ms, lease_ms, limit))
    }

    fn deliveries_next_due(&self) -> Result<Option<i64>, StoreError> {
        self.reader()
            .prepare_cached("SELECT min(next_at) FROM webhook_deliveries WHERE state = 'pending'")
            .map_err(err)?
            .query_row([], |r| r.get(0))
            .map_err(err)
    }

    fn delivery_finish(&self, lease: &str, a: &Attempt, next: Next) -> Result<bool, StoreError> {
        let (st, at) = match next {
            Next::Succeeded => (state::SUCCEEDED, None),
            Next::RetryAt(t) => (state::PENDING, Some(t)),
            Next::Failed => (state::FAILED, None),
        };
        let (lease, a) = (lease.to_owned(), a.clone());
        self.writer.exec(move |c| {
            let n = c
                .prepare_cached(
                    "UPDATE webhook_deliveries SET state = ?3, next_at = COALESCE(?4, next_at),
                       lease_owner = NULL
                     WHERE id = ?1 AND lease_owner = ?2 AND state = 'pending'",
                )
                .map_err(err)?
                .execute(params![a.delivery_id, lease, st, at])
                .map_err(err)?;
            if n == 1 {
                c.prepare_cached(
                    "INSERT INTO webhook_attempts (delivery_id, n, started, duration_ms, status, error, response)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                )
                .map_err(err)?
                .execute(params![a.delivery_id, a.n, a.started, a.duration_ms, a.status, a.error, a.response])
                .map_err(err)?;
            }
            Ok(n == 1)
        })
    }

    fn delivery(&self, id: &str) -> Result<Option<Delivery>, StoreError> {
        self.reader()
            .prepare_cached(&format!("{DELIVERY} WHERE id = ?1"))
            .map_err(err)?
            .query_row([id], delivery)
            .optional()
            .map_err(err)
    }

    fn deliveries(&self, q: &DeliveryQuery) -> Result<Vec<Delivery>, StoreError> {
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        let (bc, bid) = match &q.before {
            Some((c, i)) => (Some(*c), Some(i.as_str())),
            None => (None, None),
        };
        let c = self.reader();
        let mut st = c
            .prepare_cached(&format!(
                "{DELIVERY} WHERE endpoint_id = ?1 AND (?2 IS NULL OR state = ?2)
                 AND (?3 IS NULL OR event_id = ?3)
                 AND (?4 IS NULL OR created < ?4 OR (created = ?4 AND id < ?5))
                 ORDER BY created DESC, id DESC LIMIT ?6"
            ))
            .map_err(err)?;
        let rows = st
            .query_map(
                params![q.endpoint_id, q.state, q.event_id, bc, bid, limit],
                delivery,
            )
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    fn attempts(&self, delivery_id: &str) -> Result<Vec<Attempt>, StoreError> {
        let c = self.reader();
        let mut st = c
            .prepare_cached(
                "SELECT delivery_id, n, started, duration_ms, status, error, response
                 FROM webhook_attempts WHERE delivery_id = ?1 ORDER BY n",
            )
            .map_err(err)?;
        let rows = st
            .query_map([delivery_id], |r| {
                Ok(Attempt {
                    delivery_id: r.get(0)?,
                    n: r.get(1)?,
                    started: r.get(2)?,
                    duration_ms: r.get(3)?,
                    status: r.get(4)?,
                    error: r.get(5)?,
                    response: r.get(6)?,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    fn delivery_redeliver(&self, id: &str, now_ms: i64) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.writer.exec(move |c| {
            let n = c
                .execute(
                    "UPDATE webhook_deliveries SET state = 'pending', next_at = ?2,
                       window_start = ?2, lease_owner = NULL
                     WHERE id = ?1 AND (state <> 'pending' OR lease_owner IS NULL OR next_at <= ?2)
                     AND EXISTS (SELECT 1 FROM webhook_endpoints w
                                 WHERE w.id = webhook_deliveries.endpoint_id AND NOT w.deleted)",
                    params![id, now_ms],
                )
                .map_err(err)?;
            Ok(n == 1)
        })
    }
}
