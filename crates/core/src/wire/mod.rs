//! Wire types of the contract (camelCase JSON). Request types reject unknown
//! fields; raw shopper input stays as typed strings/numbers here and is
//! validated into [`crate::card`] / [`crate::iban`] types by the code that uses it,
//! so that each error names its parameter.
//!
//! One module per object of the API; every type is also here, as
//! `wire::Session`, `wire::CreateSource`, ….

mod customer;
#[cfg(feature = "openapi")]
mod openapi;
mod order;
mod party;
mod payment_methods;
mod session;
mod source;
mod source_input;

pub use customer::*;
pub use order::*;
pub use party::*;
pub use payment_methods::*;
pub use session::*;
pub use source::*;
pub use source_input::*;
