//! Storage behind a trait so another engine can be added. Every write is
//! atomic ([`Write`]; SQLite folds concurrent writes into one group commit,
//! each in its own savepoint); a session update is version-checked
//! (`UPDATE … WHERE id = ? AND version = ?`), so of N concurrent writers that
//! read the same version exactly one wins.

pub mod sqlite;
mod writer;

use crate::model::{OrderRec, SessionRec, SourceRec};

/// A storage failure (logged, answered as a generic 500).
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<StoreError> for crate::AppError {
    fn from(e: StoreError) -> Self {
        crate::AppError::internal(e)
    }
}

/// One transaction's worth of changes.
#[derive(Default)]
pub struct Write {
    /// A new session.
    pub insert_session: Option<SessionRec>,
    /// An updated session and the version it was read at.
    pub update_session: Option<(SessionRec, u64)>,
    /// Sources to insert or replace.
    pub sources: Vec<SourceRec>,
    /// Orders to insert.
    pub orders: Vec<OrderRec>,
}

/// Outcome of [`Store::commit`].
#[derive(Debug, PartialEq, Eq)]
pub enum Commit {
    /// Everything was written.
    Done,
    /// The session's version had moved on; nothing was written.
    Conflict,
}

/// A stored idempotent response.
#[derive(Clone, Debug)]
pub struct Idempotent {
    /// Keyed HMAC of method, path and body.
    pub request_hash: String,
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// The storage engine.
pub trait Store: Send + Sync + 'static {
    /// A session by id.
    fn session(&self, id: &str) -> Result<Option<SessionRec>, StoreError>;
    /// A source by id.
    fn source(&self, id: &str) -> Result<Option<SourceRec>, StoreError>;
    /// An order by id.
    fn order(&self, id: &str) -> Result<Option<OrderRec>, StoreError>;
    /// Applies `w` in one transaction.
    fn commit(&self, w: Write) -> Result<Commit, StoreError>;
    /// The stored response for `(merchant, key)`.
    fn idempotent(&self, merchant: &str, key: &str) -> Result<Option<Idempotent>, StoreError>;
    /// Stores a response for `(merchant, key)` unless one exists (first wins).
    fn put_idempotent(&self, merchant: &str, key: &str, r: &Idempotent) -> Result<(), StoreError>;
}

/// Opens a database URL: `sqlite://FILE`, `sqlite:FILE`, or `sqlite::memory:`.
/// Returns the store and its file (for the vault key file beside it).
pub fn open_url(
    url: &str,
) -> Result<(std::sync::Arc<dyn Store>, Option<std::path::PathBuf>), String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| format!("unsupported database URL {url:?} (use sqlite://FILE)"))?;
    if rest == ":memory:" || rest.is_empty() {
        let s = sqlite::SqliteStore::memory().map_err(|e| e.to_string())?;
        return Ok((std::sync::Arc::new(s), None));
    }
    let path = std::path::PathBuf::from(rest.split('?').next().unwrap_or(rest));
    let s = sqlite::SqliteStore::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((std::sync::Arc::new(s), Some(path)))
}
