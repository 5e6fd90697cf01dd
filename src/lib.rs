//! paysession: the JavaScript SDK, compiled to WebAssembly.
//!
//! ```js
//! import init, { PaySession } from "./pkg-web/paysession.js";
//! await init();
//! const payments = new PaySession("pk_test_default", { apiBase: "http://127.0.0.1:8080" });
//! const result = await payments.createSource({ sessionId, type: "creditCard", creditCard: { … } });
//! ```
//!
//! Nothing JavaScript passes in can panic the module: every argument is read
//! with `Reflect`, checked against a schema and turned into a
//! `PaySessionError` with a code and the parameter's name.
#![deny(missing_docs)]
// The Elements and card builds (no `dropin` feature) leave the drop-in's
// helpers unused; the card build (no `api`) the other payment types' too;
// the drop-in build (no `elements`) the page's own elements'.
#![cfg_attr(
    not(all(feature = "dropin", feature = "elements")),
    allow(dead_code, unused_imports)
)]

mod api;
mod appearance;
mod args;
mod browser_info;
#[cfg(feature = "dropin")]
mod dropin;
mod elements;
mod error;
mod http;
mod i18n;
mod js;
mod listener;
mod options;
mod scan;
mod schema;
mod session;
#[cfg(test)]
mod shapes_test;
mod source;
mod types;
mod view;

#[cfg(feature = "dropin")]
pub use dropin::Dropin;
pub use elements::PaySessionElement;
pub use error::{Detail, SdkError};
pub use session::PaySession;

// SAFETY: wasm32-unknown-unknown without the atomics feature has one thread,
// so the allocator is never used concurrently.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
