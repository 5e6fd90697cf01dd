//! Random identifiers: a prefix and 128 random bits in hex.

use rand::RngCore;

/// `prefix` + 32 hex digits of a fresh random 128-bit value.
pub fn new_id(prefix: &str) -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    format!("{prefix}{}", hex::encode(b))
}

/// A session id.
pub fn session() -> String {
    new_id(SESSION)
}
/// A source id.
pub fn source() -> String {
    new_id(SOURCE)
}
/// An order id.
pub fn order() -> String {
    new_id("ord_")
}
/// A customer id.
pub fn customer() -> String {
    new_id("cus_")
}
/// A saved payment method id.
pub fn payment_method() -> String {
    new_id("pm_")
}
/// A client secret for object `id`.
pub fn client_secret(id: &str) -> String {
    new_id(&format!("{id}_secret_"))
}

/// The prefix of session ids.
pub const SESSION: &str = "ses_";
/// The prefix of source ids.
pub const SOURCE: &str = "src_";

/// Whether `s` has the shape [`new_id`] gives with `prefix`: the prefix and
/// 32 lowercase hex digits (so it is safe in a URL path and a header).
pub fn is_id(prefix: &str, s: &str) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}
