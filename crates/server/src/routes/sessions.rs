//! Sessions: create, retrieve, update fields (merchant and browser views).

use super::{ensure_open, expected_version, load_session, modify_session, now, Change};
use crate::idempotency::Idem;
use crate::{
    auth::{AnyKey, SecretKey},
    clock::year_month,
    error::AppError,
    extract::JsonBody,
    ids,
    model::{SessionRec, StoredCard},
    AppState,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    Json,
};
use paysession_core::{
    card::{check_security_code, CardNumber, Expiry},
    wire::{self, Address, CardInput, CreateSession, Owner, UpdateSession},
    ErrorCode,
};

/// `POST /v1/sessions` (sk).
pub async fn create(
    State(s): State<AppState>,
    key: SecretKey,
    Idem(idem): Idem,
    JsonBody(req): JsonBody<CreateSession>,
) -> Result<(StatusCode, Json<wire::Session>), AppError> {
    if req.amount.get() == 0 {
        return Err(AppError::validation(
            ErrorCode::InvalidAmount,
            "amount",
            "`amount` must be greater than zero.",
        ));
    }
    if let Some(o) = &req.owner {
        check_owner(o, "owner")?;
    }
    if let Some(o) = &req.shipping {
        check_owner(o, "shipping")?;
    }
    if let Some(l) = &req.locale {
        check_locale(l)?;
    }
    let view = s
        .db(move |s| {
            let now = now(s);
            let id = ids::session();
            let rec = SessionRec {
                client_secret: ids::client_secret(&id),
                id,
                merchant_id: key.merchant.id.clone(),
                version: 1,
                amount: req.amount,
                currency: req.currency,
                country: req.country,
                owner: req.owner,
                shipping: req.shipping,
                reference: req.reference,
                locale: req.locale,
                metadata: req.metadata,
                card: None,
                attached: vec![],
                order_id: None,
                failed_attempts: 0,
                created: now,
                updated: now,
                expires: now + s.session_ttl.as_secs() as i64,
            };
            let view = rec.view(now, true);
            let mut w = crate::store::Write {
                insert_session: Some(rec),
                now,
                ..Default::default()
            };
            if let Some(i) = &idem {
                w.idempotency = Some(i.record_result(&Ok(&view), StatusCode::CREATED)?);
            }
            match crate::flows::commit(s, w, idem.as_ref())? {
                None => Ok(view),
                Some(c) => Err(AppError::internal(format!("new session refused: {c:?}"))),
            }
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /v1/sessions/{id}` (sk): the full session.
pub async fn retrieve(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
) -> Result<Json<wire::Session>, AppError> {
    s.db(move |s| {
        Ok(Json(
            load_session(s, &key.merchant.id, &id)?.view(now(s), true),
        ))
    })
    .await
}

/// `GET /v1/sessions/{id}/fields` (pk or sk): the masked browser view.
pub async fn fields(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
) -> Result<Json<wire::Session>, AppError> {
    s.db(move |s| {
        Ok(Json(
            load_session(s, &key.merchant.id, &id)?.view(now(s), false),
        ))
    })
    .await
}

/// `PATCH /v1/sessions/{id}` (sk): owner, shipping, reference, metadata.
pub async fn update(
    State(s): State<AppState>,
    key: SecretKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<UpdateSession>,
) -> Result<Json<wire::Session>, AppError> {
    if req.card.is_some() {
        return Err(AppError::validation(
            ErrorCode::InvalidParameter,
            "card",
            "Card details are set only from the browser (PATCH /v1/sessions/{id}/fields).",
        ));
    }
    apply(s, key.merchant.id, id, headers, req, true).await
}

/// `PATCH /v1/sessions/{id}/fields` (pk or sk): owner, shipping, card.
pub async fn update_fields(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<UpdateSession>,
) -> Result<Json<wire::Session>, AppError> {
    for (given, p) in [
        (req.reference.is_some(), "reference"),
        (req.metadata.is_some(), "metadata"),
    ] {
        if given {
            return Err(AppError::validation(
                ErrorCode::InvalidParameter,
                p,
                format!("`{p}` is set only by the merchant's server (PATCH /v1/sessions/{{id}})."),
            ));
        }
    }
    apply(s, key.merchant.id, id, headers, req, false).await
}

async fn apply(
    s: AppState,
    merchant: String,
    id: String,
    headers: HeaderMap,
    req: UpdateSession,
    full: bool,
) -> Result<Json<wire::Session>, AppError> {
    let expected = expected_version(req.version, &headers)?;
    if let Some(o) = &req.owner {
        check_owner(o, "owner")?;
    }
    if let Some(o) = &req.shipping {
        check_owner(o, "shipping")?;
    }
    s.db(move |s| {
        let today = year_month(s.clock.now());
        let merchant_fp = merchant.clone();
        modify_session(
            s,
            &merchant,
            &id,
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
                    let card = merge_card(s, &merchant_fp, &rec.id, rec.card.as_ref(), c, today)?;
                    rec.card = Some(card);
                    changed = true;
                }
                let mut change = Change::none(Ok(()));
                change.session_changed = changed;
                Ok(change)
            },
            |(), rec, now| rec.view(now, full),
        )
        .map(Json)
    })
    .await
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

/// Checks an owner's e-mail with core's one rule ([`paysession_core::email`]).
pub fn check_owner(o: &Owner, prefix: &str) -> Result<(), AppError> {
    if let Some(e) = &o.email {
        paysession_core::email::check_email(e).map_err(|e| AppError::api(e.nest(prefix)))?;
    }
    Ok(())
}

fn check_locale(l: &str) -> Result<(), AppError> {
    let ok = (2..=35).contains(&l.len())
        && l.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(AppError::validation(
            ErrorCode::InvalidParameter,
            "locale",
            "`locale` must be a BCP 47 tag such as `en-US`.",
        ))
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
    let (sealed, fingerprint, masked, brand, keep_old) = match (&c.number, old) {
        (Some(n), _) => {
            let n = CardNumber::parse(n.expose()).map_err(nest)?;
            (
                Some(s.vault.seal(n.expose(), session_id)),
                Some(s.vault.fingerprint(merchant, n.expose())),
                n.masked(),
                n.brand(),
                false,
            )
        }
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
