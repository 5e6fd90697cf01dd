//! Webhook signatures (feature `webhook`: the server, the tests and the demo
//! merchant; never the SDK). Every delivery carries
//!
//! ```text
//! PaySession-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
//! ```
//!
//! with one `v1=` per secret that signs it (two while a rotated secret is
//! still in its overlap, docs/API.md §5.19). A receiver recomputes the HMAC
//! over the raw body with its secret, accepts the delivery if any `v1=`
//! matches (compared in constant time) and `t` is within its tolerance of
//! its own clock ([`DEFAULT_TOLERANCE`]), which bounds a replay.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header's name.
pub const HEADER: &str = "PaySession-Signature";

/// How far `t` may be from the receiver's clock, in seconds, unless it says
/// otherwise: a captured delivery replayed later than this is refused.
pub const DEFAULT_TOLERANCE: u64 = 300;

/// The prefix of signing secrets.
pub const SECRET_PREFIX: &str = "whsec_";

/// Why a delivery's signature was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// No `t=` or no `v1=`, or a malformed part.
    Malformed,
    /// `t` is further from now than the tolerance.
    Expired,
    /// No `v1=` is the HMAC of this body with this secret.
    Mismatch,
}

impl core::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            VerifyError::Malformed => "malformed PaySession-Signature header",
            VerifyError::Expired => "signature timestamp outside the tolerance",
            VerifyError::Mismatch => "no signature matches the body and the secret",
        })
    }
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    // An HMAC takes a key of any length: `new_from_slice` cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes()
        .chunks(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

/// The hex HMAC-SHA256 of `t + "." + body` under `secret` (one `v1=`).
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    hex(&mac(secret, t, body).finalize().into_bytes())
}

/// The header's value for `body` sent at `t` (unix seconds), one `v1=` per
/// secret in `secrets` (the current one first).
pub fn header(secrets: &[&str], t: i64, body: &[u8]) -> String {
    let mut h = format!("t={t}");
    for s in secrets {
        h.push_str(",v1=");
        h.push_str(&signature(s, t, body));
    }
    h
}

/// Checks `header` (the `PaySession-Signature` value) for the raw `body`
/// with `secret`, at `now` (unix seconds), accepting a `t` at most
/// `tolerance` seconds away. Returns `t`. Unknown schemes (`v0=`, …) are
/// ignored, so a future scheme can be added beside `v1`.
pub fn verify(
    header: &str,
    body: &[u8],
    secret: &str,
    now: i64,
    tolerance: u64,
) -> Result<i64, VerifyError> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or(VerifyError::Malformed)?;
        match k {
            "t" => {
                let n = v.parse::<i64>().map_err(|_| VerifyError::Malformed)?;
                if t.replace(n).is_some() {
                    return Err(VerifyError::Malformed);
                }
            }
            "v1" => sigs.push(unhex(v).ok_or(VerifyError::Malformed)?),
            _ => {}
        }
    }
    let t = t.ok_or(VerifyError::Malformed)?;
    if sigs.is_empty() {
        return Err(VerifyError::Malformed);
    }
    if now.abs_diff(t) > tolerance {
        return Err(VerifyError::Expired);
    }
    // `verify_slice` compares in constant time.
    if sigs
        .iter()
        .any(|s| mac(secret, t, body).verify_slice(s).is_ok())
    {
        Ok(t)
    } else {
        Err(VerifyError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer() {
        // Against an independent computation (OpenSSL):
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_700_000_000, br#"{"a":1}"#),
            "38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn signs_and_verifies() {
        let body = br#"{"id":"evt_1"}"#;
        let h = header(&["whsec_a"], 1000, body);
        assert!(h.starts_with("t=1000,v1="));
        assert_eq!(verify(&h, body, "whsec_a", 1000, 300), Ok(1000));
        assert_eq!(verify(&h, body, "whsec_a", 1300, 300), Ok(1000));
        assert_eq!(verify(&h, body, "whsec_a", 700, 300), Ok(1000));
        assert_eq!(
            verify(&h, body, "whsec_a", 1301, 300),
            Err(VerifyError::Expired)
        );
        assert_eq!(
            verify(&h, body, "whsec_b", 1000, 300),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(&h, br#"{"id":"evt_2"}"#, "whsec_a", 1000, 300),
            Err(VerifyError::Mismatch)
        );
        // A changed timestamp breaks the signature.
        let moved = h.replacen("t=1000", "t=1001", 1);
        assert_eq!(
            verify(&moved, body, "whsec_a", 1000, 300),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn rotation_signs_with_both() {
        let body = b"{}";
        let h = header(&["whsec_new", "whsec_old"], 5, body);
        assert_eq!(h.matches("v1=").count(), 2);
        assert_eq!(verify(&h, body, "whsec_new", 5, 300), Ok(5));
        assert_eq!(verify(&h, body, "whsec_old", 5, 300), Ok(5));
        assert_eq!(
            verify(&h, body, "whsec_other", 5, 300),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn malformed_headers() {
        let good = signature("s", 5, b"x");
        for h in [
            String::new(),
            "t=5".into(),
            format!("v1={good}"),
            format!("t=x,v1={good}"),
            format!("t=5,t=5,v1={good}"),
            "t=5,v1=zz".into(),
            "t=5,v1=abc".into(),
            format!("t=5;v1={good}"),
        ] {
            assert_eq!(
                verify(&h, b"x", "s", 5, 300),
                Err(VerifyError::Malformed),
                "{h}"
            );
        }
        // Unknown schemes beside v1 are ignored.
        assert_eq!(
            verify(&format!("t=5,v0=00,v1={good}"), b"x", "s", 5, 300),
            Ok(5)
        );
    }
}
