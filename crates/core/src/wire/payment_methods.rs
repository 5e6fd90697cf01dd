//! The payment methods a checkout may offer, and the compliance texts beside them.

use super::customer::PaymentMethodSummary;
use super::session::SessionInformation;
use super::source::TermsAcceptance;
use crate::money::{Amount, Currency};
use crate::state::{Flow, PaymentType};
use serde::{Deserialize, Serialize};

/// Images of a payment method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Images {
    /// URL of an SVG icon.
    pub icon_image: String,
}

/// One offered payment method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    /// Payment type.
    #[serde(rename = "type")]
    pub kind: PaymentType,
    /// Flow.
    pub flow: Flow,
    /// Can be stored for recurring charges.
    pub supports_recurring: bool,
    /// Can be used for a free trial.
    pub supports_free_trial: bool,
    /// Icon.
    pub images: Images,
    /// Terms the shopper must accept (Klarna, SEPA mandate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<String>,
}

/// A localized legal text with an optional link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LegalText {
    /// Text to show.
    pub localized_text: String,
    /// Link to the full text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The seller of record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BusinessEntity {
    /// Legal name.
    pub name: String,
    /// Entity id.
    pub id: String,
}

/// Compliance data for the drop-in's compliance section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Compliance {
    /// Seller of record.
    pub business_entity: BusinessEntity,
    /// Terms of sale.
    pub terms_of_sale: LegalText,
    /// Privacy policy.
    pub privacy_policy: LegalText,
    /// Cookie policy.
    pub cookie_policy: LegalText,
    /// Cancellation rights.
    pub cancellation_rights: LegalText,
    /// Legal notice.
    pub legal_notice: LegalText,
    /// The version an acceptance of the terms of sale names (`termsAcceptance.version`).
    pub terms_version: String,
    /// The session refuses sources without an acceptance of the terms of sale
    /// and has none recorded: the drop-in shows its terms checkbox.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_terms_acceptance: bool,
}

/// The save-card agreement shown for each `usage`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SaveAgreements {
    /// Saved for faster checkouts.
    pub convenience: LegalText,
    /// Charged for a subscription.
    pub subscription: LegalText,
    /// Charged later for agreed amounts.
    pub unscheduled: LegalText,
}

/// `GET /v1/sessions/{id}/compliance` (DigitalRiver.js `Compliance.getDetails`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ComplianceDetails {
    /// The catalog the texts come from (`en-US` when the asked one is unknown).
    pub locale: String,
    /// Seller of record.
    pub business_entity: BusinessEntity,
    /// "{seller} is the seller of record for this order."
    pub seller_disclosure: LegalText,
    /// Terms of sale.
    pub terms_of_sale: LegalText,
    /// Privacy policy.
    pub privacy_policy: LegalText,
    /// Cookie policy.
    pub cookie_policy: LegalText,
    /// Cancellation rights.
    pub cancellation_rights: LegalText,
    /// Legal notice.
    pub legal_notice: LegalText,
    /// The acceptance sentence for a terms checkbox (links the terms).
    pub confirm_disclosure: LegalText,
    /// The version an acceptance names (`termsAcceptance.version`).
    pub terms_version: String,
    /// The session refuses sources and orders without an acceptance.
    pub require_terms_acceptance: bool,
    /// The acceptance recorded on the session, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_acceptance: Option<TermsAcceptance>,
    /// Save-card agreement per usage.
    pub save_payment_agreement: SaveAgreements,
}

/// Wallet configuration (Apple Pay / Google Pay).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WalletConfig {
    /// Merchant id at the wallet.
    pub merchant_id: String,
    /// Merchant's display name.
    pub merchant_name: String,
    /// Card networks accepted.
    pub supported_networks: Vec<String>,
    /// ISO 3166-1 alpha-2.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::country::Country))]
    pub country_code: String,
    /// ISO 4217.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::money::Currency))]
    pub currency_code: String,
    /// Total in minor units.
    pub total: Amount,
}

/// The simulated wallet of test mode (`testWallet` of the payment methods).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TestWallet {
    /// The Payment Request method identifier (a URL the backend serves).
    pub supported_methods: String,
    /// The source type its tokens pay as.
    #[serde(rename = "type")]
    pub kind: PaymentType,
}

/// `GET /v1/sessions/{id}/payment-methods`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethods {
    /// What the session is for.
    pub session_information: SessionInformation,
    /// Offered methods, in display order.
    pub payment_methods: Vec<PaymentMethod>,
    /// Apple Pay configuration, where offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apple_pay: Option<WalletConfig>,
    /// Google Pay configuration, where offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_pay: Option<WalletConfig>,
    /// Test mode (`pk_test_…` keys) only: the backend's simulated wallet, a
    /// Payment Handler at this URL method identifier that answers tokens of
    /// `type` (`googlePay`) for this session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_wallet: Option<TestWallet>,
    /// Compliance section data.
    pub compliance: Compliance,
    /// Base URL of the secure card fields' origin (`--fields-url`), when the
    /// backend runs one: the drop-in mounts its card fields from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields_url: Option<String>,
    /// The saved payment methods of the session's customer (present, maybe
    /// empty, when the session names a customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_payment_methods: Option<Vec<PaymentMethodSummary>>,
    /// How the request's locale writes an amount of `sessionInformation.currency`,
    /// when its `Accept-Language` names one of the catalogs' locales (its first tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_format: Option<AmountFormat>,
}

/// How one locale writes amounts of one currency: what `Intl.NumberFormat(locale,
/// {style: "currency", currency})` writes, read from ICU when the service is
/// built (scripts/gen-amount-formats.mjs), so that a checkout page shows its
/// amounts without starting ICU (20-40 ms of its main thread in Chromium).
/// The SDK writes amounts with it in src/amount.js.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AmountFormat {
    /// The locale (a catalog's tag, `de-DE`).
    pub locale: String,
    /// The currency.
    pub currency: Currency,
    /// Text before the number (`CHF `, `$`, or nothing).
    pub prefix: String,
    /// Text after the number (` €`, or nothing).
    pub suffix: String,
    /// Decimal separator.
    pub decimal: String,
    /// Group separator (`.`, `,`, a narrow no-break space).
    pub group: String,
    /// Digits after the separator (may differ from the currency's exponent: HUF 0).
    pub fraction_digits: u8,
    /// Digits in the group nearest the separator (3; 0: no grouping).
    pub primary_group_size: u8,
    /// Digits in each group before it (3; 2 in hi-IN: 12,34,567).
    pub secondary_group_size: u8,
    /// Integer digits beyond the primary group needed before grouping (1; 2: `1234`, `12 345`).
    pub minimum_grouping_digits: u8,
    /// The locale's ten digits, 0 to 9 (`0123456789`, `۰۱۲۳۴۵۶۷۸۹`; consecutive in Unicode).
    pub digits: String,
}
