//! The options of `createElement(type, options)` and `update(options)`:
//! `classes`, `style` (allow-listed text properties and pseudo-classes, from
//! core), `appearance` (`crate::appearance`: its variables and `.Input` rules
//! become the style, a `style` given wins per state), `placeholderText`, `label`, and for `cardcvv` only
//! `paymentMethodId` (the field then pays a saved card with the code typed
//! into it). Anything else is a coded error.

use crate::error::SdkError;
use crate::js;
pub(crate) use crate::schema::{keys, unknown};
use js_sys::Object;
use paysession_core::fields::{style_value_ok, STYLE_PROPERTIES, STYLE_PSEUDO, STYLE_STATES};
use wasm_bindgen::JsValue;

/// The state classes, in the order of [`Options::classes`].
pub const CLASS_KEYS: [&str; 6] = [
    "base",
    "complete",
    "empty",
    "focus",
    "invalid",
    "autofilled",
];
const CLASS_DEFAULTS: [&str; 6] = [
    "PaySessionElement",
    "PaySessionElement--complete",
    "PaySessionElement--empty",
    "PaySessionElement--focus",
    "PaySessionElement--invalid",
    "PaySessionElement--autofilled",
];

/// The checked options of one element.
#[derive(Clone)]
pub struct Options {
    /// Class names on the mount target for base and each state.
    pub classes: [String; 6],
    /// The checked style object (sent to the frame as is).
    pub style: JsValue,
    /// `style` as given (checked), and `appearance`: [`Options::style`] is made of both.
    pub(crate) own: JsValue,
    /// Not in the card build (`paysession/card`), which takes `style` and
    /// `classes` only, as Stripe's card Elements do: the appearance's checks
    /// are 1.7 kB brotli of a module whose target is 35 kB with its frame.
    #[cfg(feature = "api")]
    pub(crate) look: Option<crate::appearance::Appearance>,
    /// Placeholder inside the field.
    pub placeholder: String,
    /// The field's accessible name (iframe `title`, input `aria-label`); `None`: the built-in one.
    pub label: Option<String>,
    /// `cardcvv` only: the saved payment method (`pm_…`) its code pays with.
    pub payment_method: Option<String>,
    /// The saved card's brand (wire name), when known (the drop-in).
    pub brand: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            classes: CLASS_DEFAULTS.map(String::from),
            style: JsValue::UNDEFINED,
            own: JsValue::UNDEFINED,
            #[cfg(feature = "api")]
            look: None,
            placeholder: String::new(),
            label: None,
            payment_method: None,
            brand: None,
        }
    }
}

fn text(v: &JsValue, p: &str, max: u32) -> Result<String, SdkError> {
    match js::str_len(v) {
        Some(n) if n <= max => Ok(v.as_string().unwrap_or_default()),
        _ => Err(SdkError::invalid(p, "must be a short string.")),
    }
}

/// Applies `options` over `into` (only the keys given change) for an
/// element of type `kind`.
pub fn apply(into: &mut Options, options: &JsValue, kind: &str) -> Result<(), SdkError> {
    if options.is_undefined() {
        return Ok(());
    }
    for k in keys(options, "options")? {
        let v = js::get(options, &k);
        match k.as_str() {
            "classes" => {
                for c in keys(&v, "classes")? {
                    let p = ["classes.", &c].concat();
                    let Some(i) = CLASS_KEYS.iter().position(|x| *x == c) else {
                        return Err(unknown(&p));
                    };
                    let name = text(&js::get(&v, &c), &p, 64)?;
                    if name.is_empty()
                        || !name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    {
                        return Err(SdkError::invalid(&p, "must be one class name."));
                    }
                    into.classes[i] = name;
                }
            }
            "style" => into.own = style(&v)?.into(),
            #[cfg(feature = "api")]
            "appearance" => into.look = Some(crate::appearance::parse(&v, "appearance", false)?),
            // Refused, never ignored: the page's look would silently differ.
            #[cfg(not(feature = "api"))]
            "appearance" => {
                return Err(SdkError::invalid(
                    "appearance",
                    "is not in paysession/card: style its fields with style and classes, \
                     or import paysession/elements for appearance.",
                ))
            }
            "placeholderText" => into.placeholder = text(&v, "placeholderText", 100)?,
            "label" => into.label = Some(text(&v, "label", 100)?),
            "paymentMethodId" => {
                let id = text(&v, "paymentMethodId", 64)?;
                if kind != "cardcvv" {
                    return Err(SdkError::invalid(
                        "paymentMethodId",
                        "applies only to a cardcvv element.",
                    ));
                }
                if !is_pm(&id) {
                    return Err(SdkError::invalid(
                        "paymentMethodId",
                        "must be a saved payment method's id (pm_…).",
                    ));
                }
                into.payment_method = Some(id);
                into.brand = None;
            }
            _ => return Err(unknown(&["options.", &k].concat())),
        }
    }
    #[cfg(feature = "api")]
    let style = match &into.look {
        Some(a) => crate::appearance::frame_style(a, &into.own),
        None => into.own.clone(),
    };
    #[cfg(not(feature = "api"))]
    let style = into.own.clone();
    into.style = style;
    Ok(())
}

/// The shape of a saved payment method's id: `pm_` and 32 hex digits.
pub fn is_pm(id: &str) -> bool {
    id.len() == 35
        && id.starts_with("pm_")
        && id
            .bytes()
            .skip(3)
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `{base, empty, complete, invalid}`, each of allow-listed properties and
/// pseudo-classes (one level) with plain string values; a copy is returned.
pub(crate) fn style(v: &JsValue) -> Result<Object, SdkError> {
    let out = js::object();
    for state in keys(v, "style")? {
        let p = ["style.", &state].concat();
        if !STYLE_STATES.contains(&state.as_str()) {
            return Err(unknown(&p));
        }
        js::set(&out, &state, &rules(&js::get(v, &state), &p, true)?);
    }
    Ok(out)
}

fn rules(v: &JsValue, at: &str, nest: bool) -> Result<JsValue, SdkError> {
    let out = js::object();
    for k in keys(v, at)? {
        let p = [at, ".", &k].concat();
        let x = js::get(v, &k);
        if nest && STYLE_PSEUDO.contains(&k.as_str()) {
            js::set(&out, &k, &rules(&x, &p, false)?);
        } else if STYLE_PROPERTIES.contains(&k.as_str()) {
            let s = text(&x, &p, 200)?;
            if !style_value_ok(&s) {
                return Err(SdkError::invalid(&p, "must be a plain CSS value."));
            }
            js::set(&out, &k, &s.into());
        } else {
            return Err(unknown(&p));
        }
    }
    Ok(out.into())
}
