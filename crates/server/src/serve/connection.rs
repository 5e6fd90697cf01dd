//! One connection ([`connection`]): hyper's HTTP/1 state machine beside a
//! watchdog that knows, from the bytes moving on the socket and the requests
//! being answered, what the connection waits for, and drops it when that
//! wait passes its limit (the module docs of [`super`]).

use super::ServeOptions;
use crate::extract::BodyTimedOut;
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
    net::TcpStream,
    sync::watch,
    time::{Instant, Sleep},
};
use tower::ServiceExt;

/// One connection: hyper's HTTP/1 state machine and its watchdog.
pub(super) async fn connection(
    tcp: TcpStream,
    peer: SocketAddr,
    router: Router,
    opts: ServeOptions,
    mut stop: watch::Receiver<()>,
    activity: Arc<Activity>,
    // The connection's place in the registry (admit's `Slot`), given up when
    // the connection ends; opaque here, so this file needs nothing of admit's.
    _slot: impl Send + 'static,
) {
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
pub(super) struct Activity {
    state: Mutex<ActivityState>,
}

pub(super) struct ActivityState {
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
    pub(super) fn new() -> Self {
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

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, ActivityState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When the connection's current wait passes its limit, if it is waiting.
    pub(super) fn deadline(&self, o: &ServeOptions) -> Option<Instant> {
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

    /// Since when the connection has waited for a request (its first, or
    /// its next on keep-alive), when no request is being answered.
    pub(super) fn idle_since(&self) -> Option<Instant> {
        let s = self.lock();
        (s.answering == 0).then(|| s.head_since.unwrap_or(s.idle_since))
    }

    pub(super) fn read_some(&self) {
        let mut s = self.lock();
        if s.answering == 0 && s.head_since.is_none() {
            s.head_since = Some(Instant::now());
        }
    }

    pub(super) fn write_blocked(&self, blocked: bool) {
        let mut s = self.lock();
        match (blocked, s.write_blocked_since.is_some()) {
            (true, false) => s.write_blocked_since = Some(Instant::now()),
            (false, true) => s.write_blocked_since = None,
            _ => {}
        }
    }

    /// A head arrived complete; the request counts until the guard drops.
    pub(super) fn request_started(self: &Arc<Self>) -> Answering {
        let mut s = self.lock();
        s.answering += 1;
        s.head_since = None;
        Answering(self.clone())
    }
}

/// A request being answered; dropped with its answer's body.
#[must_use = "dropping it marks the request answered"]
pub(super) struct Answering(Arc<Activity>);

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
pub(super) struct Watched {
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

/// A request body that fails with [`BodyTimedOut`] once its deadline passes.
pub(super) struct DeadlineBody {
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
pub(super) struct Answer {
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
