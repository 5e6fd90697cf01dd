//! `appearance: {theme, variables, rules}` (Stripe's Appearance API shape),
//! for the drop-in (`createDropin`, `dropin.update`) and the card Elements
//! (`createElement`, `element.update`). A theme is a set of variables; the
//! variables and `.Input*` rules reach inside the secure fields' frames as
//! the Elements' `style` (text properties only, checked again by the frame);
//! the drop-in also writes them as custom properties and rules into its own
//! constructed sheet (`dropin::style`). Every value passes core's
//! `style_value_ok` (no `; { } < > \ @`, `url(`, `image-set`, `expression`,
//! `/*`; parentheses and quotes balanced), every property core's
//! allow-lists, every rule key the table here: anything else is a coded
//! error naming it.

use crate::error::SdkError;
use crate::js;
use crate::schema::{self, opt, unknown, Field, Kind};
use paysession_core::fields::{style_value_ok, BOX_PROPERTIES, STYLE_PROPERTIES};
use wasm_bindgen::JsValue;

/// `appearance`'s own keys.
pub const FIELDS: &[Field] = &[
    opt("theme", Kind::Str(16)),
    opt("variables", Kind::Raw),
    opt("rules", Kind::Raw),
];

/// The variables: name, and the drop-in's custom property (`--ps-…`).
const VARS: [(&str, &str); 11] = [
    ("colorPrimary", "color-primary"),
    ("colorBackground", "color-background"),
    ("colorText", "color-text"),
    ("colorDanger", "color-error"),
    ("colorBorder", "color-border"),
    ("fontFamily", "font"),
    ("fontSizeBase", "font-size"),
    ("fontSizeSm", "font-size-sm"),
    ("spacingUnit", "space"),
    ("borderRadius", "radius"),
    ("focusRing", "focus"),
];

/// The themes: each a value per variable of [`VARS`] (`""`: the sheet's default).
const THEMES: [(&str, [&str; 11]); 3] = [
    ("default", [""; 11]),
    (
        "dark",
        [
            "#2563eb",
            "#1f2937",
            "#f3f4f6",
            "#fca5a5",
            "#4b5563",
            "",
            "",
            "",
            "",
            "",
            "2px solid #93c5fd",
        ],
    ),
    (
        "flat",
        [
            "#111827",
            "#fff",
            "#111827",
            "#b91c1c",
            "#e5e7eb",
            "",
            "",
            "",
            "",
            "0",
            "2px solid #111827",
        ],
    ),
];

/// The `.Input` rules: key, and where they go inside a frame (the Elements'
/// `style` state and pseudo-class).
const INPUT_RULES: [(&str, &str, &str); 6] = [
    (".Input", "base", ""),
    (".Input:hover", "base", ":hover"),
    (".Input:focus", "base", ":focus"),
    (".Input:disabled", "base", ":disabled"),
    (".Input::placeholder", "base", "::placeholder"),
    (".Input--invalid", "invalid", ""),
];

/// The drop-in's parts: rule key and its selector in the drop-in's shadow
/// root; the first six are [`INPUT_RULES`]' (their in-page inputs and the
/// secure fields' containers).
#[cfg(feature = "dropin")]
const PART_RULES: [(&str, &str); 17] = [
    (".Input", "input[type=text],.PaySessionElement"),
    (
        ".Input:hover",
        "input[type=text]:hover,.PaySessionElement:hover",
    ),
    (
        ".Input:focus",
        "input[type=text]:focus,.PaySessionElement--focus",
    ),
    (".Input:disabled", "input[type=text]:disabled"),
    (".Input::placeholder", "input[type=text]::placeholder"),
    (
        ".Input--invalid",
        "input[aria-invalid=true],.PaySessionElement--invalid",
    ),
    (".Label", "label"),
    (".Tab", "li"),
    (".Tab:hover", "li:hover"),
    (".Tab:focus", ".m:focus-visible"),
    (".Tab--selected", "li:has(>[aria-expanded=true])"),
    (".Button", ".pay"),
    (".Button:hover", ".pay:enabled:hover"),
    (".Button:focus", ".pay:focus-visible"),
    (".Button:disabled", ".pay:disabled"),
    (".Error", ".e"),
    (
        ".Label--invalid",
        "div:has(>[aria-invalid=true],>.PaySessionElement--invalid)>label",
    ),
];

/// A checked appearance: each variable's value (`""`: unset) and each
/// rule's declarations (index into the rule table, property, value).
#[derive(Clone, Default)]
pub struct Appearance {
    /// (index into [`VARS`], value); a later one wins (in CSS too).
    vars: Vec<(usize, String)>,
    rules: Vec<(usize, &'static str, String)>,
}

/// The rule keys allowed here: the drop-in's parts, or (an element) the
/// input's only.
fn rule_index(key: &str, parts: bool) -> Option<usize> {
    #[cfg(feature = "dropin")]
    if parts {
        return PART_RULES.iter().position(|r| r.0 == key);
    }
    let _ = parts;
    INPUT_RULES.iter().position(|r| r.0 == key)
}

fn value(v: &JsValue, p: &str) -> Result<String, SdkError> {
    match v.as_string() {
        Some(s) if style_value_ok(&s) => Ok(s),
        _ => Err(SdkError::invalid(p, "must be a plain CSS value.")),
    }
}

/// The own keys of a checked plain object (none if it is not one).
pub fn keys(v: &JsValue) -> Vec<String> {
    schema::keys(v, "").unwrap_or_default()
}

/// Checks `v` (at `at`, e.g. `appearance`); `parts`: the drop-in's part
/// rules are allowed (an element has only its input).
pub fn parse(v: &JsValue, at: &str, parts: bool) -> Result<Appearance, SdkError> {
    let c = schema::clean(v, FIELDS, at, at)?;
    let mut a = Appearance::default();
    if let Some(t) = schema::string(&c, "theme") {
        let Some((_, vals)) = THEMES.iter().find(|x| x.0 == t) else {
            return Err(SdkError::invalid(
                &[at, ".theme"].concat(),
                "must be default, dark or flat.",
            ));
        };
        for (i, v) in vals.iter().enumerate() {
            if !v.is_empty() {
                a.vars.push((i, String::from(*v)));
            }
        }
    }
    let vars = js::get(&c, "variables");
    if !vars.is_undefined() {
        for k in schema::keys(&vars, &[at, ".variables"].concat())? {
            let p = [at, ".variables.", &k].concat();
            let Some(i) = VARS.iter().position(|x| x.0 == k) else {
                return Err(unknown(&p));
            };
            a.vars.push((i, value(&js::get(&vars, &k), &p)?));
        }
    }
    let rules = js::get(&c, "rules");
    if !rules.is_undefined() {
        let ks = keys(&rules);
        if ks.len() > 32 {
            return Err(SdkError::invalid(
                &[at, ".rules"].concat(),
                "has too many fields.",
            ));
        }
        for k in ks {
            let p = [at, ".rules.", &k].concat();
            let Some(i) = rule_index(&k, parts) else {
                return Err(unknown(&p));
            };
            let r = js::get(&rules, &k);
            for prop in schema::keys(&r, &p)? {
                let q = [&p, ".", &prop].concat();
                let Some(name) = STYLE_PROPERTIES
                    .iter()
                    .chain(BOX_PROPERTIES)
                    .find(|x| **x == prop)
                else {
                    return Err(unknown(&q));
                };
                a.rules.push((i, name, value(&js::get(&r, &prop), &q)?));
            }
        }
    }
    Ok(a)
}

/// Copies the own properties of `from` onto `into`.
pub fn assign(into: &JsValue, from: &JsValue) {
    for k in keys(from) {
        js::set(into, &k, &js::get(from, &k));
    }
}

/// Sets `k` of `o` to a fresh object unless it holds one; returns it.
pub fn child(o: &JsValue, k: &str) -> JsValue {
    let c = js::get(o, k);
    if js::is_record(&c) {
        return c;
    }
    let n: JsValue = js::object().into();
    js::set(o, k, &n);
    n
}

/// The Elements' `style` of this appearance (what a frame applies): the
/// text variables on `base`, the `.Input*` rules' text properties (not
/// `padding` and `backgroundColor`: they belong to the input's box, the
/// container). `over`, a checked `style`, wins per state.
pub fn frame_style(a: &Appearance, over: &JsValue) -> JsValue {
    let out: JsValue = js::object().into();
    let base = child(&out, "base");
    for (i, v) in &a.vars {
        let k = match i {
            2 => "color",
            5 => "fontFamily",
            6 => "fontSize",
            _ => continue,
        };
        js::set(&base, k, &v.as_str().into());
    }
    for (i, prop, v) in &a.rules {
        let Some((_, state, pseudo)) = INPUT_RULES.get(*i) else {
            continue;
        };
        if !STYLE_PROPERTIES.contains(prop) || *prop == "padding" || *prop == "backgroundColor" {
            continue;
        }
        let mut o = child(&out, state);
        if !pseudo.is_empty() {
            o = child(&o, pseudo);
        }
        js::set(&o, prop, &v.as_str().into());
    }
    over_style(&out, over);
    out
}

/// Assigns each state of the style `over` over that state of `into`.
pub fn over_style(into: &JsValue, over: &JsValue) {
    if js::is_record(over) {
        for k in keys(over) {
            assign(&child(into, &k), &js::get(over, &k));
        }
    }
}

/// The drop-in's sheet for this appearance: the variables as custom
/// properties on the host, then each rule (camelCase → CSS names).
#[cfg(feature = "dropin")]
pub fn css(a: &Appearance) -> String {
    let mut out = String::from(":host{");
    for (i, v) in &a.vars {
        out += &["--ps-", VARS[*i].1, ":", v, ";"].concat();
    }
    out.push('}');
    for (i, prop, v) in &a.rules {
        out += PART_RULES[*i].1;
        out.push('{');
        out += &kebab(prop);
        out += &[":", v, "}"].concat();
    }
    out
}

/// `fontSize` → `font-size`.
#[cfg(feature = "dropin")]
pub fn kebab(p: &str) -> String {
    let mut s = String::with_capacity(p.len() + 4);
    for c in p.chars() {
        if c.is_ascii_uppercase() {
            s.push('-');
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}
