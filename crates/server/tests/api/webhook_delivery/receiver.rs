//! The chaos receiver: a raw HTTP/1.1 server on loopback that verifies the
//! signature of every request and answers each attempt at random (2xx,
//! 5xx, slowly, not before the server's timeout, a reset, a close), and
//! records what it saw.

use super::{SECRET, TIMEOUT_MS};
use crate::common::content_length;
use paysession_core::webhook;
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the receiver saw.
#[derive(Default)]
pub struct Seen {
    /// Attempts per behaviour.
    pub kinds: HashMap<&'static str, usize>,
    /// 2xx answers sent, per event id.
    pub acked: HashMap<String, usize>,
    /// Requests whose signature did not verify.
    pub bad_signatures: usize,
    /// Events with an attempt at the receiver now.
    pub in_flight: HashSet<String>,
    /// Attempts that arrived while another of the same event was in flight.
    pub overlaps: usize,
    /// The client ports of the attempts held at the receiver now (not
    /// answered before the server's timeout): the harnesses kill then, the
    /// PostgreSQL one the instance whose socket it is.
    pub hanging: HashSet<u16>,
}

pub type Shared = Arc<Mutex<Seen>>;

pub fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Seen> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads one HTTP/1.1 request: (head, body).
async fn read_request(c: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = c.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len = content_length(&head).unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = c.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

fn header<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
        .unwrap_or("")
}

async fn answer(c: &mut TcpStream, status: u16) {
    let text = format!("HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
    let _ = c.write_all(text.as_bytes()).await;
    let _ = c.shutdown().await;
}

/// Waits until the client closes `c` (or `max` passes).
async fn until_closed(c: &mut TcpStream, max: Duration) {
    let mut b = [0u8; 64];
    let _ = tokio::time::timeout(max, async {
        while matches!(c.read(&mut b).await, Ok(n) if n > 0) {}
    })
    .await;
}

/// One connection: one request, answered as `roll` (0..100) says.
async fn serve(mut c: TcpStream, seen: Shared, roll: u32) {
    let peer = c.peer_addr().map(|a| a.port()).unwrap_or_default();
    let Some((head, body)) = read_request(&mut c).await else {
        return;
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let sig = header(&head, webhook::HEADER);
    if webhook::verify(sig, &body, SECRET, now, webhook::DEFAULT_TOLERANCE).is_err() {
        lock(&seen).bad_signatures += 1;
        answer(&mut c, 400).await;
        return;
    }
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let id = event["id"].as_str().unwrap_or_default().to_owned();
    {
        let mut s = lock(&seen);
        if !s.in_flight.insert(id.clone()) {
            s.overlaps += 1;
        }
    }
    let kind = match roll {
        0..=39 => "2xx",
        40..=54 => "5xx",
        55..=64 => "slow 2xx",
        65..=74 => "timeout",
        75..=84 => "reset",
        _ => "closed",
    };
    *lock(&seen).kinds.entry(kind).or_default() += 1;
    let acked = match kind {
        "2xx" => {
            lock(&seen).in_flight.remove(&id);
            answer(&mut c, 200).await;
            true
        }
        "5xx" => {
            answer(&mut c, 503).await;
            false
        }
        "slow 2xx" => {
            tokio::time::sleep(Duration::from_millis(TIMEOUT_MS / 4)).await;
            lock(&seen).in_flight.remove(&id);
            answer(&mut c, 204).await;
            true
        }
        "timeout" => {
            lock(&seen).hanging.insert(peer);
            until_closed(&mut c, Duration::from_millis(TIMEOUT_MS * 10)).await;
            lock(&seen).hanging.remove(&peer);
            false
        }
        "reset" => {
            // A zero linger makes the close a reset (RST) and never blocks.
            #[allow(deprecated)]
            let _ = c.set_linger(Some(Duration::ZERO));
            drop(c);
            false
        }
        _ => {
            drop(c);
            false
        }
    };
    let mut s = lock(&seen);
    s.in_flight.remove(&id);
    if acked {
        *s.acked.entry(id).or_default() += 1;
    }
}

/// The chaos receiver on 127.0.0.1:0: its URL.
pub async fn chaos_receiver(seen: Shared, seed: u64) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", l.local_addr().unwrap());
    tokio::spawn(async move {
        let mut rng = StdRng::seed_from_u64(seed);
        while let Ok((c, _)) = l.accept().await {
            tokio::spawn(serve(c, seen.clone(), rng.gen_range(0..100)));
        }
    });
    url
}
