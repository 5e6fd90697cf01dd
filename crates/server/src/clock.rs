//! The time source, injectable so tests can expire sessions without sleeping.

use std::sync::Mutex;
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    /// The current time, UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The system clock plus an offset that tests move forward.
#[derive(Default)]
pub struct ManualClock {
    offset: Mutex<time::Duration>,
}

impl ManualClock {
    /// Moves this clock forward by `d`.
    pub fn advance(&self, d: std::time::Duration) {
        let mut o = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *o += time::Duration::try_from(d).unwrap_or(time::Duration::ZERO);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        let o = *self.offset.lock().unwrap_or_else(|e| e.into_inner());
        OffsetDateTime::now_utc() + o
    }
}

/// Unix seconds as an RFC 3339 UTC string (`2026-01-02T03:04:05Z`).
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// `(year, month)` of a time, for card expiry checks.
pub fn year_month(t: OffsetDateTime) -> (u16, u8) {
    (t.year().clamp(0, 9999) as u16, u8::from(t.month()))
}
