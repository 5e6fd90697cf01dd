//! Admission of accepted connections ([`super::serve_router`]): the caps per
//! listener and per client address, the registry of open connections and
//! their idleness, the spare file descriptor kept in reserve, and the `503`
//! of a connection refused.

use super::connection::{connection, Activity};
use super::ServeOptions;
use axum::Router;
use std::{
    collections::{HashMap, HashSet},
    io,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{
    net::TcpStream,
    sync::watch,
    task::{AbortHandle, JoinSet},
    time::Instant,
};

/// Counts events and says when to log them: the first, then at most once a
/// second (with how many happened since the last line).
#[derive(Default)]
pub(super) struct Throttled {
    last: Option<Instant>,
    count: u64,
}

impl Throttled {
    #[must_use = "says whether to log now"]
    pub(super) fn due(&mut self) -> Option<u64> {
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
pub(super) fn is_out_of_files(e: &io::Error) -> bool {
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
#[must_use = "holds the spare file descriptor until dropped"]
pub(super) enum Reserve {
    #[cfg(unix)]
    Held(#[allow(dead_code)] std::fs::File),
    Spent,
}

impl Reserve {
    pub(super) fn open() -> Self {
        #[cfg(unix)]
        if let Ok(f) = std::fs::File::open("/dev/null") {
            return Reserve::Held(f);
        }
        Reserve::Spent
    }

    pub(super) fn is_held(&self) -> bool {
        !matches!(self, Reserve::Spent)
    }
}

/// The bodiless answer to a refused connection.
pub(super) const REFUSED: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\nRetry-After: 1\r\n\r\n";

/// Refuses a connection at once: a `503` if the socket takes it without
/// waiting, what the client already sent is read off (so closing sends FIN
/// rather than a reset that could discard the answer), then it is closed.
pub(super) fn refuse(tcp: TcpStream, peer: SocketAddr) {
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
pub(super) fn address_key(ip: IpAddr) -> IpAddr {
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
pub(super) struct Registry {
    next: u64,
    all: HashMap<u64, Entry>,
    by_address: HashMap<IpAddr, HashSet<u64>>,
    /// The most connections open at once since memory was last given back.
    peak: usize,
}

pub(super) struct Entry {
    key: IpAddr,
    activity: Arc<Activity>,
    abort: Option<AbortHandle>,
}

/// How many connections in a cap's scope are looked at for the one to close
/// (the longest idle of those): a bounded cost per accept at the cap.
pub(super) const SAMPLE: usize = 32;

impl Registry {
    #[must_use = "the id removes the entry again"]
    pub(super) fn insert(&mut self, key: IpAddr, activity: Arc<Activity>) -> u64 {
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
    pub(super) fn remove(&mut self, id: u64) -> bool {
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

    pub(super) fn count(&self, key: &IpAddr) -> usize {
        self.by_address.get(key).map_or(0, HashSet::len)
    }

    /// The idle connection (no request being answered) that has waited
    /// longest, among up to [`SAMPLE`] of the address's (or of all).
    pub(super) fn longest_idle(&self, key: Option<&IpAddr>) -> Option<u64> {
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
    pub(super) fn evict(&mut self, id: u64) {
        if let Some(h) = self.all.get(&id).and_then(|e| e.abort.clone()) {
            h.abort();
        }
        // At a cap nothing has dropped: no trim is due.
        let _ = self.remove(id);
    }
}

/// Takes a connection out of its listener's registry when it ends.
#[must_use = "dropping the slot gives up the connection's place in the registry"]
pub(super) struct Slot {
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
pub(super) fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks and releases the allocator's free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

pub(super) fn lock(r: &Mutex<Registry>) -> std::sync::MutexGuard<'_, Registry> {
    r.lock().unwrap_or_else(|e| e.into_inner())
}

/// Serves a new connection within the caps: at a cap, the longest-idle
/// connection of the cap's scope is closed to make room, or, none being
/// idle, the new one is refused. `at_limit`: the process is out of file
/// descriptors, so room is made as at the listener's cap.
#[allow(clippy::too_many_arguments)]
pub(super) fn admit(
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

pub(super) fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
