//! An order's change committed: loaded, decided on, written by
//! compare-and-swap with its effects; the expiry sweep; the test-mode gate.

use super::*;

/// A merchant's order.
pub fn load_order(s: &AppState, merchant: &str, id: &str) -> Result<OrderRec, AppError> {
    match s.store.order(id)? {
        Some(o) if o.merchant_id == merchant => Ok(o),
        _ => Err(AppError::not_found("order")),
    }
}

/// Loads the order (`load`), applies a due expiry, lets `decide` decide,
/// and commits the order by compare-and-swap on its version with the
/// decision's gift-card credits, events and idempotency record. A decision
/// that fails after the expiry still commits the expiry (and answers its
/// error). A moved version decides again on fresh data.
#[allow(clippy::too_many_arguments)]
pub fn modify_order<T, R: serde::Serialize>(
    s: &AppState,
    merchant: &str,
    load: impl Fn() -> Result<OrderRec, AppError>,
    idem: Option<&IdemCtx>,
    ok: StatusCode,
    mut decide: impl FnMut(&mut OrderRec, i64, &mut Effects) -> Result<T, AppError>,
    answer: impl Fn(T, &OrderRec) -> R,
) -> Result<R, AppError> {
    for _ in 0..ATTEMPTS {
        let mut rec = load()?;
        if rec.merchant_id != merchant {
            return Err(AppError::not_found("order"));
        }
        let now = now(s);
        let expected = rec.order.version;
        let mut fx = Effects::default();
        expire_if_due(&mut rec, now, &mut fx);
        let decided = decide(&mut rec, now, &mut fx);
        if fx.is_empty() {
            return decided.map(|t| answer(t, &rec));
        }
        rec.order.version = expected + 1;
        let result = decided.map(|t| answer(t, &rec));
        with_cards(s, merchant, &mut fx.gift)?;
        let id = rec.order.id.clone();
        let mut w = Write {
            gift: fx.gift,
            sources: fx.sources,
            order_updates: vec![OrderUpdate {
                rec,
                expected,
                changes: fx.changes,
                refunds_created: fx.refunds_created,
            }],
            now,
            ..Write::default()
        };
        if let Some(i) = idem {
            w.idempotency = Some(i.record_result(&result, ok)?);
        }
        match commit(s, w, idem)? {
            None => return result,
            Some(Conflict::Order(o)) if o == id => continue,
            // A source moved meanwhile: decide again on what it is now.
            Some(Conflict::Source(_)) => continue,
            Some(c) => {
                return Err(AppError::internal(format!("order write refused: {c:?}")));
            }
        }
    }
    Err(AppError::internal("order write kept conflicting"))
}

/// The order as read now: a due expiry is applied (and committed) first.
pub fn current(s: &AppState, merchant: &str, id: &str) -> Result<Order, AppError> {
    let mut rec = load_order(s, merchant, id)?;
    let mut fx = Effects::default();
    expire_if_due(&mut rec, now(s), &mut fx);
    if fx.is_empty() {
        return Ok(rec.order);
    }
    modify_order(
        s,
        merchant,
        || load_order(s, merchant, id),
        None,
        StatusCode::OK,
        |_, _, _| Ok(()),
        |(), rec| rec.order.clone(),
    )
}

/// Orders the sweep expires per pass at most.
pub const SWEEP_BATCH: usize = 100;

/// Expires every open authorization that is due (of `merchant`, or every
/// merchant's), each as [`current`] would; how many orders it wrote.
/// Several instances may sweep at once: each order's expiry is a
/// compare-and-swap, so it is written once and the others find it done.
pub fn sweep(s: &AppState, merchant: Option<&str>) -> Result<usize, AppError> {
    let mut written = 0;
    for id in s.store.due_authorizations(merchant, now(s), SWEEP_BATCH)? {
        let Some(rec) = s.store.order(&id)? else {
            continue;
        };
        let before = rec.order.version;
        let after = current(s, &rec.merchant_id, &id)?;
        if after.version != before {
            written += 1;
        }
    }
    Ok(written)
}

/// Test-mode routes answer only to a test key (`sk_test_…`).
pub fn ensure_test_key(secret_key: &str) -> Result<(), AppError> {
    if secret_key.starts_with("sk_test_") {
        return Ok(());
    }
    Err(AppError::api(ApiError::new(
        ErrorType::Forbidden,
        ErrorCode::TestModeOnly,
        None,
        "Test-mode routes need a test secret key (sk_test_…).",
    )))
}
