//! What an engine reports of itself, and how long a readiness probe waits.

/// How long `GET /readyz` waits for the database before answering `503`
/// (a load balancer's probe usually gives up after 2 to 5 s).
pub const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(1);

/// What an engine reports of itself (`GET /readyz`).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StoreHealth {
    /// `sqlite` or `postgres`.
    pub engine: &'static str,
    /// The schema version the database is at.
    pub schema_version: usize,
    /// Connections the pool may open (SQLite: read connections).
    pub pool_size: u64,
    /// Connections in use now.
    pub pool_in_use: u64,
    /// Checkouts that found no idle connection and waited (a pool too small
    /// for the load shows here).
    pub pool_waits: u64,
    /// Operations retried after a transient failure.
    pub retries: u64,
    /// Writes answered (SQLite's group commit).
    pub writes: u64,
    /// Transactions committed for them (SQLite's group commit).
    pub commits: u64,
}
