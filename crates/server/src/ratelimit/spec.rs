//! Limits as configured: `N/PERIOD` or `off` ([`LimitSpec`]), their
//! production defaults, and a [`Limit`]'s GCRA figures.

use std::{str::FromStr, time::Duration};

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
    pub(super) fn interval_ns(&self) -> i128 {
        (self.period.as_nanos() / u128::from(self.requests.max(1))).max(1) as i128
    }

    /// GCRA's (emission interval, tolerance) in nanoseconds: a bucket refuses
    /// while its theoretical arrival time is more than the tolerance ahead.
    pub(super) fn gcra(&self) -> (i128, i128) {
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

pub(super) fn spec(s: &str) -> Option<Limit> {
    s.parse::<LimitSpec>().ok().and_then(|l| l.0)
}
