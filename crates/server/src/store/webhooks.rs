//! Webhook endpoints and the deliveries of the events outbox to them
//! (docs/API.md §5.18).
//!
//! **Fan-out in the event's transaction.** When an event row is inserted
//! (the protocol's last step, [`super::events`]), the same transaction
//! inserts one delivery row per live endpoint of the merchant whose types
//! match (one `INSERT … SELECT` in each engine's `events.rs`). So a
//! delivery exists if and only if its event committed, exactly once per
//! (event, endpoint) (`UNIQUE (event_id, endpoint_id)`), without a cursor
//! over the outbox (on PostgreSQL a sequence is not commit-ordered: a
//! cursor could step over an event whose transaction commits late).
//!
//! **Claims are leases.** A worker claims due deliveries: `state =
//! 'pending' AND next_at <= now`, setting `lease_owner` to a fresh token and
//! `next_at` to `now + lease` (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so two
//! instances never claim one row; SQLite: one writer). A worker that dies
//! mid-attempt leaves a lease that expires at `next_at`, when any instance
//! claims the delivery again. The outcome is written only if the lease is
//! still the worker's (a compare-and-swap on `lease_owner`), so an attempt
//! overtaken by another instance after its lease ran out changes nothing.

use super::StoreError;

/// Prefix of endpoint ids.
pub const ENDPOINT_PREFIX: &str = "we_";
/// Prefix of delivery ids.
pub const DELIVERY_PREFIX: &str = "whd_";

/// Delivery states.
pub mod state {
    /// Waiting for its next attempt (or in one, under a lease).
    pub const PENDING: &str = "pending";
    /// An attempt was answered 2xx.
    pub const SUCCEEDED: &str = "succeeded";
    /// Every attempt of the retry window failed, or the endpoint was deleted.
    pub const FAILED: &str = "failed";
}

/// A webhook endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// `we_…`.
    pub id: String,
    /// The merchant.
    pub merchant: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// Event types delivered; `["*"]` for all.
    pub types: Vec<String>,
    /// The signing secret (`whsec_…`) as stored: sealed by the vault
    /// ([`crate::webhooks::seal_secret`]; the store never sees it in clear).
    pub secret: String,
    /// The secret before the last rotation (sealed as `secret` is), still
    /// signing until `old_until`.
    pub old_secret: Option<String>,
    /// Unix seconds: the old secret stops signing.
    pub old_until: Option<i64>,
    /// Unix seconds.
    pub created: i64,
    /// Deleted endpoints are kept (their deliveries' history) but never delivered to.
    pub deleted: bool,
}

impl Endpoint {
    /// The column form of `types`: `*`, or `,a,b,` (a type matches when
    /// `,type,` is in it).
    pub fn types_column(&self) -> String {
        if self.types.iter().any(|t| t == "*") {
            "*".into()
        } else {
            format!(",{},", self.types.join(","))
        }
    }

    /// `types` from its column form.
    pub fn types_from(col: &str) -> Vec<String> {
        if col == "*" {
            return vec!["*".into()];
        }
        col.split(',')
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect()
    }

    /// The secrets that sign a delivery at `now` (unix seconds): the
    /// current one, then the old one while it is in its overlap.
    pub fn signing_secrets(&self, now: i64) -> Vec<&str> {
        let mut s = vec![self.secret.as_str()];
        if let (Some(old), Some(until)) = (&self.old_secret, self.old_until) {
            if now < until {
                s.push(old);
            }
        }
        s
    }
}

/// A delivery of an event to an endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// `whd_…`.
    pub id: String,
    /// The event.
    pub event_id: String,
    /// The endpoint.
    pub endpoint_id: String,
    /// [`state`].
    pub state: String,
    /// Attempts started so far.
    pub attempts: i64,
    /// Unix milliseconds: when the event committed.
    pub created: i64,
    /// Unix milliseconds: the start of the retry window (creation, or the
    /// last manual redelivery).
    pub window_start: i64,
    /// Unix milliseconds: the next attempt is due (pending), or the lease of
    /// the attempt in flight ends.
    pub next_at: i64,
}

/// One attempt of a delivery.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// The delivery.
    pub delivery_id: String,
    /// 1, 2, … (the delivery's `attempts` when it was claimed).
    pub n: i64,
    /// Unix milliseconds.
    pub started: i64,
    /// Milliseconds until the answer (or the failure).
    pub duration_ms: i64,
    /// The answer's HTTP status; `None` when there was no answer.
    pub status: Option<i64>,
    /// Why there was no answer (`timeout`, `connect`, …) or `None`.
    pub error: Option<String>,
    /// The answer's first bytes ([`RESPONSE_HEAD`] at most), lossily as UTF-8.
    pub response: String,
}

/// Whether a stored secret is still in clear (a `whsec_…` of a build before
/// the secrets were sealed); a sealed one is hex.
pub fn is_clear(stored: &str) -> bool {
    stored.starts_with(paysession_core::webhook::SECRET_PREFIX)
}

/// The rows [`WebhookStore::endpoints_seal`] looks at (both engines).
pub const CLEAR_ROWS: &str = "SELECT id, secret, old_secret FROM webhook_endpoints
     WHERE substr(secret, 1, 6) = 'whsec_' OR substr(old_secret, 1, 6) = 'whsec_'";

/// Each value of a row read by [`CLEAR_ROWS`], sealed where it was clear.
pub fn sealed_row(
    seal: &dyn Fn(&str, &str) -> String,
    id: &str,
    secret: &str,
    old: Option<&str>,
) -> (String, Option<String>) {
    let one = |v: &str| {
        if is_clear(v) {
            seal(id, v)
        } else {
            v.to_owned()
        }
    };
    (one(secret), old.map(one))
}

/// Bytes of an answer kept with its attempt.
pub const RESPONSE_HEAD: usize = 256;

/// A claimed delivery: what the worker needs to attempt it.
#[derive(Clone, Debug)]
pub struct Claimed {
    /// The delivery as claimed (`attempts` counts this one).
    pub delivery: Delivery,
    /// The lease token; the outcome is written only under it.
    pub lease: String,
    /// The event's stored row.
    pub event: super::events::EventRow,
    /// The endpoint.
    pub endpoint: Endpoint,
}

/// What an attempt leaves the delivery in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Answered 2xx: delivered.
    Succeeded,
    /// Failed; the next attempt is due at this unix millisecond.
    RetryAt(i64),
    /// Failed, and the retry window is over.
    Failed,
}

/// A page of an endpoint's deliveries, newest first.
#[derive(Clone, Debug, Default)]
pub struct DeliveryQuery {
    /// The endpoint.
    pub endpoint_id: String,
    /// Only in this state.
    pub state: Option<String>,
    /// Only this event's.
    pub event_id: Option<String>,
    /// Only created before this delivery (the cursor): `(created, id)`.
    pub before: Option<(i64, String)>,
    /// At most this many.
    pub limit: usize,
}

/// The webhook half of the store (every [`super::Store`] is one).
pub trait WebhookStore {
    /// Inserts `e`; `false` when its id exists. With `replace`, an existing
    /// endpoint of the same id and merchant is overwritten instead (the
    /// endpoints of the configuration file, written at every start).
    fn endpoint_put(&self, e: &Endpoint, replace: bool) -> Result<bool, StoreError>;
    /// Inserts `e` if its merchant has fewer than `cap` live endpoints: the
    /// count and the insert are one transaction (SQLite: the single writer;
    /// PostgreSQL: a transaction lock per merchant), so concurrent creates
    /// never pass the cap. `false` when the merchant is at the cap.
    fn endpoint_create(&self, e: &Endpoint, cap: usize) -> Result<bool, StoreError>;
    /// Seals the signing secrets still stored in clear (`whsec_…`, as a
    /// build before SQLite schema 8 and PostgreSQL 9 wrote them): `seal(id, plain)`
    /// is what is stored instead. Each row is a compare-and-swap on the values
    /// read, so instances starting together seal it once. Answers how many
    /// rows were sealed.
    fn endpoints_seal(&self, seal: &dyn Fn(&str, &str) -> String) -> Result<usize, StoreError>;
    /// An endpoint by id (deleted ones too).
    fn endpoint(&self, id: &str) -> Result<Option<Endpoint>, StoreError>;
    /// A merchant's live endpoints, oldest first.
    fn endpoints(&self, merchant: &str) -> Result<Vec<Endpoint>, StoreError>;
    /// Deletes a live endpoint of `merchant`, and fails its pending
    /// deliveries; `false` if there was none.
    fn endpoint_delete(&self, id: &str, merchant: &str) -> Result<bool, StoreError>;
    /// Replaces the secret of a live endpoint of `merchant` with `secret`,
    /// the current one signing beside it until `old_until`.
    fn endpoint_rotate(
        &self,
        id: &str,
        merchant: &str,
        secret: &str,
        old_until: i64,
    ) -> Result<Option<Endpoint>, StoreError>;
    /// Claims at most `limit` deliveries due at `now_ms`, each under the
    /// lease `lease` until `now_ms + lease_ms`.
    fn deliveries_claim(
        &self,
        lease: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Result<Vec<Claimed>, StoreError>;
    /// The earliest `next_at` of a pending delivery (a read: how long the
    /// worker may sleep).
    fn deliveries_next_due(&self) -> Result<Option<i64>, StoreError>;
    /// Records `attempt` and moves its delivery to `next`, if the delivery is
    /// still under `lease`; `false` (nothing written) if not.
    fn delivery_finish(
        &self,
        lease: &str,
        attempt: &Attempt,
        next: Next,
    ) -> Result<bool, StoreError>;
    /// A delivery by id.
    fn delivery(&self, id: &str) -> Result<Option<Delivery>, StoreError>;
    /// A page of an endpoint's deliveries, newest first.
    fn deliveries(&self, q: &DeliveryQuery) -> Result<Vec<Delivery>, StoreError>;
    /// A delivery's attempts, in order.
    fn attempts(&self, delivery_id: &str) -> Result<Vec<Attempt>, StoreError>;
    /// A manual redelivery: the delivery (not in an attempt) is pending
    /// again, due at `now_ms`, with a new retry window. `false` when it is
    /// under a live lease or its endpoint is deleted.
    fn delivery_redeliver(&self, id: &str, now_ms: i64) -> Result<bool, StoreError>;
}

/// Decides what an attempt leaves the delivery in: `ok` is delivered;
/// otherwise the next attempt waits `base · 2^(n−1)` capped at `cap`, times
/// a jitter in [0.5, 1) (`jitter`), unless that is past the retry window.
pub fn next_after(
    ok: bool,
    n: i64,
    finished_ms: i64,
    window_start: i64,
    schedule: &crate::config::RetrySchedule,
    jitter: f64,
) -> Next {
    if ok {
        return Next::Succeeded;
    }
    let exp = u32::try_from(n.saturating_sub(1).clamp(0, 62)).unwrap_or(62);
    let raw = schedule
        .base_ms
        .saturating_mul(1i64.checked_shl(exp).unwrap_or(i64::MAX));
    let delay = raw.clamp(0, schedule.cap_ms) as f64 * (0.5 + jitter.clamp(0.0, 1.0) / 2.0);
    let at = finished_ms.saturating_add(delay as i64);
    if at > window_start.saturating_add(schedule.window_ms) {
        Next::Failed
    } else {
        Next::RetryAt(at)
    }
}

/// Unix milliseconds now (the system clock: delivery times are the
/// database's rows' times, compared between instances).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RetrySchedule;

    #[test]
    fn retries_double_with_jitter_to_the_cap_and_stop_at_the_window() {
        let s = RetrySchedule::DEFAULT;
        assert_eq!(next_after(true, 7, 0, 0, &s, 0.3), Next::Succeeded);
        // Jitter 0 waits half the step, jitter → 1 the whole step.
        for (n, step) in [
            (1, 10_000),
            (2, 20_000),
            (3, 40_000),
            (12, 20_480_000),
            (13, 6 * 3600 * 1000),
            (40, 6 * 3600 * 1000),
        ] {
            assert_eq!(
                next_after(false, n, 1_000, 0, &s, 0.0),
                Next::RetryAt(1_000 + step / 2),
                "{n}"
            );
            let Next::RetryAt(at) = next_after(false, n, 1_000, 0, &s, 0.999_999) else {
                panic!("{n}");
            };
            assert!(
                at > 1_000 + step * 99 / 100 && at <= 1_000 + step,
                "{n}: {at}"
            );
        }
        // Past the window: failed.
        let end = s.window_ms;
        assert_eq!(next_after(false, 3, end - 1_000, 0, &s, 0.0), Next::Failed);
        assert_eq!(
            next_after(false, 1, end - 5_000, 0, &s, 0.0),
            Next::RetryAt(end)
        );
        // A redelivery's window starts later.
        assert!(matches!(
            next_after(false, 3, end - 1_000, 10_000_000, &s, 0.0),
            Next::RetryAt(_)
        ));
        // Three days by default: about 10 s, 20 s, … then every 3 to 6 h.
        let mut t = 0;
        let mut n = 0;
        while let Next::RetryAt(at) = next_after(false, n + 1, t, 0, &s, 0.5) {
            t = at;
            n += 1;
        }
        assert!((20..=30).contains(&n), "{n} retries over 3 days");
    }
}
