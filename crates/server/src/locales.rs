//! `GET /v1/locales/{locale}`: the drop-in's message catalogs, which the SDK
//! fetches only when a page asks for a locale other than the built-in en-US.
//! Public (no key): the texts are the same for every merchant. Cached a day.

use crate::error::AppError;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The catalogs, compiled in.
pub const CATALOGS: &[(&str, &str)] = &[
    ("en-US", include_str!("../locales/en-US.json")),
    ("de-DE", include_str!("../locales/de-DE.json")),
    ("fr-FR", include_str!("../locales/fr-FR.json")),
    ("ja-JP", include_str!("../locales/ja-JP.json")),
    ("ar", include_str!("../locales/ar.json")),
];

/// The catalog for `locale`: an exact tag, else its language (`de` → `de-DE`, `ar-EG` → `ar`).
pub fn find(locale: &str) -> Option<&'static str> {
    let lang = locale.split(['-', '_']).next().unwrap_or("");
    CATALOGS
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(locale))
        .or_else(|| {
            CATALOGS.iter().find(|(tag, _)| {
                tag.split('-')
                    .next()
                    .is_some_and(|l| l.eq_ignore_ascii_case(lang))
            })
        })
        .map(|(_, text)| *text)
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
mod tests {
    use super::*;

    #[test]
    fn every_catalog_is_json_with_the_same_keys_as_english() {
        let en: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(CATALOGS[0].1).unwrap();
        for (tag, text) in CATALOGS {
            let m: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{tag}: {e}"));
            let mut a: Vec<_> = m.keys().collect();
            let mut b: Vec<_> = en.keys().collect();
            a.sort();
            b.sort();
            assert_eq!(a, b, "{tag} has other keys than en-US");
            // Placeholders survive translation.
            for (k, v) in &en {
                for ph in ["{amount}", "{method}", "{seller}"] {
                    if v.as_str().unwrap_or("").contains(ph) {
                        assert!(
                            m[k].as_str().unwrap_or("").contains(ph),
                            "{tag}.{k} lost {ph}"
                        );
                    }
                }
            }
        }
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(find("ar").unwrap()).unwrap()["dir"],
            "rtl"
        );
    }

    #[test]
    fn language_fallback() {
        assert!(find("de").unwrap().contains("Kartennummer"));
        assert!(find("ar-EG").unwrap().contains("rtl"));
        assert!(find("fr-CA").unwrap().contains("Numéro de carte"));
        assert!(find("xx-YY").is_none());
    }
}
