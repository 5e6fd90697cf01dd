//! One truth for the texts: every catalog has exactly en-US's keys, the same
//! placeholders, a valid `dir` and no empty text; the SDK's built-in English
//! (src/i18n.rs `EN`) is en-US's text for every key the SDK uses; the lookup.

use super::*;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The SDK's built-in English, read from its source.
const SDK_I18N: &str = include_str!("../../../../src/i18n.rs");

/// en-US keys the SDK never asks for, so they stay out of its built-in English
/// (every byte there ships to every shopper). A key here must appear nowhere in src/.
const NOT_BUILT_IN: &[&str] = &[
    "dir",
    "field.cvvHint",
    "field.cvvHintAmex",
    "button.placeOrder",
    "remaining",
    "compliance.cookies",
    "brand.unknown",
];

/// Right-to-left languages.
const RTL: &[&str] = &["ar", "he", "fa"];

fn parse(tag: &str, text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{tag}: not JSON: {e}"))
}

fn en() -> Map<String, Value> {
    parse("en-US", find("en-US").unwrap())
}

/// `{name}` placeholders of a text, sorted.
fn placeholders(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.push(&rest[i..i + j + 1]);
        rest = &rest[i + j + 1..];
    }
    out.sort();
    out
}

/// The `key=text` lines of the SDK's built-in English: `en_base!` (every
/// build), `en_api!` (the Elements build on), `en_dropin!` (the drop-in's
/// builds) and `en_manage!` (the manage module's only).
fn built_in() -> Vec<(String, String)> {
    [
        consts("en_base"),
        consts("en_api"),
        consts("en_dropin"),
        consts("en_manage"),
    ]
    .concat()
}

/// The `key=text` lines of one `macro_rules! NAME` of src/i18n.rs.
fn consts(name: &str) -> Vec<(String, String)> {
    let head = ["macro_rules! ", name, " {"].concat();
    let start = SDK_I18N
        .find(&head)
        .unwrap_or_else(|| panic!("macro_rules! {name} in src/i18n.rs"));
    let body = &SDK_I18N[start..];
    let body = &body[body.find("\"\\\n").unwrap() + 3..];
    let body = &body[..body.find("\"\n").unwrap()];
    body.lines()
        .map(|l| {
            let l = l.trim_end_matches('\\').trim_end_matches("\\n");
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("{name} line {l:?}"));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

#[test]
fn at_least_thirty_locales_three_right_to_left() {
    assert!(CATALOGS.len() >= 30, "{} catalogs", CATALOGS.len());
    let mut tags = BTreeSet::new();
    for (tag, _) in CATALOGS {
        assert!(tags.insert(tag.to_ascii_lowercase()), "{tag} twice");
    }
    for lang in RTL {
        assert!(resolve(lang).is_some(), "no catalog for {lang}");
    }
}

#[test]
fn every_catalog_has_exactly_the_keys_and_placeholders_of_english() {
    let en = en();
    let mut failures = Vec::new();
    for (tag, text) in CATALOGS {
        let m = parse(tag, text);
        // A key written twice parses as its last text: a merge that kept two
        // translations of one key must fail here, not pick one silently.
        let lines = text
            .lines()
            .filter(|l| l.trim_start().starts_with('"') && l.contains("\":"))
            .count();
        if lines != m.len() {
            failures.push(format!(
                "{tag}: {lines} key lines for {} keys (a key twice)",
                m.len()
            ));
        }
        for k in en.keys().filter(|k| !m.contains_key(*k)) {
            failures.push(format!("{tag}: missing {k}"));
        }
        for k in m.keys().filter(|k| !en.contains_key(*k)) {
            failures.push(format!("{tag}: extra key {k}"));
        }
        for (k, v) in &m {
            let Some(s) = v.as_str() else {
                failures.push(format!("{tag}.{k}: not a string"));
                continue;
            };
            if s.trim().is_empty() || s.trim() != s {
                failures.push(format!("{tag}.{k}: empty or padded text {s:?}"));
            }
            if let Some(e) = en.get(k).and_then(Value::as_str) {
                if placeholders(e) != placeholders(s) {
                    failures.push(format!(
                        "{tag}.{k}: placeholders {:?} ≠ en-US {:?}",
                        placeholders(s),
                        placeholders(e)
                    ));
                }
            }
        }
        let lang = tag.split('-').next().unwrap();
        let want = if RTL.contains(&lang) { "rtl" } else { "ltr" };
        if m.get("dir").and_then(Value::as_str) != Some(want) {
            failures.push(format!("{tag}: dir must be {want}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_sdk_built_in_english_is_en_us() {
    let en = en();
    let built: Vec<_> = built_in();
    assert!(built.len() > 50, "EN parsed {} lines", built.len());
    let mut keys = BTreeSet::new();
    for (k, v) in &built {
        assert!(keys.insert(k.as_str()), "EN has {k} twice");
        assert_eq!(
            en.get(k).and_then(Value::as_str),
            Some(v.as_str()),
            "EN {k} differs from en-US.json"
        );
    }
    // Every en-US key is built in, or listed as one the SDK never asks for.
    for k in en.keys() {
        assert!(
            keys.contains(k.as_str()) || NOT_BUILT_IN.contains(&k.as_str()),
            "en-US {k} is missing from the SDK's EN (src/i18n.rs)"
        );
    }
    for k in NOT_BUILT_IN {
        assert!(
            !keys.contains(k),
            "{k} is built in: take it off NOT_BUILT_IN"
        );
    }
}

/// An en-US key the SDK names in its source (a string literal) must be built in:
/// otherwise en-US shoppers would see the key itself.
#[test]
fn every_key_named_in_the_sdk_source_is_built_in() {
    let built: BTreeSet<String> = built_in().into_iter().map(|(k, _)| k).collect();
    // The card build carries only `en_base!`, the Elements build `en_api!`
    // too: a key named outside src/dropin, and every error's words (looked
    // up by code), must be in one of them; in `en_base!` unless named only by
    // the compliance element and its view (src/view.rs: the card build never
    // calls it, so its module does not link it).
    let base: BTreeSet<String> = consts("en_base").into_iter().map(|(k, _)| k).collect();
    let api: BTreeSet<String> = consts("en_api").into_iter().map(|(k, _)| k).collect();
    // Only the manage flow's code (and its branches of the form and the
    // list, behind `Config::managing`) may name a key of `en_manage!`.
    let manage: BTreeSet<String> = consts("en_manage").into_iter().map(|(k, _)| k).collect();
    for k in built.iter().filter(|k| k.starts_with("error.")) {
        assert!(
            base.contains(k) || api.contains(k),
            "{k} is in en_dropin!: the Elements build lacks it"
        );
    }
    // The card fields' own codes (and every code a source's creation with
    // them can answer) are worded in the card build.
    for code in [
        "missing_parameter",
        "invalid_card_number",
        "incomplete_card_number",
        "invalid_expiration_date",
        "incomplete_expiration_date",
        "invalid_security_code",
        "incomplete_security_code",
        "card_declined",
        "session_expired",
        "session_complete",
        "payment_method_removed",
        "network_unavailable",
        "request_timeout",
        "generic",
    ] {
        let k = ["error.", code].concat();
        assert!(
            base.contains(&k),
            "{k} is not in en_base!: the card build lacks it"
        );
    }
    assert!(
        base.contains("terms.required"),
        "terms_not_accepted's words"
    );
    let en = en();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src");
    let mut files = vec![root];
    let mut seen = 0;
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if p.extension().is_none_or(|e| e != "rs") || p.ends_with("i18n.rs") {
            continue;
        }
        let src = std::fs::read_to_string(&p).unwrap();
        for lit in src.split('"').skip(1).step_by(2) {
            if en.contains_key(lit) && lit != "dir" {
                seen += 1;
                assert!(
                    built.contains(lit),
                    "{} names {lit:?}, which the built-in EN lacks",
                    p.display()
                );
                let dropin = p.components().any(|c| c.as_os_str() == "dropin");
                assert!(
                    dropin || base.contains(lit) || api.contains(lit),
                    "{} names {lit:?}, which is not in en_base! or en_api! (the Elements build has no en_dropin!)",
                    p.display()
                );
                assert!(
                    dropin
                        || p.ends_with("elements/compliance.rs")
                        || p.ends_with("src/view.rs")
                        || base.contains(lit),
                    "{} names {lit:?}, which is not in en_base! (the card build has no en_api!)",
                    p.display()
                );
                assert!(
                    p.ends_with("dropin/manage.rs")
                        || p.ends_with("dropin/form.rs")
                        || p.ends_with("dropin/list.rs")
                        || !manage.contains(lit),
                    "{} names {lit:?}, which is in en_manage! (the checkout's module has no en_manage!)",
                    p.display()
                );
            }
        }
    }
    assert!(seen > 10, "found only {seen} keys in src/");
}

#[test]
fn lookup_exact_then_rules_then_language() {
    let cases = [
        ("de-DE", Some("de-DE")),
        ("de_de", Some("de-DE")),
        ("DE-de", Some("de-DE")),
        ("de", Some("de-DE")),
        ("de-AT", Some("de-DE")),
        ("de-CH", Some("de-DE")),
        ("fr-CA", Some("fr-CA")),
        ("fr-BE", Some("fr-FR")),
        ("pt", Some("pt-BR")),
        ("pt-PT", Some("pt-PT")),
        ("pt-AO", Some("pt-PT")),
        ("es", Some("es-ES")),
        ("es-AR", Some("es-MX")),
        ("es-419", Some("es-MX")),
        ("zh", Some("zh-CN")),
        ("zh-SG", Some("zh-CN")),
        ("zh-Hans-CN", Some("zh-CN")),
        ("zh-HK", Some("zh-TW")),
        ("zh-Hant", Some("zh-TW")),
        ("zh-Hant-HK", Some("zh-TW")),
        ("en", Some("en-US")),
        ("en-AU", Some("en-GB")),
        ("en-CA", Some("en-US")),
        ("ar-EG", Some("ar")),
        ("ar", Some("ar")),
        ("he", Some("he-IL")),
        ("iw", Some("he-IL")),
        ("fa", Some("fa-IR")),
        ("no", Some("nb-NO")),
        ("nn-NO", Some("nb-NO")),
        ("nb", Some("nb-NO")),
        ("xx-YY", None),
        ("", None),
        ("-", None),
        ("e", None),
    ];
    for (asked, want) in cases {
        assert_eq!(resolve(asked), want, "resolve({asked:?})");
    }
    assert!(find("de").unwrap().contains("Kartennummer"));
    assert!(find("ar-EG").unwrap().contains("\"rtl\""));
    assert!(find("zh-HK").unwrap().contains("卡號"));
}

/// Every catalog's locale has an amount format for every currency core knows
/// (tests/browser/amounts.spec.mjs checks the SDK's writing with them against
/// every sample ICU wrote, and that the table is what ICU writes).
#[test]
fn amount_formats_cover_every_catalog_and_currency() {
    for (tag, _) in CATALOGS {
        for code in Currency::all() {
            let c = Currency::parse(code).unwrap();
            let f = amount_format(tag, c).unwrap_or_else(|| panic!("{tag} {code}: no format"));
            assert_eq!((f.locale.as_str(), f.currency), (*tag, c));
            assert!(
                f.fraction_digits <= 3 && f.primary_group_size <= 3,
                "{tag} {code}"
            );
            assert_eq!(f.digits.chars().count(), 10, "{tag} {code}");
            assert!(!f.decimal.is_empty(), "{tag} {code}");
        }
    }
}

/// `Accept-Language`'s first tag, a catalog's exactly (any case, `_`): nothing else.
#[test]
fn amount_format_lookup() {
    let eur = Currency::parse("EUR").unwrap();
    let de = amount_format("de-DE", eur).unwrap();
    assert_eq!(
        (de.decimal.as_str(), de.group.as_str(), de.suffix.as_str()),
        (",", ".", "\u{a0}€")
    );
    assert_eq!(
        amount_format("de_de;q=0.9, en", eur).unwrap().locale,
        "de-DE"
    );
    assert_eq!(amount_format("fr-FR,de-DE", eur).unwrap().locale, "fr-FR");
    // A language alone is the table's own entry, as ICU writes that tag.
    let pt = amount_format("pt", eur).unwrap();
    assert_eq!((pt.locale.as_str(), pt.decimal.as_str()), ("pt", ","));
    for other in ["de-AT", "en-AU", "", "*", "en-US-x-private", "xx"] {
        assert!(amount_format(other, eur).is_none(), "{other}");
    }
    let huf = Currency::parse("HUF").unwrap();
    // HUF's exponent is 2; Intl shows none.
    assert_eq!(amount_format("hu-HU", huf).unwrap().fraction_digits, 0);
}
