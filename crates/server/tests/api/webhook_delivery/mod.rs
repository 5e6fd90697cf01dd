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
//!
//! Here the two harnesses; `receiver` is the chaos receiver, `procs` the
//! server processes, `check` the final reading and its assertions.

mod check;
mod procs;
mod receiver;

use check::{checkout, http, settle_and_check};
use procs::{config, holder, port_of_url, spawn, Procs};
use rand::{rngs::StdRng, Rng, SeedableRng};
use receiver::{chaos_receiver, lock, Shared};

/// The webhook secret of the harness's merchant.
const SECRET: &str = "whsec_harness_0123456789abcdefghijklmnop";
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
