//! A source as answered: its per-type views, its next action, the outcome of an authentication.

use super::party::Owner;
use crate::card::Brand;
use crate::money::{Amount, Currency};
use crate::state::{Flow, PaymentType, SourceState};
use serde::{Deserialize, Serialize};

/// A session's card as read back: never the full number, never the code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MaskedCard {
    /// `424242xxxxxx4242`.
    pub number: String,
    /// Detected brand.
    pub brand: Brand,
    /// 1-12.
    pub expiration_month: u8,
    /// Four digits.
    pub expiration_year: u16,
    /// Name on the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A security code is held (it is erased once an operation uses the session).
    pub cvv_present: bool,
}

/// A recorded acceptance of the terms of sale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TermsAcceptance {
    /// The terms version accepted.
    pub version: String,
    /// RFC 3339, by the server's clock.
    pub accepted_time: String,
    /// The source created with the acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
}

/// A card source's details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreditCardView {
    /// Brand.
    pub brand: Brand,
    /// Last four digits.
    pub last_four_digits: String,
    /// 1-12.
    pub expiration_month: u8,
    /// Four digits.
    pub expiration_year: u16,
    /// Stable per merchant and card number; not reversible.
    pub fingerprint: String,
}

/// Redirect details of a `pending_redirect` source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RedirectView {
    /// The hosted approval page.
    pub redirect_url: String,
    /// Where approval returns.
    pub return_url: String,
    /// Where cancel returns.
    pub cancel_url: String,
}

/// Wire transfer instructions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WireTransferView {
    /// Beneficiary.
    pub account_holder: String,
    /// Bank.
    pub bank_name: String,
    /// Beneficiary IBAN.
    pub iban: String,
    /// Bank BIC.
    pub bic: String,
    /// The reference the shopper must quote.
    pub reference_id: String,
}

/// Gift card details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GiftCardView {
    /// Last four digits.
    pub last_four_digits: String,
    /// Balance in the session currency's minor unit.
    pub balance: Amount,
}

/// SEPA Direct Debit details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SepaDebitView {
    /// Last four of the IBAN.
    pub last_four_digits: String,
    /// The mandate the shopper granted.
    pub mandate_reference: String,
}

/// What the shopper must do next (3-D Secure or a redirect).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NextAction {
    /// `challenge` or `redirect`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(schema_with = super::openapi::next_action_type))]
    pub kind: String,
    /// The hosted page to show (in an iframe for a challenge).
    pub url: String,
}

/// A payment source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// `src_…`.
    pub id: String,
    /// Needed to read the source from a browser.
    pub client_secret: String,
    /// The session it was made for.
    pub session_id: String,
    /// Payment type.
    #[serde(rename = "type")]
    pub kind: PaymentType,
    /// State.
    pub state: SourceState,
    /// Flow.
    pub flow: Flow,
    /// May be stored for later use (cards and SEPA).
    pub reusable: bool,
    /// What this source contributes, in minor units (from the session, never the browser).
    pub amount: Amount,
    /// The session's currency.
    pub currency: Currency,
    /// Owner (request's, else the session's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    /// The browser's IP as the server saw it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_ip: Option<String>,
    /// RFC 3339.
    pub created_time: String,
    /// RFC 3339.
    pub updated_time: String,
    /// Card details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_card: Option<CreditCardView>,
    /// Gift card details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_card: Option<GiftCardView>,
    /// SEPA details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sepa_debit: Option<SepaDebitView>,
    /// Wire instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire_transfer: Option<WireTransferView>,
    /// Redirect URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<RedirectView>,
    /// What the shopper must do next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_action: Option<NextAction>,
    /// The shopper's acceptance of the terms of sale, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_acceptance: Option<TermsAcceptance>,
    /// An Apple Pay source's card (masked, as the wallet's token names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apple_pay: Option<CreditCardView>,
    /// A Google Pay source's card (masked, as the wallet's token names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_pay: Option<CreditCardView>,
}

/// Answer of `authenticate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationResult {
    /// `complete`, `authentication_not_required`, `failed`, or `pending` while the challenge is open.
    #[cfg_attr(feature = "openapi", schema(schema_with = super::openapi::authentication_status))]
    pub status: String,
    /// The source after authentication.
    pub source: Source,
}
