//! Rate limits (docs/API.md §5.13): requests made with a public key, per
//! (merchant key, client address), and the demo checkout's session creation,
//! per client address. Secret-key traffic (merchants' servers) is never limited
//! here.
//!
//! Each bucket is a GCRA (the generic cell rate algorithm, an exact token
//! bucket kept as one number): a limit of `N/PERIOD` lets `N` requests through
//! at once and then one every `PERIOD / N`. A refused request costs nothing and
//! answers `429 rate_limit_exceeded` with `Retry-After` in whole seconds, the
//! time until one request would pass.
//!
//! Memory is bounded: at most [`RateLimits::max_entries`] buckets. When that
//! many exist, buckets that have refilled completely are forgotten (forgetting
//! them changes nothing); if more than half remain, the half nearest to full are
//! forgotten as well. So an attacker with many addresses can reset buckets, but
//! never grow the table, and the sweep costs O(1) amortised per request. IPv6
//! clients share one bucket per /64 (one customer's allocation).

use crate::error::AppError;
use axum::{
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
};
use paysession_core::{ApiError, ErrorCode, ErrorType};
use std::{
    collections::HashMap,
    net::{IpAddr, Ipv6Addr, SocketAddr},
    sync::Mutex,
};
use time::OffsetDateTime;

mod spec;
#[cfg(test)]
mod tests;

use spec::spec;
pub use spec::{Limit, LimitSpec, DEFAULT_DEMO_CHECKOUT, DEFAULT_MAX_ENTRIES, DEFAULT_PUBLIC};
/// What is limited, and how.
#[derive(Clone, Debug)]
pub struct RateLimits {
    /// Requests authenticated with a public key, per (key, client address).
    pub public_key: Option<Limit>,
    /// Demo checkouts (each creates a session), per client address.
    pub demo_checkout: Option<Limit>,
    /// Reverse proxies whose `X-Forwarded-For` names the client; from anyone
    /// else the header is ignored and the client is the TCP peer.
    pub trusted_proxies: Vec<IpAddr>,
    /// The most buckets kept at once.
    pub max_entries: usize,
}

impl Default for RateLimits {
    /// The production defaults ([`DEFAULT_PUBLIC`], [`DEFAULT_DEMO_CHECKOUT`]).
    fn default() -> Self {
        RateLimits {
            public_key: spec(DEFAULT_PUBLIC),
            demo_checkout: spec(DEFAULT_DEMO_CHECKOUT),
            trusted_proxies: vec![],
            max_entries: DEFAULT_MAX_ENTRIES,
        }
    }
}

impl RateLimits {
    /// Nothing limited.
    pub fn off() -> Self {
        RateLimits {
            public_key: None,
            demo_checkout: None,
            ..RateLimits::default()
        }
    }
}

/// Which limit a request counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A public-key request; `who` is the merchant.
    PublicKey,
    /// A demo checkout.
    DemoCheckout,
}

#[derive(PartialEq, Eq, Hash)]
struct BucketKey {
    scope: Scope,
    who: Box<str>,
    client: IpAddr,
}

/// A refused request: answer `429` with `Retry-After: retry_after`.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a refused request is answered 429, not let through"]
pub struct Throttled {
    /// Whole seconds until one request would pass (at least 1).
    pub retry_after: u64,
}

impl IntoResponse for Throttled {
    fn into_response(self) -> Response {
        let mut r = AppError::api(ApiError::new(
            ErrorType::RateLimited,
            ErrorCode::RateLimitExceeded,
            None,
            "Too many requests: wait the seconds in Retry-After, then try again.",
        ))
        .into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(self.retry_after));
        r
    }
}

/// The buckets: in this process's memory, or (several instances on one
/// PostgreSQL) in the shared store, so that a client's budget is the same
/// whichever instance it reaches.
pub struct RateLimiter {
    limits: RateLimits,
    /// Where the buckets live when instances share them.
    shared: Option<std::sync::Arc<dyn crate::store::Store>>,
    /// Theoretical arrival time (unix ns) per bucket: a bucket is full when it
    /// is in the past and refuses while it is more than the burst ahead of now.
    buckets: Mutex<HashMap<BucketKey, i128>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::new(RateLimits::default())
    }
}

impl RateLimiter {
    /// A limiter with no buckets yet.
    #[must_use]
    pub fn new(limits: RateLimits) -> Self {
        RateLimiter {
            limits,
            shared: None,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Keeps the buckets in `store` (which every instance shares) instead of
    /// this process's memory.
    #[must_use = "returns the limiter on the shared store; self is consumed"]
    pub fn shared_in(mut self, store: std::sync::Arc<dyn crate::store::Store>) -> Self {
        self.shared = Some(store);
        self
    }

    fn limit(&self, scope: Scope) -> Option<Limit> {
        match scope {
            Scope::PublicKey => self.limits.public_key,
            Scope::DemoCheckout => self.limits.demo_checkout,
        }
    }

    /// [`RateLimiter::check`], against the shared buckets when there are
    /// some. If the shared store cannot answer, the request passes (and is
    /// logged): the limiter never turns a database hiccup into refusals.
    pub async fn allow(
        &self,
        scope: Scope,
        who: &str,
        client: IpAddr,
        now: OffsetDateTime,
    ) -> Result<(), Throttled> {
        let Some(store) = self.shared.clone() else {
            return self.check(scope, who, client, now);
        };
        let Some(limit) = self.limit(scope) else {
            return Ok(());
        };
        let (interval, tolerance) = limit.gcra();
        let (interval, tolerance) = (
            i64::try_from(interval).unwrap_or(i64::MAX / 4),
            i64::try_from(tolerance).unwrap_or(i64::MAX / 4),
        );
        let now = i64::try_from(now.unix_timestamp_nanos()).unwrap_or(i64::MAX / 2);
        let bucket = format!("{scope:?}|{who}|{}", bucket_address(client));
        let taken =
            tokio::task::spawn_blocking(move || store.rate_take(&bucket, now, interval, tolerance))
                .await;
        match taken {
            Ok(Ok(None)) => Ok(()),
            Ok(Ok(Some(wait))) => Err(Throttled {
                retry_after: (wait.max(0) as u64).div_ceil(1_000_000_000).max(1),
            }),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "shared rate limit unavailable; request let through");
                Ok(())
            }
            Err(e) => {
                tracing::warn!(error = %e, "shared rate limit failed; request let through");
                Ok(())
            }
        }
    }

    /// What it limits.
    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// How many buckets it holds now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// No buckets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<BucketKey, i128>> {
        self.buckets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one request of `client` against `scope` (and `who`, e.g. the
    /// merchant) at `now`; `Err` when it must wait.
    pub fn check(
        &self,
        scope: Scope,
        who: &str,
        client: IpAddr,
        now: OffsetDateTime,
    ) -> Result<(), Throttled> {
        let Some(limit) = self.limit(scope) else {
            return Ok(());
        };
        let now = now.unix_timestamp_nanos();
        let (interval, tolerance) = limit.gcra();
        let key = BucketKey {
            scope,
            who: who.into(),
            client: bucket_address(client),
        };
        let mut buckets = self.lock();
        let tat = buckets.get(&key).map_or(now, |&t| t.max(now));
        if tat - now > tolerance {
            let wait = tat - tolerance - now;
            let secs = (wait + 999_999_999) / 1_000_000_000;
            return Err(Throttled {
                retry_after: u64::try_from(secs).unwrap_or(u64::MAX).max(1),
            });
        }
        if buckets.len() >= self.limits.max_entries.max(2) && !buckets.contains_key(&key) {
            evict(&mut buckets, now, self.limits.max_entries.max(2));
        }
        buckets.insert(key, tat + interval);
        Ok(())
    }

    /// The client's address: the TCP peer, or — when the peer is a trusted
    /// proxy — the rightmost `X-Forwarded-For` hop that is not one. Without a
    /// peer (the router driven in-process) every request shares one address.
    #[must_use]
    pub fn client(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> IpAddr {
        let Some(peer) = peer.map(|p| canonical(p.ip())) else {
            return IpAddr::V6(Ipv6Addr::UNSPECIFIED);
        };
        let trusted = &self.limits.trusted_proxies;
        if !trusted.contains(&peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            client = canonical(ip);
            if !trusted.contains(&client) {
                break;
            }
        }
        client
    }
}

/// Forgets buckets so that fewer than `max / 2` remain: first every full one
/// (nothing is lost), then those nearest to full.
fn evict(buckets: &mut HashMap<BucketKey, i128>, now: i128, max: usize) {
    buckets.retain(|_, tat| *tat > now);
    let keep = max / 2;
    if buckets.len() < keep {
        return;
    }
    let mut tats: Vec<i128> = buckets.values().copied().collect();
    let cut_at = tats.len() - keep;
    let (_, &mut cut, _) = tats.select_nth_unstable(cut_at);
    buckets.retain(|_, tat| *tat > cut);
}

/// IPv4-mapped IPv6 (`::ffff:a.b.c.d`, from a dual-stack listener) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The address a bucket is kept for: IPv4 as is, IPv6 by its /64.
fn bucket_address(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let mut s = v6.segments();
            s[4..].fill(0);
            IpAddr::V6(Ipv6Addr::from(s))
        }
        v4 => v4,
    }
}
