//! `GET /v1/locales/{locale}`: the drop-in's message catalogs, which the SDK
//! fetches only when a page asks for a locale other than the built-in en-US.
//! Public (no key): the texts are the same for every merchant. Cached a day.

use crate::error::AppError;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use paysession_core::{wire::AmountFormat, Currency};
use std::collections::HashMap;
use std::sync::LazyLock;

/// The catalogs, compiled in. The first catalog of a language is its default
/// (`pt` → pt-BR, `es` → es-ES, `zh` → zh-CN, `en` → en-US).
pub const CATALOGS: &[(&str, &str)] = &[
    ("en-US", include_str!("../locales/en-US.json")),
    ("en-GB", include_str!("../locales/en-GB.json")),
    ("de-DE", include_str!("../locales/de-DE.json")),
    ("fr-FR", include_str!("../locales/fr-FR.json")),
    ("fr-CA", include_str!("../locales/fr-CA.json")),
    ("es-ES", include_str!("../locales/es-ES.json")),
    ("es-MX", include_str!("../locales/es-MX.json")),
    ("it-IT", include_str!("../locales/it-IT.json")),
    ("pt-BR", include_str!("../locales/pt-BR.json")),
    ("pt-PT", include_str!("../locales/pt-PT.json")),
    ("nl-NL", include_str!("../locales/nl-NL.json")),
    ("sv-SE", include_str!("../locales/sv-SE.json")),
    ("da-DK", include_str!("../locales/da-DK.json")),
    ("nb-NO", include_str!("../locales/nb-NO.json")),
    ("fi-FI", include_str!("../locales/fi-FI.json")),
    ("pl-PL", include_str!("../locales/pl-PL.json")),
    ("cs-CZ", include_str!("../locales/cs-CZ.json")),
    ("sk-SK", include_str!("../locales/sk-SK.json")),
    ("hu-HU", include_str!("../locales/hu-HU.json")),
    ("ro-RO", include_str!("../locales/ro-RO.json")),
    ("el-GR", include_str!("../locales/el-GR.json")),
    ("tr-TR", include_str!("../locales/tr-TR.json")),
    ("ru-RU", include_str!("../locales/ru-RU.json")),
    ("uk-UA", include_str!("../locales/uk-UA.json")),
    ("ar", include_str!("../locales/ar.json")),
    ("he-IL", include_str!("../locales/he-IL.json")),
    ("fa-IR", include_str!("../locales/fa-IR.json")),
    ("hi-IN", include_str!("../locales/hi-IN.json")),
    ("th-TH", include_str!("../locales/th-TH.json")),
    ("id-ID", include_str!("../locales/id-ID.json")),
    ("ms-MY", include_str!("../locales/ms-MY.json")),
    ("vi-VN", include_str!("../locales/vi-VN.json")),
    ("ja-JP", include_str!("../locales/ja-JP.json")),
    ("ko-KR", include_str!("../locales/ko-KR.json")),
    ("zh-CN", include_str!("../locales/zh-CN.json")),
    ("zh-TW", include_str!("../locales/zh-TW.json")),
];

/// Region and script rules before the language default: `(language, subtag, catalog)`.
/// Traditional Chinese (Hant, Hong Kong, Macao) reads zh-TW; Latin American Spanish
/// reads es-MX; Norwegian (`no`, Nynorsk `nn`) reads nb-NO; Hebrew's old code `iw` reads he-IL.
const RULES: &[(&str, &str, &str)] = &[
    ("zh", "hant", "zh-TW"),
    ("zh", "hk", "zh-TW"),
    ("zh", "mo", "zh-TW"),
    ("zh", "hans", "zh-CN"),
    ("es", "419", "es-MX"),
    ("es", "ar", "es-MX"),
    ("es", "bo", "es-MX"),
    ("es", "cl", "es-MX"),
    ("es", "co", "es-MX"),
    ("es", "cr", "es-MX"),
    ("es", "do", "es-MX"),
    ("es", "ec", "es-MX"),
    ("es", "gt", "es-MX"),
    ("es", "hn", "es-MX"),
    ("es", "ni", "es-MX"),
    ("es", "pa", "es-MX"),
    ("es", "pe", "es-MX"),
    ("es", "pr", "es-MX"),
    ("es", "py", "es-MX"),
    ("es", "sv", "es-MX"),
    ("es", "us", "es-MX"),
    ("es", "uy", "es-MX"),
    ("es", "ve", "es-MX"),
    ("pt", "ao", "pt-PT"),
    ("pt", "mz", "pt-PT"),
    ("en", "au", "en-GB"),
    ("en", "ie", "en-GB"),
    ("en", "in", "en-GB"),
    ("en", "nz", "en-GB"),
    ("en", "za", "en-GB"),
    ("no", "", "nb-NO"),
    ("nn", "", "nb-NO"),
    ("iw", "", "he-IL"),
];

/// The catalog's tag for `locale` (BCP 47, `-` or `_`, any case): the exact tag,
/// else a region/script rule, else the language's first catalog
/// (`de-AT` → de-DE, `ar-EG` → ar, `zh-Hant-HK` → zh-TW, `pt` → pt-BR). `None`: no catalog.
pub fn resolve(locale: &str) -> Option<&'static str> {
    let mut parts = locale.split(['-', '_']);
    let lang = parts.next().unwrap_or("");
    let same = |tag: &str| {
        tag.len() == locale.len()
            && tag
                .bytes()
                .zip(locale.bytes())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b) || (a == b'-' && b == b'_'))
    };
    if let Some((tag, _)) = CATALOGS.iter().find(|(tag, _)| same(tag)) {
        return Some(tag);
    }
    let subtags: Vec<&str> = parts.collect();
    let rule = RULES.iter().find(|(l, sub, _)| {
        l.eq_ignore_ascii_case(lang)
            && (sub.is_empty() || subtags.iter().any(|s| s.eq_ignore_ascii_case(sub)))
    });
    if let Some((_, _, tag)) = rule {
        return Some(tag);
    }
    CATALOGS
        .iter()
        .find(|(tag, _)| {
            tag.split('-')
                .next()
                .is_some_and(|l| !lang.is_empty() && l.eq_ignore_ascii_case(lang))
        })
        .map(|(tag, _)| *tag)
}

/// The English (`en-US`) text of catalog `key`: the one text where the
/// server answers a string the drop-in also shows (SEPA's mandate).
pub fn english(key: &str) -> Option<String> {
    let catalog: serde_json::Value = serde_json::from_str(find("en-US")?).ok()?;
    catalog.get(key)?.as_str().map(str::to_owned)
}

/// The catalog for `locale` (see [`resolve`]).
pub fn find(locale: &str) -> Option<&'static str> {
    let tag = resolve(locale)?;
    CATALOGS
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, text)| *text)
}

/// How the catalogs' locales write amounts: written from ICU by
/// scripts/gen-amount-formats.mjs (its `--check` runs in the tests).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmountTable {
    /// Per currency (CLDR's; the same in every locale).
    fraction_digits: HashMap<String, u8>,
    locales: HashMap<String, LocaleNumbers>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocaleNumbers {
    decimal: String,
    group: String,
    primary_group_size: u8,
    secondary_group_size: u8,
    minimum_grouping_digits: u8,
    digits: String,
    /// Per currency: the text before and after the number.
    affixes: HashMap<String, (String, String)>,
}

static AMOUNTS: LazyLock<Option<AmountTable>> =
    LazyLock::new(|| serde_json::from_str(include_str!("locales/amount-formats.json")).ok());

/// How the locale an `Accept-Language` header names first writes amounts of
/// `currency`: only for a tag of the table, a catalog's or its language alone
/// (`de-DE`, `de`; `de-AT` is not written as `de-DE`: the page's `Intl` knows
/// it, the table does not).
pub fn amount_format(accept_language: &str, currency: Currency) -> Option<AmountFormat> {
    let first = accept_language
        .split([',', ';'])
        .next()
        .unwrap_or("")
        .trim();
    let first = first.replace('_', "-");
    let table = AMOUNTS.as_ref()?;
    let (tag, n) = table
        .locales
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(&first))?;
    let (prefix, suffix) = n.affixes.get(currency.as_str())?.clone();
    Some(AmountFormat {
        locale: tag.clone(),
        currency,
        prefix,
        suffix,
        decimal: n.decimal.clone(),
        group: n.group.clone(),
        fraction_digits: *table.fraction_digits.get(currency.as_str())?,
        primary_group_size: n.primary_group_size,
        secondary_group_size: n.secondary_group_size,
        minimum_grouping_digits: n.minimum_grouping_digits,
        digits: n.digits.clone(),
    })
}

/// The handler.
pub async fn catalog(Path(locale): Path<String>) -> Result<Response, AppError> {
    let locale = locale.trim_end_matches(".json");
    let text = find(locale).ok_or_else(|| AppError::not_found("locale"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests;
