//! The delivery harness (issue 20): webhooks are delivered at least once
//! whatever fails. A receiver on loopback answers each attempt at random:
//! 2xx, 5xx, slowly, not before the server's timeout, with a connection
//! reset, or by closing without an answer, and verifies the signature of
//! every request with core's [`webhook::verify`]. Then
//!
//! - on SQLite, the server process is SIGKILLed during deliveries (once
//!   while an attempt is in flight at the receiver) and restarted on the
//!   same database, three times;
//! - on PostgreSQL, three instances share the database and the one whose
//!   attempt the receiver is holding (found by its socket in /proc) is
//!   SIGKILLed in that attempt, never restarted: the others take over its
//!   leases, and the attempts it cut are counted (`cut`, asserted > 0);
//!
//! and every event committed (all of `GET /v1/events`) must have been
//! received with a valid signature and answered 2xx at least once, every
//! delivery must end `succeeded`, and no two attempts of one event may be
//! at the receiver at the same time. The duplicates (2xx answers beyond
//! the first per event: an attempt whose answer was lost to a timeout or a
//! kill) are counted and printed, as are the attempts of each kind.

use crate::common::*;
use paysession_core::webhook;
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SECRET: &str = "whsec_harness_0123456789abcdefghijklmnop";
const VAULT_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
/// The server's per-attempt timeout (ms); the receiver's "hang" outlasts it.
const TIMEOUT_MS: u64 = 400;
const FLAGS: &[&str] = &[
    "--rate-limit-public",
    "off",
    "--webhook-timeout-ms",
    "400",
    "--webhook-lease-ms",
    "2000",
    "--webhook-poll-ms",
    "25",
    "--webhook-retry-base-ms",
    "20",
    "--webhook-retry-cap-ms",
    "300",
    "--webhook-retry-window",
    "600",
];

/// What the receiver saw.
#[derive(Default)]
struct Seen {
    /// Attempts per behaviour.
    kinds: HashMap<&'static str, usize>,
    /// 2xx answers sent, per event id.
    acked: HashMap<String, usize>,
    /// Requests whose signature did not verify.
    bad_signatures: usize,
    /// Events with an attempt at the receiver now.
    in_flight: HashSet<String>,
    /// Attempts that arrived while another of the same event was in flight.
    overlaps: usize,
    /// The client ports of the attempts held at the receiver now (not
    /// answered before the server's timeout): the harnesses kill then, the
    /// PostgreSQL one the instance whose socket it is.
    hanging: HashSet<u16>,
}

type Shared = Arc<Mutex<Seen>>;

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Seen> {
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
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
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
async fn chaos_receiver(seen: Shared, seed: u64) -> String {
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

fn config(dir: &std::path::Path, receiver: &str) -> std::path::PathBuf {
    let path = dir.join("merchants.toml");
    std::fs::write(
        &path,
        format!(
            "[[merchant]]\nid = \"default\"\npublic_key = \"{PK}\"\nsecret_key = \"{SK}\"\nallowed_origins = [\"*\"]\n\
             [[merchant.webhook]]\nurl = \"{receiver}\"\nsecret = \"{SECRET}\"\n"
        ),
    )
    .unwrap();
    path
}

fn spawn(db: &str, config: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paysession-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            db,
            "--db-pool",
            "8",
        ])
        .args(FLAGS)
        .arg("--config")
        .arg(config)
        .env("PAYSESSION_VAULT_KEY", VAULT_KEY)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("listening on http://"), "{line:?}");
    let url = line.trim().trim_start_matches("listening on ").to_owned();
    (child, url)
}

struct Procs(Vec<Child>);
impl Drop for Procs {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// Creates a session (an event, so a delivery); errors (a killed server) are
/// fine: what committed is read back at the end.
async fn checkout(http: &reqwest::Client, base: &str, i: usize) {
    let _ = http
        .post(format!("{base}/v1/sessions"))
        .bearer_auth(SK)
        .json(&json!({"amount": 1000 + i, "currency": "EUR", "country": "DE", "reference": format!("h{i}")}))
        .send()
        .await;
}

/// Every item of a paginated list at `path` (`data`, `hasMore`, `startingAfter`).
async fn all_pages(http: &reqwest::Client, base: &str, path: &str) -> Vec<Value> {
    let mut out: Vec<Value> = vec![];
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{base}{path}{sep}limit=100");
        if let Some(last) = out.last() {
            url.push_str(&format!("&startingAfter={}", last["id"].as_str().unwrap()));
        }
        let page: Value = http
            .get(url)
            .bearer_auth(SK)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        out.extend(page["data"].as_array().unwrap().iter().cloned());
        if page["hasMore"] != true {
            return out;
        }
    }
}

/// Waits (bounded) until every event committed has been acknowledged by the
/// receiver and every delivery is `succeeded`; then checks and prints.
async fn settle_and_check(label: &str, base: &str, seen: &Shared) -> i64 {
    let http = http();
    let endpoints: Value = http
        .get(format!("{base}/v1/webhook-endpoints"))
        .bearer_auth(SK)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ep = endpoints["data"][0]["id"].as_str().unwrap().to_owned();
    let events = all_pages(&http, base, "/v1/events").await;
    assert!(events.len() >= 20, "{label}: only {} events", events.len());
    let ids: HashSet<String> = events
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let deliveries = loop {
        let missing = {
            let s = lock(seen);
            ids.iter().filter(|i| !s.acked.contains_key(*i)).count()
        };
        let ds = all_pages(
            &http,
            base,
            &format!("/v1/webhook-endpoints/{ep}/deliveries"),
        )
        .await;
        let done = ds.iter().filter(|d| d["state"] == "succeeded").count();
        if missing == 0 && done == ds.len() {
            break ds;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{label}: after 90 s, {missing} of {} events never acknowledged, {} of {} deliveries not succeeded",
            ids.len(),
            ds.len() - done,
            ds.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let s = lock(seen);
    let delivered: HashSet<String> = deliveries
        .iter()
        .map(|d| d["eventId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        delivered, ids,
        "{label}: one delivery per event, none missing"
    );
    assert_eq!(
        deliveries.len(),
        ids.len(),
        "{label}: one delivery per event"
    );
    let duplicates: usize = ids.iter().map(|i| s.acked[i] - 1).sum();
    let attempts: i64 = deliveries
        .iter()
        .map(|d| d["attemptCount"].as_i64().unwrap())
        .sum();
    // Attempts started but never recorded: cut by a kill, then taken over.
    let cut: i64 = deliveries
        .iter()
        .map(|d| {
            d["attemptCount"].as_i64().unwrap() - d["attempts"].as_array().unwrap().len() as i64
        })
        .sum();
    let mut kinds: Vec<_> = s.kinds.iter().collect();
    kinds.sort();
    eprintln!(
        "{label}: {} events, all delivered and verified; {attempts} attempts ({kinds:?}); \
         {cut} attempts cut by a kill and taken over; \
         {duplicates} duplicates (2xx answers beyond the first); {} bad signatures; {} overlapping attempts",
        ids.len(),
        s.bad_signatures,
        s.overlaps
    );
    assert_eq!(s.bad_signatures, 0, "{label}: every request signed");
    assert_eq!(s.overlaps, 0, "{label}: no event attempted twice at once");
    cut
}

/// The port of `url` (`http://127.0.0.1:PORT/…`).
fn port_of_url(url: &str) -> u16 {
    url::Url::parse(url).unwrap().port().unwrap()
}

/// The inode of the TCP socket from local port `local` to remote port
/// `remote` (/proc/net/tcp: `local_address rem_address … inode`).
fn socket_inode(local: u16, remote: u16) -> Option<String> {
    let port = |a: &str| {
        a.rsplit(':')
            .next()
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        text.lines().skip(1).find_map(|line| {
            let c: Vec<&str> = line.split_whitespace().collect();
            (c.len() > 9 && port(c[1]) == Some(local) && port(c[2]) == Some(remote))
                .then(|| c[9].to_owned())
        })
    })
}

/// Which of `procs` holds the connection from local port `client` to the
/// receiver on port `receiver` (the socket among its descriptors), while it
/// is open: that instance's attempt is in flight.
fn holder(procs: &[Child], client: u16, receiver: u16) -> Option<usize> {
    let want = format!("socket:[{}]", socket_inode(client, receiver)?);
    procs.iter().position(|p| {
        std::fs::read_dir(format!("/proc/{}/fd", p.id()))
            .into_iter()
            .flatten()
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == want.as_str()))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_survive_a_chaotic_receiver_and_sigkills_on_sqlite() {
    let seed: u64 = rand::random();
    eprintln!("webhook harness (SQLite) seed {seed}");
    let seen: Shared = Default::default();
    let receiver = chaos_receiver(seen.clone(), seed).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &receiver);
    let db = format!("sqlite://{}", dir.path().join("hooks.db").display());
    let http = http();
    let mut rng = StdRng::seed_from_u64(seed ^ 1);
    let mut procs = Procs(vec![]);
    let mut i = 0;
    for cycle in 0..3 {
        let (child, base) = spawn(&db, &cfg);
        procs.0.push(child);
        // Load, with deliveries going on.
        let n = rng.gen_range(15..30);
        for _ in 0..n {
            checkout(&http, &base, i).await;
            i += 1;
        }
        // Kill while an attempt hangs at the receiver (cycle 0: waited for,
        // bounded), else at once.
        if cycle == 0 {
            for _ in 0..400 {
                if !lock(&seen).hanging.is_empty() {
                    break;
                }
                checkout(&http, &base, i).await;
                i += 1;
            }
        }
        let mut victim = procs.0.pop().unwrap();
        victim.kill().unwrap(); // SIGKILL
        victim.wait().unwrap();
    }
    let (child, base) = spawn(&db, &cfg);
    procs.0.push(child);
    settle_and_check("SQLite, 3 SIGKILLs", &base, &seen).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_from_three_instances_on_postgres_one_killed() {
    let Some(admin) = paysession_server::store::postgres::test_database() else {
        return;
    };
    let db = tokio::task::spawn_blocking(move || {
        paysession_server::store::postgres::scratch_schema(&admin, "hooks").unwrap()
    })
    .await
    .unwrap();
    let seed: u64 = rand::random();
    eprintln!("webhook harness (PostgreSQL) seed {seed}");
    let seen: Shared = Default::default();
    let receiver = chaos_receiver(seen.clone(), seed).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &receiver);
    let mut procs = Procs(vec![]);
    let mut urls = vec![];
    for _ in 0..3 {
        let (child, url) = spawn(&db, &cfg);
        procs.0.push(child);
        urls.push(url);
    }
    let http = http();
    let rport = port_of_url(&receiver);
    let mut alive: Vec<usize> = (0..3).collect();
    for i in 0..60 {
        checkout(&http, &urls[alive[i % alive.len()]], i).await;
        if i == 30 {
            // The instance whose attempt the receiver is holding (it does not
            // answer before the server's timeout) dies in that attempt, with
            // its other claims: the others must take its leases over. Waited
            // for (bounded), never slept for.
            let mut victim = None;
            for j in 0..400 {
                let held: Vec<u16> = lock(&seen).hanging.iter().copied().collect();
                victim = held.iter().find_map(|&p| holder(&procs.0, p, rport));
                if victim.is_some() {
                    break;
                }
                checkout(&http, &urls[j % 3], 100 + j).await;
            }
            let k = victim.expect("an attempt held at the receiver within 400 checkouts");
            procs.0[k].kill().unwrap(); // SIGKILL, its socket still open a moment ago
            procs.0[k].wait().unwrap();
            alive.retain(|&a| a != k);
            eprintln!("webhook harness (PostgreSQL): instance {k} SIGKILLed during an attempt");
        }
    }
    let cut = settle_and_check(
        "PostgreSQL, 3 instances, 1 SIGKILLed",
        &urls[alive[0]],
        &seen,
    )
    .await;
    assert!(
        cut > 0,
        "the killed instance's attempt in flight was taken over: cut {cut}"
    );
}
