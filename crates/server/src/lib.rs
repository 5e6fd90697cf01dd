//! `paysession-server`: the payment-session backend of the contract in
//! docs/API.md (sections 1, 3, 4). Sessions, sources, orders over HTTP,
//! stored in SQLite by default behind the [`store::Store`] trait.
//!
//! [`app`] builds the router; [`serve`] runs it on a bound listener.

pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod extract;
pub mod fields_origin;
pub mod flows;
pub mod hosted;
pub mod idempotency;
pub mod ids;
pub mod locales;
pub mod methods;
pub mod model;
pub mod openapi;
pub mod processor;
pub mod ratelimit;
pub mod routes;
pub mod serve;
pub mod state;
pub mod store;
pub mod vault;
pub mod wallet;
pub mod webhook_config;
pub mod webhooks;

pub use app::app;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, Merchant};
pub use error::AppError;
pub use serve::{serve_router, serve_with, ServeOptions};
pub use state::AppState;
pub use store::{sqlite::SqliteStore, Store};
pub use vault::Vault;

/// Serves `app(state)` on `listener` (with the peer address for `creationIp`)
/// until `shutdown` resolves, with the default [`ServeOptions`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, ServeOptions::default(), shutdown).await
}
