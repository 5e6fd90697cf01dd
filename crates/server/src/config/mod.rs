//! Merchants and their keys: a TOML file of `[[merchant]]`, or the one test
//! merchant of the contract.

use serde::Deserialize;

/// How long a manual-capture order's authorization lasts before what is not
/// captured is released (`--authorization-ttl`, `PAYSESSION_AUTHORIZATION_TTL`
/// in seconds; 7 days, as card networks commonly hold an authorization).
pub const AUTHORIZATION_TTL: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 60 * 60);
pub use crate::webhook_config::{
    is_loopback_url, is_webhook_secret, webhook_url, RetrySchedule, WebhookOptions,
};

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
/// Where the fields origin (the secure card fields) listens: `--fields-listen`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldsListen {
    /// The default: the API's address with the next port (`127.0.0.1:8081`
    /// beside the default `127.0.0.1:8080`); a free port when the API's port
    /// is 0 or the last one.
    Beside,
    /// `--fields-listen ADDR`.
    At(String),
    /// `--fields-listen off`: no fields origin here (one elsewhere is named
    /// with `--fields-url`, else the drop-in reports that it has no card).
    Off,
}

impl std::str::FromStr for FieldsListen {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "off" => FieldsListen::Off,
            "" => FieldsListen::Beside,
            a => FieldsListen::At(a.to_owned()),
        })
    }
}

/// The API's address as asked for: the bound one, with the port of
/// `--listen` (`ADDR:0` stays 0, so the fields origin beside it takes a free
/// port too, never the bound port + 1 that another process may hold).
pub fn asked_address(listen: &str, bound: std::net::SocketAddr) -> std::net::SocketAddr {
    match listen
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok())
    {
        Some(port) => std::net::SocketAddr::new(bound.ip(), port),
        None => bound,
    }
}

impl FieldsListen {
    /// The address to bind, given the API's address as asked for
    /// ([`asked_address`]); `None` when off.
    #[must_use]
    pub fn address(&self, api: std::net::SocketAddr) -> Option<String> {
        match self {
            FieldsListen::Off => None,
            FieldsListen::At(a) => Some(a.clone()),
            FieldsListen::Beside => {
                let port = match api.port() {
                    0 | u16::MAX => 0,
                    p => p + 1,
                };
                Some(std::net::SocketAddr::new(api.ip(), port).to_string())
            }
        }
    }
}

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// `pk_…`.
    Public,
    /// `sk_…`.
    Secret,
}

impl KeyKind {
    /// Its stored and hashed form, `pk` or `sk` (the idempotency table's
    /// `key_kind`, and the idempotency hash's scope): the one place it is written.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            KeyKind::Public => "pk",
            KeyKind::Secret => "sk",
        }
    }
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
mod tests;
