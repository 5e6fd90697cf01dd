//! Refunds of an order's payments and the asynchronous outcomes that settle
//! them (and an asynchronous payment): the money rules of [`super`].

use super::*;
use paysession_core::state::SourceState;

/// What may still be refunded of `p`.
fn refundable(p: &Payment) -> u64 {
    p.captured
        .saturating_sub(p.refunded)
        .saturating_sub(p.refund_pending)
}

/// A refund of `amount` (default: all that is refundable).
pub fn refund(
    rec: &mut OrderRec,
    amount: Option<u64>,
    reason: Option<String>,
    now: i64,
    fx: &mut Effects,
) -> Result<Refund, AppError> {
    check_reason(reason.as_deref())?;
    let o = &mut rec.order;
    let amount = refund_amount(o, amount)?;
    let parts = split(&o.payments, amount);
    let pending = parts.iter().any(|p| p.kind.is_asynchronous());
    let r = Refund {
        id: ids::new_id("re_"),
        order_id: o.id.clone(),
        amount,
        currency: o.currency,
        state: if pending {
            RefundState::Pending
        } else {
            RefundState::Succeeded
        },
        reason,
        parts,
        created_time: rfc3339(now),
        updated_time: rfc3339(now),
    };
    book(&mut o.payments, &r, pending)?;
    fx.changes
        .push((LifecycleEvent::RefundCreated, r.id.clone()));
    if !pending {
        credit_gift_parts(&r, fx);
        fx.changes
            .push((LifecycleEvent::RefundSucceeded, r.id.clone()));
    }
    fx.refunds_created.push(r.id.clone());
    o.refunds.push(r.clone());
    summarize(o);
    Ok(r)
}

/// A refund's `reason`: at most `REASON_MAX` characters.
fn check_reason(reason: Option<&str>) -> Result<(), AppError> {
    if reason.is_some_and(|r| r.chars().count() > REASON_MAX) {
        return Err(AppError::api(ApiError::validation(
            ErrorCode::InvalidParameter,
            "reason",
            format!("At most {REASON_MAX} characters."),
        )));
    }
    Ok(())
}

/// The amount to refund: `amount`, or all that is refundable; never more,
/// never 0. An order with nothing refundable because its payment is pending or
/// failed says so.
fn refund_amount(o: &Order, amount: Option<u64>) -> Result<u64, AppError> {
    let total: u64 = o.payments.iter().map(refundable).sum();
    if total == 0 {
        if let st @ (PaymentState::Pending | PaymentState::Failed) = o.payment_state {
            return Err(not_open(st));
        }
    }
    let amount = amount.unwrap_or(total);
    if amount > total || amount == 0 {
        return Err(AppError::api(ApiError::bad_request(
            ErrorCode::AmountExceedsRefundable,
            Some("amount"),
            format!("At most {total} may be refunded."),
        )));
    }
    Ok(amount)
}

/// `amount` over the payments: the primary first, then the gift cards, the
/// last attached first, each at most what it still may refund.
fn split(payments: &[Payment], amount: u64) -> Vec<RefundPart> {
    let mut order: Vec<usize> = (0..payments.len())
        .filter(|&i| payments[i].kind != PaymentType::GiftCard)
        .collect();
    order.extend(
        (0..payments.len())
            .rev()
            .filter(|&i| payments[i].kind == PaymentType::GiftCard),
    );
    let mut left = amount;
    let mut parts = Vec::new();
    for i in order {
        let p = &payments[i];
        let take = left.min(refundable(p));
        if take == 0 {
            continue;
        }
        left -= take;
        parts.push(RefundPart {
            source_id: p.source_id.clone(),
            kind: p.kind,
            amount: take,
        });
    }
    parts
}

/// Each part of `r` on its payment: pending, or refunded at once.
fn book(payments: &mut [Payment], r: &Refund, pending: bool) -> Result<(), AppError> {
    for part in &r.parts {
        let p = payments
            .iter_mut()
            .find(|p| p.source_id == part.source_id)
            .ok_or_else(|| AppError::internal("a refund part without its payment"))?;
        if pending {
            p.refund_pending += part.amount;
        } else {
            p.refunded += part.amount;
        }
    }
    Ok(())
}

fn credit_gift_parts(r: &Refund, fx: &mut Effects) {
    for part in r.parts.iter().filter(|p| p.kind == PaymentType::GiftCard) {
        fx.gift.push(credit(&part.source_id, part.amount));
    }
}

/// A pending refund completes: `succeeded` (the gift cards get their part)
/// or `failed` (its amount is refundable again).
pub fn settle_refund(
    rec: &mut OrderRec,
    refund_id: &str,
    succeeded: bool,
    now: i64,
    fx: &mut Effects,
) -> Result<Refund, AppError> {
    let o = &mut rec.order;
    let r = o
        .refunds
        .iter_mut()
        .find(|r| r.id == refund_id)
        .ok_or_else(|| AppError::not_found("refund"))?;
    if r.state != RefundState::Pending {
        return Err(refused(
            ErrorCode::RefundStateInvalid,
            format!("The refund is {} already.", r.state.as_str()),
        ));
    }
    r.state = if succeeded {
        RefundState::Succeeded
    } else {
        RefundState::Failed
    };
    r.updated_time = rfc3339(now);
    let r = r.clone();
    for part in &r.parts {
        if let Some(p) = o
            .payments
            .iter_mut()
            .find(|p| p.source_id == part.source_id)
        {
            p.refund_pending = p.refund_pending.saturating_sub(part.amount);
            if succeeded {
                p.refunded += part.amount;
            }
        }
    }
    if succeeded {
        credit_gift_parts(&r, fx);
    }
    let change = if succeeded {
        LifecycleEvent::RefundSucceeded
    } else {
        LifecycleEvent::RefundFailed
    };
    fx.changes.push((change, r.id.clone()));
    summarize(o);
    Ok(r)
}

/// An asynchronous payment's outcome: its money arrived (captured in full)
/// or it failed (a returned debit).
pub fn settle_payment(
    rec: &mut OrderRec,
    source_id: &str,
    arrived: bool,
    fx: &mut Effects,
) -> Result<(), AppError> {
    let before = rec.order.payment_state;
    let p = rec
        .order
        .payments
        .iter_mut()
        .find(|p| p.source_id == source_id)
        .ok_or_else(|| AppError::not_found("payment"))?;
    if p.state != PaymentState::Pending {
        return Err(AppError::api(ApiError::bad_request(
            ErrorCode::SourceStateInvalid,
            None,
            format!(
                "The payment is {}: only a pending payment's money arrives or fails.",
                p.state.as_str()
            ),
        )));
    }
    if arrived {
        p.captured = p.amount;
        p.state = PaymentState::Captured;
    } else {
        p.state = PaymentState::Failed;
    }
    summarize(&mut rec.order);
    let change = if arrived {
        LifecycleEvent::PaymentCaptured
    } else {
        LifecycleEvent::PaymentFailed
    };
    fx.changes.push((change, rec.order.id.clone()));
    paid_if(before, &rec.order, fx);
    Ok(())
}

/// A returned debit's (or a transfer that never came's) source, as the
/// failed payment leaves it: `consumed` → `failed` (`source.failed`), in the
/// order's transaction, so the source says its money never arrived.
/// `src` is the source as read; nothing when it is not `consumed`.
pub fn returned_source(mut src: SourceRec, now: i64, fx: &mut Effects) {
    if src.source.state != SourceState::Consumed {
        return;
    }
    src.source.state = SourceState::Failed;
    src.source.updated_time = rfc3339(now);
    fx.sources.push(SourceWrite::Transition {
        rec: src,
        from: SourceState::Consumed,
    });
}
