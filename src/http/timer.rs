//! Timers without leaked closures: `setTimeout` with a JavaScript function
//! (a bound `AbortController.abort`, a promise's `resolve`), cleared on drop.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(f: &Function, ms: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue) -> Result<(), JsValue>;
}

/// A pending `setTimeout`, cancelled when dropped.
#[must_use = "dropping the timer cancels it"]
pub struct Timeout {
    id: JsValue,
}

impl Timeout {
    /// Calls `f` after `ms` milliseconds unless dropped first.
    pub fn new(f: &Function, ms: f64) -> Timeout {
        Timeout {
            id: set_timeout(f, ms).unwrap_or(JsValue::UNDEFINED),
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        let _ = clear_timeout(&self.id);
    }
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: f64) {
    let p = Promise::new(&mut |resolve, _reject| {
        let _ = set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(p).await;
}
