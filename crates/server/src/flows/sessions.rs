//! Sessions: a new session, and a change of its fields (merchant and
//! browser views). Fields are overwritten field by field, never removed; a
//! new card number replaces the card and drops the old security code.

use super::{commit, ensure_open, modify_session, now, Change, SessionEffect};
use crate::{
    clock::year_month,
    error::AppError,
    idempotency::IdemCtx,
    ids,
    model::{SessionRec, StoredCard},
    store::Write,
    AppState,
};
use axum::http::StatusCode;
use paysession_core::{
    card::{check_card, check_security_code, CardFields, Expiry},
    wire::{self, Address, CardInput, CreateSession, Owner, UpdateSession},
    ErrorCode,
};

/// Creates a session (validated by the route) with its idempotency record.
pub fn create(
    s: &AppState,
    merchant: &str,
    req: CreateSession,
    idem: Option<&IdemCtx>,
) -> Result<wire::Session, AppError> {
    let now = now(s);
    if let Some(c) = &req.customer_id {
        super::customers::load_customer(s, merchant, c, Some("customerId"))?;
    }
    let id = ids::session();
    let rec = SessionRec {
        client_secret: ids::client_secret(&id),
        id,
        merchant_id: merchant.to_owned(),
        version: 1,
        amount: req.amount,
        currency: req.currency,
        country: req.country,
        owner: req.owner,
        shipping: req.shipping,
        reference: req.reference,
        locale: req.locale,
        metadata: req.metadata,
        customer_id: req.customer_id,
        card: None,
        attached: vec![],
        order_id: None,
        failed_attempts: 0,
        require_terms: req.require_terms_acceptance.unwrap_or(false),
        terms_acceptance: None,
        wallet_tokens: Vec::new(),
        capture: req.capture.unwrap_or_default(),
        created: now,
        updated: now,
        expires: now + s.session_ttl.as_secs() as i64,
    };
    let view = rec.view(now, true);
    let mut w = Write {
        insert_session: Some(rec),
        now,
        ..Default::default()
    };
    if let Some(i) = idem {
        w.idempotency = Some(i.record_result(&Ok(&view), StatusCode::CREATED)?);
    }
    match commit(s, w, idem)? {
        None => Ok(view),
        Some(c) => Err(AppError::internal(format!("new session refused: {c:?}"))),
    }
}

/// Applies `req` to the session (`full`: the merchant's view in the answer).
pub fn update(
    s: &AppState,
    merchant: &str,
    id: &str,
    expected: Option<u64>,
    req: &UpdateSession,
    full: bool,
) -> Result<wire::Session, AppError> {
    let today = year_month(s.clock.now());
    modify_session(
        s,
        merchant,
        id,
        expected,
        None,
        StatusCode::OK,
        |rec, now| {
            ensure_open(rec, now)?;
            let mut changed = false;
            if let Some(o) = &req.owner {
                rec.owner = Some(merge_owner(rec.owner.take(), o.clone()));
                changed = true;
            }
            if let Some(o) = &req.shipping {
                rec.shipping = Some(merge_owner(rec.shipping.take(), o.clone()));
                changed = true;
            }
            if let Some(r) = &req.reference {
                rec.reference = Some(r.clone());
                changed = true;
            }
            if let Some(m) = &req.metadata {
                rec.metadata
                    .get_or_insert_with(Default::default)
                    .extend(m.clone());
                changed = true;
            }
            if let Some(c) = &req.card {
                let card = merge_card(s, merchant, &rec.id, rec.card.as_ref(), c, today)?;
                rec.card = Some(card);
                changed = true;
            }
            let mut change = Change::none(Ok(()));
            change.session = SessionEffect::changed_or(changed, SessionEffect::Untouched);
            Ok(change)
        },
        |(), rec, now| rec.view(now, full),
    )
}

/// Field-by-field merge: given fields overwrite, absent ones stay.
pub fn merge_owner(base: Option<Owner>, new: Owner) -> Owner {
    let b = base.unwrap_or_default();
    Owner {
        first_name: new.first_name.or(b.first_name),
        last_name: new.last_name.or(b.last_name),
        email: new.email.or(b.email),
        phone_number: new.phone_number.or(b.phone_number),
        organization: new.organization.or(b.organization),
        address: match (b.address, new.address) {
            (Some(a), Some(n)) => Some(Address {
                line1: n.line1.or(a.line1),
                line2: n.line2.or(a.line2),
                city: n.city.or(a.city),
                state: n.state.or(a.state),
                postal_code: n.postal_code.or(a.postal_code),
                country: n.country.or(a.country),
            }),
            (a, n) => n.or(a),
        },
    }
}

/// Validates card input over the stored card (a new number replaces the card
/// and drops the old security code) and seals number and code.
fn merge_card(
    s: &AppState,
    merchant: &str,
    session_id: &str,
    old: Option<&StoredCard>,
    c: &CardInput,
    today: (u16, u8),
) -> Result<StoredCard, AppError> {
    let nest = |e: paysession_core::ApiError| AppError::api(e.nest("card"));
    // Core's one card rule on what is given (the SDK's verdict), then the merge.
    let given = CardFields {
        number: c.number.as_ref().map(|n| n.expose().as_str()),
        expiration_month: c.expiration_month,
        expiration_year: c.expiration_year,
        cvv: c.cvv.as_ref().map(|n| n.expose().as_str()),
    };
    let checked = check_card(given, false, today).map_err(nest)?;
    let (sealed, fingerprint, masked, brand, keep_old) = match (checked.number, old) {
        (Some(n), _) => (
            Some(s.vault.seal(n.expose(), session_id)),
            Some(s.vault.fingerprint(merchant, n.expose())),
            n.masked(),
            n.brand(),
            false,
        ),
        (None, Some(o)) => (
            o.number_sealed.clone(),
            o.fingerprint.clone(),
            o.masked.clone(),
            o.brand,
            true,
        ),
        (None, None) => {
            return Err(AppError::validation(
                ErrorCode::MissingParameter,
                "card.number",
                "`card.number` is required.",
            ))
        }
    };
    let old = old.filter(|_| keep_old);
    let month = c
        .expiration_month
        .or(old.map(|o| o.expiration_month as i64));
    let year = c.expiration_year.or(old.map(|o| o.expiration_year as i64));
    let (Some(month), Some(year)) = (month, year) else {
        let p = if month.is_none() {
            "card.expirationMonth"
        } else {
            "card.expirationYear"
        };
        return Err(AppError::validation(
            ErrorCode::IncompleteExpirationDate,
            p,
            format!("`{p}` is required."),
        ));
    };
    let exp = Expiry::parse(month, year, today).map_err(nest)?;
    let cvv_sealed = match &c.cvv {
        Some(cvv) => {
            check_security_code(cvv.expose(), Some(brand)).map_err(nest)?;
            Some(s.vault.seal(cvv.expose(), &format!("{session_id}:cvv")))
        }
        None => old.and_then(|o| o.cvv_sealed.clone()),
    };
    Ok(StoredCard {
        number_sealed: sealed,
        fingerprint,
        masked,
        brand,
        expiration_month: exp.expiration_month,
        expiration_year: exp.expiration_year,
        name: c.name.clone().or(old.and_then(|o| o.name.clone())),
        cvv_sealed,
    })
}

/// Checks an owner with core's one rule ([`paysession_core::owner::check_owner`]:
/// field lengths, e-mail).
pub fn check_owner(o: &Owner, prefix: &str) -> Result<(), AppError> {
    paysession_core::owner::check_owner(o).map_err(|e| AppError::api(e.nest(prefix)))
}
