//! `new PaySession(publicKey, options)`: the key and options, checked.

use crate::error::SdkError;
use crate::http::Client;
use crate::js;
use crate::schema::{self, opt, Kind};
use paysession_core::ErrorCode;
use wasm_bindgen::JsValue;

const OPTIONS: &[schema::Field] = &[
    opt("apiBase", Kind::Str(512)),
    opt("locale", Kind::Str(35)),
    opt("timeoutMs", Kind::Int(1, 600_000)),
    opt("maxRetries", Kind::Int(0, 10)),
    opt("fieldsBase", Kind::Str(512)),
];

/// Default deadline of one call, retries included.
pub const DEFAULT_TIMEOUT_MS: i64 = 20_000;
/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: i64 = 2;

/// Builds the client settings from the constructor's arguments.
pub fn parse(public_key: &JsValue, options: &JsValue) -> Result<Client, SdkError> {
    let key = check_key(public_key)?;
    let o = if options.is_undefined() || options.is_null() {
        js::object()
    } else {
        schema::clean(options, OPTIONS, "", "options")?
    };
    let base = match schema::string(&o, "apiBase") {
        Some(b) => b,
        None => default_base().ok_or_else(|| {
            SdkError::validation(
                ErrorCode::MissingParameter,
                "apiBase",
                "apiBase is required outside a web page.",
            )
        })?,
    };
    let base = check_base(&base, "apiBase")?;
    let locale = match schema::string(&o, "locale") {
        Some(l) => check_locale(l)?,
        None => "en-US".into(),
    };
    let fields_base = match schema::string(&o, "fieldsBase") {
        Some(f) => Some(check_base(&f, "fieldsBase")?),
        None => None,
    };
    Ok(Client {
        fields_base,
        base,
        key,
        locale,
        timeout_ms: schema::integer(&o, "timeoutMs").unwrap_or(DEFAULT_TIMEOUT_MS) as f64,
        max_retries: schema::integer(&o, "maxRetries").unwrap_or(DEFAULT_MAX_RETRIES) as u32,
    })
}

fn check_key(v: &JsValue) -> Result<String, SdkError> {
    let bad = |m: &str| SdkError::validation(ErrorCode::InvalidApiKey, "publicKey", m);
    match js::str_len(v) {
        None => return Err(bad("publicKey must be a string starting with pk_.")),
        Some(n) if n > 256 => return Err(bad("publicKey is too long.")),
        _ => {}
    }
    let k = v.as_string().unwrap_or_default();
    if k.starts_with("sk_") {
        return Err(bad(
            "That is a secret key: never put it in a web page. Use the public key (pk_…).",
        ));
    }
    if !k.starts_with("pk_")
        || k.len() < 4
        || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(bad(
            "publicKey must start with pk_ and contain only letters, digits and _.",
        ));
    }
    Ok(k)
}

/// An absolute `http(s)` URL (core's rule) without query or
/// fragment; the trailing `/` removed.
pub(crate) fn check_base(b: &str, name: &str) -> Result<String, SdkError> {
    let ok = paysession_core::http_url::is_absolute_http(b)
        && !b.bytes().any(|c| c == b'?' || c == b'#');
    if !ok {
        return Err(SdkError::validation(
            ErrorCode::InvalidUrl,
            name,
            &[
                name,
                " must be an absolute http(s) URL such as https://pay.example.com.",
            ]
            .concat(),
        ));
    }
    Ok(b.trim_end_matches('/').into())
}

pub(crate) fn check_locale(l: String) -> Result<String, SdkError> {
    // A tag's letters, digits and `-`, or a platform's POSIX name
    // (`en_US.UTF-8`, `de_DE@euro`, `C`); anything else is refused.
    if !l.is_empty()
        && l.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@'))
    {
        Ok(crate::i18n::intl_tag(&l))
    } else {
        Err(SdkError::invalid(
            "locale",
            "must be a BCP 47 tag such as en-US.",
        ))
    }
}

/// The page's own origin, when there is a page.
pub(crate) fn default_base() -> Option<String> {
    let origin = js::get(&js::get(&js_sys::global(), "location"), "origin").as_string()?;
    (origin.starts_with("http://") || origin.starts_with("https://")).then_some(origin)
}
