//! The webhook worker: delivers the events outbox to the merchants'
//! endpoints, at least once (docs/API.md §5.18; the tables and their rules in
//! [`crate::store::webhooks`]). Every instance runs one: it claims due
//! deliveries under a lease, POSTs each event signed with
//! [`paysession_core::webhook`], records the attempt and, on anything but a
//! 2xx answer, schedules the next one ([`crate::store::webhooks::next_after`]).
//!
//! At least once, whatever crashes: a delivery is `succeeded` only after a
//! 2xx answer was recorded; an instance that dies in an attempt leaves a
//! lease that runs out, and the delivery is attempted again (the same event
//! id: receivers deduplicate on it). Never twice at the same time: a claim
//! is a row lock skipped by the others (PostgreSQL) or the single writer
//! (SQLite), and a lease lasts longer than an attempt may.

use crate::config::{is_webhook_secret, webhook_url, ConfiguredEndpoint, Merchant};
use crate::routes::events::{view, Event};
use crate::store::webhooks::Endpoint;
use crate::store::webhooks::{next_after, now_ms, Attempt, Claimed, RESPONSE_HEAD};
use crate::store::Store;
use crate::{AppState, Vault};
use paysession_core::webhook;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Notify, Semaphore};

/// The body of a delivery: the event as `GET /v1/events/{id}` answers it.
pub type Payload = Event;

/// What a signing secret is bound to when sealed: its endpoint (the current
/// and the rotated-out secret alike, so a rotation moves the sealed value).
fn secret_aad(endpoint_id: &str) -> String {
    [endpoint_id, ":webhook-secret"].concat()
}

/// A signing secret as it is stored: sealed by the vault (AES-256-GCM, bound
/// to the endpoint's id), as card data is; never in clear at rest.
pub fn seal_secret(vault: &Vault, endpoint_id: &str, plain: &str) -> String {
    vault.seal(plain, &secret_aad(endpoint_id))
}

/// The secret a stored value holds: opened by the vault (`None` under
/// another key, or tampered with). A value still in clear (written by an
/// older build, not yet sealed by [`seal_secrets`]) is itself.
pub fn open_secret(vault: &Vault, endpoint_id: &str, stored: &str) -> Option<String> {
    if crate::store::webhooks::is_clear(stored) {
        return Some(stored.to_owned());
    }
    vault.open(stored, &secret_aad(endpoint_id))
}

/// Seals the signing secrets an older build stored in clear (the rows of
/// SQLite schema 8 / PostgreSQL 9's migration; the store holds no key, so
/// the server does it as it starts, before its routes and worker run).
pub fn seal_secrets(store: &dyn Store, vault: &Vault) -> Result<usize, String> {
    store
        .endpoints_seal(&|id, plain| seal_secret(vault, id, plain))
        .map_err(|e| format!("sealing the webhook secrets: {e}"))
}

/// Runs the worker until the task is dropped (aborted with the server).
pub async fn run(state: AppState) {
    let opts = state.webhooks;
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("paysession-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhook worker: no HTTP client; deliveries wait for another instance");
            return;
        }
    };
    let slots = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let freed = Arc::new(Notify::new());
    let poll = Duration::from_millis(u64::try_from(opts.poll_ms.max(1)).unwrap_or(500));
    loop {
        let free = slots.available_permits();
        if free == 0 {
            freed.notified().await;
            continue;
        }
        // A read first: claiming is a write (an fsync on SQLite), made only
        // when something is due.
        let next = state
            .db(|s| Ok(s.store.deliveries_next_due()?))
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = ?e, "webhook worker: cannot read the next due delivery");
                None
            });
        let now = now_ms();
        if next.is_some_and(|at| at <= now) {
            let lease = crate::ids::new_id("lease_");
            let claimed = state
                .db(move |s| Ok(s.store.deliveries_claim(&lease, now, opts.lease_ms, free)?))
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = ?e, "webhook worker: claim failed");
                    vec![]
                });
            let full = claimed.len() == free;
            let any = !claimed.is_empty();
            for c in claimed {
                let Ok(permit) = slots.clone().acquire_owned().await else {
                    return;
                };
                let (state, client, freed) = (state.clone(), client.clone(), freed.clone());
                tokio::spawn(async move {
                    attempt(&state, &client, c).await;
                    drop(permit);
                    freed.notify_one();
                });
            }
            if full {
                continue; // more may be due
            }
            if any {
                tokio::task::yield_now().await;
                continue;
            }
        }
        // Sleep until the earliest due delivery, at most `poll` (a claim
        // that found the due rows taken by another instance waits too), or
        // until a write of this process commits (its deliveries are due
        // now); polling finds the other instances' commits.
        let wait = match next {
            Some(at) if at > now => {
                Duration::from_millis(u64::try_from(at - now).unwrap_or(0)).min(poll)
            }
            _ => poll,
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = freed.notified() => {}
            _ = state.webhook_wake.notified() => {}
        }
    }
}

/// What came back from one POST.
struct Answer {
    status: Option<i64>,
    error: Option<String>,
    head: Vec<u8>,
}

/// POSTs `body` to `url` with the signature, within `timeout`: the status
/// and the answer's first bytes, or why there was none. A status that came
/// in time stands even if its body does not (a 2xx was delivered: the
/// receiver answers once it stored the event).
async fn post(
    client: &reqwest::Client,
    url: &str,
    signature: &str,
    event_id: &str,
    body: Vec<u8>,
    timeout: Duration,
) -> Answer {
    let deadline = tokio::time::Instant::now() + timeout;
    let sent = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(webhook::HEADER, signature)
        .header("PaySession-Event-Id", event_id)
        .body(body)
        .send();
    let mut resp = match tokio::time::timeout_at(deadline, sent).await {
        Err(_) => return failed("timeout"),
        Ok(Err(e)) if e.is_connect() => return failed("connect"),
        Ok(Err(e)) if e.is_timeout() => return failed("timeout"),
        Ok(Err(_)) => return failed("io"),
        Ok(Ok(r)) => r,
    };
    let status = i64::from(resp.status().as_u16());
    let mut head = Vec::new();
    // The first bytes only, within what is left of the timeout.
    while head.len() < RESPONSE_HEAD {
        match tokio::time::timeout_at(deadline, resp.chunk()).await {
            Ok(Ok(Some(c))) => head.extend_from_slice(&c),
            _ => break,
        }
    }
    head.truncate(RESPONSE_HEAD);
    Answer {
        status: Some(status),
        error: None,
        head,
    }
}

fn failed(why: &str) -> Answer {
    Answer {
        status: None,
        error: Some(why.into()),
        head: vec![],
    }
}

/// One attempt of a claimed delivery, recorded under its lease.
async fn attempt(state: &AppState, client: &reqwest::Client, c: Claimed) {
    let opts = state.webhooks;
    let Claimed {
        delivery,
        lease,
        event,
        endpoint,
    } = c;
    let event_id = event.id.clone();
    let body = match view(crate::store::events::StoredEvent { seq: 0, row: event })
        .and_then(|e| serde_json::to_vec(&e).map_err(crate::AppError::internal))
    {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(delivery = %delivery.id, error = ?e, "webhook: the stored event cannot be sent");
            return;
        }
    };
    let t = now_ms() / 1000;
    let secrets: Vec<String> = endpoint
        .signing_secrets(t)
        .into_iter()
        .filter_map(|sealed| open_secret(&state.vault, &endpoint.id, sealed))
        .collect();
    let signature = webhook::header(
        &secrets.iter().map(String::as_str).collect::<Vec<_>>(),
        t,
        &body,
    );
    let started = now_ms();
    let clock = Instant::now();
    let timeout = Duration::from_millis(u64::try_from(opts.timeout_ms.max(1)).unwrap_or(10_000));
    let a = if secrets.is_empty() {
        // Sealed under another vault key: nothing this instance can sign with.
        tracing::error!(endpoint = %endpoint.id, "webhook: the endpoint's secret does not open with this vault key");
        failed("secret")
    } else if opts.loopback_only && !crate::config::is_loopback_url(&endpoint.url) {
        failed("not_allowed")
    } else {
        post(client, &endpoint.url, &signature, &event_id, body, timeout).await
    };
    let duration_ms = i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX);
    let ok = a.status.is_some_and(|s| (200..300).contains(&s));
    let next = next_after(
        ok,
        delivery.attempts,
        now_ms(),
        delivery.window_start,
        &opts.retry,
        rand::random::<f64>(),
    );
    tracing::info!(
        delivery = %delivery.id, event = %event_id, attempt = delivery.attempts,
        status = a.status, error = a.error.as_deref(), ms = duration_ms, next = ?next,
        "webhook attempt"
    );
    let record = Attempt {
        delivery_id: delivery.id.clone(),
        n: delivery.attempts,
        started,
        duration_ms,
        status: a.status,
        error: a.error,
        response: String::from_utf8_lossy(&a.head).into_owned(),
    };
    let written = state
        .db(move |s| Ok(s.store.delivery_finish(&lease, &record, next)?))
        .await;
    match written {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(delivery = %delivery.id, "webhook: the lease ran out during the attempt; its outcome is dropped (another attempt follows)")
        }
        Err(e) => {
            tracing::warn!(delivery = %delivery.id, error = ?e, "webhook: the outcome could not be written; the lease runs out and the delivery is attempted again")
        }
    }
}

/// The deterministic id of a configured endpoint: the same merchant and URL
/// give the same endpoint at every start (its secret and types rewritten).
pub fn configured_id(merchant: &str, url: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("{merchant}\n{url}").as_bytes());
    format!(
        "{}{}",
        crate::store::webhooks::ENDPOINT_PREFIX,
        hex::encode(&h[..16])
    )
}

/// Writes the endpoints of the configuration file (`[[merchant.webhook]]`),
/// at start, their secrets sealed. Their types must be event types.
pub fn configure(
    store: &dyn Store,
    vault: &Vault,
    merchants: &[Merchant],
    now: i64,
    loopback_only: bool,
) -> Result<(), String> {
    for m in merchants {
        for w in &m.webhooks {
            let ConfiguredEndpoint { url, secret, types } = w;
            let url = webhook_url(url).map_err(|e| format!("webhook url {url:?} {e}"))?;
            if loopback_only && !crate::config::is_loopback_url(&url) {
                return Err(format!(
                    "webhook url {url:?} is not on loopback (--webhook-loopback-only)"
                ));
            }
            if !is_webhook_secret(secret) {
                return Err(format!("merchant {}: bad webhook secret", m.id));
            }
            let types =
                crate::routes::webhooks::check_types(Some(types.clone())).map_err(|_| {
                    format!(
                        "merchant {}: webhook types must be event types or [\"*\"]",
                        m.id
                    )
                })?;
            let id = configured_id(&m.id, &url);
            let e = Endpoint {
                secret: seal_secret(vault, &id, secret),
                id,
                merchant: m.id.clone(),
                url,
                types,
                old_secret: None,
                old_until: None,
                created: now,
                deleted: false,
            };
            store.endpoint_put(&e, true).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
