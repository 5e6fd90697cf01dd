//! Funding a session: attaching and detaching sources (a gift card holds
//! what it contributes) and the order, which re-checks every attached source
//! and turns the holds into debits, all in one transaction.

use super::{ensure_open, load_source, modify_session, Change};
use crate::methods::gift_card;
use crate::{
    clock::rfc3339,
    error::AppError,
    idempotency::IdemCtx,
    ids,
    model::{Attached, OrderRec, SessionRec, SourceRec},
    store::{GiftOp, PmWrite, SourceWrite},
    AppState,
};
use axum::http::StatusCode;
use paysession_core::{
    state::{SessionState, SourceState},
    wire::{self, Order},
    ApiError, ErrorCode, ErrorType,
};

/// Attaches `source_id`: a primary replaces the previous primary; a gift card
/// holds `min(available, what the other secondaries leave)`.
pub fn attach(
    s: &AppState,
    merchant: &str,
    session_id: &str,
    source_id: &str,
    expected: Option<u64>,
    idem: Option<&IdemCtx>,
) -> Result<wire::Session, AppError> {
    modify_session(
        s,
        merchant,
        session_id,
        expected,
        idem,
        StatusCode::OK,
        |rec, now| {
            ensure_open(rec, now)?;
            let src = attachable(s, merchant, rec, source_id)?;
            let state = src.source.state;
            if rec.attached.iter().any(|a| a.id == src.source.id) {
                return Ok(Change::none(Ok(())));
            }
            let kind = src.source.kind;
            let mut change = Change::session(Ok(()));
            change.source_checks.push((src.source.id.clone(), state));
            let mut held = None;
            if let Some(key) = src.gift_key() {
                let (op, amount) = gift_card::hold(s, key, &src.source.id, rec, now)?;
                change.gift.push(op);
                held = Some(amount);
            }
            if !kind.is_secondary() {
                rec.attached.retain(|a| a.kind.is_secondary());
            }
            rec.attached.push(Attached {
                id: src.source.id.clone(),
                kind,
                balance: held.or(src.balance),
            });
            Ok(change)
        },
        |(), rec, now| rec.view(now, true),
    )
}

/// The source `source_id` if it may be attached to `rec`: the merchant's, made
/// for this session, chargeable (or pending funds).
fn attachable(
    s: &AppState,
    merchant: &str,
    rec: &SessionRec,
    source_id: &str,
) -> Result<SourceRec, AppError> {
    let src = match s.store.source(source_id)? {
        Some(src) if src.merchant_id == merchant => src,
        _ => {
            return Err(AppError::api(ApiError::new(
                ErrorType::NotFound,
                ErrorCode::ResourceNotFound,
                Some("sourceId"),
                "No such source.",
            )))
        }
    };
    if src.source.session_id != rec.id {
        return Err(AppError::api(ApiError::bad_request(
            ErrorCode::SourceSessionMismatch,
            Some("sourceId"),
            "The source was created for another session.",
        )));
    }
    let state = src.source.state;
    if !state.is_attachable() {
        return Err(AppError::api(ApiError::bad_request(
            ErrorCode::SourceStateInvalid,
            Some("sourceId"),
            format!(
                "A {} source cannot be attached; it must be chargeable (or pending_funds).",
                state.as_str()
            ),
        )));
    }
    Ok(src)
}

/// Detaches `source_id` (a gift card's hold is released).
pub fn detach(
    s: &AppState,
    merchant: &str,
    session_id: &str,
    source_id: &str,
    expected: Option<u64>,
) -> Result<wire::Session, AppError> {
    modify_session(
        s,
        merchant,
        session_id,
        expected,
        None,
        StatusCode::OK,
        |rec, now| {
            ensure_open(rec, now)?;
            let before = rec.attached.len();
            rec.attached.retain(|a| a.id != source_id);
            if rec.attached.len() == before {
                return Err(AppError::not_found("attached source"));
            }
            let mut change = Change::session(Ok(()));
            change.gift.push(GiftOp::Release {
                source_id: source_id.to_owned(),
            });
            Ok(change)
        },
        |(), rec, now| rec.view(now, true),
    )
}

/// Creates the order of a funded session: every contributing source must
/// still be attachable and moves to `consumed` by compare-and-swap, every
/// gift card's hold becomes a debit, and the session completes, in one
/// transaction. The card number and code are dropped from the session.
pub fn order(
    s: &AppState,
    merchant: &str,
    session_id: &str,
    expected: Option<u64>,
    idem: Option<&IdemCtx>,
) -> Result<Order, AppError> {
    modify_session(
        s,
        merchant,
        session_id,
        expected,
        idem,
        StatusCode::CREATED,
        |rec, now| {
            check_orderable(rec, now)?;
            let order_id = ids::order();
            let contributions = rec.contributions();
            let mut change = Change::session(Ok(()));
            for c in &contributions {
                consume(s, merchant, rec, c, &order_id, now, &mut change)?;
            }
            let mut order = new_order(merchant, rec, order_id, contributions, now);
            let ttl = s.authorization_ttl.as_secs() as i64;
            super::orders::open(&mut order, rec.capture, now, ttl);
            let order_view = order.order.clone();
            rec.order_id = Some(order_view.id.clone());
            if let Some(c) = rec.card.as_mut() {
                c.cvv_sealed = None;
                c.number_sealed = None;
            }
            change.orders.push(order);
            Ok(change.answer(Ok(order_view)))
        },
        |o, _, _| o,
    )
}

/// A session makes an order only when it is funded (`requires_confirmation`)
/// and, if it requires them, its terms are accepted.
fn check_orderable(rec: &SessionRec, now: i64) -> Result<(), AppError> {
    if rec.state(now) != SessionState::RequiresConfirmation {
        return Err(AppError::api(ApiError::order_submit_failed()));
    }
    if rec.require_terms && rec.terms_acceptance.is_none() {
        return Err(AppError::api(ApiError::bad_request(
            ErrorCode::TermsNotAccepted,
            Some("sessionId"),
            "This session requires the shopper's acceptance of the terms of sale.",
        )));
    }
    Ok(())
}

/// One contributing source into the order's `change`: still attachable, its
/// gift card's hold settled, its saved method checked live, its card saved
/// for the session's customer if asked (`usage`), and moved to `consumed`.
fn consume<T>(
    s: &AppState,
    merchant: &str,
    rec: &SessionRec,
    c: &wire::AttachedSource,
    order_id: &str,
    now: i64,
    change: &mut Change<T>,
) -> Result<(), AppError> {
    let mut src = load_source(s, merchant, &c.id)?;
    let from = src.source.state;
    if !from.is_attachable() {
        return Err(AppError::api(ApiError::order_submit_failed()));
    }
    if src.gift_card.is_some() {
        change
            .gift
            .push(gift_card::settle(&c.id, c.amount.get(), order_id));
    }
    // Paying with a saved method: it must still be live at commit.
    if let Some(pm) = super::customers::check_paying_method(s, &src)? {
        change.pm_checks.push(pm);
    }
    // A card source with `usage` is saved to the session's customer.
    if let Some(customer) = rec.customer_id.clone() {
        if let Some((m, rest)) = super::customers::saved_from(s, &src, &customer, now)? {
            change.payment_methods.push(PmWrite::Insert(m));
            src = rest;
        }
    }
    src.source.state = SourceState::Consumed;
    src.source.updated_time = rfc3339(now);
    change
        .sources
        .push(SourceWrite::Transition { rec: src, from });
    Ok(())
}

/// The new order of `rec`, before it opens (its payments).
fn new_order(
    merchant: &str,
    rec: &SessionRec,
    order_id: String,
    contributions: Vec<wire::AttachedSource>,
    now: i64,
) -> OrderRec {
    OrderRec {
        merchant_id: merchant.to_owned(),
        order: Order {
            id: order_id,
            session_id: rec.id.clone(),
            state: "complete".into(),
            amount: rec.amount,
            currency: rec.currency,
            sources: contributions,
            created_time: rfc3339(now),
            version: 0,
            capture: rec.capture,
            payment_state: Default::default(),
            amount_captured: 0,
            amount_refunded: 0,
            authorization_expires_at: None,
            payments: vec![],
            captures: vec![],
            refunds: vec![],
        },
        authorization_expires: None,
    }
}
