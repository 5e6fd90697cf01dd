//! What 3-D Secure needs to know of the browser (PSD2/SCA), sent with card
//! sources: screen size, colour depth, time zone offset, language, user agent.

use crate::js;
use js_sys::Object;
use wasm_bindgen::JsValue;

/// The `browserInfo` object of [`paysession_core::wire::BrowserInfo`], from
/// whatever of `screen` and `navigator` exists (nothing fails without them).
pub fn collect() -> Object {
    let g = js_sys::global();
    let out = js::object();
    let screen = js::get(&g, "screen");
    let nav = js::get(&g, "navigator");
    copy_u32(&out, "screenWidth", &js::get(&screen, "width"));
    copy_u32(&out, "screenHeight", &js::get(&screen, "height"));
    copy_u32(&out, "colorDepth", &js::get(&screen, "colorDepth"));
    let tz = js_sys::Date::new_0().get_timezone_offset();
    if tz.is_finite() {
        js::set(&out, "timeZoneOffset", &JsValue::from_f64(tz.trunc()));
    }
    copy_str(&out, "language", &js::get(&nav, "language"), 35);
    copy_str(&out, "userAgent", &js::get(&nav, "userAgent"), 512);
    js::set(&out, "javaEnabled", &JsValue::FALSE);
    out
}

fn copy_u32(out: &Object, key: &str, v: &JsValue) {
    if let Some(n) = v.as_f64() {
        if n.is_finite() && (0.0..=1.0e6).contains(&n) {
            js::set(out, key, &JsValue::from_f64(n.trunc()));
        }
    }
}

fn copy_str(out: &Object, key: &str, v: &JsValue, max: u32) {
    if matches!(js::str_len(v), Some(n) if n <= max) {
        js::set(out, key, v);
    }
}
