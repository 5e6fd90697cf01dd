//! The SQLite engine (rusqlite, bundled): WAL, `synchronous = FULL` so an
//! acknowledged write is committed. Records are JSON documents beside the
//! columns that are queried; card numbers and codes are sealed before they
//! get here.

mod events;
mod schema;
mod tx;
mod webhooks;
mod writer;

pub use schema::{migrate, SCHEMA_VERSION};

use super::rows::{gift_balance, Record};
use super::{Commit, GiftBalance, GiftCardKey, Idempotent, Store, StoreError, Write};
use crate::config::KeyKind;
use crate::model::{CustomerRec, OrderRec, PaymentMethodRec, SessionRec, SourceRec};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use writer::Writer;

/// Read connections: WAL readers never wait for the writer.
const READERS: usize = 4;

/// Writes go through one group-committing writer thread ([`Writer`]); reads
/// use a small pool of read-only connections. Callers run it off the async threads.
pub struct SqliteStore {
    readers: Vec<Mutex<Connection>>,
    next: AtomicUsize,
    writer: Writer,
    /// A database file to delete on drop (`sqlite::memory:`).
    scratch: Option<PathBuf>,
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Failed(e.to_string())
}

impl SqliteStore {
    /// Opens (creating) the database file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let write = Connection::open(path).map_err(err)?;
        write
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        write
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        write
            .pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        write
            .pragma_update(None, "secure_delete", "ON")
            .map_err(err)?;
        let mut write = write;
        migrate(&mut write)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let r = Connection::open(path).map_err(err)?;
            r.busy_timeout(std::time::Duration::from_secs(5))
                .map_err(err)?;
            r.pragma_update(None, "query_only", "ON").map_err(err)?;
            readers.push(Mutex::new(r));
        }
        Ok(SqliteStore {
            readers,
            next: AtomicUsize::new(0),
            writer: Writer::start(write)?,
            scratch: None,
        })
    }

    /// A throwaway database (a file in the temp directory, deleted on drop):
    /// the writer and the readers need one database they can all open.
    pub fn memory() -> Result<Self, StoreError> {
        let path =
            std::env::temp_dir().join(format!("{}.db", crate::ids::new_id("paysession-scratch-")));
        let mut store = Self::open(&path)?;
        store.scratch = Some(path);
        Ok(store)
    }

    /// (writes, committed transactions) since the store opened: with
    /// concurrent writers, fewer commits than writes (group commit).
    pub fn write_stats(&self) -> (u64, u64) {
        self.writer.stats()
    }

    /// A free read connection (or the next one, waiting for it).
    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..READERS {
            if let Ok(c) = self.readers[(start + i) % READERS].try_lock() {
                return c;
            }
        }
        self.readers[start % READERS]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    fn get<T: Record>(&self, table: &str, id: &str) -> Result<Option<T>, StoreError> {
        let c = self.reader();
        let data: Option<String> = c
            .query_row(
                &format!("SELECT data FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        data.map(|d| T::decode(&d)).transpose()
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        if let Some(p) = &self.scratch {
            for suffix in ["", "-wal", "-shm"] {
                let mut f = p.clone().into_os_string();
                f.push(suffix);
                let _ = std::fs::remove_file(f);
            }
        }
    }
}

impl Store for SqliteStore {
    fn health(&self) -> Result<super::StoreHealth, StoreError> {
        let c = self.reader();
        c.query_row("SELECT 1", [], |_| Ok(())).map_err(err)?;
        let (writes, commits) = self.write_stats();
        let in_use = self
            .readers
            .iter()
            .filter(|r| r.try_lock().is_err())
            .count();
        Ok(super::StoreHealth {
            engine: "sqlite",
            schema_version: SCHEMA_VERSION,
            pool_size: READERS as u64,
            // Counting this call's own connection.
            pool_in_use: in_use as u64,
            pool_waits: 0,
            retries: 0,
            writes,
            commits,
        })
    }

    fn session(&self, id: &str) -> Result<Option<SessionRec>, StoreError> {
        self.get("sessions", id)
    }

    fn source(&self, id: &str) -> Result<Option<SourceRec>, StoreError> {
        self.get("sources", id)
    }

    fn order(&self, id: &str) -> Result<Option<OrderRec>, StoreError> {
        self.get("orders", id)
    }

    fn due_authorizations(
        &self,
        merchant: Option<&str>,
        now: i64,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let c = self.reader();
        let mut st = c
            .prepare_cached(
                "SELECT id FROM orders WHERE authorization_expires <= ?1
                   AND (?2 IS NULL OR merchant_id = ?2)
                 ORDER BY authorization_expires LIMIT ?3",
            )
            .map_err(err)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = st
            .query_map(rusqlite::params![now, merchant, limit], |r| r.get(0))
            .map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)
    }

    fn order_of_refund(&self, refund_id: &str) -> Result<Option<OrderRec>, StoreError> {
        let c = self.reader();
        let data: Option<String> = c
            .query_row(
                "SELECT o.data FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = ?1",
                [refund_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        data.map(|d| OrderRec::decode(&d)).transpose()
    }

    fn customer(&self, id: &str) -> Result<Option<CustomerRec>, StoreError> {
        self.get("customers", id)
    }

    fn payment_method(&self, id: &str) -> Result<Option<PaymentMethodRec>, StoreError> {
        self.get("payment_methods", id)
    }

    fn payment_methods(&self, customer_id: &str) -> Result<Vec<PaymentMethodRec>, StoreError> {
        let c = self.reader();
        let mut st = c
            .prepare_cached(
                "SELECT data FROM payment_methods WHERE customer_id = ?1 AND deleted = 0 ORDER BY created, id",
            )
            .map_err(err)?;
        let rows = st
            .query_map([customer_id], |r| r.get::<_, String>(0))
            .map_err(err)?;
        let mut out = vec![];
        for r in rows {
            out.push(PaymentMethodRec::decode(&r.map_err(err)?)?);
        }
        Ok(out)
    }

    fn gift_balance(
        &self,
        card: &GiftCardKey,
        now: i64,
    ) -> Result<Option<GiftBalance>, StoreError> {
        let c = self.reader();
        let row: Option<(String, i64, i64)> = c
            .query_row(
                "SELECT g.currency, g.balance, g.balance - g.spent - COALESCE(
                   (SELECT SUM(h.amount) FROM gift_holds h
                     WHERE h.merchant_id = g.merchant_id AND h.card = g.card AND h.expires > ?3), 0)
                 FROM gift_cards g WHERE g.merchant_id = ?1 AND g.card = ?2",
                rusqlite::params![card.merchant, card.card, now],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(err)?;
        row.map(gift_balance).transpose()
    }

    fn event(&self, id: &str) -> Result<Option<crate::store::events::StoredEvent>, StoreError> {
        events::one(&self.reader(), id)
    }

    fn events(
        &self,
        q: &crate::store::events::EventQuery,
    ) -> Result<Vec<crate::store::events::StoredEvent>, StoreError> {
        events::page(&self.reader(), q)
    }

    fn commit(&self, w: Write) -> Result<Commit, StoreError> {
        self.writer.submit(writer::Job::Write(Box::new(w)))
    }

    fn idempotent(
        &self,
        merchant: &str,
        kind: KeyKind,
        key: &str,
    ) -> Result<Option<Idempotent>, StoreError> {
        let kind = kind.as_str();
        let c = self.reader();
        c.query_row(
            "SELECT request_hash, status, body FROM idempotency WHERE merchant_id = ?1 AND key_kind = ?2 AND key = ?3",
            [merchant, kind, key],
            |r| {
                Ok(Idempotent {
                    request_hash: r.get(0)?,
                    status: r.get::<_, i64>(1)? as u16,
                    body: r.get(2)?,
                })
            },
        )
        .optional()
        .map_err(err)
    }
}

#[cfg(test)]
mod tests;
