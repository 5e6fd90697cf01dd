//! Wire types of the contract (camelCase JSON). Request types reject unknown
//! fields; raw shopper input stays as typed strings/numbers here and is
//! validated into [`crate::card`] / [`crate::iban`] types by the code that uses it,
//! so that each error names its parameter.

use crate::card::Brand;
use crate::country::Country;
use crate::money::{Amount, Currency};
use crate::state::{
    CaptureMethod, Flow, PaymentState, PaymentType, RefundState, SessionState, SourceState,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Address {
    /// Street and number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// More of the street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
}

/// The customer (and billing address); the same shape for session and source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Owner {
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// Card details as typed by the shopper (browser only). Validated with
/// [`crate::card`]; never serialized back (see [`MaskedCard`]).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardInput {
    /// Card number; spaces and dashes allowed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Password))]
    pub number: Option<crate::Secret<String>>,
    /// 1-12.
    #[serde(default)]
    pub expiration_month: Option<i64>,
    /// Four digits (or two: 20YY).
    #[serde(default)]
    pub expiration_year: Option<i64>,
    /// Security code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Password))]
    pub cvv: Option<crate::Secret<String>>,
    /// Name on the card.
    #[serde(default)]
    pub name: Option<String>,
}

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

/// `POST /v1/sessions`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateSession {
    /// Minor units, > 0.
    pub amount: Amount,
    /// ISO 4217.
    pub currency: Currency,
    /// ISO 3166-1 alpha-2.
    pub country: Country,
    /// Customer and billing address.
    #[serde(default)]
    pub owner: Option<Owner>,
    /// Shipping address.
    #[serde(default)]
    pub shipping: Option<Owner>,
    /// Merchant's reference (order number).
    #[serde(default)]
    pub reference: Option<String>,
    /// BCP 47 locale for texts.
    #[serde(default)]
    pub locale: Option<String>,
    /// Merchant's key/value pairs.
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    /// The customer (`cus_…`) the session pays for: its saved payment
    /// methods are offered, and a card source with `usage` is saved to it.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Sources and orders need the shopper's acceptance of the terms of sale.
    #[serde(default)]
    pub require_terms_acceptance: Option<bool>,
    /// `automatic` (default): the order captures its payments; `manual`:
    /// they are only authorized, and the merchant captures or cancels.
    #[serde(default)]
    pub capture: Option<CaptureMethod>,
}

/// `PATCH /v1/sessions/{id}` and `/fields`: add or overwrite, never remove.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateSession {
    /// Customer and billing address (merged field by field).
    #[serde(default)]
    pub owner: Option<Owner>,
    /// Shipping address (merged field by field).
    #[serde(default)]
    pub shipping: Option<Owner>,
    /// Card details (browser route only).
    #[serde(default)]
    pub card: Option<CardInput>,
    /// Merchant's reference (secret-key route only).
    #[serde(default)]
    pub reference: Option<String>,
    /// Merchant's key/value pairs, merged (secret-key route only).
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    /// The version this write was decided on.
    #[serde(default)]
    pub version: Option<u64>,
}

/// Return and cancel URLs of a redirect method.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedirectInput {
    /// Where the shopper lands after approving.
    #[serde(default)]
    pub return_url: Option<String>,
    /// Where the shopper lands after cancelling.
    #[serde(default)]
    pub cancel_url: Option<String>,
}

/// `sepaDebit` input.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SepaInput {
    /// The account's IBAN.
    #[serde(default)]
    pub iban: Option<String>,
}

/// `giftCard` input.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GiftCardInput {
    /// Gift card number.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Password))]
    pub number: Option<crate::Secret<String>>,
    /// PIN.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Password))]
    pub pin: Option<crate::Secret<String>>,
}

/// `wireTransfer` input (nothing is needed).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WireTransferInput {}

/// What a 3-D Secure server needs of the browser (PSD2/SCA).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BrowserInfo {
    /// `screen.width`.
    #[serde(default)]
    pub screen_width: Option<u32>,
    /// `screen.height`.
    #[serde(default)]
    pub screen_height: Option<u32>,
    /// `screen.colorDepth`.
    #[serde(default)]
    pub color_depth: Option<u32>,
    /// Minutes from UTC, as `Date.getTimezoneOffset()`.
    #[serde(default)]
    pub time_zone_offset: Option<i32>,
    /// `navigator.language`.
    #[serde(default)]
    pub language: Option<String>,
    /// `navigator.userAgent`.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// `navigator.javaEnabled()` (always false today).
    #[serde(default)]
    pub java_enabled: Option<bool>,
}

/// `POST /v1/sources`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateSource {
    /// The payment type.
    #[serde(rename = "type")]
    pub kind: PaymentType,
    /// The session whose fields fill what the request lacks.
    pub session_id: String,
    /// Overrides the session's owner.
    #[serde(default)]
    pub owner: Option<Owner>,
    /// Card details; without it, the session's card is used.
    #[serde(default)]
    pub credit_card: Option<CardInput>,
    /// PayPal redirect URLs.
    #[serde(default)]
    pub pay_pal: Option<RedirectInput>,
    /// Klarna redirect URLs.
    #[serde(default)]
    pub klarna_credit: Option<RedirectInput>,
    /// iDEAL redirect URLs.
    #[serde(default)]
    pub ideal: Option<RedirectInput>,
    /// SEPA Direct Debit account.
    #[serde(default)]
    pub sepa_debit: Option<SepaInput>,
    /// Wire transfer (no fields).
    #[serde(default)]
    pub wire_transfer: Option<WireTransferInput>,
    /// Gift card number and PIN.
    #[serde(default)]
    pub gift_card: Option<GiftCardInput>,
    /// Apple Pay wallet token.
    #[serde(default)]
    pub apple_pay: Option<WalletInput>,
    /// Google Pay wallet token.
    #[serde(default)]
    pub google_pay: Option<WalletInput>,
    /// Browser data for 3-D Secure.
    #[serde(default)]
    pub browser_info: Option<BrowserInfo>,
    /// Card sources: save the card to the session's customer, for this use,
    /// when the order completes (or on `POST /v1/sessions/{id}/payment-methods`).
    #[serde(default)]
    pub usage: Option<Usage>,
    /// Card sources: pay with this saved payment method (`pm_…`) of the
    /// session's customer; `creditCard` then holds only a fresh `cvv`.
    #[serde(default)]
    pub payment_method_id: Option<String>,
    /// The shopper accepted the terms of sale (recorded on the source and session).
    #[serde(default)]
    pub terms_acceptance: Option<TermsAcceptanceInput>,
    /// Optimistic lock on the session.
    #[serde(default)]
    pub version: Option<u64>,
}

/// What a saved card may be used for (the shopper agreed to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Usage {
    /// Faster checkout next time, the shopper present.
    Convenience,
    /// Charges of a subscription as agreed.
    Subscription,
    /// Later charges of agreed amounts, the shopper absent.
    Unscheduled,
}

impl Usage {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Usage::Convenience => "convenience",
            Usage::Subscription => "subscription",
            Usage::Unscheduled => "unscheduled",
        }
    }
    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Usage> {
        [Usage::Convenience, Usage::Subscription, Usage::Unscheduled]
            .into_iter()
            .find(|u| u.as_str() == s)
    }
}

/// A saved card, masked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SavedCard {
    /// Brand.
    pub brand: Brand,
    /// Last four digits.
    pub last_four_digits: String,
    /// 1-12.
    pub expiration_month: u8,
    /// Four digits.
    pub expiration_year: u16,
}

/// A customer's saved payment method (masked only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethodSummary {
    /// `pm_…`.
    pub id: String,
    /// `creditCard`.
    #[serde(rename = "type")]
    pub kind: PaymentType,
    /// What the shopper agreed the method may be used for.
    pub usage: Usage,
    /// The card, masked.
    pub credit_card: SavedCard,
    /// RFC 3339.
    pub created_time: String,
}

/// `POST /v1/customers`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCustomer {
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// The merchant's own id for the customer.
    #[serde(default)]
    pub reference: Option<String>,
    /// Merchant's key/value pairs.
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// A customer of the merchant, with its saved payment methods.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// `cus_…`.
    pub id: String,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The merchant's own id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Merchant's key/value pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// RFC 3339.
    pub created_time: String,
    /// Saved payment methods, oldest first.
    pub payment_methods: Vec<PaymentMethodSummary>,
}

/// `GET /v1/customers/{id}/payment-methods`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentMethodList {
    /// Saved payment methods, oldest first.
    pub data: Vec<PaymentMethodSummary>,
}

/// Answer of deleting a saved payment method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletedPaymentMethod {
    /// `pm_…`.
    pub id: String,
    /// Always `true`.
    pub deleted: bool,
}

/// `POST /v1/sessions/{id}/payment-methods`: save a chargeable card source
/// created with `usage` to the session's customer, without paying.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenizeSource {
    /// The card source (`src_…`) of this session.
    pub source_id: String,
    /// Optimistic lock on the session.
    #[serde(default)]
    pub version: Option<u64>,
}

/// The version of the terms of sale the compliance route shows; an acceptance
/// names it (a stale version is refused: the shopper saw other terms).
pub const TERMS_VERSION: &str = "2026-01";

/// `termsAcceptance` of `POST /v1/sources`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TermsAcceptanceInput {
    /// `termsVersion` of the compliance details the shopper accepted.
    pub version: String,
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

/// A wallet's payment token (`applePay` / `googlePay` of `POST /v1/sources`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WalletInput {
    /// The token the wallet answered (`PaymentResponse.details.token`).
    #[serde(default)]
    pub token: Option<String>,
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
    #[cfg_attr(feature = "openapi", schema(schema_with = openapi::next_action_type))]
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

/// A source attached to a session, with what it contributes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AttachedSource {
    /// Source id.
    pub id: String,
    /// Payment type.
    #[serde(rename = "type")]
    pub kind: PaymentType,
    /// `true` for the primary source (funds the rest).
    pub primary: bool,
    /// Contribution in minor units.
    pub amount: Amount,
}

/// A payment session as the merchant (secret key) sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// `ses_…`: random, unguessable.
    pub id: String,
    /// Secret handed to the merchant's server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Incremented on every change.
    pub version: u64,
    /// State.
    pub state: SessionState,
    /// Total, minor units.
    pub amount: Amount,
    /// ISO 4217.
    pub currency: Currency,
    /// ISO 3166-1 alpha-2.
    pub country: Country,
    /// Sum of attached sources.
    pub amount_contributed: Amount,
    /// Still to be funded.
    pub amount_remaining_to_be_contributed: Amount,
    /// Customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    /// Shipping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Owner>,
    /// Card held by the session (masked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<MaskedCard>,
    /// Merchant reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Merchant metadata (secret-key view only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// The customer the session pays for (secret-key view only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Attached sources.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub sources: Vec<AttachedSource>,
    /// The order, once complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Sources and orders need an acceptance of the terms of sale.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_terms_acceptance: bool,
    /// The shopper's acceptance of the terms of sale, once recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_acceptance: Option<TermsAcceptance>,
    /// `manual` when the order only authorizes (absent: `automatic`).
    #[serde(default, skip_serializing_if = "CaptureMethod::is_automatic")]
    pub capture: CaptureMethod,
    /// RFC 3339.
    pub expires_at: String,
    /// RFC 3339.
    pub created_time: String,
    /// RFC 3339.
    pub updated_time: String,
}

/// `sessionInformation` of the payment-methods answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionInformation {
    /// Minor units (the amount remaining to be contributed).
    pub amount: Amount,
    /// ISO 4217.
    pub currency: Currency,
    /// ISO 3166-1 alpha-2.
    pub country: Country,
}

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
    #[cfg_attr(feature = "openapi", schema(value_type = Country))]
    pub country_code: String,
    /// ISO 4217.
    #[cfg_attr(feature = "openapi", schema(value_type = Currency))]
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
}

/// `POST /v1/orders`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateOrder {
    /// The funded session.
    pub session_id: String,
    /// Optimistic lock.
    #[serde(default)]
    pub version: Option<u64>,
}

/// An order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// `ord_…`.
    pub id: String,
    /// Session.
    pub session_id: String,
    /// `complete`.
    #[cfg_attr(feature = "openapi", schema(schema_with = openapi::order_state))]
    pub state: String,
    /// Total.
    pub amount: Amount,
    /// Currency.
    pub currency: Currency,
    /// Consumed sources with their contributions.
    pub sources: Vec<AttachedSource>,
    /// RFC 3339.
    pub created_time: String,
    /// Incremented on every change after creation (captures, cancel, refunds, …).
    #[serde(default)]
    pub version: u64,
    /// `automatic` or `manual` (the session's).
    #[serde(default)]
    pub capture: CaptureMethod,
    /// The money state of the order as a whole.
    #[serde(default)]
    pub payment_state: PaymentState,
    /// Captured so far, minor units (all payments).
    #[serde(default)]
    pub amount_captured: u64,
    /// Refunded (succeeded), minor units.
    #[serde(default)]
    pub amount_refunded: u64,
    /// Manual capture: when what is not captured by then is released (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_expires_at: Option<String>,
    /// One per source, in the order of `sources`.
    #[serde(default)]
    pub payments: Vec<Payment>,
    /// The captures made through `POST /v1/orders/{id}/captures`, oldest first.
    #[serde(default)]
    pub captures: Vec<Capture>,
    /// The refunds, oldest first.
    #[serde(default)]
    pub refunds: Vec<Refund>,
}

/// The money of one source of an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    /// The source (`src_…`).
    pub source_id: String,
    /// Its payment type.
    #[serde(rename = "type")]
    pub kind: PaymentType,
    /// Authorized (its contribution), minor units.
    pub amount: u64,
    /// Captured so far.
    pub captured: u64,
    /// Released uncaptured (cancel, final capture, expiry).
    pub released: u64,
    /// Refunded (succeeded).
    pub refunded: u64,
    /// In refunds still pending.
    pub refund_pending: u64,
    /// Its state.
    pub state: PaymentState,
}

/// One capture of an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Capture {
    /// `cap_…`.
    pub id: String,
    /// Minor units.
    pub amount: u64,
    /// The capture released what remained uncaptured.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// RFC 3339.
    pub created_time: String,
}

/// What a refund takes back from one payment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RefundPart {
    /// The payment's source.
    pub source_id: String,
    /// Its payment type.
    #[serde(rename = "type")]
    pub kind: PaymentType,
    /// Minor units.
    pub amount: u64,
}

/// A refund of an order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    /// `re_…`.
    pub id: String,
    /// The order.
    pub order_id: String,
    /// Minor units.
    pub amount: u64,
    /// Currency.
    pub currency: Currency,
    /// `pending` (an asynchronous method's), `succeeded` or `failed`.
    pub state: RefundState,
    /// The merchant's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What each payment gives back (primary first, then gift cards, last attached first).
    pub parts: Vec<RefundPart>,
    /// RFC 3339.
    pub created_time: String,
    /// RFC 3339.
    pub updated_time: String,
}

/// `POST /v1/orders/{id}/captures`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCapture {
    /// Minor units, > 0 (default: everything still capturable).
    #[serde(default)]
    pub amount: Option<Amount>,
    /// Release what remains uncaptured after this capture (default `false`;
    /// a capture of everything that remains is final anyway).
    #[serde(default, rename = "final")]
    pub is_final: Option<bool>,
}

/// `POST /v1/orders/{id}/refunds`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateRefund {
    /// Minor units, > 0 (default: everything still refundable).
    #[serde(default)]
    pub amount: Option<Amount>,
    /// The merchant's reason (kept with the refund, at most 500 characters).
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /v1/sessions/{id}/sources`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttachSource {
    /// Source to attach.
    pub source_id: String,
    /// Optimistic lock.
    #[serde(default)]
    pub version: Option<u64>,
}

/// `POST /v1/sources/{id}/authenticate`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthenticateSource {
    /// The source's client secret.
    pub client_secret: String,
    /// The session the source belongs to (checked when given).
    #[serde(default)]
    pub session_id: Option<String>,
    /// The challenge answer, for integrations without the hosted page.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Password))]
    pub challenge_response: Option<crate::Secret<String>>,
}

/// Answer of `authenticate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationResult {
    /// `complete`, `authentication_not_required`, `failed`, or `pending` while the challenge is open.
    #[cfg_attr(feature = "openapi", schema(schema_with = openapi::authentication_status))]
    pub status: String,
    /// The source after authentication.
    pub source: Source,
}

/// Schemas of the string fields above whose values are a fixed set (for the
/// server's OpenAPI document; feature `openapi`).
#[cfg(feature = "openapi")]
mod openapi {
    use utoipa::openapi::{schema::SchemaType, ObjectBuilder, Type};

    fn one_of(values: &[&str]) -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(values.iter().copied()))
    }
    /// [`super::NextAction::kind`].
    pub fn next_action_type() -> ObjectBuilder {
        one_of(&["challenge", "redirect"])
    }
    /// [`super::Order::state`].
    pub fn order_state() -> ObjectBuilder {
        one_of(&["complete"])
    }
    /// [`super::AuthenticationResult::status`].
    pub fn authentication_status() -> ObjectBuilder {
        one_of(&[
            "complete",
            "authentication_not_required",
            "failed",
            "pending",
        ])
    }
}
