//! The order's life after its creation: captures, cancel (void), expiry of
//! an authorization, refunds, and the asynchronous outcomes (funds arriving,
//! a debit returned, a refund completing). Each is decided on the order as
//! read and written by compare-and-swap on its version ([`OrderUpdate`]),
//! with its gift-card credits, its events and its idempotency record, in one
//! transaction; a moved version decides again on fresh data, so of racing
//! changes each is decided on what the others left (never more captured than
//! authorized, never more refunded than captured).
//!
//! Money rules (docs/API.md §5.18):
//! - captures take from the payments in the order's order (gift cards first:
//!   their money is debited at the order already, then the primary);
//! - refunds give back from the primary first, then from the gift cards,
//!   the last attached first; a gift card's refund restores its balance;
//! - a refund touching a SEPA Direct Debit or wire transfer payment is
//!   `pending` until it succeeds or fails (test mode:
//!   `POST /v1/test/refunds/{id}/succeed|fail`); others succeed at once;
//! - what a void, a final capture or the expiry releases of a gift card goes
//!   back to the card.

use super::{commit, now};
use crate::{
    clock::rfc3339,
    error::AppError,
    idempotency::IdemCtx,
    ids,
    model::{OrderRec, SourceRec},
    store::{Conflict, GiftOp, OrderUpdate, SourceWrite, Write},
    AppState,
};
use axum::http::StatusCode;
use paysession_core::{
    state::{CaptureMethod, LifecycleEvent, PaymentState, PaymentType, RefundState},
    wire::{Capture, Order, Payment, Refund, RefundPart},
    ApiError, ErrorCode, ErrorType,
};

mod commit;
mod refunds;
pub use commit::{current, ensure_test_key, load_order, modify_order, sweep};
pub use refunds::{refund, returned_source, settle_payment, settle_refund};

/// The longest refund `reason`, in characters.
pub const REASON_MAX: usize = 500;

/// How many times a decision is made again after a moved version.
const ATTEMPTS: usize = 50;

/// What one decision changes besides the order itself.
#[derive(Default)]
pub struct Effects {
    /// The events, each with its object's id.
    pub changes: Vec<(LifecycleEvent, String)>,
    /// Gift-card money given back.
    pub gift: Vec<GiftOp>,
    /// Refunds created.
    pub refunds_created: Vec<String>,
    /// Sources moved (each by compare-and-swap on its state, with its event).
    pub sources: Vec<SourceWrite>,
}

impl Effects {
    fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.gift.is_empty()
            && self.refunds_created.is_empty()
            && self.sources.is_empty()
    }
}

fn refused(code: ErrorCode, msg: impl Into<String>) -> AppError {
    AppError::api(ApiError::bad_request(code, None, msg))
}

/// The payments of a new order from its sources (`capture` the session's),
/// and the order's state and totals.
pub fn open(rec: &mut OrderRec, capture: CaptureMethod, now: i64, ttl: i64) {
    let o = &mut rec.order;
    o.capture = capture;
    o.payments = o
        .sources
        .iter()
        .map(|c| {
            let amount = c.amount.0;
            let state = if c.kind.is_asynchronous() {
                PaymentState::Pending
            } else if capture == CaptureMethod::Manual {
                PaymentState::Authorized
            } else {
                PaymentState::Captured
            };
            let captured = if state == PaymentState::Captured {
                amount
            } else {
                0
            };
            Payment {
                source_id: c.id.clone(),
                kind: c.kind,
                amount,
                captured,
                released: 0,
                refunded: 0,
                refund_pending: 0,
                state,
            }
        })
        .collect();
    if capture == CaptureMethod::Manual {
        rec.authorization_expires = Some(now + ttl);
        o.authorization_expires_at = Some(rfc3339(now + ttl));
    }
    summarize(o);
}

/// The order's totals and state from its payments: failed or pending if any
/// payment is; open (authorized / partially captured) while any may still be
/// captured; else captured if anything was, else expired or voided.
pub fn summarize(o: &mut Order) {
    o.amount_captured = o.payments.iter().map(|p| p.captured).sum();
    o.amount_refunded = o.payments.iter().map(|p| p.refunded).sum();
    let any = |s: PaymentState| o.payments.iter().any(|p| p.state == s);
    o.payment_state = if any(PaymentState::Failed) {
        PaymentState::Failed
    } else if any(PaymentState::Pending) {
        PaymentState::Pending
    } else if o.payments.iter().any(|p| p.state.is_capturable()) {
        if o.amount_captured > 0 {
            PaymentState::PartiallyCaptured
        } else {
            PaymentState::Authorized
        }
    } else if o.amount_captured > 0 {
        PaymentState::Captured
    } else if any(PaymentState::Expired) {
        PaymentState::Expired
    } else {
        PaymentState::Voided
    };
}

/// Releases what every open payment has not captured: it ends `captured`
/// if it captured anything, else `ended`; a gift card gets the rest back.
fn release(rec: &mut OrderRec, ended: PaymentState, fx: &mut Effects) -> bool {
    let mut any = false;
    for p in rec.order.payments.iter_mut() {
        if !p.state.is_capturable() {
            continue;
        }
        let rest = uncaptured(p);
        p.released += rest;
        p.state = if p.captured > 0 {
            PaymentState::Captured
        } else {
            ended
        };
        any |= rest > 0;
        if p.kind == PaymentType::GiftCard && rest > 0 {
            fx.gift.push(credit(&p.source_id, rest));
        }
    }
    any
}

/// A card's credit, its key filled in by [`with_cards`].
fn credit(source: &str, amount: u64) -> GiftOp {
    GiftOp::Credit {
        card: crate::model::GiftCardKey {
            merchant: String::new(),
            card: String::new(),
        },
        source_id: source.to_owned(),
        amount,
    }
}

/// Fills in each credit's card from its source's record.
fn with_cards(s: &AppState, merchant: &str, gift: &mut [GiftOp]) -> Result<(), AppError> {
    for op in gift {
        if let GiftOp::Credit {
            card, source_id, ..
        } = op
        {
            let src: SourceRec = super::load_source(s, merchant, source_id)?;
            *card = src
                .gift_key()
                .ok_or_else(|| AppError::internal("a gift-card payment without its card"))?;
        }
    }
    Ok(())
}

/// Records a change of state: `order.paid` too when the order became
/// captured by it.
fn paid_if(before: PaymentState, o: &Order, fx: &mut Effects) {
    if before != PaymentState::Captured && o.payment_state == PaymentState::Captured {
        fx.changes.push((LifecycleEvent::OrderPaid, o.id.clone()));
    }
}

/// The expiry of a manual authorization, if it is due at `now`.
pub fn expire_if_due(rec: &mut OrderRec, now: i64, fx: &mut Effects) {
    let due = rec.authorization_expires.is_some_and(|t| now >= t);
    if !due || !rec.order.payment_state.is_capturable() {
        return;
    }
    let before = rec.order.payment_state;
    release(rec, PaymentState::Expired, fx);
    summarize(&mut rec.order);
    fx.changes
        .push((LifecycleEvent::PaymentExpired, rec.order.id.clone()));
    paid_if(before, &rec.order, fx);
}

/// Why nothing can be captured or voided in state `st`.
fn not_open(st: PaymentState) -> AppError {
    match st {
        PaymentState::Pending => refused(
            ErrorCode::PaymentPending,
            "The order's money has not arrived yet.",
        ),
        PaymentState::Failed => refused(ErrorCode::PaymentFailed, "The order's payment failed."),
        PaymentState::Voided => refused(ErrorCode::OrderVoided, "The order was cancelled."),
        PaymentState::Expired => refused(
            ErrorCode::AuthorizationExpired,
            "The authorization expired: nothing can be captured.",
        ),
        PaymentState::Captured | PaymentState::Authorized | PaymentState::PartiallyCaptured => {
            refused(
                ErrorCode::OrderAlreadyCaptured,
                "The order has nothing left to capture.",
            )
        }
    }
}

/// A capture of `amount` (default: all that remains); `final` releases the rest.
pub fn capture(
    rec: &mut OrderRec,
    amount: Option<u64>,
    is_final: bool,
    now: i64,
    fx: &mut Effects,
) -> Result<Capture, AppError> {
    let before = rec.order.payment_state;
    if !before.is_capturable() {
        return Err(not_open(before));
    }
    let capturable: u64 = rec
        .order
        .payments
        .iter()
        .filter(|p| p.state.is_capturable())
        .map(uncaptured)
        .sum();
    let amount = amount.unwrap_or(capturable);
    if amount > capturable {
        return Err(AppError::api(ApiError::bad_request(
            ErrorCode::AmountExceedsCapturable,
            Some("amount"),
            format!("At most {capturable} remains to be captured."),
        )));
    }
    let mut left = amount;
    for p in rec.order.payments.iter_mut() {
        if !p.state.is_capturable() {
            continue;
        }
        let take = left.min(uncaptured(p));
        p.captured += take;
        left -= take;
        if p.captured + p.released == p.amount {
            p.state = PaymentState::Captured;
        } else if p.captured > 0 {
            p.state = PaymentState::PartiallyCaptured;
        }
    }
    fx.changes
        .push((LifecycleEvent::PaymentCaptured, rec.order.id.clone()));
    let is_final = is_final || amount == capturable;
    if is_final && release(rec, PaymentState::Voided, fx) {
        fx.changes
            .push((LifecycleEvent::PaymentVoided, rec.order.id.clone()));
    }
    let cap = Capture {
        id: ids::new_id("cap_"),
        amount,
        is_final,
        created_time: rfc3339(now),
    };
    rec.order.captures.push(cap.clone());
    summarize(&mut rec.order);
    paid_if(before, &rec.order, fx);
    Ok(cap)
}

/// Cancels (voids) the order: releases what is not captured.
pub fn void(rec: &mut OrderRec, fx: &mut Effects) -> Result<(), AppError> {
    let before = rec.order.payment_state;
    if !before.is_capturable() {
        return Err(not_open(before));
    }
    release(rec, PaymentState::Voided, fx);
    summarize(&mut rec.order);
    fx.changes
        .push((LifecycleEvent::PaymentVoided, rec.order.id.clone()));
    paid_if(before, &rec.order, fx);
    Ok(())
}

/// What `p` has neither captured nor released (a stored record is trusted
/// to keep `captured + released <= amount`, but no arithmetic here can panic).
fn uncaptured(p: &Payment) -> u64 {
    p.amount
        .saturating_sub(p.captured)
        .saturating_sub(p.released)
}
