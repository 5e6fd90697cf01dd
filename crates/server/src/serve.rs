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

use crate::{app, extract::BodyTimedOut, AppState};
use axum::{
    body::{Body, Bytes},
    extract::{ConnectInfo, Request},
    Router,
};
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use std::{
    collections::{HashMap, HashSet},
    future::Future,
    io,
    net::{IpAddr, SocketAddr},
    pin::{pin, Pin},
    sync::{Arc, Mutex},
    task::{Context, Poll},
    time::Duration,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::watch,
    task::{AbortHandle, JoinSet},
    time::{Instant, Sleep},
};
use tower::ServiceExt;

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

/// Counts events and says when to log them: the first, then at most once a
/// second (with how many happened since the last line).
#[derive(Default)]
struct Throttled {
    last: Option<Instant>,
    count: u64,
}

impl Throttled {
    fn due(&mut self) -> Option<u64> {
        self.count += 1;
        let now = Instant::now();
        if self.last.is_some_and(|t| now < t + Duration::from_secs(1)) {
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.count))
    }
}

/// The process (or system) has no file descriptor left.
fn is_out_of_files(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE))
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// One file descriptor held back for when the process runs out.
enum Reserve {
    #[cfg(unix)]
    Held(#[allow(dead_code)] std::fs::File),
    Spent,
}

impl Reserve {
    fn open() -> Self {
        #[cfg(unix)]
        if let Ok(f) = std::fs::File::open("/dev/null") {
            return Reserve::Held(f);
        }
        Reserve::Spent
    }

    fn is_held(&self) -> bool {
        !matches!(self, Reserve::Spent)
    }
}

/// The bodiless answer to a refused connection.
const REFUSED: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\nRetry-After: 1\r\n\r\n";

/// Refuses a connection at once: a `503` if the socket takes it without
/// waiting, what the client already sent is read off (so closing sends FIN
/// rather than a reset that could discard the answer), then it is closed.
fn refuse(tcp: TcpStream, peer: SocketAddr) {
    tracing::debug!(%peer, "connection refused: at the connection cap, none idle");
    let _ = tcp.try_write(REFUSED);
    let mut sink = [0u8; 1024];
    for _ in 0..8 {
        match tcp.try_read(&mut sink) {
            Ok(n) if n > 0 => {}
            _ => break,
        }
    }
}

/// The key a client address counts under: IPv4 (and IPv4-mapped) addresses
/// as they are, IPv6 by their /64 (one subscriber's usual prefix).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// The open connections of one listener, by id and by address key.
#[derive(Default)]
struct Registry {
    next: u64,
    all: HashMap<u64, Entry>,
    by_address: HashMap<IpAddr, HashSet<u64>>,
    /// The most connections open at once since memory was last given back.
    peak: usize,
}

struct Entry {
    key: IpAddr,
    activity: Arc<Activity>,
    abort: Option<AbortHandle>,
}

/// How many connections in a cap's scope are looked at for the one to close
/// (the longest idle of those): a bounded cost per accept at the cap.
const SAMPLE: usize = 32;

impl Registry {
    fn insert(&mut self, key: IpAddr, activity: Arc<Activity>) -> u64 {
        self.next += 1;
        let id = self.next;
        self.all.insert(
            id,
            Entry {
                key,
                activity,
                abort: None,
            },
        );
        self.by_address.entry(key).or_default().insert(id);
        self.peak = self.peak.max(self.all.len());
        id
    }

    /// Forgets connection `id`; true when, after a flood, the connections
    /// open fell below an eighth of their peak: then the tables have shrunk
    /// and the caller gives the allocator's free memory back ([`trim`]).
    fn remove(&mut self, id: u64) -> bool {
        let Some(e) = self.all.remove(&id) else {
            return false;
        };
        if let Some(set) = self.by_address.get_mut(&e.key) {
            set.remove(&id);
            if set.is_empty() {
                self.by_address.remove(&e.key);
            } else if set.capacity() > 64 && set.len() < set.capacity() / 4 {
                set.shrink_to_fit();
            }
        }
        // After a flood, give the tables' memory back.
        if self.peak >= 1024 && self.all.len() < self.peak / 8 {
            self.all.shrink_to_fit();
            self.by_address.shrink_to_fit();
            self.peak = self.all.len();
            return true;
        }
        false
    }

    fn count(&self, key: &IpAddr) -> usize {
        self.by_address.get(key).map_or(0, HashSet::len)
    }

    /// The idle connection (no request being answered) that has waited
    /// longest, among up to [`SAMPLE`] of the address's (or of all).
    fn longest_idle(&self, key: Option<&IpAddr>) -> Option<u64> {
        let pick = |ids: &mut dyn Iterator<Item = u64>| {
            ids.take(SAMPLE)
                .filter_map(|id| Some((self.all.get(&id)?.activity.idle_since()?, id)))
                .min()
                .map(|(_, id)| id)
        };
        match key {
            Some(k) => pick(&mut self.by_address.get(k)?.iter().copied()),
            None => pick(&mut self.all.keys().copied()),
        }
    }

    /// Closes connection `id` (its task is dropped, closing the socket).
    fn evict(&mut self, id: u64) {
        if let Some(h) = self.all.get(&id).and_then(|e| e.abort.clone()) {
            h.abort();
        }
        // At a cap nothing has dropped: no trim is due.
        let _ = self.remove(id);
    }
}

/// Takes a connection out of its listener's registry when it ends.
struct Slot {
    registry: Arc<Mutex<Registry>>,
    id: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let shrunk = lock(&self.registry).remove(self.id);
        if shrunk {
            trim();
        }
    }
}

/// Gives the allocator's free memory back to the system. glibc's malloc
/// keeps what a flood of connections freed (its buffers are scattered over
/// the heap and the worker threads' arenas); `malloc_trim` returns the free
/// pages. Called after an eightfold drop from a peak of 1024 connections or
/// more, so at most a few times per flood.
fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks and releases the allocator's free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn lock(r: &Mutex<Registry>) -> std::sync::MutexGuard<'_, Registry> {
    r.lock().unwrap_or_else(|e| e.into_inner())
}

/// Serves a new connection within the caps: at a cap, the longest-idle
/// connection of the cap's scope is closed to make room, or, none being
/// idle, the new one is refused. `at_limit`: the process is out of file
/// descriptors, so room is made as at the listener's cap.
#[allow(clippy::too_many_arguments)]
fn admit(
    tcp: TcpStream,
    peer: SocketAddr,
    registry: &Arc<Mutex<Registry>>,
    conns: &mut JoinSet<()>,
    router: &Router,
    opts: ServeOptions,
    stop: &watch::Receiver<()>,
    at_limit: bool,
) {
    let key = address_key(peer.ip());
    let mut reg = lock(registry);
    if reg.count(&key) >= opts.max_connections_per_address.max(1) {
        match reg.longest_idle(Some(&key)) {
            Some(id) => reg.evict(id),
            None => return refuse(tcp, peer),
        }
    }
    if at_limit || reg.all.len() >= opts.max_connections.max(1) {
        match reg.longest_idle(None) {
            Some(id) => reg.evict(id),
            None => return refuse(tcp, peer),
        }
    }
    let activity = Arc::new(Activity::new());
    let id = reg.insert(key, activity.clone());
    let slot = Slot {
        registry: registry.clone(),
        id,
    };
    let task = connection(
        tcp,
        peer,
        router.clone(),
        opts,
        stop.clone(),
        activity,
        slot,
    );
    let handle = conns.spawn(task);
    if let Some(e) = reg.all.get_mut(&id) {
        e.abort = Some(handle);
    }
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
    activity: Arc<Activity>,
    _slot: Slot,
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

    /// Since when the connection has waited for a request (its first, or
    /// its next on keep-alive), when no request is being answered.
    fn idle_since(&self) -> Option<Instant> {
        let s = self.lock();
        (s.answering == 0).then(|| s.head_since.unwrap_or(s.idle_since))
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
