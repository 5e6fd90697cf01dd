//! What several instances share (rate-limit buckets) and what the engine
//! reports of itself (readiness, counters).

use super::{Attempt, Failure, PgStore, SCHEMA_VERSION};
use crate::store::{StoreError, StoreHealth};
use std::sync::atomic::Ordering;
use std::time::Duration;

impl PgStore {
    /// [`crate::store::Store::rate_take`] on the shared `rate_buckets`.
    pub(super) fn take_rate(
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

    /// One probe of the database: every attempt within `within`.
    pub(super) fn probe(&self, within: Duration) -> Result<(), StoreError> {
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
        Ok(())
    }

    /// The pool's and the retries' counters.
    pub(super) fn counters(&self) -> StoreHealth {
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
