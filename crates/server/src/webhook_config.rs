//! Webhook settings and the rules of an endpoint's URL and secret
//! (docs/API.md §5.18), beside the configuration (`config.rs` re-exports them).

/// The retry schedule of webhook deliveries (docs/API.md §5.18): the
/// attempt `n` that failed is retried after `base · 2^(n−1)` capped at
/// `cap`, times a jitter in [0.5, 1), until `window` after the event (or
/// after a manual redelivery); then the delivery is `failed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetrySchedule {
    /// Milliseconds before the first retry (default 10 s).
    pub base_ms: i64,
    /// The longest wait between attempts (default 6 h).
    pub cap_ms: i64,
    /// How long a delivery is retried (default 3 days).
    pub window_ms: i64,
}

impl RetrySchedule {
    /// 10 s, doubling to 6 h at most, for 3 days.
    pub const DEFAULT: RetrySchedule = RetrySchedule {
        base_ms: 10_000,
        cap_ms: 6 * 3600 * 1000,
        window_ms: 3 * 24 * 3600 * 1000,
    };
}

impl Default for RetrySchedule {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How this instance delivers webhooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebhookOptions {
    /// The retry schedule.
    pub retry: RetrySchedule,
    /// Milliseconds one attempt may take, connection included (default 10 s).
    pub timeout_ms: i64,
    /// Milliseconds a claim holds a delivery: an instance that dies in an
    /// attempt leaves it to the others after this (default 30 s; it must
    /// exceed `timeout_ms`).
    pub lease_ms: i64,
    /// The longest the worker sleeps between looks for due deliveries
    /// (default 500 ms).
    pub poll_ms: i64,
    /// Deliveries attempted at once by this instance (default 16).
    pub concurrency: usize,
    /// Endpoints only on loopback addresses (the test scripts' servers: a
    /// fuzzer creating endpoints never makes this server call out).
    pub loopback_only: bool,
}

impl WebhookOptions {
    /// The production defaults.
    pub const DEFAULT: WebhookOptions = WebhookOptions {
        retry: RetrySchedule::DEFAULT,
        timeout_ms: 10_000,
        lease_ms: 30_000,
        poll_ms: 500,
        concurrency: 16,
        loopback_only: false,
    };
}

impl Default for WebhookOptions {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Whether `url`'s host is a loopback address (`127.0.0.0/8`, `[::1]`, `localhost`).
pub fn is_loopback_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    })
}

/// Whether `url` may receive webhooks: an absolute `https://` URL, or
/// `http://` to a loopback address (`127.0.0.0/8`, `[::1]`, `localhost`);
/// no user or password, no fragment. The error says why.
pub fn webhook_url(url: &str) -> Result<String, &'static str> {
    let u = url::Url::parse(url).map_err(|_| "must be an absolute URL")?;
    if !u.username().is_empty() || u.password().is_some() || u.fragment().is_some() {
        return Err("must not hold a user, a password or a fragment");
    }
    if u.host().is_none() {
        return Err("must have a host");
    }
    let loopback = is_loopback_url(url);
    match u.scheme() {
        "https" => Ok(u.to_string()),
        "http" if loopback => Ok(u.to_string()),
        "http" => Err("must be https (http only to a loopback address)"),
        _ => Err("must be an https URL"),
    }
}

/// Whether `s` is a signing secret: `whsec_` and 24 to 100 characters of
/// `[A-Za-z0-9_]`.
pub fn is_webhook_secret(s: &str) -> bool {
    s.strip_prefix(paysession_core::webhook::SECRET_PREFIX)
        .is_some_and(|r| {
            (24..=100).contains(&r.len())
                && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_are_https_or_loopback() {
        for ok in [
            "https://hooks.example/paysession",
            "https://hooks.example:8443/a?b=c",
            "http://127.0.0.1:9000/hooks",
            "http://127.1.2.3/h",
            "http://[::1]:9/h",
            "http://localhost:3000/h",
        ] {
            assert!(webhook_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://hooks.example/x",
            "http://10.0.0.1/x",
            "ftp://127.0.0.1/x",
            "https://u:p@hooks.example/x",
            "https://hooks.example/x#f",
            "hooks.example/x",
            "",
        ] {
            assert!(webhook_url(bad).is_err(), "{bad}");
        }
        assert!(
            is_loopback_url("http://127.0.0.1/x") && !is_loopback_url("https://hooks.example/")
        );
        assert!(is_webhook_secret("whsec_0123456789abcdef01234567"));
        assert!(
            !is_webhook_secret("whsec_short") && !is_webhook_secret("sk_0123456789abcdef01234567")
        );
    }
}
