//! Finding 7 of issue 8: slow and idle clients are cut off, and shutdown ends
//! (docs/API.md §5.12). Raw TCP clients that stop half-way; every wall-clock
//! check is a generous upper bound on something that must stop.

use crate::common::{content_length, listening, server_command, two_merchants, Resp, PK, SK};
use paysession_server::{AppState, ServeOptions, SqliteStore, Vault};
use serde_json::{json, Value};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::Instant,
};

/// How much longer than its limit the server may take to act (a bound, not a speed).
mod load_and_shutdown;
mod slow_clients;

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
            let len = content_length(&head).expect("an answer with a Content-Length");
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
