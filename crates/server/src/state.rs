//! The handlers' state ([`AppState`]): what every route and flow reads (the
//! configuration, the store, the vault, the clock) and the process-wide tables
//! of the HTTP layer (idempotency keys in flight, rate-limit buckets). Below the
//! domain: it holds, it does not decide.

use crate::{
    clock::{Clock, SystemClock},
    config::{Config, WebhookOptions},
    error::AppError,
    ratelimit::RateLimiter,
    store::Store,
    vault::Vault,
};
use std::collections::HashSet;
use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

/// Keys whose first request is still running: (merchant, kind, key).
pub type InFlight = Arc<Mutex<HashSet<(String, crate::config::KeyKind, String)>>>;

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Merchants and their keys.
    pub config: Arc<Config>,
    /// The database.
    pub store: Arc<dyn Store>,
    /// Encrypts card data at rest; keys fingerprints.
    pub vault: Arc<Vault>,
    /// The time source (a [`ManualClock`] in tests).
    pub clock: Arc<dyn Clock>,
    /// How long a session lives after its last change (default 60 minutes).
    pub session_ttl: Duration,
    /// How long a manual-capture authorization lasts ([`config::AUTHORIZATION_TTL`]).
    pub authorization_ttl: Duration,
    /// Base URL of the links the server hands out, never taken from a
    /// request: [`config::public_url`] of `--public-url` or the listener.
    pub public_url: String,
    /// Static files served at `/` (`--demo DIR`).
    pub demo_dir: Option<PathBuf>,
    /// Base URL of the secure card fields' origin (`--fields-url`), if any.
    pub fields_url: Option<String>,
    /// Idempotency keys whose first request is running.
    pub inflight: InFlight,
    /// Rate limits of public-key requests and demo checkouts (production defaults).
    pub ratelimit: Arc<RateLimiter>,
    /// How this instance delivers webhooks (crate::webhooks).
    pub webhooks: WebhookOptions,
    /// Wakes this process's webhook worker when a write commits (its events'
    /// deliveries are due at once); other instances' commits are found by
    /// the worker's polling.
    pub webhook_wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    /// A state with the system clock, a 60-minute TTL and no demo.
    pub fn new(config: Config, store: Arc<dyn Store>, vault: Vault) -> Self {
        AppState {
            config: Arc::new(config),
            store,
            vault: Arc::new(vault),
            clock: Arc::new(SystemClock),
            session_ttl: Duration::from_secs(60 * 60),
            authorization_ttl: crate::config::AUTHORIZATION_TTL,
            public_url: "http://127.0.0.1:8080".into(),
            demo_dir: None,
            fields_url: None,
            inflight: Default::default(),
            ratelimit: Default::default(),
            webhooks: WebhookOptions::default(),
            webhook_wake: Default::default(),
        }
    }

    /// Runs blocking store work off the async threads.
    pub async fn db<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    {
        let me = self.clone();
        tokio::task::spawn_blocking(move || f(&me))
            .await
            .map_err(|e| AppError::internal(format!("blocking task failed: {e}")))?
    }
}

/// The public origin hosted-page links are built on (`--public-url`, else
/// the listen address): never from the request's `Host`.
pub fn base_url(s: &AppState) -> String {
    s.public_url.clone()
}
