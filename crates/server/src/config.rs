//! Merchants and their keys: a TOML file of `[[merchant]]`, or the one test
//! merchant of the contract.

use serde::Deserialize;

/// One merchant.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Merchant {
    /// Merchant id (scopes every object and idempotency key).
    pub id: String,
    /// `pk_…`: browser routes only.
    pub public_key: String,
    /// `sk_…`: the merchant's server.
    pub secret_key: String,
    /// The merchant's web origins (`https://shop.example`, exactly as a
    /// browser serialises them; `"*"` for any): CORS, the only hosts redirect
    /// `returnUrl`/`cancelUrl` may point to, and who may frame the 3-D Secure page.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Seller of record shown in the compliance section.
    #[serde(default)]
    pub name: Option<String>,
    /// Webhook endpoints written at every start (`[[merchant.webhook]]`),
    /// beside those made with the API.
    #[serde(default, rename = "webhook")]
    pub webhooks: Vec<ConfiguredEndpoint>,
}

/// A webhook endpoint of the configuration file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfiguredEndpoint {
    /// Where deliveries go (https, or http on a loopback address).
    pub url: String,
    /// Its signing secret (`whsec_…`, at least 24 characters after the prefix).
    pub secret: String,
    /// Event types delivered (default: all, `["*"]`).
    #[serde(default = "all_types")]
    pub types: Vec<String>,
}

fn all_types() -> Vec<String> {
    vec!["*".into()]
}

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

impl Merchant {
    /// `"*"` is among the allowed origins: any origin is the merchant's.
    pub fn any_origin(&self) -> bool {
        self.allowed_origins.iter().any(|o| o == "*")
    }

    /// `origin` (a serialised origin, `https://shop.example`) is the
    /// merchant's: registered exactly, or any well-formed http(s) origin
    /// for a `"*"` merchant.
    pub fn allows_origin(&self, origin: &str) -> bool {
        if self.any_origin() {
            return is_origin(origin);
        }
        self.allowed_origins.iter().any(|o| o == origin)
    }
}

/// `s` is exactly a serialised http(s) origin (`scheme://host[:port]`, as
/// `location.origin` and the `Origin` header spell it: lower case, punycode,
/// no default port, no path or trailing slash).
pub fn is_origin(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.origin().ascii_serialization() == s
    })
}

/// The base URL of the links the server hands out (`nextAction.url`,
/// `redirectUrl`, icons): `--public-url` when given (an absolute http(s) URL,
/// stored normalised without a trailing slash), else the address the server
/// listens on. An unspecified bind address (`0.0.0.0`, `[::]`) is not an
/// address a browser can use: it becomes the loopback address of its family,
/// and `warning` says to set `--public-url`. Never the request's `Host`.
pub fn public_url(
    given: Option<&str>,
    listening: std::net::SocketAddr,
) -> Result<(String, Option<String>), String> {
    if let Some(g) = given {
        let u = url::Url::parse(g)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .filter(|u| u.username().is_empty() && u.password().is_none())
            .filter(|u| u.query().is_none() && u.fragment().is_none())
            .ok_or_else(|| {
                format!("--public-url {g:?} is not an absolute http(s) URL without query")
            })?;
        return Ok((u.as_str().trim_end_matches('/').to_owned(), None));
    }
    let mut addr = listening;
    let mut warning = None;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            std::net::IpAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::IpAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
        warning = Some(format!(
            "listening on {listening} without --public-url: hosted-page links use http://{addr}, \
             which only this machine can open; set --public-url"
        ));
    }
    Ok((format!("http://{addr}"), warning))
}

/// The merchants this server knows.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[[merchant]]` entries.
    #[serde(rename = "merchant", default)]
    pub merchants: Vec<Merchant>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            merchants: vec![Merchant {
                id: "default".into(),
                public_key: "pk_test_default".into(),
                secret_key: "sk_test_default".into(),
                allowed_origins: vec!["*".into()],
                name: None,
                webhooks: vec![],
            }],
        }
    }
}

/// Which kind of key authenticated a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// `pk_…`.
    Public,
    /// `sk_…`.
    Secret,
}

impl Config {
    /// Parses a TOML config; every key must be unique and well-prefixed.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        let c: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if c.merchants.is_empty() {
            return Err("config has no [[merchant]]".into());
        }
        let mut seen = std::collections::HashSet::new();
        for m in &c.merchants {
            if !m.public_key.starts_with("pk_") || !m.secret_key.starts_with("sk_") {
                return Err(format!("merchant {}: keys must start with pk_ / sk_", m.id));
            }
            if let Some(o) = m
                .allowed_origins
                .iter()
                .find(|o| *o != "*" && !is_origin(o))
            {
                return Err(format!(
                    "merchant {}: allowed origin {o:?} is not an origin as a browser writes it \
                     (scheme://host[:port]: http or https, lower case, punycode, no path)",
                    m.id
                ));
            }
            for w in &m.webhooks {
                webhook_url(&w.url)
                    .map_err(|e| format!("merchant {}: webhook url {:?} {e}", m.id, w.url))?;
                if !is_webhook_secret(&w.secret) {
                    return Err(format!(
                        "merchant {}: webhook secret must be whsec_ and 24 to 100 letters, digits or _",
                        m.id
                    ));
                }
                if w.types.is_empty() {
                    return Err(format!(
                        "merchant {}: webhook types must not be empty",
                        m.id
                    ));
                }
            }
            for k in [&m.id, &m.public_key, &m.secret_key] {
                if !seen.insert(k.clone()) {
                    return Err(format!("duplicate id or key in config: {}", m.id));
                }
            }
        }
        Ok(c)
    }

    /// The merchant and key kind for a bearer key.
    pub fn by_key(&self, key: &str) -> Option<(&Merchant, KeyKind)> {
        self.merchants.iter().find_map(|m| {
            if ct_eq(&m.secret_key, key) {
                Some((m, KeyKind::Secret))
            } else if ct_eq(&m.public_key, key) {
                Some((m, KeyKind::Public))
            } else {
                None
            }
        })
    }
}

/// `a == b` in time that depends on the length only.
pub(crate) fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn toml_config_and_key_lookup() {
        let c = Config::from_toml(
            "[[merchant]]\nid = \"m\"\npublic_key = \"pk_m\"\nsecret_key = \"sk_m\"\nallowed_origins = [\"https://a.example\"]\n",
        )
        .unwrap();
        assert_eq!(
            c.by_key("sk_m").map(|(m, k)| (m.id.as_str(), k)),
            Some(("m", KeyKind::Secret))
        );
        assert_eq!(c.by_key("pk_m").map(|(_, k)| k), Some(KeyKind::Public));
        assert!(c.by_key("sk_x").is_none());
        assert!(Config::from_toml("").is_err());
        assert!(Config::from_toml(
            "[[merchant]]\nid=\"m\"\npublic_key=\"sk_m\"\nsecret_key=\"sk_n\"\n"
        )
        .is_err());
        assert!(Config::from_toml(
            "[[merchant]]\nid=\"m\"\npublic_key=\"pk_m\"\nsecret_key=\"sk_m\"\ncolor=1\n"
        )
        .is_err());
        assert_eq!(
            Config::default().by_key("sk_test_default").unwrap().0.id,
            "default"
        );
    }

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
        let toml = |w: &str| {
            Config::from_toml(&format!(
                "[[merchant]]\nid=\"m\"\npublic_key=\"pk_m\"\nsecret_key=\"sk_m\"\n[[merchant.webhook]]\n{w}\n"
            ))
        };
        let c =
            toml("url=\"https://h.example/\"\nsecret=\"whsec_0123456789abcdef01234567\"").unwrap();
        assert_eq!(c.merchants[0].webhooks[0].types, vec!["*"]);
        assert!(
            toml("url=\"http://h.example/\"\nsecret=\"whsec_0123456789abcdef01234567\"").is_err()
        );
        assert!(toml("url=\"https://h.example/\"\nsecret=\"whsec_x\"").is_err());
        assert!(toml(
            "url=\"https://h.example/\"\nsecret=\"whsec_0123456789abcdef01234567\"\ntypes=[]"
        )
        .is_err());
    }

    #[test]
    fn origins_are_exact() {
        for o in [
            "https://a.example",
            "http://127.0.0.1:8080",
            "http://[::1]:3000",
        ] {
            assert!(is_origin(o), "{o}");
        }
        for o in [
            "https://a.example/",
            "https://A.example",
            "https://a.example:443",
            "https://bücher.example",
            "https://u@a.example",
            "ftp://a.example",
            "null",
            "*",
        ] {
            assert!(!is_origin(o), "{o}");
        }
        let toml = |o: &str| {
            format!("[[merchant]]\nid=\"m\"\npublic_key=\"pk_m\"\nsecret_key=\"sk_m\"\nallowed_origins=[{o:?}]\n")
        };
        assert!(Config::from_toml(&toml("https://a.example/")).is_err());
        let c = Config::from_toml(&toml("https://a.example")).unwrap();
        let m = &c.merchants[0];
        assert!(m.allows_origin("https://a.example") && !m.allows_origin("https://b.example"));
        let any = &Config::default().merchants[0];
        assert!(any.allows_origin("https://b.example") && !any.allows_origin("null"));
    }

    #[test]
    fn public_url_from_configuration_or_the_listener() {
        let at = |s: &str| s.parse::<std::net::SocketAddr>().unwrap();
        assert_eq!(
            public_url(None, at("127.0.0.1:9000")).unwrap(),
            ("http://127.0.0.1:9000".into(), None)
        );
        let (u, warn) = public_url(None, at("0.0.0.0:9000")).unwrap();
        assert_eq!(u, "http://127.0.0.1:9000");
        assert!(warn.is_some());
        assert_eq!(
            public_url(None, at("[::]:9000")).unwrap().0,
            "http://[::1]:9000"
        );
        assert_eq!(
            public_url(Some("https://Pay.Bücher.example/"), at("0.0.0.0:1")).unwrap(),
            ("https://pay.xn--bcher-kva.example".into(), None)
        );
        assert_eq!(
            public_url(Some("https://pay.example/base/"), at("0.0.0.0:1"))
                .unwrap()
                .0,
            "https://pay.example/base"
        );
        for bad in [
            "pay.example",
            "ftp://pay.example",
            "https://pay.example/?a=1",
            "https://u:p@pay.example",
        ] {
            assert!(public_url(Some(bad), at("0.0.0.0:1")).is_err(), "{bad}");
        }
    }
}
