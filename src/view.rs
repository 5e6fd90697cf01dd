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

/// `<a href=url target=_blank rel="noopener noreferrer">text</a>`, or `None`
/// when `url` (from the network or the page) is not an absolute http(s) URL
/// (core's rule: no `javascript:`, no user information).
pub fn link(doc: &Document, text: &str, url: &JsValue) -> Option<Element> {
    let u = url
        .as_string()
        .filter(|u| paysession_core::http_url::is_absolute_http(u))?;
    let a = el(doc, "a", "", text);
    attrs(
        &a,
        &[
            ("href", &u),
            ("target", "_blank"),
            ("rel", "noopener noreferrer"),
        ],
    );
    Some(a)
}

/// The mount target: an element id (`#` optional) or an element.
pub fn target(target: &JsValue) -> Option<Element> {
    match target.as_string() {
        Some(id) => web_sys::window()?
            .document()?
            .get_element_by_id(id.trim_start_matches('#')),
        None => target.clone().dyn_into::<Element>().ok(),
    }
}

/// The compliance section (the drop-in's, and the compliance element's):
/// "{seller} is the seller of record" and links to the legal documents of
/// `c` (`businessEntity`, `termsOfSale.url`, …), worded by `t`.
pub fn legal(doc: &Document, t: &crate::i18n::Texts, body: &Element, c: &JsValue) {
    let Some(seller) = js::get(&js::get(c, "businessEntity"), "name").as_string() else {
        return;
    };
    add(
        body,
        &[&el(
            doc,
            "p",
            "c",
            &t.t1("compliance.seller", "{seller}", &seller),
        )],
    );
    let p = el(doc, "p", "c", "");
    for (key, field) in LEGAL {
        if let Some(a) = link(doc, &t.t(key), &js::get(&js::get(c, field), "url")) {
            add(&p, &[&a]);
        }
    }
    add(body, &[&p]);
}

/// The linked documents: catalog key and field of the compliance object.
pub const LEGAL: [(&str, &str); 4] = [
    ("compliance.terms", "termsOfSale"),
    ("compliance.privacy", "privacyPolicy"),
    ("compliance.cancellation", "cancellationRights"),
    ("compliance.legal", "legalNotice"),
];
