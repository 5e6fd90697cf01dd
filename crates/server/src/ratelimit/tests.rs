//! The rate limiter's unit tests.

use super::*;
use std::net::Ipv4Addr;
use std::time::Duration;

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
