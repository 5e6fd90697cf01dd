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
//! When `shutdown` resolves the listener is closed, idle connections close,
//! requests in flight are answered (with `Connection: close`) until
//! `shutdown_timeout`, and then every remaining connection is dropped.

use crate::{app, AppState};
use axum::{
    body::{Body, Bytes},
    extract::{ConnectInfo, Request},
    Router,
};
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use std::{
    future::Future,
    io,
    net::SocketAddr,
    pin::{pin, Pin},
    sync::{Arc, Mutex},
    task::{Context, Poll},
    time::Duration,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::watch,
    task::JoinSet,
    time::{Instant, Sleep},
};
use tower::ServiceExt;

/// The server's time limits (docs/API.md §5.12).
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

/// Serves `app(state)` on `listener` (each request carrying the peer's
/// [`ConnectInfo<SocketAddr>`]) until `shutdown` resolves, then shuts down
/// within `opts.shutdown_timeout`.
pub async fn serve_with(
    listener: TcpListener,
    state: AppState,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    serve_router(listener, app(state), opts, shutdown).await
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
    let mut shutdown = pin!(shutdown);
    'accept: loop {
        tokio::select! {
            _ = &mut shutdown => break,
            // Reap finished connections so the set holds only open ones.
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    conns.spawn(connection(tcp, peer, router.clone(), opts, stop_rx.clone()));
                }
                Err(e) if is_connection_error(&e) => {}
                Err(e) => {
                    // Out of file descriptors and the like: wait for some to close.
                    tracing::error!(error = %e, "accept failed");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = &mut shutdown => break 'accept,
                    }
                }
            },
        }
    }
    drop(listener);
    tracing::info!(connections = conns.len(), "shutting down");
    let _ = stop_tx.send(());
    let deadline = tokio::time::sleep(opts.shutdown_timeout);
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
    Ok(())
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// One connection: hyper's HTTP/1 state machine and its watchdog.
async fn connection(
    tcp: TcpStream,
    peer: SocketAddr,
    router: Router,
    opts: ServeOptions,
    mut stop: watch::Receiver<()>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        inner: tcp,
        activity: activity.clone(),
    });
    let svc = {
        let activity = activity.clone();
        service_fn(move |req: hyper::Request<Incoming>| {
            let answering = activity.request_started();
            let router = router.clone();
            async move {
                let (mut parts, body) = req.into_parts();
                parts.extensions.insert(ConnectInfo(peer));
                let body = Body::new(DeadlineBody {
                    inner: body,
                    deadline: Box::pin(tokio::time::sleep(opts.body_timeout)),
                });
                let res = router.oneshot(Request::from_parts(parts, body)).await;
                // The request counts as answered once its answer's body is done.
                res.map(|r| {
                    r.map(|b| {
                        Body::new(Answer {
                            inner: b,
                            _answering: answering,
                        })
                    })
                })
            }
        })
    };
    // hyper's own header timer is left off: it would also cut kept-alive
    // connections at the header limit; the watchdog below does both.
    let mut conn = pin!(http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(io, svc));
    // Every wait that starts after the watchdog went to sleep ends at least
    // `tick` later, so waking at least every `tick` sees each deadline in
    // time, without waking the watchdog per request.
    let tick = opts
        .header_timeout
        .min(opts.idle_timeout)
        .max(Duration::from_millis(10));
    let mut stopping = false;
    loop {
        let now = Instant::now();
        let wake = activity
            .deadline(&opts)
            .map_or(now + tick, |d| d.min(now + tick));
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(%peer, error = %e, "connection failed");
                }
                return;
            }
            _ = tokio::time::sleep_until(wake) => {
                if activity.deadline(&opts).is_some_and(|d| d <= Instant::now()) {
                    tracing::debug!(%peer, "connection timed out");
                    return; // dropping `conn` closes the socket
                }
            }
            _ = stop.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// What a connection is waiting for, kept up to date by [`Watched`] and the
/// service.
struct Activity {
    state: Mutex<ActivityState>,
}

struct ActivityState {
    /// Requests whose answer is not done yet.
    answering: usize,
    /// Since when no request has been in progress.
    idle_since: Instant,
    /// While no request is in progress: since when a head has been arriving
    /// (accept time for a new connection).
    head_since: Option<Instant>,
    /// Since when writing to the client has been blocked.
    write_blocked_since: Option<Instant>,
}

impl Activity {
    fn new() -> Self {
        let now = Instant::now();
        Activity {
            state: Mutex::new(ActivityState {
                answering: 0,
                idle_since: now,
                head_since: Some(now),
                write_blocked_since: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ActivityState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When the connection's current wait passes its limit, if it is waiting.
    fn deadline(&self, o: &ServeOptions) -> Option<Instant> {
        let s = self.lock();
        let waiting = (s.answering == 0).then(|| match s.head_since {
            Some(t) => t + o.header_timeout,
            None => s.idle_since + o.idle_timeout,
        });
        let writing = s.write_blocked_since.map(|t| t + o.idle_timeout);
        match (waiting, writing) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn read_some(&self) {
        let mut s = self.lock();
        if s.answering == 0 && s.head_since.is_none() {
            s.head_since = Some(Instant::now());
        }
    }

    fn write_blocked(&self, blocked: bool) {
        let mut s = self.lock();
        match (blocked, s.write_blocked_since.is_some()) {
            (true, false) => s.write_blocked_since = Some(Instant::now()),
            (false, true) => s.write_blocked_since = None,
            _ => {}
        }
    }

    /// A head arrived complete; the request counts until the guard drops.
    fn request_started(self: &Arc<Self>) -> Answering {
        let mut s = self.lock();
        s.answering += 1;
        s.head_since = None;
        Answering(self.clone())
    }
}

/// A request being answered; dropped with its answer's body.
struct Answering(Arc<Activity>);

impl Drop for Answering {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.answering -= 1;
        if s.answering == 0 {
            s.idle_since = Instant::now();
            s.head_since = None;
        }
    }
}

/// The socket, reporting reads and blocked writes to its [`Activity`].
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read_some();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.activity.write_blocked(r.is_pending());
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.activity.write_blocked(r.is_pending());
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Reading a request body took longer than `body_timeout`.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

impl BodyTimedOut {
    /// Whether `e` or one of its sources is a [`BodyTimedOut`].
    pub fn caused(e: &(dyn std::error::Error + 'static)) -> bool {
        let mut cur = Some(e);
        while let Some(e) = cur {
            if e.is::<BodyTimedOut>() {
                return true;
            }
            cur = e.source();
        }
        false
    }
}

/// A request body that fails with [`BodyTimedOut`] once its deadline passes.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(BodyTimedOut.into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// An answer's body, holding its request's [`Answering`] until done.
struct Answer {
    inner: Body,
    _answering: Answering,
}

impl http_body::Body for Answer {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
