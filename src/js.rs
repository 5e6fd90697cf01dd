//! Small, panic-free helpers over `Reflect` for reading what JavaScript passes in.
//! Every accessor that could run user code (getters, proxies) is caught.

use js_sys::Object;
use wasm_bindgen::prelude::*;

// `Reflect.get` and `Reflect.set` with the key passed as a string: one call
// into JavaScript each, where `Reflect::get(obj, &JsValue::from_str(key))`
// made two (the key's string, then the call) and held the key in the
// externref table between them.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(obj: &JsValue, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = set)]
    fn reflect_set(obj: &JsValue, key: &str, value: &JsValue) -> Result<bool, JsValue>;
}

/// `obj[key]`, or `undefined` when reading throws or `obj` is not an object.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    reflect_get(obj, key).unwrap_or(JsValue::UNDEFINED)
}

/// `obj[key]` of an object, or the error its getter threw.
pub fn try_get(obj: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    reflect_get(obj, key)
}

/// `obj[key] = value` on an object the SDK made (cannot fail meaningfully).
pub fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = reflect_set(obj, key, value);
}

/// A fresh `{}`.
pub fn object() -> Object {
    Object::new()
}

/// `true` for a plain object argument: not `null`, an array or a function.
pub fn is_record(v: &JsValue) -> bool {
    v.is_object() && !js_sys::Array::is_array(v) && !v.is_function()
}

/// The length of a JavaScript string in UTF-16 units, without copying it.
pub fn str_len(v: &JsValue) -> Option<u32> {
    use wasm_bindgen::JsCast;
    v.dyn_ref::<js_sys::JsString>().map(|s| s.length())
}

/// Decimal digits of `n` (without `core::fmt`).
pub fn itoa(mut n: u64) -> String {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf[i..].iter().map(|&b| b as char).collect()
}
