//! Small DOM helpers: elements are made with `createElement`, text goes in
//! with `textContent` only (never `innerHTML`), and there are no inline
//! styles, so the widget is safe under a strict Content-Security-Policy.

use crate::js;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Node};

/// `<tag class=…>` with its text (none when empty).
pub fn el(doc: &Document, tag: &str, class: &str, text: &str) -> Element {
    // createElement fails only for an invalid tag name; ours are literals.
    let e = doc.create_element(tag).unwrap_or_else(|_| unreachable_el());
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    e
}

#[cold]
fn unreachable_el() -> Element {
    // Never reached (a literal tag name cannot fail); a plain object keeps it panic-free.
    JsValue::from(js::object()).unchecked_into()
}

/// Sets attributes from `(name, value)` pairs.
pub fn attrs(e: &Element, list: &[(&str, &str)]) {
    for (k, v) in list {
        let _ = e.set_attribute(k, v);
    }
}

/// Appends children.
pub fn add(parent: &Node, kids: &[&Element]) {
    for k in kids {
        let _ = parent.append_child(k);
    }
}

/// Shows or hides with the `hidden` attribute.
pub fn hide(e: &Element, hidden: bool) {
    let _ = if hidden {
        e.set_attribute("hidden", "")
    } else {
        e.remove_attribute("hidden")
    };
}

/// `el.value` as a string.
pub fn value(e: &JsValue) -> String {
    js::get(e, "value").as_string().unwrap_or_default()
}

/// `el.value = v`.
pub fn set_value(e: &JsValue, v: &str) {
    js::set(e, "value", &v.into());
}

/// `el[name]()` (focus, showModal, close, …); a missing method does nothing.
pub fn call(e: &JsValue, name: &str) {
    if let Ok(f) = js::get(e, name).dyn_into::<js_sys::Function>() {
        let _ = f.call0(e);
    }
}
