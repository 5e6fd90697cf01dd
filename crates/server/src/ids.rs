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
    new_id("ses_")
}
/// A source id.
pub fn source() -> String {
    new_id("src_")
}
/// An order id.
pub fn order() -> String {
    new_id("ord_")
}
/// A client secret for object `id`.
pub fn client_secret(id: &str) -> String {
    new_id(&format!("{id}_secret_"))
}
