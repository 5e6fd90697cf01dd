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
    /// CORS origins (`"*"` for any).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Seller of record shown in the compliance section.
    #[serde(default)]
    pub name: Option<String>,
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

fn ct_eq(a: &str, b: &str) -> bool {
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
}
