//! Sessions: create, update, the session as answered, its attached sources.

use super::party::Owner;
use super::source::{MaskedCard, TermsAcceptance};
use super::source_input::CardInput;
use crate::country::Country;
use crate::money::{Amount, Currency};
use crate::state::{CaptureMethod, PaymentType, SessionState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
