//! Orders: create, the order as answered, its payments, captures and refunds.

use super::session::AttachedSource;
use crate::money::{Amount, Currency};
use crate::state::{CaptureMethod, PaymentState, PaymentType, RefundState};
use serde::{Deserialize, Serialize};

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
    #[cfg_attr(feature = "openapi", schema(schema_with = super::openapi::order_state))]
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
