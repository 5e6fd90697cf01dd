//! `paysession-server`: the payment-session backend of the contract in
//! docs/API.md (sections 1, 3, 4). Sessions, sources, orders over HTTP,
//! stored in SQLite by default behind the [`store::Store`] trait.
//!
//! [`app`] builds the router; [`serve`] runs it on a bound listener.

pub mod auth;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod extract;
pub mod fields;
pub mod flows;
pub mod hosted;
pub mod idempotency;
pub mod ids;
pub mod locales;
pub mod model;
pub mod openapi;
pub mod processor;
pub mod ratelimit;
pub mod routes;
pub mod serve;
pub mod store;
pub mod vault;
pub mod wallet;

use axum::{http::HeaderValue, Router};
use std::{path::PathBuf, sync::Arc, time::Duration};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, Merchant};
pub use error::AppError;
pub use serve::{serve_router, serve_with, ServeOptions};
pub use store::{sqlite::SqliteStore, Store};
pub use vault::Vault;

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
    /// Base URL of the links the server hands out, never taken from a
    /// request: [`config::public_url`] of `--public-url` or the listener.
    pub public_url: String,
    /// Static files served at `/` (`--demo DIR`).
    pub demo_dir: Option<PathBuf>,
    /// Base URL of the secure card fields' origin (`--fields-url`), if any.
    pub fields_url: Option<String>,
    /// Idempotency keys whose first request is running.
    pub inflight: idempotency::InFlight,
    /// Rate limits of public-key requests and demo checkouts (production defaults).
    pub ratelimit: Arc<ratelimit::RateLimiter>,
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
            public_url: "http://127.0.0.1:8080".into(),
            demo_dir: None,
            fields_url: None,
            inflight: Default::default(),
            ratelimit: Default::default(),
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

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let cors = cors_layer(&state.config);
    let api = routes::router(state.clone()).layer(axum::middleware::from_fn_with_state(
        state.clone(),
        idempotency::middleware,
    ));
    // Outermost, so a refused request reaches neither idempotency nor a route.
    let api = api.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        ratelimit::middleware,
    ));
    // With `--demo`, the demo shop's merchant backend runs beside the API as
    // the first configured merchant, calling the API as a merchant server would.
    let merchant = state.config.merchants.first();
    let r = match (&state.demo_dir, merchant) {
        (Some(_), Some(m)) => demo::router(demo::DemoMerchant {
            api: api.clone(),
            public_key: m.public_key.clone(),
            secret_key: m.secret_key.clone(),
            ordering: Default::default(),
            ratelimit: state.ratelimit.clone(),
            clock: state.clock.clone(),
            public_url: state.public_url.clone(),
            cookie_key: demo::CookieKey::new(&state.vault, &m.id),
        })
        .merge(api),
        _ => api,
    };
    r.layer(cors)
        .layer(delivery::compression())
        .layer(axum::middleware::from_fn(log_request))
        .layer(hosted::nosniff())
}

/// One log line per request: method, path (never the query: it may hold a
/// client secret), status, duration. Bodies are never logged.
async fn log_request(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let start = std::time::Instant::now();
    let resp = next.run(req).await;
    tracing::info!(%method, %path, status = resp.status().as_u16(), ms = start.elapsed().as_millis() as u64, "request");
    resp
}

fn cors_layer(config: &Config) -> CorsLayer {
    use axum::http::{header, Method};
    let any = config
        .merchants
        .iter()
        .any(|m| m.allowed_origins.iter().any(|o| o == "*"));
    let origins: Vec<String> = config
        .merchants
        .iter()
        .flat_map(|m| m.allowed_origins.iter().cloned())
        .collect();
    let allow = if any {
        AllowOrigin::any()
    } else {
        AllowOrigin::predicate(move |o: &HeaderValue, _| {
            o.to_str()
                .map(|o| origins.iter().any(|x| x == o))
                .unwrap_or(false)
        })
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(Duration::from_secs(600))
}

/// Serves `app(state)` on `listener` (with the peer address for `creationIp`)
/// until `shutdown` resolves, with the default [`ServeOptions`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, ServeOptions::default(), shutdown).await
}
