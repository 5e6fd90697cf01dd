//! [`Secret`]: a value that never shows itself in `Debug` or `Display`.

use serde::{Deserialize, Deserializer};

/// Wraps card numbers, security codes, PINs and keys so that a stray
/// `{:?}` or log line prints `Secret(***)` instead of the value.
/// It deliberately does not implement `Serialize`: to send or store it,
/// call [`Secret::expose`] at the one place that must.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub fn new(v: T) -> Self {
        Secret(v)
    }
    /// The inner value, for the code that must use it.
    pub fn expose(&self) -> &T {
        &self.0
    }
    /// Unwraps into the inner value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> core::fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn debug_masks() {
        let s = Secret::new(String::from("4242424242424242"));
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "4242424242424242");
    }
}
