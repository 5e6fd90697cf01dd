//! `GET /v1/sessions/{id}/compliance?locale=` (pk or sk): the seller of
//! record, the legal documents with localized short texts, the terms version
//! an acceptance names, and the save-card agreements (DigitalRiver.js
//! `Compliance.getDetails`). Texts come from the drop-in's catalogs.

use super::{base_url, load_session};
use crate::{auth::AnyKey, error::AppError, extract::query_pairs, locales, AppState};
use axum::{
    extract::{Path, State},
    http::Uri,
    Json,
};
use paysession_core::wire::{
    BusinessEntity, ComplianceDetails, LegalText, SaveAgreements, TERMS_VERSION,
};
use serde_json::{Map, Value};

/// The seller of record of every test merchant.
pub fn seller() -> BusinessEntity {
    BusinessEntity {
        name: "PaySession Test Seller of Record".into(),
        id: "PS_TEST_SOR".into(),
    }
}

/// The handler.
pub async fn details(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<ComplianceDetails>, AppError> {
    let q = query_pairs(uri.query(), &["locale"])?;
    let base = base_url(&s);
    let asked = q.get("locale").cloned();
    s.db(move |s| {
        let rec = load_session(s, &key.merchant.id, &id)?;
        let locale = asked.or(rec.locale.clone()).unwrap_or_default();
        let mut d = build(&base, &locale);
        d.require_terms_acceptance = rec.require_terms;
        d.terms_acceptance = rec.terms_acceptance.clone();
        Ok(Json(d))
    })
    .await
}

/// The details in `locale` (its catalog, else en-US; a missing key reads English).
pub fn build(base: &str, locale: &str) -> ComplianceDetails {
    let en = locales::CATALOGS[0];
    let (tag, text) = locales::find(locale)
        .and_then(|t| locales::CATALOGS.iter().find(|c| c.1 == t))
        .copied()
        .unwrap_or(en);
    let parse = |t: &str| serde_json::from_str::<Map<String, Value>>(t).unwrap_or_default();
    let (cat, en) = (parse(text), parse(en.1));
    let t = |k: &str| {
        cat.get(k)
            .or_else(|| en.get(k))
            .and_then(Value::as_str)
            .unwrap_or(k)
            .to_owned()
    };
    let doc = |k: &str, doc: &str| LegalText {
        localized_text: t(k),
        url: Some(format!("{base}/hosted/legal/{doc}")),
    };
    let text = |k: &str| LegalText {
        localized_text: t(k),
        url: None,
    };
    let seller = seller();
    ComplianceDetails {
        locale: tag.into(),
        seller_disclosure: LegalText {
            localized_text: t("compliance.seller").replace("{seller}", &seller.name),
            url: Some(format!("{base}/hosted/legal/notice")),
        },
        business_entity: seller,
        terms_of_sale: doc("compliance.terms", "terms"),
        privacy_policy: doc("compliance.privacy", "privacy"),
        cookie_policy: doc("compliance.cookies", "cookies"),
        cancellation_rights: doc("compliance.cancellation", "cancellation"),
        legal_notice: doc("compliance.legal", "notice"),
        confirm_disclosure: doc("terms.accept", "terms"),
        terms_version: TERMS_VERSION.into(),
        require_terms_acceptance: false,
        terms_acceptance: None,
        save_payment_agreement: SaveAgreements {
            convenience: text("save.usage.convenience"),
            subscription: text("save.usage.subscription"),
            unscheduled: text("save.usage.unscheduled"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::build;

    #[test]
    fn every_text_is_found_in_every_catalog() {
        for (tag, _) in crate::locales::CATALOGS {
            let d = build("https://p.example", tag);
            assert_eq!(d.locale, *tag);
            let v = serde_json::to_string(&d).unwrap();
            // A key name in the answer is a text that was not found.
            for k in ["compliance.", "terms.", "save.usage."] {
                assert!(!v.contains(k), "{tag}: {v}");
            }
            assert!(d.seller_disclosure.localized_text.contains("PaySession"));
        }
        assert_eq!(build("x", "de-AT").locale, "de-DE");
        assert_eq!(build("x", "zz").locale, "en-US");
        assert_eq!(build("x", "").locale, "en-US");
    }
}
