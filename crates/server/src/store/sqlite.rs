//! The SQLite engine (rusqlite, bundled): WAL, `synchronous = FULL` so an
//! acknowledged write is committed. Records are JSON documents beside the
//! columns that are queried; card numbers and codes are sealed before they
//! get here.

use super::writer::Writer;
use super::{Commit, GiftBalance, GiftCardKey, Idempotent, Store, StoreError, Write};
use crate::model::{CustomerRec, OrderRec, PaymentMethodRec, SessionRec, SourceRec};
use paysession_core::Currency;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// Schema migrations, in order; `PRAGMA user_version` is how many were
/// applied. Each runs in one transaction with its version bump. A database of
/// the first release (tables but `user_version` 0) counts as version 1.
const MIGRATIONS: &[&str] = &[
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
];

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
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(err)?;
        tx.commit().map_err(err)?;
    }
    Ok(SCHEMA_VERSION)
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

    fn get<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        id: &str,
    ) -> Result<Option<T>, StoreError> {
        let c = self.reader();
        let data: Option<String> = c
            .query_row(
                &format!("SELECT data FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        data.map(|d| serde_json::from_str(&d).map_err(err))
            .transpose()
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
            out.push(serde_json::from_str(&r.map_err(err)?).map_err(err)?);
        }
        Ok(out)
    }

    fn gift_balance(
        &self,
        card: &GiftCardKey,
        now: i64,
    ) -> Result<Option<GiftBalance>, StoreError> {
        let c = self.reader();
        let row: Option<(String, i64)> = c
            .query_row(
                "SELECT currency, balance FROM gift_cards WHERE merchant_id = ?1 AND card = ?2",
                [&card.merchant, &card.card],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(err)?;
        let Some((currency, balance)) = row else {
            return Ok(None);
        };
        let (_, available) = super::writer::available(&c, &card.merchant, &card.card, now)?;
        Ok(Some(GiftBalance {
            currency: Currency::parse(&currency).ok_or_else(|| {
                StoreError::Failed(format!("gift card with currency {currency:?}"))
            })?,
            balance: balance.max(0) as u64,
            available: available.max(0) as u64,
        }))
    }

    fn commit(&self, w: Write) -> Result<Commit, StoreError> {
        self.writer.submit(Box::new(w))
    }

    fn idempotent(
        &self,
        merchant: &str,
        kind: &str,
        key: &str,
    ) -> Result<Option<Idempotent>, StoreError> {
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
mod tests {
    use super::*;
    use std::sync::Arc;

    fn open() -> Option<SqliteStore> {
        Some(SqliteStore::memory().unwrap())
    }

    crate::store::conformance::suite!(open);

    use crate::store::conformance::session;

    #[test]
    fn concurrent_writes_share_commits_and_a_conflict_rolls_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        store
            .commit(Write {
                insert_session: Some(session("s0")),
                ..Default::default()
            })
            .unwrap();

        // 32 threads: 16 insert new sessions, 16 update s0 from version 1.
        let threads: Vec<_> = (0..32)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    if i % 2 == 0 {
                        store.commit(Write {
                            insert_session: Some(session(&format!("s{}", i + 1))),
                            ..Default::default()
                        })
                    } else {
                        let mut s = session("s0");
                        s.version = 2;
                        s.reference = Some(format!("writer {i}"));
                        store.commit(Write {
                            update_session: Some((s, 1)),
                            ..Default::default()
                        })
                    }
                })
            })
            .collect();
        let results: Vec<Commit> = threads
            .into_iter()
            .map(|t| t.join().unwrap().unwrap())
            .collect();
        let won = results
            .iter()
            .enumerate()
            .filter(|(i, r)| i % 2 == 1 && **r == Commit::Done)
            .count();
        assert_eq!(won, 1, "exactly one versioned update wins: {results:?}");
        assert!(results
            .iter()
            .enumerate()
            .all(|(i, r)| i % 2 == 1 || *r == Commit::Done));

        let (writes, commits) = store.write_stats();
        assert_eq!(writes, 33);
        assert!(
            commits < writes,
            "concurrent writes were grouped: {commits} commits for {writes} writes"
        );

        // Everything acknowledged is in the file: a fresh store sees it.
        drop(store);
        let again = SqliteStore::open(&path).unwrap();
        for i in (0..32).step_by(2) {
            assert!(again.session(&format!("s{}", i + 1)).unwrap().is_some());
        }
        let s0 = again.session("s0").unwrap().unwrap();
        assert_eq!(s0.version, 2);
        assert!(s0.reference.unwrap().starts_with("writer "));
    }

    #[test]
    fn a_first_release_database_migrates_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            let src =
                serde_json::json!({"merchant_id": "m", "source": {"state": "pending_redirect"}});
            c.execute(
                "INSERT INTO sources (id, merchant_id, session_id, data) VALUES ('src_1', 'm', 'ses_1', ?1)",
                [src.to_string()],
            )
            .unwrap();
            c.execute(
                "INSERT INTO idempotency VALUES ('m', 'k1', 'h', 201, x'7b7d', 0)",
                [],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let r = store.idempotent("m", "sk", "k1").unwrap().unwrap();
        assert_eq!((r.request_hash.as_str(), r.status), ("h", 201));
        assert!(store.idempotent("m", "pk", "k1").unwrap().is_none());
        let c = store.reader();
        let state: String = c
            .query_row("SELECT state FROM sources WHERE id = 'src_1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(state, "pending_redirect");
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, SCHEMA_VERSION);
        drop(c);
        drop(store);
        // Opening again changes nothing; a newer schema is refused.
        drop(SqliteStore::open(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        assert!(SqliteStore::open(&path).is_err());
    }

    #[test]
    fn a_scratch_database_is_removed_on_drop() {
        let store = SqliteStore::memory().unwrap();
        let path = store.scratch.clone().unwrap();
        store
            .commit(Write {
                insert_session: Some(session("x")),
                ..Default::default()
            })
            .unwrap();
        assert!(store.session("x").unwrap().is_some());
        assert!(path.exists());
        drop(store);
        assert!(!path.exists());
    }
}
