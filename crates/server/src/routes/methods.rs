//! Available payment methods: per session, and by currency/country/amount
//! without a session. Rules from `core::methods`; wallet and compliance data.

use super::{base_url, load_session, now};
use crate::{auth::AnyKey, config::Merchant, error::AppError, extract::query_pairs, AppState};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, Uri},
    Json,
};
use paysession_core::{
    country::Country,
    methods,
    state::{PaymentType, SessionState},
    wire::{
        Compliance, Images, LegalText, PaymentMethod, PaymentMethods, SessionInformation,
        TestWallet, WalletConfig,
    },
    Amount, Currency, ErrorCode,
};

/// `GET /v1/sessions/{id}/payment-methods` (pk or sk).
pub async fn for_session(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<PaymentMethods>, AppError> {
    let language = accept_language(&headers);
    let base = base_url(&s);
    let fields = s.fields_url.clone();
    s.db(move |s| {
        let rec = load_session(s, &key.merchant.id, &id)?;
        if rec.state(now(s)) == SessionState::Expired {
            return Err(AppError::bad_request(
                ErrorCode::SessionExpired,
                "The session has expired.",
            ));
        }
        let mut pm = build(
            &key.merchant,
            &base,
            rec.country,
            rec.currency,
            rec.amount,
            Amount(rec.remaining()),
        );
        pm.fields_url = fields;
        pm.amount_format = crate::locales::amount_format(&language, rec.currency);
        pm.compliance.require_terms_acceptance =
            rec.require_terms && rec.terms_acceptance.is_none();
        if let Some(c) = &rec.customer_id {
            pm.saved_payment_methods = Some(crate::flows::customers::summaries(s, c)?);
        }
        Ok(Json(pm))
    })
    .await
}

/// `GET /v1/payment-methods?currency=&country=&amount=` (pk or sk). Without
/// `amount`, methods are judged for one major unit of the currency.
pub async fn lookup(
    State(s): State<AppState>,
    key: AnyKey,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<PaymentMethods>, AppError> {
    let q = query_pairs(uri.query(), &["currency", "country", "amount"])?;
    let need = |k: &str| {
        q.get(k).ok_or_else(|| {
            AppError::validation(
                ErrorCode::MissingParameter,
                k,
                format!("`{k}` is required."),
            )
        })
    };
    let currency: Currency = need("currency")?.parse()?;
    let country: Country = need("country")?.parse()?;
    let amount = match q.get("amount") {
        // Core's one amount rule; what is not a whole number is not an amount.
        Some(a) => Some(Amount::positive(a.parse::<i64>().unwrap_or(0), "amount")?),
        None => None,
    };
    let rules_amount = amount.unwrap_or(Amount(methods::klarna_limits(currency).0));
    let mut pm = build(
        &key.merchant,
        &base_url(&s),
        country,
        currency,
        rules_amount,
        amount.unwrap_or(Amount(0)),
    );
    pm.fields_url = s.fields_url.clone();
    pm.amount_format = crate::locales::amount_format(&accept_language(&headers), currency);
    Ok(Json(pm))
}

/// The request's `Accept-Language` (the SDK sends its locale), or nothing.
fn accept_language(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The answer for a checkout of `country`, `currency`, `rules_amount`.
pub fn build(
    m: &Merchant,
    base: &str,
    country: Country,
    currency: Currency,
    rules_amount: Amount,
    info_amount: Amount,
) -> PaymentMethods {
    let list: Vec<PaymentMethod> = methods::available(country, currency, rules_amount)
        .into_iter()
        .map(|t| PaymentMethod {
            kind: t,
            flow: t.flow(),
            supports_recurring: matches!(
                t,
                PaymentType::CreditCard | PaymentType::SepaDebit | PaymentType::PayPal
            ),
            supports_free_trial: matches!(t, PaymentType::CreditCard | PaymentType::PayPal),
            images: Images {
                icon_image: format!("{base}/hosted/assets/icons/{}.svg", t.as_str()),
            },
            terms: crate::methods::terms(t),
        })
        .collect();
    let name = m
        .name
        .clone()
        .unwrap_or_else(|| format!("{} (test merchant)", m.id));
    let wallet = |prefix: &str| WalletConfig {
        merchant_id: format!("{prefix}.paysession.{}", m.id),
        merchant_name: name.clone(),
        supported_networks: vec![
            "visa".into(),
            "mastercard".into(),
            "amex".into(),
            "discover".into(),
        ],
        country_code: country.as_str().into(),
        currency_code: currency.as_str().into(),
        total: info_amount,
    };
    let legal = |doc: &str, text: &str| LegalText {
        localized_text: text.into(),
        url: Some(format!("{base}/hosted/legal/{doc}")),
    };
    PaymentMethods {
        session_information: SessionInformation {
            amount: info_amount,
            currency,
            country,
        },
        apple_pay: Some(wallet("merchant")),
        google_pay: Some(wallet("gpay")),
        // Test mode: the simulated wallet (a Payment Handler, crate::wallet).
        test_wallet: crate::methods::wallet::test_mode(m).then(|| TestWallet {
            supported_methods: format!("{base}/hosted/wallet/pay"),
            kind: PaymentType::GooglePay,
        }),
        payment_methods: list,
        compliance: Compliance {
            business_entity: super::compliance::seller(),
            terms_of_sale: legal("terms", "Terms of Sale"),
            privacy_policy: legal("privacy", "Privacy Policy"),
            cookie_policy: legal("cookies", "Cookie Policy"),
            cancellation_rights: legal("cancellation", "Cancellation Rights"),
            legal_notice: legal("notice", "Legal Notice"),
            terms_version: paysession_core::wire::TERMS_VERSION.into(),
            require_terms_acceptance: false,
        },
        fields_url: None,
        saved_payment_methods: None,
        amount_format: None,
    }
}
