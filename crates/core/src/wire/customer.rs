//! Customers and their saved payment methods.

use super::source_input::Usage;
use crate::card::Brand;
use crate::state::PaymentType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
