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
    str::FromStr,
    sync::Mutex,
    time::Duration,
};
use time::OffsetDateTime;

/// Production default for public-key requests per (key, client address): a
/// drop-in checkout makes 10 to 20 requests, so one shopper never meets it,
/// and a few dozen checkouts a minute fit behind one shared (NAT) address.
pub const DEFAULT_PUBLIC: &str = "300/min";
/// Production default for demo checkouts per client address: ten sessions at
/// once, then one a minute. With the lock after
/// [`LOCK_THRESHOLD`](crate::model::LOCK_THRESHOLD) (10) failed card attempts
/// per session, that caps card testing through the demo at 100 cards at once
/// and 10 a minute per address.
pub const DEFAULT_DEMO_CHECKOUT: &str = "10/10min";
/// Production default for the number of buckets kept per server (about 100
/// bytes each).
pub const DEFAULT_MAX_ENTRIES: usize = 100_000;

/// `N` requests per `period`: a bucket of `N` requests refilled evenly over `period`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The bucket's size (the burst).
    pub requests: u32,
    /// The time to refill it from empty.
    pub period: Duration,
}

impl Limit {
    /// The time one request's token takes to come back, in nanoseconds.
    fn interval_ns(&self) -> i128 {
        (self.period.as_nanos() / u128::from(self.requests.max(1))).max(1) as i128
    }

    /// GCRA's (emission interval, tolerance) in nanoseconds: a bucket refuses
    /// while its theoretical arrival time is more than the tolerance ahead.
    fn gcra(&self) -> (i128, i128) {
        let interval = self.interval_ns();
        (interval, interval * (i128::from(self.requests) - 1))
    }
}

/// A limit as configured: `N/PERIOD` (`300/min`, `10/10min`, `5/s`, `100/h`) or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitSpec(pub Option<Limit>);

impl FromStr for LimitSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(LimitSpec(None));
        }
        let bad = || {
            format!(
                "rate limit `{s}`: expected N/PERIOD (e.g. 300/min, 10/10min, 5/s, 100/h) or `off`"
            )
        };
        let (n, period) = s.split_once('/').ok_or_else(bad)?;
        let requests: u32 = n.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        let digits = period.bytes().take_while(u8::is_ascii_digit).count();
        let (count, unit) = period.split_at(digits);
        let count: u64 = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| bad())?
        };
        let unit_secs = match unit {
            "s" | "sec" => 1,
            "m" | "min" => 60,
            "h" => 3600,
            _ => return Err(bad()),
        };
        if requests == 0 || count == 0 {
            return Err(bad());
        }
        let secs = count.checked_mul(unit_secs).ok_or_else(bad)?;
        Ok(LimitSpec(Some(Limit {
            requests,
            period: Duration::from_secs(secs),
        })))
    }
}

fn spec(s: &str) -> Option<Limit> {
    s.parse::<LimitSpec>().ok().and_then(|l| l.0)
}

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
    pub fn new(limits: RateLimits) -> Self {
        RateLimiter {
            limits,
            shared: None,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Keeps the buckets in `store` (which every instance shares) instead of
    /// this process's memory.
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_700_000_000 + secs).unwrap()
    }
    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }
    fn limiter(public: &str) -> RateLimiter {
        RateLimiter::new(RateLimits {
            public_key: public.parse::<LimitSpec>().unwrap().0,
            ..RateLimits::off()
        })
    }

    #[test]
    fn specs_parse_and_bad_ones_are_refused() {
        let l = |s: &str| s.parse::<LimitSpec>().map(|l| l.0);
        assert_eq!(
            l("300/min"),
            Ok(Some(Limit {
                requests: 300,
                period: Duration::from_secs(60)
            }))
        );
        assert_eq!(
            l("10/10min").unwrap().unwrap().period,
            Duration::from_secs(600)
        );
        assert_eq!(l("5/s").unwrap().unwrap().period, Duration::from_secs(1));
        assert_eq!(
            l("100/h").unwrap().unwrap().period,
            Duration::from_secs(3600)
        );
        assert_eq!(l("1000000/30s").unwrap().unwrap().requests, 1_000_000);
        assert_eq!(l("off"), Ok(None));
        for bad in [
            "",
            "300",
            "0/min",
            "5/0s",
            "5/day",
            "-1/s",
            "x/s",
            "5/99999999999999999999h",
        ] {
            assert!(l(bad).is_err(), "{bad}");
        }
        // The defaults parse.
        let d = RateLimits::default();
        assert!(d.public_key.is_some() && d.demo_checkout.is_some());
    }

    #[test]
    fn a_burst_passes_then_one_per_interval() {
        let r = limiter("3/min"); // one every 20 s
        let c = ip("203.0.113.7");
        for _ in 0..3 {
            assert_eq!(r.check(Scope::PublicKey, "m", c, at(0)), Ok(()));
        }
        assert_eq!(
            r.check(Scope::PublicKey, "m", c, at(0)),
            Err(Throttled { retry_after: 20 })
        );
        // Refused requests cost nothing.
        assert_eq!(
            r.check(Scope::PublicKey, "m", c, at(19)),
            Err(Throttled { retry_after: 1 })
        );
        assert_eq!(r.check(Scope::PublicKey, "m", c, at(20)), Ok(()));
        assert!(r.check(Scope::PublicKey, "m", c, at(20)).is_err());
        // Another merchant, another address, another scope: their own buckets.
        assert_eq!(r.check(Scope::PublicKey, "other", c, at(20)), Ok(()));
        assert_eq!(
            r.check(Scope::PublicKey, "m", ip("203.0.113.8"), at(20)),
            Ok(())
        );
        // Demo checkout is off here.
        for _ in 0..100 {
            assert_eq!(r.check(Scope::DemoCheckout, "", c, at(20)), Ok(()));
        }
        // After a full period the bucket is full again.
        for _ in 0..3 {
            assert_eq!(r.check(Scope::PublicKey, "m", c, at(80)), Ok(()));
        }
        assert!(r.check(Scope::PublicKey, "m", c, at(80)).is_err());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let r = limiter("3/s"); // one every 333 ms
        let c = ip("198.51.100.1");
        for _ in 0..3 {
            r.check(Scope::PublicKey, "m", c, at(0)).unwrap();
        }
        assert_eq!(
            r.check(Scope::PublicKey, "m", c, at(0)),
            Err(Throttled { retry_after: 1 })
        );
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_64_and_mapped_ipv4_is_ipv4() {
        let r = limiter("1/h");
        assert!(r
            .check(Scope::PublicKey, "m", ip("2001:db8:1:2::1"), at(0))
            .is_ok());
        assert!(r
            .check(Scope::PublicKey, "m", ip("2001:db8:1:2:ffff::9"), at(0))
            .is_err());
        assert!(r
            .check(Scope::PublicKey, "m", ip("2001:db8:1:3::1"), at(0))
            .is_ok());
        assert!(r
            .check(Scope::PublicKey, "m", ip("192.0.2.1"), at(0))
            .is_ok());
        assert!(r
            .check(Scope::PublicKey, "m", ip("::ffff:192.0.2.1"), at(0))
            .is_err());
    }

    #[test]
    fn memory_stays_bounded_under_many_addresses() {
        let r = RateLimiter::new(RateLimits {
            max_entries: 1000,
            ..RateLimits::default()
        });
        // 200 000 addresses, each a fresh bucket that stays far from full.
        for i in 0..200_000u32 {
            let c = IpAddr::V4(Ipv4Addr::from(i));
            assert!(r.check(Scope::PublicKey, "m", c, at(0)).is_ok());
            assert!(r.len() <= 1000, "{} buckets", r.len());
        }
        // Buckets that refilled are dropped first, at no loss.
        let r = RateLimiter::new(RateLimits {
            max_entries: 10,
            ..RateLimits::default()
        });
        let busy = ip("192.0.2.99");
        for _ in 0..300 {
            r.check(Scope::PublicKey, "m", busy, at(0)).unwrap();
        }
        assert!(r.check(Scope::PublicKey, "m", busy, at(0)).is_err());
        for i in 0..9u32 {
            r.check(
                Scope::PublicKey,
                "m",
                IpAddr::V4(Ipv4Addr::from(i)),
                at(-3600),
            )
            .unwrap();
        }
        // The 11th bucket evicts the nine long-refilled ones, not the busy one.
        r.check(Scope::PublicKey, "m", ip("192.0.2.100"), at(0))
            .unwrap();
        assert_eq!(r.len(), 2);
        assert!(r.check(Scope::PublicKey, "m", busy, at(0)).is_err());
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let proxy = ip("10.0.0.1");
        let r = RateLimiter::new(RateLimits {
            trusted_proxies: vec![proxy, ip("10.0.0.2")],
            ..RateLimits::default()
        });
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.5, 10.0.0.2".parse().unwrap(),
        );
        let from = |a: &str| Some(SocketAddr::new(ip(a), 40000));
        // From the proxy: the rightmost hop that is not a trusted proxy.
        assert_eq!(r.client(from("10.0.0.1"), &h), ip("203.0.113.5"));
        // From anyone else: the peer, whatever the header says.
        assert_eq!(r.client(from("198.51.100.9"), &h), ip("198.51.100.9"));
        // A garbage hop stops the walk at the last trusted one.
        h.insert("x-forwarded-for", "203.0.113.5, garbage".parse().unwrap());
        assert_eq!(r.client(from("10.0.0.1"), &h), proxy);
        // No header: the proxy itself.
        assert_eq!(r.client(from("10.0.0.1"), &HeaderMap::new()), proxy);
        // Without a trusted proxy configured the header is ignored.
        let plain = RateLimiter::default();
        h.insert("x-forwarded-for", "203.0.113.5".parse().unwrap());
        assert_eq!(plain.client(from("10.0.0.1"), &h), proxy);
        assert_eq!(plain.client(None, &h), IpAddr::V6(Ipv6Addr::UNSPECIFIED));
    }
}
