//! What 3-D Secure needs to know of the browser (PSD2/SCA), sent with card
//! sources: screen size, colour depth, time zone offset, language, user agent
//! (`src/browser_info.js`: the object of
//! [`paysession_core::wire::BrowserInfo`], made in one call).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/browser_info.js")]
extern "C" {
    /// The `browserInfo` object: whatever of `screen` and `navigator`
    /// exists, each value checked (nothing fails without them).
    #[wasm_bindgen(js_name = browserInfo)]
    pub fn collect() -> JsValue;
}
