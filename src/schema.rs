//! A small declarative checker for the objects JavaScript passes in.
//!
//! Each object is described by a static list of [`Field`]s. [`clean`] walks the
//! input with `Reflect` (never trusting its prototype or getters), rejects
//! unknown keys, wrong types, `null` and oversized strings with a code and the
//! dotted parameter name, and returns a fresh object holding only the known
//! fields: that copy is what the SDK validates further and sends.

use crate::error::SdkError;
use crate::js;
use js_sys::{Object, Reflect};
use paysession_core::ErrorCode;
use wasm_bindgen::JsValue;

/// The expected type of a field.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A string of at most this many UTF-16 units.
    Str(u32),
    /// A string a core rule judges, of at most this many units (core's input
    /// maximum for the rule): a longer one gets the rule's code, as at the server.
    Rule(u32, ErrorCode),
    /// An integer in `min..=max`: a number, or a string of up to 12 digits.
    Int(i64, i64),
    /// A boolean.
    Bool,
    /// A nested object.
    Obj(&'static [Field]),
    /// An array of at most this many strings of at most 64 units.
    StrList(u32),
    /// A function (a callback).
    Func,
    /// A plain object passed on as is: its own rule checks it and makes the
    /// copy that is kept (the appearance, a style).
    Raw,
}

/// One known field.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// JavaScript name.
    pub name: &'static str,
    /// Expected type.
    pub kind: Kind,
    /// Whether it must be present.
    pub required: bool,
}

/// An optional field.
pub const fn opt(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

/// A required field.
pub const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

/// The most keys an input object may have.
const MAX_KEYS: u32 = 64;

/// `p` is not a known field: `unknown_parameter` naming it.
pub fn unknown(p: &str) -> SdkError {
    SdkError::validation(
        ErrorCode::UnknownParameter,
        p,
        &[p, " is not a known field."].concat(),
    )
}

/// The own string keys of a plain object (`name` says which, in errors),
/// at most [`MAX_KEYS`].
pub fn keys(v: &JsValue, name: &str) -> Result<Vec<String>, SdkError> {
    if !js::is_record(v) {
        return Err(SdkError::invalid(name, "must be an object."));
    }
    let ks = Reflect::own_keys(v).map_err(|_| SdkError::invalid(name, "cannot be read."))?;
    if ks.length() > MAX_KEYS {
        return Err(SdkError::invalid(name, "has too many fields."));
    }
    Ok(ks.iter().filter_map(|k| k.as_string()).collect())
}

/// `prefix.name`, or `name` at the top level.
pub fn path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.into()
    } else {
        [prefix, ".", name].concat()
    }
}

/// Checks `value` against `fields`; `at` names it in errors (`""` = the argument itself,
/// reported as `what`).
pub fn clean(value: &JsValue, fields: &[Field], at: &str, what: &str) -> Result<Object, SdkError> {
    let name = if at.is_empty() { what } else { at };
    if !js::is_record(value) {
        let code = if value.is_undefined() {
            ErrorCode::MissingParameter
        } else {
            ErrorCode::InvalidParameter
        };
        return Err(SdkError::validation(
            code,
            name,
            &[name, " must be an object."].concat(),
        ));
    }
    let keys = Reflect::own_keys(value).map_err(|_| SdkError::invalid(name, "cannot be read."))?;
    if keys.length() > MAX_KEYS {
        return Err(SdkError::invalid(name, "has too many fields."));
    }
    let mut own = Vec::with_capacity(keys.length() as usize);
    for key in keys.iter() {
        let Some(k) = key.as_string() else { continue };
        if !fields.iter().any(|f| f.name == k) {
            let p = path(at, &k);
            return Err(SdkError::validation(
                ErrorCode::UnknownParameter,
                &p,
                &[&p, " is not a known field."].concat(),
            ));
        }
        own.push(k);
    }
    let out = js::object();
    for f in fields {
        let p = path(at, f.name);
        // Own properties only: nothing inherited (a polluted prototype) is read.
        let v = if own.iter().any(|k| k == f.name) {
            js::try_get(value, f.name).map_err(|_| SdkError::invalid(&p, "cannot be read."))?
        } else {
            JsValue::UNDEFINED
        };
        if v.is_undefined() {
            if f.required {
                return Err(SdkError::validation(
                    ErrorCode::MissingParameter,
                    &p,
                    &[&p, " is required."].concat(),
                ));
            }
            continue;
        }
        if v.is_null() {
            return Err(SdkError::validation(
                ErrorCode::NullNotAllowed,
                &p,
                &[&p, " may not be null; leave it out instead."].concat(),
            ));
        }
        let cleaned = check(&v, f.kind, &p)?;
        js::set(&out, f.name, &cleaned);
    }
    Ok(out)
}

fn check(v: &JsValue, kind: Kind, p: &str) -> Result<JsValue, SdkError> {
    match kind {
        Kind::Str(max) => match js::str_len(v) {
            None => Err(SdkError::invalid(p, "must be a string.")),
            Some(n) if n > max => Err(SdkError::invalid(p, "is too long.")),
            Some(_) => Ok(v.clone()),
        },
        Kind::Rule(max, code) => match js::str_len(v) {
            None => Err(SdkError::invalid(p, "must be a string.")),
            Some(n) if n > max => Err(SdkError::validation(code, p, "is not valid.")),
            Some(_) => Ok(v.clone()),
        },
        Kind::Int(min, max) => int(v, p, min, max).map(|n| JsValue::from_f64(n as f64)),
        Kind::Bool => match v.as_bool() {
            Some(_) => Ok(v.clone()),
            None => Err(SdkError::invalid(p, "must be true or false.")),
        },
        Kind::Obj(fields) => clean(v, fields, p, p).map(Into::into),
        Kind::Func if v.is_function() => Ok(v.clone()),
        Kind::Func => Err(SdkError::invalid(p, "must be a function.")),
        Kind::Raw if js::is_record(v) => Ok(v.clone()),
        Kind::Raw => Err(SdkError::invalid(p, "must be an object.")),
        Kind::StrList(max) => {
            let Some(arr) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Array>(v) else {
                return Err(SdkError::invalid(p, "must be an array of strings."));
            };
            if arr.length() > max {
                return Err(SdkError::invalid(p, "has too many entries."));
            }
            let out = js_sys::Array::new();
            for item in arr.iter() {
                match js::str_len(&item) {
                    Some(n) if n <= 64 => {
                        out.push(&item);
                    }
                    _ => return Err(SdkError::invalid(p, "must be an array of strings.")),
                }
            }
            Ok(out.into())
        }
    }
}

/// An integer from a number or a short digit string, within `min..=max`.
pub fn int(v: &JsValue, p: &str, min: i64, max: i64) -> Result<i64, SdkError> {
    let n = if let Some(f) = v.as_f64() {
        if !f.is_finite() || f.fract() != 0.0 || f.abs() > 9.0e15 {
            return Err(SdkError::invalid(p, "must be a whole number."));
        }
        f as i64
    } else {
        match js::str_len(v) {
            Some(1..=12) => {}
            _ => return Err(SdkError::invalid(p, "must be a whole number.")),
        }
        let s = v.as_string().unwrap_or_default();
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SdkError::invalid(p, "must be a whole number."));
        }
        s.parse::<i64>()
            .map_err(|_| SdkError::invalid(p, "must be a whole number."))?
    };
    if n < min || n > max {
        return Err(SdkError::invalid(p, "is out of range."));
    }
    Ok(n)
}

/// Reads a string field of an object [`clean`] returned.
pub fn string(obj: &JsValue, key: &str) -> Option<String> {
    js::get(obj, key).as_string()
}

/// Reads an integer field of an object [`clean`] returned.
pub fn integer(obj: &JsValue, key: &str) -> Option<i64> {
    js::get(obj, key).as_f64().map(|f| f as i64)
}
