//! [`serve_with`]: the HTTP/1 accept loop with the server's time limits
//! (docs/API.md §5.12).
//!
//! Each connection runs in its own task beside a watchdog that knows, from
//! the bytes moving on the socket and the requests being answered, what the
//! connection is waiting for, and drops it when that wait passes its limit:
//! - a request head (from accept, or from the first byte of a later request
//!   on a kept-alive connection): `header_timeout`;
//! - the first byte of the next request on a kept-alive connection:
//!   `idle_timeout`;
//! - the client reading a blocked answer: `idle_timeout`.
//!
//! A request's body is bounded separately: it must arrive complete within
//! `body_timeout` of the head, else reading it fails with [`BodyTimedOut`]
//! (answered `408 request_timeout` by `extract::read_body`). So no
//! connection waits on a client without a bound, however many there are.
//!
//! Open connections are capped, per listener and per client address
//! (`max_connections`, `max_connections_per_address`). A connection that
//! would pass a cap takes the place of the connection in the cap's scope
//! that has waited longest for a request (an idle one: none of its requests
//! is being answered), which is closed; when every connection in the scope is
//! busy answering, the new one is refused at once with a bodiless `503` and
//! `Connection: close`. So a flood of idle connections (slowloris) holds at
//! most the cap and pushes out only itself or other idle connections, and a
//! health check on a fresh connection is served. One file descriptor is kept
//! in reserve: when the process runs out of descriptors anyway (other
//! listeners, the database pool), the reserve accepts the waiting connection
//! and it is handled as at the cap; the accept loop never sleeps on a timer
//! while the reserve is there.
//!
//! When `shutdown` resolves the listener is closed, idle connections close,
//! requests in flight are answered (with `Connection: close`) until
//! `shutdown_timeout`, and then every remaining connection is dropped.

use crate::{app, AppState};
use std::{
    future::Future,
    io,
    pin::pin,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{net::TcpListener, sync::watch, task::JoinSet, time::Instant};

mod admit;
mod connection;

use admit::{admit, is_connection_error, is_out_of_files, lock, Registry, Reserve, Throttled};

/// The server's time and connection limits (docs/API.md §5.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeOptions {
    /// A request's head (request line and headers) must arrive complete
    /// within this, counted from accept or from the request's first byte.
    pub header_timeout: Duration,
    /// A request's body must arrive complete within this of its head.
    pub body_timeout: Duration,
    /// A kept-alive connection waits this long for its next request (and a
    /// client that stops reading an answer is given this long).
    pub idle_timeout: Duration,
    /// After the shutdown signal, requests in flight get this long; then
    /// every connection still open is dropped.
    pub shutdown_timeout: Duration,
    /// Open connections on the listener at most (at least 1).
    pub max_connections: usize,
    /// Open connections from one client address at most (an IPv6 client's
    /// address counts by its /64), at least 1.
    pub max_connections_per_address: usize,
}

/// File descriptors the defaults leave for everything but client
/// connections (database pool, files served, logs, the reserve): 64, or an
/// eighth of the limit when that is more.
pub const fn fd_headroom(fd_limit: u64) -> u64 {
    let eighth = fd_limit / 8;
    if eighth > 64 {
        eighth
    } else {
        64
    }
}

impl ServeOptions {
    /// The production defaults (justified in docs/API.md §5.12), with the
    /// connection caps for a file limit of 1024 (`ServeOptions::for_fd_limit`
    /// derives them from the real one).
    pub const DEFAULT: ServeOptions = ServeOptions {
        header_timeout: Duration::from_secs(10),
        body_timeout: Duration::from_secs(30),
        idle_timeout: Duration::from_secs(65),
        shutdown_timeout: Duration::from_secs(8),
        max_connections: 0,
        max_connections_per_address: 0,
    }
    .for_fd_limit(1024, 1);

    /// These options with the caps' defaults for a process whose file limit
    /// is `fd_limit`, shared by `listeners` listeners: the limit less
    /// [`fd_headroom`], split between the listeners; an address may hold a
    /// quarter of a listener's cap.
    #[must_use = "returns the options for the limit; self is unchanged"]
    pub const fn for_fd_limit(self, fd_limit: u64, listeners: u64) -> ServeOptions {
        let listeners = if listeners == 0 { 1 } else { listeners };
        let usable = fd_limit.saturating_sub(fd_headroom(fd_limit)) / listeners;
        let global = if usable == 0 { 1 } else { usable as usize };
        ServeOptions {
            max_connections: global,
            max_connections_per_address: default_per_address(global),
            ..self
        }
    }
}

/// The per-address cap's default for a listener cap of `max_connections`:
/// a quarter of it (so at least four clients always fit), at least 1.
pub const fn default_per_address(max_connections: usize) -> usize {
    if max_connections / 4 == 0 {
        1
    } else {
        max_connections / 4
    }
}

/// Raises the process's soft limit on open files to its hard limit; returns
/// the soft limit in force afterwards (unchanged when raising failed).
#[cfg(unix)]
pub fn raise_fd_limit() -> io::Result<u64> {
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        let mut l = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut l) != 0 {
            return Err(io::Error::last_os_error());
        }
        if l.rlim_cur < l.rlim_max {
            let want = libc::rlimit {
                rlim_cur: l.rlim_max,
                rlim_max: l.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
                l.rlim_cur = l.rlim_max;
            }
        }
        // RLIM_INFINITY (macOS's usual hard limit) is reported as a large
        // number; `rlim_t` is narrower than u64 on some targets.
        #[allow(clippy::useless_conversion)]
        let cur = u64::try_from(l.rlim_cur).unwrap_or(u64::MAX);
        Ok(cur.min(1 << 20))
    }
}

/// Elsewhere the limit is not known: the defaults' 1024.
#[cfg(not(unix))]
pub fn raise_fd_limit() -> io::Result<u64> {
    Ok(1024)
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Serves `app(state)` (or with `--demo`, [`crate::demo::app`]) on `listener` (each request carrying the peer's
/// [`ConnectInfo<SocketAddr>`]) until `shutdown` resolves, then shuts down
/// within `opts.shutdown_timeout`.
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    // Signing secrets an older build stored in clear are sealed before
    // anything reads or rotates them (docs/API.md §5.19).
    let st = state.clone();
    let sealed = tokio::task::spawn_blocking(move || {
        crate::webhooks::seal_secrets(st.store.as_ref(), &st.vault)
    })
    .await
    .map_err(io::Error::other)?
    .map_err(io::Error::other)?;
    if sealed > 0 {
        tracing::info!(rows = sealed, "webhook secrets sealed at rest");
    }
    // The webhook worker lives as long as the listener.
    let worker = tokio::spawn(crate::webhooks::run(state.clone()));
    let router = if state.demo_dir.is_some() {
        crate::demo::app(state)
    } else {
        app(state)
    };
    let served = serve_router(listener, router, opts, shutdown).await;
    worker.abort();
    served
}

/// Serves any router (the API, or the fields origin's) with the same time
/// limits and shutdown as [`serve_with`].
pub async fn serve_router(
    listener: TcpListener,
    router: axum::Router,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(());
    let mut conns = JoinSet::new();
    let registry = Arc::new(Mutex::new(Registry::default()));
    let mut reserve = Reserve::open();
    // Out of descriptors without a reserve: accepting waits for a connection
    // to close (or, when descriptors are held elsewhere, a short while).
    let mut starved: Option<Instant> = None;
    // Out of descriptors is logged once a second at most, with a count.
    let mut out_of_files = Throttled::default();
    let mut shutdown = pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            // Reap finished connections so the set holds only open ones.
            Some(_) = conns.join_next(), if !conns.is_empty() => {
                if !reserve.is_held() {
                    reserve = Reserve::open();
                }
                starved = None;
            }
            _ = tokio::time::sleep_until(starved.unwrap_or_else(Instant::now)), if starved.is_some() => {
                reserve = Reserve::open();
                starved = None;
            }
            accepted = listener.accept(), if starved.is_none() => match accepted {
                Ok((tcp, peer)) => {
                    // Without the reserve the process is at its file limit:
                    // room is made as at the cap.
                    let at_limit = !reserve.is_held();
                    admit(tcp, peer, &registry, &mut conns, &router, opts, &stop_rx, at_limit);
                }
                Err(e) if is_connection_error(&e) => {}
                Err(e) if is_out_of_files(&e) && reserve.is_held() => {
                    // The reserve's descriptor takes the waiting connection,
                    // which is then handled as at the cap (an idle connection
                    // makes room, else it is refused).
                    if let Some(n) = out_of_files.due() {
                        tracing::warn!(error = %e, times = n, "out of file descriptors: the reserve accepts, an idle connection makes room");
                    }
                    drop(std::mem::replace(&mut reserve, Reserve::Spent)); // frees its descriptor
                    match listener.accept().await {
                        Ok((tcp, peer)) => {
                            admit(tcp, peer, &registry, &mut conns, &router, opts, &stop_rx, true);
                        }
                        Err(e) => tracing::error!(error = %e, "accept failed"),
                    }
                    reserve = Reserve::open();
                }
                Err(e) => {
                    // Out of descriptors without the reserve: close the
                    // longest-idle connection and wait for it (or any other)
                    // to end; the reserve is taken again first. Descriptors
                    // held elsewhere, and other failures, are waited for
                    // 100 ms at a time.
                    if let Some(n) = out_of_files.due() {
                        tracing::error!(error = %e, times = n, "accept failed");
                    }
                    if is_out_of_files(&e) {
                        let mut reg = lock(&registry);
                        if let Some(id) = reg.longest_idle(None) {
                            reg.evict(id);
                        }
                    }
                    starved = Some(Instant::now() + Duration::from_millis(100));
                }
            },
        }
    }
    drop(listener);
    drain(conns, stop_tx, opts.shutdown_timeout).await;
    Ok(())
}

/// Shutdown, the listener closed: tells every connection to stop, waits for
/// them up to `timeout`, then drops the ones still open.
async fn drain(mut conns: JoinSet<()>, stop_tx: watch::Sender<()>, timeout: Duration) {
    tracing::info!(connections = conns.len(), "shutting down");
    let _ = stop_tx.send(());
    let deadline = tokio::time::sleep(timeout);
    let mut deadline = pin!(deadline);
    loop {
        tokio::select! {
            next = conns.join_next() => if next.is_none() { break },
            _ = &mut deadline => {
                tracing::warn!(connections = conns.len(), "shutdown deadline passed: dropping the connections still open");
                conns.shutdown().await;
                break;
            }
        }
    }
}
