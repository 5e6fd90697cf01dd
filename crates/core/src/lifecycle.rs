//! The lifecycle after the order (docs/API.md §5.18): how an order's payments
//! are captured, their money state, a refund's state and the events they
//! raise. Re-exported by [`crate::state`], beside the session and source states.

use serde::{Deserialize, Serialize};

/// When an order's payments are captured (`capture` on the session).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaptureMethod {
    /// Captured when the order is created (the default).
    #[default]
    Automatic,
    /// Authorized when the order is created; the merchant captures
    /// (`POST /v1/orders/{id}/captures`) or voids (`POST /v1/orders/{id}/cancel`)
    /// before the authorization expires.
    Manual,
}

impl CaptureMethod {
    /// `true` for the default.
    pub fn is_automatic(&self) -> bool {
        *self == CaptureMethod::Automatic
    }
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureMethod::Automatic => "automatic",
            CaptureMethod::Manual => "manual",
        }
    }
}

/// The money state of one payment of an order, and of the order as a whole
/// (`paymentState`). Transitions (docs/API.md §5.18):
/// `pending` → `captured` | `failed` (asynchronous methods: the funds arrive
/// or the debit is returned); `authorized` → `partially_captured` →
/// `captured` (captures), `authorized` → `voided` (cancel) | `expired` (not
/// captured in time); a partial capture followed by a void, a final capture
/// or the expiry ends `captured` with the rest released.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// An asynchronous method's money has not arrived yet (wire transfer,
    /// SEPA Direct Debit).
    Pending,
    /// Authorized, nothing captured yet (`capture: "manual"`).
    Authorized,
    /// Part captured; the rest may still be captured or released.
    PartiallyCaptured,
    /// Captured: nothing more to capture (the rest, if any, released).
    #[default]
    Captured,
    /// Cancelled before any capture: everything released.
    Voided,
    /// Not captured within the authorization's lifetime: everything released.
    Expired,
    /// The money never arrived (a returned SEPA debit, a wire transfer that failed).
    Failed,
}

impl PaymentState {
    /// Every payment state.
    pub const ALL: [PaymentState; 7] = [
        PaymentState::Pending,
        PaymentState::Authorized,
        PaymentState::PartiallyCaptured,
        PaymentState::Captured,
        PaymentState::Voided,
        PaymentState::Expired,
        PaymentState::Failed,
    ];
    /// More may still be captured.
    pub fn is_capturable(self) -> bool {
        match self {
            PaymentState::Authorized | PaymentState::PartiallyCaptured => true,
            PaymentState::Pending
            | PaymentState::Captured
            | PaymentState::Voided
            | PaymentState::Expired
            | PaymentState::Failed => false,
        }
    }
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::Pending => "pending",
            PaymentState::Authorized => "authorized",
            PaymentState::PartiallyCaptured => "partially_captured",
            PaymentState::Captured => "captured",
            PaymentState::Voided => "voided",
            PaymentState::Expired => "expired",
            PaymentState::Failed => "failed",
        }
    }
}

/// A refund's state: `pending` (an asynchronous method's refund) →
/// `succeeded` | `failed`; other methods' refunds are `succeeded` at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefundState {
    /// Sent; the money has not reached the shopper yet.
    Pending,
    /// The shopper has the money back.
    Succeeded,
    /// The refund failed; its amount may be refunded again.
    Failed,
}

impl RefundState {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RefundState::Pending => "pending",
            RefundState::Succeeded => "succeeded",
            RefundState::Failed => "failed",
        }
    }
}

/// The events of an order's life after its creation (beside the events of
/// the objects' writes, store/events.rs): the one list of their types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LifecycleEvent {
    /// Every payment of the order is captured in full (at creation with
    /// automatic capture, else when the last money arrives or is captured).
    #[serde(rename = "order.paid")]
    OrderPaid,
    /// A capture (manual), or an asynchronous payment's money arriving.
    #[serde(rename = "payment.captured")]
    PaymentCaptured,
    /// What was not captured was released by a cancel (void) or a final capture.
    #[serde(rename = "payment.voided")]
    PaymentVoided,
    /// The authorization expired: what was not captured was released.
    #[serde(rename = "payment.expired")]
    PaymentExpired,
    /// An asynchronous payment failed (a returned SEPA debit).
    #[serde(rename = "payment.failed")]
    PaymentFailed,
    /// A refund was created (`pending` or `succeeded`).
    #[serde(rename = "refund.created")]
    RefundCreated,
    /// A refund reached the shopper.
    #[serde(rename = "refund.succeeded")]
    RefundSucceeded,
    /// A refund failed.
    #[serde(rename = "refund.failed")]
    RefundFailed,
}

impl LifecycleEvent {
    /// Every lifecycle event.
    pub const ALL: [LifecycleEvent; 8] = [
        LifecycleEvent::OrderPaid,
        LifecycleEvent::PaymentCaptured,
        LifecycleEvent::PaymentVoided,
        LifecycleEvent::PaymentExpired,
        LifecycleEvent::PaymentFailed,
        LifecycleEvent::RefundCreated,
        LifecycleEvent::RefundSucceeded,
        LifecycleEvent::RefundFailed,
    ];
    /// The event's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleEvent::OrderPaid => "order.paid",
            LifecycleEvent::PaymentCaptured => "payment.captured",
            LifecycleEvent::PaymentVoided => "payment.voided",
            LifecycleEvent::PaymentExpired => "payment.expired",
            LifecycleEvent::PaymentFailed => "payment.failed",
            LifecycleEvent::RefundCreated => "refund.created",
            LifecycleEvent::RefundSucceeded => "refund.succeeded",
            LifecycleEvent::RefundFailed => "refund.failed",
        }
    }
    /// Whether the event's object is a refund (else the order).
    pub fn is_refund(self) -> bool {
        match self {
            LifecycleEvent::RefundCreated
            | LifecycleEvent::RefundSucceeded
            | LifecycleEvent::RefundFailed => true,
            LifecycleEvent::OrderPaid
            | LifecycleEvent::PaymentCaptured
            | LifecycleEvent::PaymentVoided
            | LifecycleEvent::PaymentExpired
            | LifecycleEvent::PaymentFailed => false,
        }
    }
}
