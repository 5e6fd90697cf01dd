//! Finding 7 of issue 8: slow and idle clients are cut off, and shutdown ends
//! (docs/API.md §5.12). Raw TCP clients that stop half-way; every wall-clock
//! check is a generous upper bound on something that must stop.

use crate::common::{listening, two_merchants, Resp, PK, SK};
use paysession_server::{AppState, ServeOptions, SqliteStore, Vault};
use serde_json::{json, Value};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::Instant,
};

/// How much longer than its limit the server may take to act (a bound, not a speed).
const SLACK: Duration = Duration::from_secs(10);

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Every limit at `n` seconds.
fn all(n: u64) -> ServeOptions {
    ServeOptions {
        header_timeout: secs(n),
        body_timeout: secs(n),
        idle_timeout: secs(n),
        shutdown_timeout: secs(n),
        // Caps above the 300 connections some tests hold (caps: tests/limits.rs).
        max_connections: 10_000,
        max_connections_per_address: 10_000,
    }
}

struct Srv {
    addr: SocketAddr,
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

/// The real app through `serve_with(opts)`, on 127.0.0.1:0 over a real SQLite file.
async fn start(opts: ServeOptions) -> Srv {
    start_with_demo(opts, None).await
}

async fn start_with_demo(opts: ServeOptions, demo: Option<std::path::PathBuf>) -> Srv {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.db")).unwrap();
    let vault = Vault::load(None, Some(&dir.path().join("t.db.key"))).unwrap();
    let mut state = AppState::new(two_merchants(), Arc::new(store), vault);
    state.demo_dir = demo;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(paysession_server::serve_with(
        listener,
        state,
        opts,
        async {
            let _ = rx.await;
        },
    ));
    Srv {
        addr,
        url: format!("http://{addr}"),
        stop: Some(tx),
        task,
        _dir: dir,
    }
}

impl Srv {
    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.addr).await.unwrap()
    }

    /// A connection that has sent `bytes` and then nothing.
    async fn send_part(&self, bytes: &str) -> TcpStream {
        let mut c = self.connect().await;
        c.write_all(bytes.as_bytes()).await.unwrap();
        c
    }

    fn http(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(secs(20))
            .build()
            .unwrap()
    }

    async fn create_session(&self) -> Resp {
        let r = self
            .http()
            .post(format!("{}/v1/sessions", self.url))
            .bearer_auth(SK)
            .json(&json!({"amount": 1000, "currency": "EUR", "country": "DE"}))
            .send()
            .await
            .unwrap();
        Resp::read(r).await
    }

    /// Signals shutdown; the server must then return `Ok` before `bound`.
    fn signal_stop(&mut self) {
        let _ = self.stop.take().unwrap().send(());
    }

    async fn stopped_within(&mut self, bound: Duration) -> bool {
        match tokio::time::timeout(bound, &mut self.task).await {
            Ok(r) => {
                r.unwrap().unwrap();
                true
            }
            Err(_) => false,
        }
    }
}

/// What the server sends until it closes the connection (EOF or reset), or
/// `None` if the connection is still open at `deadline`.
async fn read_until_closed(c: &mut TcpStream, deadline: Instant) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, c.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(out),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// One HTTP/1.1 answer read off a kept-alive connection: its head and JSON or text body.
async fn read_response(c: &mut TcpStream) -> (String, String) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + secs(20);
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_string();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .expect("an answer with a Content-Length");
            if data.len() >= end + 4 + len {
                let body = String::from_utf8_lossy(&data[end + 4..end + 4 + len]).to_string();
                return (head, body);
            }
        }
        let n = tokio::time::timeout_at(deadline, c.read(&mut buf))
            .await
            .expect("an answer within 20 s")
            .unwrap();
        assert!(
            n > 0,
            "closed before the answer: {:?}",
            String::from_utf8_lossy(&data)
        );
        data.extend_from_slice(&buf[..n]);
    }
}

fn session_post(content_length: usize, idempotency_key: Option<&str>) -> String {
    let key = idempotency_key
        .map(|k| format!("Idempotency-Key: {k}\r\n"))
        .unwrap_or_default();
    format!(
        "POST /v1/sessions HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {SK}\r\n\
         Content-Type: application/json\r\n{key}Content-Length: {content_length}\r\n\r\n"
    )
}

const SESSION_BODY: &str = r#"{"amount": 1000, "currency": "EUR", "country": "DE"}"#;

#[tokio::test]
async fn a_half_sent_request_head_is_closed_after_the_header_timeout() {
    let s = start(ServeOptions {
        header_timeout: secs(1),
        ..all(60)
    })
    .await;
    for part in [
        "",
        "POST /v1/sessions HT",
        "GET /healthz HTTP/1.1\r\nHost: test\r\nAuthoriz",
    ] {
        let mut c = s.send_part(part).await;
        let deadline = Instant::now() + secs(1) + SLACK;
        assert!(
            read_until_closed(&mut c, deadline).await.is_some(),
            "{part:?}: still open after the header timeout"
        );
    }
    s.create_session().await.ok(201);
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_answered_408_and_closed() {
    let s = start(ServeOptions {
        body_timeout: secs(1),
        ..all(60)
    })
    .await;
    // Without and with an Idempotency-Key (the idempotency layer reads the body first).
    for key in [None, Some("slow-body-1")] {
        let mut c = s
            .send_part(&(session_post(SESSION_BODY.len() + 40, key) + SESSION_BODY))
            .await;
        let deadline = Instant::now() + secs(1) + SLACK;
        let got = read_until_closed(&mut c, deadline)
            .await
            .unwrap_or_else(|| panic!("{key:?}: still open after the body timeout"));
        let text = String::from_utf8_lossy(&got);
        assert!(text.starts_with("HTTP/1.1 408 "), "{key:?}: {text}");
        let body: Value = serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert_eq!(body["type"], "bad_request", "{text}");
        assert_eq!(body["errors"][0]["code"], "request_timeout", "{text}");
        assert!(body["errors"][0]["message"].is_string(), "{text}");
    }
    // A body that arrives in time is read as before; the 408 was not stored
    // as the key's answer.
    for key in [None, Some("slow-body-1")] {
        let mut c = s.send_part(&session_post(SESSION_BODY.len(), key)).await;
        c.write_all(SESSION_BODY.as_bytes()).await.unwrap();
        let (head, _) = read_response(&mut c).await;
        assert!(head.starts_with("HTTP/1.1 201 "), "{key:?}: {head}");
    }
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let s = start(ServeOptions {
        idle_timeout: secs(1),
        ..all(60)
    })
    .await;
    let mut c = s.connect().await;
    // Keep-alive works: two requests on one connection.
    for _ in 0..2 {
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            .await
            .unwrap();
        let (head, body) = read_response(&mut c).await;
        assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
        assert_eq!(body, "ok");
    }
    let deadline = Instant::now() + secs(1) + SLACK;
    let rest = read_until_closed(&mut c, deadline)
        .await
        .expect("still open after the idle timeout");
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
}

#[tokio::test]
async fn each_limit_bounds_only_its_own_wait() {
    // A header limit far shorter than the others.
    let s = start(ServeOptions {
        header_timeout: secs(1),
        ..all(60)
    })
    .await;
    // A body slower than the header limit is read.
    let mut c = s.send_part(&session_post(SESSION_BODY.len(), None)).await;
    tokio::time::sleep(secs(2)).await;
    c.write_all(SESSION_BODY.as_bytes()).await.unwrap();
    let (head, _) = read_response(&mut c).await;
    assert!(head.starts_with("HTTP/1.1 201 "), "{head}");
    // A kept-alive connection idle for longer than the header limit still serves.
    tokio::time::sleep(secs(2)).await;
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let (head, body) = read_response(&mut c).await;
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn a_client_that_stops_reading_a_long_answer_is_dropped_after_the_idle_timeout() {
    // A file far larger than the socket buffers (sparse: no disk is used).
    const SIZE: u64 = 256 << 20;
    let www = tempfile::tempdir().unwrap();
    std::fs::File::create(www.path().join("big.bin"))
        .unwrap()
        .set_len(SIZE)
        .unwrap();
    let s = start_with_demo(
        ServeOptions {
            idle_timeout: secs(1),
            ..all(60)
        },
        Some(www.path().to_owned()),
    )
    .await;
    let mut c = s
        .send_part("GET /big.bin HTTP/1.1\r\nHost: test\r\n\r\n")
        .await;
    // Read nothing while the server's write is blocked past its limit.
    tokio::time::sleep(secs(1) + SLACK / 2).await;
    let got = read_until_closed(&mut c, Instant::now() + SLACK)
        .await
        .expect("still open");
    assert!(
        (got.len() as u64) < SIZE,
        "the whole answer was sent: {} bytes",
        got.len()
    );
}

#[tokio::test]
async fn three_hundred_half_open_connections_neither_block_answers_nor_stay_open() {
    let s = start(ServeOptions {
        header_timeout: secs(3),
        ..all(60)
    })
    .await;
    let mut open = Vec::new();
    for i in 0..300 {
        let part = match i % 3 {
            0 => "",
            1 => "GET /healthz HT",
            _ => "POST /v1/sessions HTTP/1.1\r\nHost: test\r\n",
        };
        open.push(s.send_part(part).await);
    }
    // Others are still answered, and the peer address still reaches the routes.
    let session = s.create_session().await.ok(201).clone();
    let r = s
        .http()
        .post(format!("{}/v1/sources", s.url))
        .bearer_auth(PK)
        .json(&json!({"type": "creditCard", "sessionId": session["id"],
            "creditCard": {"number": "4444333322221111", "expirationMonth": 12,
                           "expirationYear": 2040, "cvv": "123"}}))
        .send()
        .await
        .unwrap();
    let source = Resp::read(r).await;
    assert_eq!(source.ok(201)["creationIp"], "127.0.0.1", "{}", source.text);
    // And every half-open connection is closed by the server.
    let deadline = Instant::now() + secs(3) + SLACK;
    for (i, c) in open.iter_mut().enumerate() {
        assert!(
            read_until_closed(c, deadline).await.is_some(),
            "connection {i} still open after the header timeout"
        );
    }
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_and_drops_the_rest_by_the_deadline() {
    // Only the shutdown deadline is short: nothing else would end these connections.
    let mut s = start(ServeOptions {
        shutdown_timeout: secs(2),
        ..all(600)
    })
    .await;
    let mut open = Vec::new();
    for i in 0..300 {
        open.push(s.send_part(["", "GET /healthz HT"][i % 2]).await);
    }
    // An idle keep-alive connection.
    let mut idle = s.connect().await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    read_response(&mut idle).await;
    open.push(idle);
    // A request whose body will arrive after the signal, and one whose body never does.
    let mut finishing = s.send_part(&session_post(SESSION_BODY.len(), None)).await;
    open.push(s.send_part(&session_post(SESSION_BODY.len(), None)).await);

    let signalled = Instant::now();
    s.signal_stop();
    // Once the listener is closed, shutdown has begun.
    loop {
        if TcpStream::connect(s.addr).await.is_err() {
            break;
        }
        assert!(
            signalled.elapsed() < SLACK,
            "still accepting after the shutdown signal"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    finishing.write_all(SESSION_BODY.as_bytes()).await.unwrap();
    let (head, body) = read_response(&mut finishing).await;
    assert!(head.starts_with("HTTP/1.1 201 "), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("connection: close"),
        "{head}"
    );
    assert!(body.contains("\"ses_") || body.contains("\"id\""), "{body}");

    assert!(
        s.stopped_within(secs(2) + SLACK - signalled.elapsed().min(SLACK))
            .await,
        "serve did not return within the shutdown deadline"
    );
    let deadline = Instant::now() + secs(2);
    for (i, c) in open.iter_mut().enumerate() {
        assert!(
            read_until_closed(c, deadline).await.is_some(),
            "connection {i} still open after serve returned"
        );
    }
}

/// The real binary, SIGTERMed with a half-open and an in-flight connection, exits by its deadline.
#[test]
fn the_binary_exits_on_sigterm_with_half_open_connections() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_paysession-server"))
        .args(["--listen", "127.0.0.1:0", "--database"])
        .arg(format!("sqlite://{}", dir.path().join("bin.db").display()))
        .args(["--header-timeout", "600", "--body-timeout", "600"])
        .args(["--idle-timeout", "600", "--shutdown-timeout", "1"])
        .env_remove("PAYSESSION_CONFIG")
        .env_remove("PAYSESSION_VAULT_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = listening(&mut child);
    let addr = url.trim_start_matches("http://");
    let mut half = std::net::TcpStream::connect(&addr).unwrap();
    half.write_all(b"POST /v1/sessions HT").unwrap();
    let mut in_flight = std::net::TcpStream::connect(&addr).unwrap();
    in_flight
        .write_all(session_post(SESSION_BODY.len(), None).as_bytes())
        .unwrap();
    std::thread::sleep(Duration::from_millis(200)); // let the server take both in
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + secs(1) + SLACK;
    let exit = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if std::time::Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if exit.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let exit = exit.expect("the server did not exit within its shutdown deadline after SIGTERM");
    assert!(exit.success(), "{exit:?}");
}
