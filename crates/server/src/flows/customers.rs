//! Customers and their saved payment methods. A card is saved from a card
//! source created with `usage` on a session that names a customer: when the
//! session's order completes (in the order's transaction) or on the
//! session's tokenize operation (no payment). The saved method keeps the
//! card number sealed by the vault (bound to the method's id), never the
//! security code; paying with it needs a fresh code.

use super::{commit, ensure_open, modify_session, now, Change, SessionEffect};
use crate::{
    clock::{rfc3339, year_month},
    error::AppError,
    idempotency::IdemCtx,
    ids,
    model::{CustomerRec, PaymentMethodRec, SessionRec, SourceRec},
    store::{PmWrite, SourceWrite, Write},
    AppState,
};
use axum::http::StatusCode;
use paysession_core::{
    card::Expiry,
    state::{PaymentType, SourceState},
    wire::{
        CreateCustomer, Customer, DeletedPaymentMethod, PaymentMethodList, PaymentMethodSummary,
        TokenizeSource,
    },
    ApiError, ErrorCode, ErrorType,
};

fn not_found(what: &str, parameter: Option<&str>) -> AppError {
    AppError::api(ApiError::new(
        ErrorType::NotFound,
        ErrorCode::ResourceNotFound,
        parameter,
        format!("No such {what}."),
    ))
}

/// `payment_method_removed`, naming `paymentMethodId`.
pub fn removed() -> AppError {
    AppError::api(ApiError::bad_request(
        ErrorCode::PaymentMethodRemoved,
        Some("paymentMethodId"),
        "This saved payment method was removed.",
    ))
}

/// A merchant's customer; another merchant's is `404` like an unknown one.
pub fn load_customer(
    s: &AppState,
    merchant: &str,
    id: &str,
    parameter: Option<&str>,
) -> Result<CustomerRec, AppError> {
    match s.store.customer(id)? {
        Some(c) if c.merchant_id == merchant => Ok(c),
        _ => Err(not_found("customer", parameter)),
    }
}

/// Creates a customer (validated by the route) with its idempotency record.
pub fn create(
    s: &AppState,
    merchant: &str,
    req: CreateCustomer,
    idem: Option<&IdemCtx>,
) -> Result<Customer, AppError> {
    let now = now(s);
    let rec = CustomerRec {
        id: ids::customer(),
        merchant_id: merchant.to_owned(),
        email: req.email,
        reference: req.reference,
        metadata: req.metadata,
        created: now,
    };
    let view = rec.view(&[]);
    let mut w = Write {
        customers: vec![rec],
        now,
        ..Default::default()
    };
    if let Some(i) = idem {
        w.idempotency = Some(i.record_result(&Ok(&view), StatusCode::CREATED)?);
    }
    match commit(s, w, idem)? {
        None => Ok(view),
        Some(c) => Err(AppError::internal(format!("new customer refused: {c:?}"))),
    }
}

/// A customer with its live saved methods.
pub fn retrieve(s: &AppState, merchant: &str, id: &str) -> Result<Customer, AppError> {
    let c = load_customer(s, merchant, id, None)?;
    Ok(c.view(&s.store.payment_methods(&c.id)?))
}

/// The live saved methods of a customer.
pub fn list(s: &AppState, merchant: &str, id: &str) -> Result<PaymentMethodList, AppError> {
    let c = load_customer(s, merchant, id, None)?;
    Ok(PaymentMethodList {
        data: summaries(s, &c.id)?,
    })
}

/// The masked views of a customer's live methods.
pub fn summaries(s: &AppState, customer_id: &str) -> Result<Vec<PaymentMethodSummary>, AppError> {
    Ok(s.store
        .payment_methods(customer_id)?
        .iter()
        .map(PaymentMethodRec::summary)
        .collect())
}

/// Deletes a live method of `customer_id` by compare-and-swap (its sealed
/// number goes with it). A deleted or unknown method is `404`.
pub fn delete(
    s: &AppState,
    merchant: &str,
    customer_id: &str,
    pm_id: &str,
) -> Result<DeletedPaymentMethod, AppError> {
    for _ in 0..10 {
        let m = match s.store.payment_method(pm_id)? {
            Some(m) if m.merchant_id == merchant && m.customer_id == customer_id && !m.deleted => m,
            _ => return Err(not_found("payment method", None)),
        };
        let mut gone = m;
        gone.deleted = true;
        gone.number_sealed = None;
        let w = Write {
            payment_methods: vec![PmWrite::Delete(gone)],
            now: now(s),
            ..Default::default()
        };
        if commit(s, w, None)?.is_none() {
            return Ok(DeletedPaymentMethod {
                id: pm_id.to_owned(),
                deleted: true,
            });
        }
    }
    Err(AppError::internal("payment method delete kept conflicting"))
}

/// The customer a session names (browser routes on saved methods).
pub fn session_customer(rec: &SessionRec) -> Result<String, AppError> {
    rec.customer_id.clone().ok_or_else(|| {
        AppError::api(ApiError::bad_request(
            ErrorCode::InvalidParameter,
            Some("sessionId"),
            "The session names no customer (`customerId`).",
        ))
    })
}

/// A method the session's customer may pay with now: the customer's own
/// (else `404`), live (else `payment_method_removed`), not expired.
pub fn usable(s: &AppState, rec: &SessionRec, pm_id: &str) -> Result<PaymentMethodRec, AppError> {
    let m = match (s.store.payment_method(pm_id)?, &rec.customer_id) {
        (Some(m), Some(c)) if m.merchant_id == rec.merchant_id && m.customer_id == *c => m,
        _ => return Err(not_found("payment method", Some("paymentMethodId"))),
    };
    if m.deleted || m.number_sealed.is_none() {
        return Err(removed());
    }
    Expiry::parse(
        m.expiration_month as i64,
        m.expiration_year as i64,
        year_month(s.clock.now()),
    )
    .map_err(|_| {
        AppError::validation(
            ErrorCode::InvalidExpirationDate,
            "paymentMethodId",
            "The saved card has expired.",
        )
    })?;
    Ok(m)
}

/// The method a card source with `usage` becomes for `customer_id`, and the
/// source without its sealed number; `None` for a source not to be saved.
pub fn saved_from(
    s: &AppState,
    src: &SourceRec,
    customer_id: &str,
    now: i64,
) -> Result<Option<(PaymentMethodRec, SourceRec)>, AppError> {
    let (Some(save), Some(card)) = (&src.save, &src.source.credit_card) else {
        return Ok(None);
    };
    let Some(sealed) = &save.number_sealed else {
        return Ok(None);
    };
    let digits = s
        .vault
        .open(sealed, &src.source.id)
        .ok_or_else(|| AppError::internal("saved card unreadable"))?;
    let id = ids::payment_method();
    let m = PaymentMethodRec {
        number_sealed: Some(s.vault.seal(&digits, &id)),
        id,
        merchant_id: src.merchant_id.clone(),
        customer_id: customer_id.to_owned(),
        source_id: src.source.id.clone(),
        usage: save.usage,
        brand: card.brand,
        last_four_digits: card.last_four_digits.clone(),
        expiration_month: card.expiration_month,
        expiration_year: card.expiration_year,
        fingerprint: card.fingerprint.clone(),
        created: now,
        deleted: false,
    };
    let mut rest = src.clone();
    if let Some(sv) = rest.save.as_mut() {
        sv.number_sealed = None;
    }
    Ok(Some((m, rest)))
}

/// `POST /v1/sessions/{id}/payment-methods`: saves a chargeable card source
/// of the session, created with `usage`, to the session's customer without
/// paying. The source is consumed by compare-and-swap in the transaction
/// that inserts the method, so a source is saved at most once.
pub fn tokenize(
    s: &AppState,
    merchant: &str,
    session_id: &str,
    req: &TokenizeSource,
    expected: Option<u64>,
    idem: Option<&IdemCtx>,
) -> Result<PaymentMethodSummary, AppError> {
    modify_session(
        s,
        merchant,
        session_id,
        expected,
        idem,
        StatusCode::CREATED,
        |rec, now| {
            ensure_open(rec, now)?;
            let customer = session_customer(rec)?;
            let src = match s.store.source(&req.source_id)? {
                Some(src) if src.merchant_id == merchant => src,
                _ => return Err(not_found("source", Some("sourceId"))),
            };
            if src.source.session_id != rec.id {
                return Err(AppError::api(ApiError::bad_request(
                    ErrorCode::SourceSessionMismatch,
                    Some("sourceId"),
                    "The source was created for another session.",
                )));
            }
            if src.source.state != SourceState::Chargeable {
                return Err(AppError::api(ApiError::bad_request(
                    ErrorCode::SourceStateInvalid,
                    Some("sourceId"),
                    format!(
                        "A {} source cannot be saved; it must be chargeable.",
                        src.source.state.as_str()
                    ),
                )));
            }
            if src.source.kind != PaymentType::CreditCard || src.save.is_none() {
                return Err(AppError::validation(
                    ErrorCode::InvalidParameter,
                    "sourceId",
                    "Only a card source created with `usage` can be saved.",
                ));
            }
            let Some((m, mut used)) = saved_from(s, &src, &customer, now)? else {
                return Err(AppError::api(ApiError::bad_request(
                    ErrorCode::SourceStateInvalid,
                    Some("sourceId"),
                    "The source was saved already.",
                )));
            };
            used.source.state = SourceState::Consumed;
            used.source.updated_time = rfc3339(now);
            let summary = m.summary();
            let mut change = Change::none(Ok(summary));
            change.session = SessionEffect::Unchanged;
            change.sources.push(SourceWrite::Transition {
                rec: used,
                from: SourceState::Chargeable,
            });
            change.payment_methods.push(PmWrite::Insert(m));
            Ok(change)
        },
        |m, _, _| m,
    )
}

/// Loads `session_id` of `merchant` and deletes `pm_id` of its customer,
/// only while the session is open ([`ensure_open`], as every other browser
/// route): a finished session's page no longer acts for the customer.
pub fn delete_for_session(
    s: &AppState,
    merchant: &str,
    session_id: &str,
    pm_id: &str,
) -> Result<DeletedPaymentMethod, AppError> {
    let rec = super::load_session(s, merchant, session_id)?;
    ensure_open(&rec, now(s))?;
    let customer = session_customer(&rec)?;
    delete(s, merchant, &customer, pm_id)
}

/// Whether `src` pays with a saved method, which then must still be live.
pub fn check_paying_method(s: &AppState, src: &SourceRec) -> Result<Option<String>, AppError> {
    let Some(pm) = &src.payment_method else {
        return Ok(None);
    };
    match s.store.payment_method(pm)? {
        Some(m) if !m.deleted => Ok(Some(pm.clone())),
        _ => Err(removed()),
    }
}
