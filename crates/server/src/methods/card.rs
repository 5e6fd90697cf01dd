//! Cards: a card typed now (core's one card rule), a saved card of the
//! session's customer with a fresh code, or the session's own card; then the
//! processor's verdict (chargeable, a 3-D Secure challenge, declined).

use super::{missing, At, Draft, Input};
use crate::{
    error::AppError,
    model::{SaveCard, SessionRec, StoredCard},
    processor::{self, CardOutcome},
};
use paysession_core::state::SourceState;
use paysession_core::{
    card::{check_card, check_security_code, CardFields, CardNumber, Expiry},
    wire::{CardInput, CreateSource, CreditCardView, NextAction},
    ApiError, ErrorCode,
};

/// A validated card from the request.
pub struct CardIn {
    /// Number (digits held secret).
    pub number: CardNumber,
    /// Expiry.
    pub expiry: Expiry,
}

/// A saved method and a fresh security code: `creditCard` holds only `cvv`
/// (its length is checked against the saved card's brand by the flow).
pub(super) fn saved(req: &CreateSource, pm: &str) -> Result<Input, AppError> {
    if req.usage.is_some() {
        return Err(AppError::validation(
            ErrorCode::InvalidParameter,
            "usage",
            "A saved payment method is saved already: `usage` goes with a new card.",
        ));
    }
    let c = req
        .credit_card
        .as_ref()
        .ok_or_else(|| missing("creditCard.cvv"))?;
    for (given, p) in [
        (c.number.is_some(), "creditCard.number"),
        (c.expiration_month.is_some(), "creditCard.expirationMonth"),
        (c.expiration_year.is_some(), "creditCard.expirationYear"),
        (c.name.is_some(), "creditCard.name"),
    ] {
        if given {
            return Err(AppError::validation(
                ErrorCode::InvalidParameter,
                p,
                format!("With `paymentMethodId`, `creditCard` holds only `cvv`; `{p}` is the saved card's."),
            ));
        }
    }
    let cvv = c.cvv.clone().ok_or_else(|| missing("creditCard.cvv"))?;
    Ok(Input::Saved {
        id: pm.to_owned(),
        cvv,
    })
}

/// Core's one card rule ([`check_card`]) for a card presented to create a
/// source: number, expiry and security code required (the SDK's verdict).
pub(super) fn card(c: &CardInput, today: (u16, u8)) -> Result<CardIn, AppError> {
    let given = CardFields {
        number: c.number.as_ref().map(|n| n.expose().as_str()),
        expiration_month: c.expiration_month,
        expiration_year: c.expiration_year,
        cvv: c.cvv.as_ref().map(|n| n.expose().as_str()),
    };
    let ok = check_card(given, true, today).map_err(|e| AppError::api(e.nest("creditCard")))?;
    match (ok.number, ok.expiry) {
        (Some(number), Some(expiry)) => Ok(CardIn { number, expiry }),
        _ => Err(AppError::internal(
            "complete card check without number or expiry",
        )),
    }
}

/// The card source's create branch.
pub(super) fn create(
    input: &Input,
    at: &At,
    rec: &mut SessionRec,
    session_card: &Option<StoredCard>,
    d: &mut Draft,
) -> Result<(), AppError> {
    let (s, merchant, req) = (at.s, at.merchant, at.req);
    let (number, month, year) = card_of(input, at, rec, session_card, d)?;
    if let Some(usage) = req.usage {
        if rec.customer_id.is_none() {
            return Err(AppError::validation(
                ErrorCode::InvalidParameter,
                "usage",
                "`usage` saves the card to the session's customer: the session names none (`customerId`).",
            ));
        }
        d.rec.save = Some(SaveCard {
            usage,
            number_sealed: Some(s.vault.seal(number.expose(), &d.src.id)),
        });
    }
    d.src.credit_card = Some(CreditCardView {
        brand: number.brand(),
        last_four_digits: number.last4().to_owned(),
        expiration_month: month,
        expiration_year: year,
        fingerprint: s.vault.fingerprint(merchant, number.expose()),
    });
    verdict(&number, at, rec, d);
    Ok(())
}

/// The card a card source pays with: a saved card of the session's customer
/// (its code checked against its brand), the card of the request, or the
/// session's card.
fn card_of(
    input: &Input,
    at: &At,
    rec: &SessionRec,
    session_card: &Option<StoredCard>,
    d: &mut Draft,
) -> Result<(CardNumber, u8, u16), AppError> {
    let s = at.s;
    Ok(match (input, session_card) {
        (Input::Saved { id, cvv }, _) => {
            let m = crate::flows::customers::usable(s, rec, id)?;
            check_security_code(cvv.expose(), Some(m.brand)).map_err(|e| e.nest("creditCard"))?;
            let sealed = m
                .number_sealed
                .as_ref()
                .ok_or_else(crate::flows::customers::removed)?;
            let digits = s
                .vault
                .open(sealed, &m.id)
                .ok_or_else(|| AppError::internal("saved card unreadable"))?;
            let number = CardNumber::parse(&digits).map_err(|e| e.nest("card"))?;
            d.rec.payment_method = Some(m.id.clone());
            d.pm_check = Some(m.id.clone());
            (number, m.expiration_month, m.expiration_year)
        }
        (Input::Card(Some(c)), _) => (
            c.number.clone(),
            c.expiry.expiration_month,
            c.expiry.expiration_year,
        ),
        (_, Some(sc)) => {
            let sealed = sc.number_sealed.as_ref().ok_or_else(no_card)?;
            let digits = s
                .vault
                .open(sealed, &rec.id)
                .ok_or_else(|| AppError::internal("session card unreadable"))?;
            let number = CardNumber::parse(&digits).map_err(|e| e.nest("card"))?;
            (number, sc.expiration_month, sc.expiration_year)
        }
        (_, None) => return Err(no_card()),
    })
}

/// The processor's verdict on the card: chargeable, a 3-D Secure challenge,
/// or declined (a failed attempt on the session).
fn verdict(number: &CardNumber, at: &At, rec: &mut SessionRec, d: &mut Draft) {
    let (base, req) = (at.base, at.req);
    match processor::card(number.expose(), rec.country) {
        CardOutcome::Chargeable => {}
        CardOutcome::Challenge => {
            d.src.state = SourceState::RequiresAction;
            d.src.next_action = Some(NextAction {
                kind: "challenge".into(),
                url: format!(
                    "{base}/hosted/challenge/{}?clientSecret={}",
                    d.src.id, d.src.client_secret
                ),
            });
            d.rec.challenged = true;
            if req.browser_info.is_none() {
                d.rec.note = Some("SCA applies but no browserInfo was sent.".into());
            }
        }
        CardOutcome::Declined(code) => {
            d.src.state = SourceState::Failed;
            rec.failed_attempts += 1;
            d.changed = true;
            tracing::info!(session = %rec.id, attempts = rec.failed_attempts, "card declined");
            d.result = Err(AppError::api(ApiError::bad_request(
                code,
                None,
                processor::decline_message(code),
            )));
        }
    }
}

fn no_card() -> AppError {
    AppError::validation(
        ErrorCode::MissingParameter,
        "creditCard",
        "`creditCard` is required: the session holds no card.",
    )
}
