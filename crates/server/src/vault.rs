//! The vault: card data at rest is encrypted with AES-256-GCM under a key
//! from `PAYSESSION_VAULT_KEY` (64 hex digits) or a key file generated beside
//! the database (`<db>.key`, mode 0600). Fingerprints and idempotency request
//! hashes are HMAC-SHA256 under keys derived from it (per merchant).

use aes_gcm::{
    aead::{Aead, KeyInit, Payload},
    Aes256Gcm, Nonce,
};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::path::Path;

type HmacSha256 = Hmac<Sha256>;

/// Holds the 256-bit key. Its `Debug` shows nothing.
pub struct Vault {
    key: [u8; 32],
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(***)")
    }
}

impl Vault {
    /// A vault with this key.
    pub fn from_key(key: [u8; 32]) -> Self {
        Vault { key }
    }

    /// A vault with a fresh random key (in-memory databases, tests).
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        Vault { key }
    }

    /// From `PAYSESSION_VAULT_KEY`, else from `key_file` (created when absent).
    pub fn load(env_key: Option<&str>, key_file: Option<&Path>) -> Result<Self, String> {
        if let Some(hexkey) = env_key.filter(|k| !k.trim().is_empty()) {
            return parse_key(hexkey.trim())
                .map(Vault::from_key)
                .ok_or_else(|| "PAYSESSION_VAULT_KEY must be 64 hex digits".to_owned());
        }
        let Some(path) = key_file else {
            return Ok(Vault::random());
        };
        match std::fs::read_to_string(path) {
            Ok(text) => parse_key(text.trim())
                .map(Vault::from_key)
                .ok_or_else(|| format!("{}: not a 64-hex-digit key", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let v = Vault::random();
                write_key_file(path, &hex::encode(v.key))
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(v)
            }
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Encrypts `plain`, bound to `aad` (the owning object's id). Hex of nonce‖ciphertext.
    pub fn seal(&self, plain: &str, aad: &str) -> String {
        let cipher = Aes256Gcm::new_from_slice(&self.key).expect("32-byte key");
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(ct);
        hex::encode(out)
    }

    /// Decrypts what [`Vault::seal`] made; `None` if it was tampered with or the key differs.
    pub fn open(&self, sealed: &str, aad: &str) -> Option<String> {
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < 12 + 16 {
            return None;
        }
        let cipher = Aes256Gcm::new_from_slice(&self.key).ok()?;
        let (nonce, ct) = bytes.split_at(12);
        let plain = cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }

    /// A webhook endpoint's signing secret as it is stored: sealed (AES-256-GCM,
    /// bound to the endpoint's id), as card data is; never in clear at rest.
    pub fn seal_webhook_secret(&self, endpoint_id: &str, plain: &str) -> String {
        self.seal(plain, &webhook_secret_aad(endpoint_id))
    }

    /// The signing secret a stored value holds: opened (`None` under another
    /// key, or tampered with). A value still in clear (written by an older
    /// build, not yet sealed by `webhooks::seal_secrets` at start) is itself.
    pub fn open_webhook_secret(&self, endpoint_id: &str, stored: &str) -> Option<String> {
        if crate::store::webhooks::is_clear(stored) {
            return Some(stored.to_owned());
        }
        self.open(stored, &webhook_secret_aad(endpoint_id))
    }

    fn derive(&self, purpose: &str, merchant: &str) -> [u8; 32] {
        let mut m = <HmacSha256 as Mac>::new_from_slice(&self.key).expect("any key length");
        m.update(purpose.as_bytes());
        m.update(&[0]);
        m.update(merchant.as_bytes());
        m.finalize().into_bytes().into()
    }

    /// HMAC-SHA256 of `data` under `merchant`'s key for `purpose`, hex.
    pub fn mac(&self, purpose: &str, merchant: &str, data: &[u8]) -> String {
        let k = self.derive(purpose, merchant);
        let mut m = <HmacSha256 as Mac>::new_from_slice(&k).expect("any key length");
        m.update(data);
        hex::encode(m.finalize().into_bytes())
    }

    /// A card's fingerprint: stable per merchant and number, not reversible.
    pub fn fingerprint(&self, merchant: &str, digits: &str) -> String {
        self.mac("fingerprint", merchant, digits.as_bytes())
    }
}

fn parse_key(h: &str) -> Option<[u8; 32]> {
    hex::decode(h).ok()?.try_into().ok()
}

fn write_key_file(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn seal_open_round_trip_and_aad_binding() {
        let v = Vault::random();
        let s = v.seal("4242424242424242", "ses_1");
        assert!(!s.contains("4242424242424242"));
        assert_eq!(v.open(&s, "ses_1").as_deref(), Some("4242424242424242"));
        assert_eq!(v.open(&s, "ses_2"), None);
        assert_ne!(v.fingerprint("a", "4242"), v.fingerprint("b", "4242"));
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;
    #[test]
    fn env_key_and_key_file() {
        let hexkey = "11".repeat(32);
        let a = Vault::load(Some(&hexkey), None).unwrap();
        let b = Vault::from_key([0x11; 32]);
        assert_eq!(b.open(&a.seal("x", "id"), "id").as_deref(), Some("x"));
        assert!(Vault::load(Some("zz"), None).is_err());
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("db.key");
        let first = Vault::load(None, Some(&f)).unwrap();
        let again = Vault::load(None, Some(&f)).unwrap();
        assert_eq!(
            again.open(&first.seal("y", "id"), "id").as_deref(),
            Some("y")
        );
    }
}

/// What a webhook signing secret is bound to when sealed: its endpoint (the
/// current and the rotated-out secret alike, so a rotation moves the sealed value).
fn webhook_secret_aad(endpoint_id: &str) -> String {
    [endpoint_id, ":webhook-secret"].concat()
}
