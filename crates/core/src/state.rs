//! Session and source states, flows and payment types. Unknown states are
//! never treated as success: `is_terminal` and `is_usable` name every variant.

use serde::{Deserialize, Serialize};

/// A payment session's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Amount remaining > 0.
    RequiresSource,
    /// Attached sources cover the amount: an order may be created.
    RequiresConfirmation,
    /// An order was created.
    Complete,
    /// Past `expiresAt`.
    Expired,
    /// Too many failed card attempts (card-testing defence).
    Locked,
}

impl SessionState {
    /// No further change is possible.
    pub fn is_terminal(self) -> bool {
        match self {
            SessionState::Complete | SessionState::Expired | SessionState::Locked => true,
            SessionState::RequiresSource | SessionState::RequiresConfirmation => false,
        }
    }
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::RequiresSource => "requires_source",
            SessionState::RequiresConfirmation => "requires_confirmation",
            SessionState::Complete => "complete",
            SessionState::Expired => "expired",
            SessionState::Locked => "locked",
        }
    }
}

/// A source's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    /// Ready to be attached and charged.
    Chargeable,
    /// Waiting for the shopper at a redirect page.
    PendingRedirect,
    /// Waiting for a 3-D Secure challenge.
    RequiresAction,
    /// Receiver flow: waiting for the shopper's transfer.
    PendingFunds,
    /// Declined or failed authentication.
    Failed,
    /// The shopper cancelled.
    Cancelled,
    /// Used by an order.
    Consumed,
}

impl SourceState {
    /// Every source state.
    pub const ALL: [SourceState; 7] = [
        SourceState::Chargeable,
        SourceState::PendingRedirect,
        SourceState::RequiresAction,
        SourceState::PendingFunds,
        SourceState::Failed,
        SourceState::Cancelled,
        SourceState::Consumed,
    ];

    /// No further change is possible.
    pub fn is_terminal(self) -> bool {
        match self {
            SourceState::Failed | SourceState::Cancelled | SourceState::Consumed => true,
            SourceState::Chargeable
            | SourceState::PendingRedirect
            | SourceState::RequiresAction
            | SourceState::PendingFunds => false,
        }
    }
    /// May be attached to a session (`chargeable`, or `pending_funds` for receiver flows).
    pub fn is_attachable(self) -> bool {
        match self {
            SourceState::Chargeable | SourceState::PendingFunds => true,
            SourceState::PendingRedirect
            | SourceState::RequiresAction
            | SourceState::Failed
            | SourceState::Cancelled
            | SourceState::Consumed => false,
        }
    }
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceState::Chargeable => "chargeable",
            SourceState::PendingRedirect => "pending_redirect",
            SourceState::RequiresAction => "requires_action",
            SourceState::PendingFunds => "pending_funds",
            SourceState::Failed => "failed",
            SourceState::Cancelled => "cancelled",
            SourceState::Consumed => "consumed",
        }
    }
}

/// How a source is completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// Immediate (cards, gift cards, SEPA).
    Standard,
    /// The shopper approves on another page (PayPal, Klarna, iDEAL).
    Redirect,
    /// The shopper sends money (wire transfer).
    Receiver,
}

/// The payment types of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum PaymentType {
    /// Credit or debit card.
    CreditCard,
    /// PayPal (redirect).
    PayPal,
    /// Klarna pay later (redirect).
    KlarnaCredit,
    /// iDEAL (redirect, NL + EUR).
    Ideal,
    /// SEPA Direct Debit (EUR).
    SepaDebit,
    /// Wire transfer (receiver).
    WireTransfer,
    /// Gift card (secondary source).
    GiftCard,
    /// Apple Pay: a wallet token (not in `paymentMethods`; see `applePay`).
    ApplePay,
    /// Google Pay: a wallet token (not in `paymentMethods`; see `googlePay`).
    GooglePay,
}

impl PaymentType {
    /// Every type, in display order.
    pub const ALL: [PaymentType; 7] = [
        PaymentType::CreditCard,
        PaymentType::PayPal,
        PaymentType::KlarnaCredit,
        PaymentType::Ideal,
        PaymentType::SepaDebit,
        PaymentType::WireTransfer,
        PaymentType::GiftCard,
    ];
    /// The wallets: paid with a token from the browser's Payment Request API,
    /// offered through the answer's `applePay` / `googlePay` configuration.
    pub const WALLETS: [PaymentType; 2] = [PaymentType::ApplePay, PaymentType::GooglePay];
    /// Wire name (also the key of the type's object in a source).
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentType::CreditCard => "creditCard",
            PaymentType::PayPal => "payPal",
            PaymentType::KlarnaCredit => "klarnaCredit",
            PaymentType::Ideal => "ideal",
            PaymentType::SepaDebit => "sepaDebit",
            PaymentType::WireTransfer => "wireTransfer",
            PaymentType::GiftCard => "giftCard",
            PaymentType::ApplePay => "applePay",
            PaymentType::GooglePay => "googlePay",
        }
    }
    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<PaymentType> {
        PaymentType::ALL
            .into_iter()
            .chain(PaymentType::WALLETS)
            .find(|t| t.as_str() == s)
    }
    /// The flow of this type.
    pub fn flow(self) -> Flow {
        match self {
            PaymentType::CreditCard
            | PaymentType::SepaDebit
            | PaymentType::GiftCard
            | PaymentType::ApplePay
            | PaymentType::GooglePay => Flow::Standard,
            PaymentType::PayPal | PaymentType::KlarnaCredit | PaymentType::Ideal => Flow::Redirect,
            PaymentType::WireTransfer => Flow::Receiver,
        }
    }
    /// Its money moves asynchronously: an order's payment is `pending` until
    /// it arrives, and its refunds are `pending` until they complete.
    pub fn is_asynchronous(self) -> bool {
        match self {
            PaymentType::SepaDebit | PaymentType::WireTransfer => true,
            PaymentType::CreditCard
            | PaymentType::PayPal
            | PaymentType::KlarnaCredit
            | PaymentType::Ideal
            | PaymentType::GiftCard
            | PaymentType::ApplePay
            | PaymentType::GooglePay => false,
        }
    }
    /// Secondary sources contribute up to their balance; primary ones fund the rest.
    pub fn is_secondary(self) -> bool {
        match self {
            PaymentType::GiftCard => true,
            PaymentType::CreditCard
            | PaymentType::PayPal
            | PaymentType::KlarnaCredit
            | PaymentType::Ideal
            | PaymentType::SepaDebit
            | PaymentType::WireTransfer
            | PaymentType::ApplePay
            | PaymentType::GooglePay => false,
        }
    }
}

pub use crate::lifecycle::{CaptureMethod, LifecycleEvent, PaymentState, RefundState};

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names_round_trip() {
        for t in PaymentType::ALL.into_iter().chain(PaymentType::WALLETS) {
            assert_eq!(PaymentType::parse(t.as_str()), Some(t));
        }
        assert_eq!(PaymentType::parse("bitcoin"), None);
        assert!(SourceState::PendingFunds.is_attachable());
        assert!(!SourceState::RequiresAction.is_attachable());
        assert!(SessionState::Locked.is_terminal());
    }

    const SESSION_STATES: [SessionState; 5] = [
        SessionState::RequiresSource,
        SessionState::RequiresConfirmation,
        SessionState::Complete,
        SessionState::Expired,
        SessionState::Locked,
    ];
    const SOURCE_STATES: [SourceState; 7] = SourceState::ALL;

    fn wire<T: Serialize>(v: T) -> String {
        serde_json::to_value(v)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn as_str_is_the_wire_name() {
        // `as_str` and serde's names are the same strings (SQL columns and
        // messages use the first, JSON the second).
        for s in SESSION_STATES {
            assert_eq!(s.as_str(), wire(s));
        }
        for s in SOURCE_STATES {
            assert_eq!(s.as_str(), wire(s));
        }
        for t in PaymentType::ALL.into_iter().chain(PaymentType::WALLETS) {
            assert_eq!(t.as_str(), wire(t));
        }
        assert_eq!(
            SessionState::RequiresConfirmation.as_str(),
            "requires_confirmation"
        );
        assert_eq!(SourceState::PendingFunds.as_str(), "pending_funds");
        for s in PaymentState::ALL {
            assert_eq!(s.as_str(), wire(s));
        }
        for e in LifecycleEvent::ALL {
            assert_eq!(e.as_str(), wire(e));
        }
        for r in [
            RefundState::Pending,
            RefundState::Succeeded,
            RefundState::Failed,
        ] {
            assert_eq!(r.as_str(), wire(r));
        }
        for c in [CaptureMethod::Automatic, CaptureMethod::Manual] {
            assert_eq!(c.as_str(), wire(c));
        }
    }

    #[test]
    fn terminal_states() {
        let terminal: Vec<_> = SESSION_STATES
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [
                SessionState::Complete,
                SessionState::Expired,
                SessionState::Locked
            ]
        );
        let terminal: Vec<_> = SOURCE_STATES
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [
                SourceState::Failed,
                SourceState::Cancelled,
                SourceState::Consumed
            ]
        );
        // A source that can still be attached is never terminal.
        for s in SOURCE_STATES {
            assert!(!(s.is_attachable() && s.is_terminal()), "{s:?}");
        }
    }

    #[test]
    fn only_gift_cards_are_secondary() {
        let secondary: Vec<_> = PaymentType::ALL
            .into_iter()
            .filter(|t| t.is_secondary())
            .collect();
        assert_eq!(secondary, [PaymentType::GiftCard]);
    }
}
