//! The drop-in's DOM, built with `createElement` and `textContent` only
//! (no `innerHTML`, no inline styles: safe under a strict CSP).

use web_sys::{Document, Element};

/// Shopper-facing name of a payment type.
pub fn label(t: &str) -> &str {
    match t {
        "creditCard" => "Credit or debit card",
        "payPal" => "PayPal",
        "klarnaCredit" => "Klarna",
        "ideal" => "iDEAL",
        "sepaDebit" => "SEPA Direct Debit",
        "wireTransfer" => "Wire transfer",
        "giftCard" => "Gift card",
        other => other,
    }
}

/// `<tag class=…>` with its text.
pub fn el(doc: &Document, tag: &str, class: &str, text: &str) -> Option<Element> {
    let e = doc.create_element(tag).ok()?;
    e.set_class_name(class);
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    Some(e)
}

/// The root: a labelled group with a live status line.
pub struct Skeleton {
    /// `div.paysession-dropin`, appended to the mount target.
    pub root: Element,
    /// `p[role=status]`: loading and error messages, announced politely.
    pub status: Element,
}

/// Builds the root and its status line.
pub fn skeleton(doc: &Document) -> Option<Skeleton> {
    let root = el(doc, "div", "paysession-dropin", "")?;
    let _ = root.set_attribute("role", "group");
    let _ = root.set_attribute("aria-label", "Payment");
    let _ = root.set_attribute("aria-busy", "true");
    let status = el(doc, "p", "paysession-status", "Loading payment methods…")?;
    let _ = status.set_attribute("role", "status");
    let _ = status.set_attribute("aria-live", "polite");
    root.append_child(&status).ok()?;
    Some(Skeleton { root, status })
}

/// The list of methods: one toggle button per type, in the backend's order.
pub fn method_list(doc: &Document, types: &[String]) -> Option<(Element, Vec<Element>)> {
    let list = el(doc, "ul", "paysession-methods", "")?;
    let _ = list.set_attribute("aria-label", "Payment methods");
    let mut buttons = Vec::with_capacity(types.len());
    for t in types {
        let item = el(doc, "li", "paysession-method", "")?;
        let b = el(doc, "button", "paysession-method-button", label(t))?;
        let _ = b.set_attribute("type", "button");
        let _ = b.set_attribute("data-type", t);
        let _ = b.set_attribute("aria-pressed", "false");
        item.append_child(&b).ok()?;
        list.append_child(&item).ok()?;
        buttons.push(b);
    }
    Some((list, buttons))
}
