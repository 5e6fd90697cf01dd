//! What a client sends to create or authenticate a source: each payment type's input, the browser's details, the terms accepted.

use super::party::Owner;
use crate::state::PaymentType;
use serde::{Deserialize, Serialize};

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

/// A wallet's payment token (`applePay` / `googlePay` of `POST /v1/sources`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WalletInput {
    /// The token the wallet answered (`PaymentResponse.details.token`).
    #[serde(default)]
    pub token: Option<String>,
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
