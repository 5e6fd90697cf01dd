//! The card form's secure frame (`crate::elements`, kind `card`: one
//! document of the fields origin, number, expiry and code side by side) in
//! the form's `card` container: its parts' names, its style, and the check
//! at submit, which reads only its state (each part's empty, complete,
//! error code; the brand).

use super::config::Config;
use super::inputs::{id, input};
use super::{Mounted, WeakState};
use crate::elements::{Event, PaySessionElement};
use crate::i18n::Texts;
use crate::js;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// The card frame's parts in screen order: label key, and the code of a
/// value left incomplete.
const PARTS: [(&str, &str); 3] = [
    ("field.cardNumber", "incomplete_card_number"),
    ("field.expiry", "incomplete_expiration_date"),
    ("field.cvv", "incomplete_security_code"),
];

/// The card frame's parts' accessible names in `t`'s language (empty
/// before the catalog is in).
pub(super) fn part_texts(t: Option<&Texts>) -> Vec<String> {
    let mut out = Vec::with_capacity(PARTS.len());
    for (key, _) in PARTS {
        out.push(t.map(|t| t.t(key)).unwrap_or_default());
    }
    out
}

/// What a secure field's events go to (`events::field_event`; passed in, so
/// this module does not depend on the handlers, which depend on it).
pub type Hook = fn(&WeakState, &'static str, Event);

/// The card form's secure frame (number, expiry and code) in its container.
pub(super) fn card_frames(hook: Hook, m: &mut Mounted, config: &Config, t: Option<&Texts>) {
    let (Some(group), Some(target)) = (m.group.clone(), input(&m.root, "card")) else {
        return;
    };
    let w = m.state.clone();
    let e = PaySessionElement::make_card(
        &group,
        part_texts(t),
        field_style(config, &target),
        std::rc::Rc::new(move |ev| hook(&w, "card", ev)),
    );
    let _ = e.mount(target.into());
    m.card.push(("card", e));
}

/// A secure field's style in `target` (its container): the container's
/// text style (the theme as the sheet resolved it), the appearance's
/// `.Input` rules, then `paymentMethodConfiguration`'s style.
pub(super) fn field_style(config: &Config, target: &Element) -> JsValue {
    let s = crate::appearance::frame_style(&config.look, &config.card_style);
    let base = crate::appearance::child(&s, "base");
    let merged: JsValue = js::object().into();
    crate::appearance::assign(&merged, &js::get(&text_style(target), "base"));
    crate::appearance::assign(&merged, &base);
    js::set(&s, "base", &merged);
    s
}

/// The drop-in's text style (theme, locale font) for the fields' inputs.
fn text_style(target: &Element) -> JsValue {
    let g = js_sys::global();
    let cs = js::get(&g, "getComputedStyle")
        .dyn_into::<js_sys::Function>()
        .and_then(|f| f.call1(&g, target))
        .unwrap_or_default();
    let base = js::object();
    for k in ["color", "fontFamily", "fontSize"] {
        if let Some(v) = js::get(&cs, k)
            .as_string()
            .filter(|v| !v.is_empty() && paysession_core::fields::style_value_ok(v))
        {
            js::set(&base, k, &v.into());
        }
    }
    let o = js::object();
    js::set(&o, "base", &base);
    o.into()
}

/// Checks the card frame at submit: the first failing part's message under
/// it, the empty parts marked required inside it; the frame, that part and
/// its message.
pub fn check_card<'a>(m: &'a Mounted, t: &Texts) -> Option<(&'a PaySessionElement, usize, String)> {
    let (fid, e) = m.card.first()?;
    let f = e.state();
    // Before its first change the frame has said nothing of its parts: all empty.
    let parts = f.parts.unwrap_or([(true, false, None); 3]);
    let bad = parts
        .iter()
        .zip(PARTS)
        .enumerate()
        .find_map(|(i, (p, (_, left)))| {
            let code = match p {
                (_, true, _) => return None,
                (true, _, _) => "missing_parameter",
                (_, _, shown) => shown.map_or(left, |c| c.as_str()),
            };
            Some((i, t.error(code)))
        });
    if let Some(line) = input(&m.root, &id(fid, "-e")) {
        line.set_text_content(bad.as_ref().map(|b| b.1.as_str()));
    }
    if parts.iter().any(|p| p.0) {
        e.required(&t.error("missing_parameter"));
    }
    bad.map(|(i, msg)| (e, i, msg))
}
