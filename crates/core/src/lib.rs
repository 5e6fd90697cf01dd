//! `paysession-core`: the vocabulary shared by the SDK (compiled to WebAssembly)
//! and the session backend. Plain Rust: no wasm-bindgen, no web-sys, no I/O.
//!
//! Everything that validates shopper or merchant input lives here once; the
//! SDK validates for instant feedback and the server re-validates as the
//! authority.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod card;
pub mod country;
pub mod email;
pub mod error;
pub mod gift_card;
pub mod http_url;
pub mod iban;
pub mod lifecycle;
pub mod methods;
pub mod money;
pub mod owner;
pub mod secret;
pub mod secure_field;
pub mod state;
#[cfg(feature = "webhook")]
pub mod webhook;
pub mod wire;

pub use error::{ApiError, ErrorCode, ErrorDetail, ErrorType};
pub use money::{Amount, Currency};
pub use secret::Secret;
/// The old name of [`secure_field`], kept until the SDK (`src/`) and the
/// server's fields origin (`crates/server/src/fields_origin.rs`), which are being
/// rewritten, name it `secure_field`; nothing in core uses it.
pub use secure_field as fields;
