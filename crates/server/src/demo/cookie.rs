//! The demo shop's account cookie: the browser's demo customer, signed so
//! that a bare, tampered or foreign value names no one.

use super::DemoMerchant;
use crate::ids;
use axum::http::{header, HeaderMap};

/// The key of the account cookie's HMAC-SHA256: derived from the vault key
/// for this merchant (`Vault::mac` under the purpose `demo-cookie`), so it
/// survives a restart and is shared by instances with the same vault key.
#[derive(Clone)]
pub struct CookieKey([u8; 32]);

impl CookieKey {
    /// The key of `merchant`'s demo cookies under `vault`.
    pub fn new(vault: &crate::Vault, merchant: &str) -> Self {
        // The HMAC-SHA256 (32 bytes) under the vault's per-merchant key for this purpose.
        let mut k = [0u8; 32];
        let derived = hex::decode(vault.mac("demo-cookie", merchant, b"")).unwrap_or_default();
        for (to, from) in k.iter_mut().zip(derived) {
            *to = from;
        }
        CookieKey(k)
    }

    fn tag(&self, customer: &str) -> String {
        use hmac::Mac;
        let mut m = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.0)
            .expect("HMAC takes any key length");
        m.update(customer.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// The cookie's value for `customer`: `cus_….<hex HMAC of the id>`.
    pub fn sign(&self, customer: &str) -> String {
        [customer, ".", &self.tag(customer)].concat()
    }

    /// The customer id of a value [`CookieKey::sign`] made with this key;
    /// `None` for a bare id, a tampered tag or another key's value.
    pub fn verify(&self, value: &str) -> Option<String> {
        let (customer, tag) = value.split_once('.')?;
        (ids::is_id("cus_", customer) && crate::config::ct_eq(&self.tag(customer), tag))
            .then(|| customer.to_owned())
    }
}

/// The cookie that keeps the browser's demo customer, signed with
/// [`CookieKey`] (`HttpOnly`: the page never reads it; a real shop has its
/// own sign-in instead).
const COOKIE: &str = "demo_customer";

/// The customer of a validly signed `demo_customer` cookie, if any.
pub(super) fn cookie_customer(m: &DemoMerchant, headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .find_map(|v| m.cookie_key.verify(v))
}

/// `Set-Cookie` of the signed account cookie (`Secure` when the shop is
/// served over https).
pub(super) fn set_cookie(m: &DemoMerchant, customer: &str) -> String {
    let secure = if m.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{COOKIE}={}; Path=/demo/api; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}",
        m.cookie_key.sign(customer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_value_signed_with_the_key_names_a_customer() {
        let vault = crate::Vault::random();
        let key = CookieKey::new(&vault, "default");
        let cus = ids::new_id("cus_");
        let signed = key.sign(&cus);
        assert_eq!(key.verify(&signed).as_deref(), Some(cus.as_str()));
        assert_eq!(key.verify(&cus), None, "a bare id");
        let other = ids::new_id("cus_");
        let swapped = [other.as_str(), &signed[cus.len()..]].concat();
        assert_eq!(key.verify(&swapped), None, "another id under this tag");
        let mut flipped = signed.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(key.verify(std::str::from_utf8(&flipped).unwrap()), None);
        let foreign = CookieKey::new(&crate::Vault::random(), "default");
        assert_eq!(foreign.verify(&signed), None, "another key's value");
        assert_eq!(CookieKey::new(&vault, "other").verify(&signed), None);
    }
}
