//! The SQLite engine (rusqlite, bundled): WAL, `synchronous = FULL` so an
//! acknowledged write is committed. Records are JSON documents beside the
//! columns that are queried; card numbers and codes are sealed before they
//! get here.

use super::writer::{Job, Writer};
use super::{Commit, Idempotent, Store, StoreError, Write};
use crate::model::{OrderRec, SessionRec, SourceRec};
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
    StoreError(e.to_string())
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, session_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sources_session ON sources(session_id);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, session_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
  merchant_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
  status INTEGER NOT NULL, body BLOB NOT NULL, created INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, key));
";

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
        write.execute_batch(SCHEMA).map_err(err)?;
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
    fn session(&self, id: &str) -> Result<Option<SessionRec>, StoreError> {
        self.get("sessions", id)
    }

    fn source(&self, id: &str) -> Result<Option<SourceRec>, StoreError> {
        self.get("sources", id)
    }

    fn order(&self, id: &str) -> Result<Option<OrderRec>, StoreError> {
        self.get("orders", id)
    }

    fn commit(&self, w: Write) -> Result<Commit, StoreError> {
        self.writer.submit(Job::Commit(Box::new(w)))
    }

    fn idempotent(&self, merchant: &str, key: &str) -> Result<Option<Idempotent>, StoreError> {
        let c = self.reader();
        c.query_row(
            "SELECT request_hash, status, body FROM idempotency WHERE merchant_id = ?1 AND key = ?2",
            [merchant, key],
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

    fn put_idempotent(&self, merchant: &str, key: &str, r: &Idempotent) -> Result<(), StoreError> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.writer
            .submit(Job::Idempotent(
                merchant.to_owned(),
                key.to_owned(),
                r.clone(),
                now,
            ))
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionRec;
    use paysession_core::{country::Country, Amount, Currency};
    use std::sync::Arc;

    fn session(id: &str) -> SessionRec {
        SessionRec {
            id: id.into(),
            merchant_id: "m".into(),
            client_secret: "cs".into(),
            version: 1,
            amount: Amount(1000),
            currency: Currency::parse("EUR").unwrap(),
            country: Country::parse("DE").unwrap(),
            owner: None,
            shipping: None,
            reference: None,
            locale: None,
            metadata: None,
            card: None,
            attached: vec![],
            order_id: None,
            failed_attempts: 0,
            created: 0,
            updated: 0,
            expires: 0,
        }
    }

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
