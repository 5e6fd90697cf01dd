//! Connection caps (docs/API.md §5.12) over a real listener on loopback:
//! floods of idle connections that sent only part of a request head, from
//! several loopback addresses (127.0.0.2 … are local on Linux), against the
//! global cap, the per-address cap, and the process's file limit.

use paysession_server::{config::Config, AppState, ServeOptions, SqliteStore, Vault};
use std::{
    io::{BufRead, BufReader},
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};

/// The longest a test waits for the server to act: a bound that fails a
/// server that does not act, not a measure of speed.
const PATIENCE: Duration = Duration::from_secs(20);

/// What every flood connection sends: a request line, and no more.
const PARTIAL: &[u8] = b"GET /healthz HTTP/1.1\r\n";
/// The rest of that head.
const REST: &[u8] = b"Host: t\r\n\r\n";

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

struct Srv {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Srv {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// The real app through `serve_with`, with long time limits (nothing here
/// is closed by a timeout) and the given caps.
async fn start(max: usize, per_address: usize) -> Srv {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.db")).unwrap();
    let vault = Vault::load(None, Some(&dir.path().join("t.db.key"))).unwrap();
    let state = AppState::new(Config::default(), Arc::new(store), vault);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let opts = ServeOptions {
        header_timeout: Duration::from_secs(300),
        body_timeout: Duration::from_secs(300),
        idle_timeout: Duration::from_secs(300),
        shutdown_timeout: Duration::from_secs(1),
        max_connections: max,
        max_connections_per_address: per_address,
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(paysession_server::serve_with(
        listener,
        state,
        opts,
        async {
            let _ = rx.await;
        },
    ));
    Srv {
        addr,
        stop: Some(tx),
        _dir: dir,
    }
}

/// A connection from `from` to `to`.
async fn connect(from: IpAddr, to: SocketAddr) -> TcpStream {
    let s = TcpSocket::new_v4().unwrap();
    s.bind(SocketAddr::new(from, 0)).unwrap();
    s.connect(to).await.unwrap()
}

/// `n` connections from `from`, each having sent [`PARTIAL`].
async fn flood(from: IpAddr, to: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let mut c = connect(from, to).await;
        c.write_all(PARTIAL).await.unwrap();
        v.push(c);
    }
    v
}

/// Everything the server sends until it closes `c` (a reset counts as a
/// close); fails if it does not close it within [`PATIENCE`].
async fn closed(c: &mut TcpStream, what: &str) -> String {
    let mut got = Vec::new();
    let r = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 512];
        loop {
            match c.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(r.is_ok(), "{what}: not closed within {PATIENCE:?}");
    String::from_utf8_lossy(&got).into_owned()
}

/// One answer's head and body (`Content-Length` framed) on `c`.
async fn answer(c: &mut TcpStream, what: &str) -> String {
    let r = tokio::time::timeout(PATIENCE, async {
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            let n = c.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                return String::from_utf8_lossy(&got).into_owned();
            }
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got).into_owned();
            if let Some(end) = text.find("\r\n\r\n") {
                let len = text[..end]
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if got.len() >= end + 4 + len {
                    return text;
                }
            }
        }
    })
    .await;
    r.unwrap_or_else(|_| panic!("{what}: no answer within {PATIENCE:?}"))
}

/// Completes the head a flood connection began; asserts `/healthz` answers.
async fn finish(c: &mut TcpStream, what: &str) {
    c.write_all(REST).await.unwrap();
    let a = answer(c, what).await;
    assert!(a.starts_with("HTTP/1.1 200"), "{what}: {a:?}");
    assert!(a.ends_with("ok"), "{what}: {a:?}");
}

/// `GET /healthz` on a fresh connection from `from`.
async fn health(from: IpAddr, to: SocketAddr, what: &str) -> TcpStream {
    let mut c = connect(from, to).await;
    c.write_all(PARTIAL).await.unwrap();
    finish(&mut c, what).await;
    c
}

#[tokio::test]
async fn an_address_holds_at_most_its_cap_and_other_addresses_are_served() {
    let s = start(100, 10).await;
    // (a) 25 idle connections from one address: it keeps 10, the 15 that
    // waited longest are closed at once.
    let mut a = flood(ip(1), s.addr, 25).await;
    for (i, c) in a.iter_mut().take(15).enumerate() {
        let got = closed(c, &format!("127.0.0.1 connection {i}")).await;
        assert!(
            got.is_empty(),
            "an idle connection is closed without an answer: {got:?}"
        );
    }
    // (c) Another address is not held back by the first one's flood.
    let mut b = flood(ip(2), s.addr, 10).await;
    for (i, c) in b.iter_mut().enumerate() {
        finish(c, &format!("127.0.0.2 connection {i}")).await;
    }
    // The first address's 10 were held all along.
    for (i, c) in a.iter_mut().enumerate().skip(15) {
        finish(c, &format!("127.0.0.1 connection {i}")).await;
    }
    // (b) A fresh client on the flooding address is served: it takes the
    // place of that address's longest-idle connection, not another's.
    let _fresh = health(ip(1), s.addr, "fresh client on 127.0.0.1").await;
    closed(&mut a[15], "127.0.0.1's longest-idle connection").await;
    for (i, c) in b.iter_mut().enumerate() {
        c.write_all(PARTIAL).await.unwrap();
        finish(c, &format!("127.0.0.2 connection {i}, again")).await;
    }
}

#[tokio::test]
async fn the_listener_holds_at_most_its_cap_and_a_health_check_gets_in() {
    let s = start(20, 20).await;
    // (a) 30 idle connections from three addresses against a cap of 20: the
    // 10 that waited longest are closed at once, the 20 others are held.
    let mut all = vec![];
    for last in [3, 4, 5] {
        all.extend(flood(ip(last), s.addr, 10).await);
    }
    for (i, c) in all.iter_mut().take(10).enumerate() {
        closed(c, &format!("flood connection {i}")).await;
    }
    for (i, c) in all.iter_mut().enumerate().skip(10) {
        finish(c, &format!("flood connection {i}")).await;
    }
    // (b) While the 20 are held (idle, kept alive), a health check from a
    // fresh client is answered.
    let _fresh = health(ip(6), s.addr, "fresh client on 127.0.0.6").await;
    closed(&mut all[10], "the longest-idle connection").await;
}

/// A request whose head is complete and whose body never comes: it is being
/// answered, so it is not idle. `Expect: 100-continue` makes the server say
/// when it has started on it (its route reads the body).
const BUSY: &[u8] = b"POST /v1/sessions HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer sk_test_default\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n";

#[tokio::test]
async fn when_no_connection_is_idle_the_new_one_is_refused_with_503() {
    let s = start(100, 3).await;
    let mut busy = vec![];
    for i in 0..3 {
        let mut c = connect(ip(7), s.addr).await;
        c.write_all(BUSY).await.unwrap();
        let a = answer(&mut c, &format!("busy connection {i}")).await;
        assert!(a.starts_with("HTTP/1.1 100 Continue"), "{a:?}");
        busy.push(c);
    }
    // All three of the address's connections are being answered: a fourth
    // is refused at once.
    let mut c = connect(ip(7), s.addr).await;
    let got = closed(&mut c, "a fourth connection from 127.0.0.7").await;
    assert!(got.starts_with("HTTP/1.1 503"), "{got:?}");
    assert!(
        got.to_ascii_lowercase().contains("connection: close"),
        "{got:?}"
    );
    // Another address is served meanwhile, and the three are still open:
    // their requests complete.
    health(ip(8), s.addr, "127.0.0.8").await;
    for (i, c) in busy.iter_mut().enumerate() {
        let body = br#"{"amount": 1000, "currency": "EUR", "country": "DE"}"#;
        let mut padded = body.to_vec();
        padded.resize(100, b' ');
        c.write_all(&padded).await.unwrap();
        let a = answer(c, &format!("busy connection {i}, its body sent")).await;
        assert!(a.starts_with("HTTP/1.1 201"), "{a:?}");
    }
}

/// The binary under a file limit smaller than its caps: the process runs out
/// of descriptors, and a health check is still answered (the reserve takes
/// the waiting connection and an idle one makes room), with no sleep in the
/// accept loop. It also raises its soft file limit to the hard one.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn out_of_file_descriptors_a_health_check_is_still_answered() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_paysession-server"));
    cmd.args([
        "--listen",
        "127.0.0.1:0",
        "--database",
        &db,
        "--header-timeout",
        "600",
        "--max-connections",
        "100000",
        "--max-connections-per-address",
        "100000",
    ])
    .env("RUST_LOG", "info")
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child.
    unsafe {
        cmd.pre_exec(|| {
            let l = libc::rlimit {
                rlim_cur: 64,
                rlim_max: 160,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &l) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let _child = Kill(child);
    let (addr, log) = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let addr: SocketAddr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("{line:?}"))
            .parse()
            .unwrap();
        // The log line that names the caps comes before "listening on".
        let mut log = BufReader::new(stderr).lines();
        let caps = log
            .by_ref()
            .map_while(Result::ok)
            .find(|l| l.contains("connection caps"))
            .unwrap();
        // Keep draining the log so the server never blocks on it.
        std::thread::spawn(move || log.for_each(drop));
        (addr, caps)
    })
    .await
    .unwrap();
    assert!(
        plain(&log).contains("fd_limit=160"),
        "soft limit not raised: {log}"
    );
    // 200 idle connections against 160 descriptors.
    let _held = flood(ip(9), addr, 200).await;
    health(ip(10), addr, "fresh client on 127.0.0.10").await;
    health(ip(9), addr, "fresh client on the flooding address").await;
}

/// `s` without its terminal colour codes (`ESC [ … m`).
fn plain(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            it.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}
