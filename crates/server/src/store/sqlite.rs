//! The SQLite engine (rusqlite, bundled): WAL, `synchronous = FULL` so an
//! acknowledged write is committed. Records are JSON documents beside the
//! columns that are queried; card numbers and codes are sealed before they
//! get here.

use super::{Commit, Idempotent, Store, StoreError, Write};
use crate::model::{OrderRec, SessionRec, SourceRec};
use rusqlite::{params, Connection, OptionalExtension};
use std::{path::Path, sync::Mutex};

/// A single connection behind a mutex; callers run it off the async threads.
pub struct SqliteStore {
    conn: Mutex<Connection>,
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
        Self::init(Connection::open(path).map_err(err)?)
    }

    /// An in-memory database (lost on exit).
    pub fn memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory().map_err(err)?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        id: &str,
    ) -> Result<Option<T>, StoreError> {
        let c = self.conn();
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

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(err)
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
        let mut c = self.conn();
        let tx = c
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(err)?;
        if let Some(s) = &w.insert_session {
            tx.execute(
                "INSERT INTO sessions (id, merchant_id, version, data) VALUES (?1, ?2, ?3, ?4)",
                params![s.id, s.merchant_id, s.version as i64, json(s)?],
            )
            .map_err(err)?;
        }
        if let Some((s, expected)) = &w.update_session {
            let n = tx
                .execute(
                    "UPDATE sessions SET version = ?1, data = ?2 WHERE id = ?3 AND version = ?4",
                    params![s.version as i64, json(s)?, s.id, *expected as i64],
                )
                .map_err(err)?;
            if n != 1 {
                return Ok(Commit::Conflict); // dropping tx rolls back
            }
        }
        for s in &w.sources {
            tx.execute(
                "INSERT OR REPLACE INTO sources (id, merchant_id, session_id, data) VALUES (?1, ?2, ?3, ?4)",
                params![s.source.id, s.merchant_id, s.source.session_id, json(s)?],
            )
            .map_err(err)?;
        }
        for o in &w.orders {
            tx.execute(
                "INSERT INTO orders (id, merchant_id, session_id, data) VALUES (?1, ?2, ?3, ?4)",
                params![o.order.id, o.merchant_id, o.order.session_id, json(o)?],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(Commit::Done)
    }

    fn idempotent(&self, merchant: &str, key: &str) -> Result<Option<Idempotent>, StoreError> {
        let c = self.conn();
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
        self.conn()
            .execute(
                "INSERT OR IGNORE INTO idempotency (merchant_id, key, request_hash, status, body, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![merchant, key, r.request_hash, r.status as i64, r.body, now],
            )
            .map_err(err)?;
        Ok(())
    }
}
