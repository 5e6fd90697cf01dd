//! What a store answers when it fails.

/// A storage failure. Not found is `Ok(None)` and a refused condition is
/// [`super::Commit::Conflict`]; what remains is one of these (logged, never shown).
#[derive(Debug)]
pub enum StoreError {
    /// The database could not be reached or kept failing transiently after
    /// the engine's own retries: answered `503 network_unavailable`, which the
    /// client retries (with its idempotency key).
    Unavailable(String),
    /// Anything else (a bug, corrupt data): answered as the generic 500.
    Failed(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(e) => write!(f, "database unavailable: {e}"),
            StoreError::Failed(e) => f.write_str(e),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Failed(format!("a record to store: {e}"))
    }
}

impl From<StoreError> for crate::AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => crate::AppError::unavailable(e),
            StoreError::Failed(_) => crate::AppError::internal(e),
        }
    }
}
