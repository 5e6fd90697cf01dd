//! Creating a source (amount and currency always from the session) and
//! answering a 3-D Secure challenge.

use super::{ensure_open, load_source, modify_session, Change};
use crate::{
    clock::rfc3339,
    error::AppError,
    idempotency::IdemCtx,
    ids,
    methods::Input,
    model::{SaveCard, SessionRec, SourceRec},
    processor::{self, CardOutcome},
    store::{GiftCardKey, SourceWrite},
    AppState,
};
use axum::http::StatusCode;
use paysession_core::{
    card::{check_security_code, CardNumber},
    methods,
    state::{PaymentType, SourceState},
    wire::{
        AuthenticationResult, CreateSource, CreditCardView, GiftCardView, NextAction, RedirectView,
        SepaDebitView, Source, TermsAcceptance, WireTransferView, TERMS_VERSION,
    },
    Amount, ApiError, Currency, ErrorCode,
};

/// A validated `POST /v1/sources`.
pub struct NewSource {
    /// The merchant.
    pub merchant: String,
    /// The request.
    pub req: CreateSource,
    /// Its type-specific part, validated.
    pub input: Input,
    /// The client's address.
    pub ip: Option<String>,
    /// Public base URL for hosted-page links.
    pub base: String,
}

/// A gift card's balance record key.
pub fn gift_key(s: &AppState, merchant: &str, digits: &str) -> GiftCardKey {
    GiftCardKey {
        merchant: merchant.to_owned(),
        card: s.vault.fingerprint(merchant, digits),
    }
}

/// What a gift card has available now in `currency`: a card seen before
/// keeps its currency; an unknown card is issued on its first hold.
pub fn gift_available(
    s: &AppState,
    card: &GiftCardKey,
    currency: Currency,
    now: i64,
    parameter: &str,
) -> Result<u64, AppError> {
    match s.store.gift_balance(card, now)? {
        None => Ok(processor::GIFT_CARD_BALANCE),
        Some(b) if b.currency != currency => Err(AppError::validation(
            ErrorCode::InvalidGiftCard,
            parameter,
            format!(
                "This gift card holds {}; the session is in {}.",
                b.currency.as_str(),
                currency.as_str()
            ),
        )),
        Some(b) => Ok(b.available),
    }
}

/// The acceptance of the terms of sale `req` carries (of the current
/// version), or `None` when it carries none and the session does not need one.
fn terms_acceptance(
    req: &CreateSource,
    rec: &SessionRec,
    now: i64,
) -> Result<Option<TermsAcceptance>, AppError> {
    let refuse = |p: &str, m: &str| {
        Err(AppError::api(ApiError::bad_request(
            ErrorCode::TermsNotAccepted,
            Some(p),
            m,
        )))
    };
    match &req.terms_acceptance {
        Some(a) if a.version == TERMS_VERSION => Ok(Some(TermsAcceptance {
            version: a.version.clone(),
            accepted_time: rfc3339(now),
            source_id: None,
        })),
        Some(_) => refuse(
            "termsAcceptance.version",
            "The terms of sale have changed: the shopper must accept the current version.",
        ),
        None if rec.require_terms && rec.terms_acceptance.is_none() => refuse(
            "termsAcceptance",
            "This session requires the shopper's acceptance of the terms of sale.",
        ),
        None => Ok(None),
    }
}

/// Creates the source on its session (a decline counts a failed attempt).
pub fn create(
    s: &AppState,
    n: &NewSource,
    expected: Option<u64>,
    idem: Option<&IdemCtx>,
) -> Result<Source, AppError> {
    let (req, merchant, base) = (&n.req, &n.merchant, &n.base);
    modify_session(
        s,
        merchant,
        &req.session_id,
        expected,
        idem,
        StatusCode::CREATED,
        |rec, now| {
            ensure_open(rec, now)?;
            if !methods::is_available(req.kind, rec.country, rec.currency, rec.amount) {
                return Err(AppError::validation(
                    ErrorCode::PaymentMethodUnavailable,
                    "type",
                    format!(
                        "{} is not offered for this session's country, currency and amount.",
                        req.kind.as_str()
                    ),
                ));
            }
            let accepted = terms_acceptance(req, rec, now)?;
            let id = ids::source();
            let t = rfc3339(now);
            let mut src = Source {
                client_secret: ids::client_secret(&id),
                id,
                session_id: rec.id.clone(),
                kind: req.kind,
                state: SourceState::Chargeable,
                flow: req.kind.flow(),
                reusable: matches!(req.kind, PaymentType::CreditCard | PaymentType::SepaDebit),
                amount: rec.amount,
                currency: rec.currency,
                owner: req.owner.clone().or_else(|| rec.owner.clone()),
                creation_ip: n.ip.clone(),
                created_time: t.clone(),
                updated_time: t,
                credit_card: None,
                gift_card: None,
                sepa_debit: None,
                wire_transfer: None,
                redirect: None,
                next_action: None,
                terms_acceptance: None,
                apple_pay: None,
                google_pay: None,
            };
            let mut rec_src = SourceRec {
                merchant_id: merchant.clone(),
                source: src.clone(),
                browser_info: req.browser_info.clone(),
                note: None,
                challenged: false,
                balance: None,
                gift_card: None,
                save: None,
                payment_method: None,
            };
            // Any operation that uses the session erases its security code.
            let session_card = rec.card.clone();
            let mut changed = rec
                .card
                .as_mut()
                .is_some_and(|c| c.cvv_sealed.take().is_some());
            if let Some(a) = accepted {
                src.terms_acceptance = Some(a.clone());
                rec.terms_acceptance = Some(TermsAcceptance {
                    source_id: Some(src.id.clone()),
                    ..a
                });
                changed = true;
            }
            let mut result = Ok(());
            let mut pm_check = None;
            match &n.input {
                Input::Card(_) | Input::Saved { .. } => {
                    let (number, month, year) = match (&n.input, &session_card) {
                        (Input::Saved { id, cvv }, _) => {
                            let m = super::customers::usable(s, rec, id)?;
                            check_security_code(cvv.expose(), Some(m.brand))
                                .map_err(|e| e.nest("creditCard"))?;
                            let sealed = m
                                .number_sealed
                                .as_ref()
                                .ok_or_else(super::customers::removed)?;
                            let digits = s
                                .vault
                                .open(sealed, &m.id)
                                .ok_or_else(|| AppError::internal("saved card unreadable"))?;
                            let number = CardNumber::parse(&digits).map_err(|e| e.nest("card"))?;
                            rec_src.payment_method = Some(m.id.clone());
                            pm_check = Some(m.id.clone());
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
                    };
                    if let Some(usage) = req.usage {
                        if rec.customer_id.is_none() {
                            return Err(AppError::validation(
                                ErrorCode::InvalidParameter,
                                "usage",
                                "`usage` saves the card to the session's customer: the session names none (`customerId`).",
                            ));
                        }
                        rec_src.save = Some(SaveCard {
                            usage,
                            number_sealed: Some(s.vault.seal(number.expose(), &src.id)),
                        });
                    }
                    src.credit_card = Some(CreditCardView {
                        brand: number.brand(),
                        last_four_digits: number.last4().to_owned(),
                        expiration_month: month,
                        expiration_year: year,
                        fingerprint: s.vault.fingerprint(merchant, number.expose()),
                    });
                    match processor::card(number.expose(), rec.country) {
                        CardOutcome::Chargeable => {}
                        CardOutcome::Challenge => {
                            src.state = SourceState::RequiresAction;
                            src.next_action = Some(NextAction {
                                kind: "challenge".into(),
                                url: format!(
                                    "{base}/hosted/challenge/{}?clientSecret={}",
                                    src.id, src.client_secret
                                ),
                            });
                            rec_src.challenged = true;
                            if req.browser_info.is_none() {
                                rec_src.note =
                                    Some("SCA applies but no browserInfo was sent.".into());
                            }
                        }
                        CardOutcome::Declined(code) => {
                            src.state = SourceState::Failed;
                            rec.failed_attempts += 1;
                            changed = true;
                            tracing::info!(session = %rec.id, attempts = rec.failed_attempts, "card declined");
                            result = Err(AppError::api(ApiError::bad_request(
                                code,
                                None,
                                processor::decline_message(code),
                            )));
                        }
                    }
                }
                Input::Redirect {
                    return_url,
                    cancel_url,
                } => {
                    src.state = SourceState::PendingRedirect;
                    let url = format!(
                        "{base}/hosted/redirect/{}?clientSecret={}",
                        src.id, src.client_secret
                    );
                    src.redirect = Some(RedirectView {
                        redirect_url: url.clone(),
                        return_url: return_url.clone(),
                        cancel_url: cancel_url.clone(),
                    });
                    src.next_action = Some(NextAction {
                        kind: "redirect".into(),
                        url,
                    });
                }
                Input::Wire => {
                    src.state = SourceState::PendingFunds;
                    let (holder, bank, iban, bic) = processor::WIRE_ACCOUNT;
                    src.wire_transfer = Some(WireTransferView {
                        account_holder: holder.into(),
                        bank_name: bank.into(),
                        iban: iban.into(),
                        bic: bic.into(),
                        reference_id: ids::new_id("").get(..12).unwrap_or("").to_uppercase(),
                    });
                }
                Input::GiftCard { last4, digits } => {
                    let key = gift_key(s, merchant, digits);
                    let available = gift_available(s, &key, rec.currency, now, "giftCard.number")?;
                    if available == 0 {
                        return Err(AppError::validation(
                            ErrorCode::InsufficientFunds,
                            "giftCard.number",
                            "The gift card has no balance left.",
                        ));
                    }
                    src.amount = Amount(available.min(rec.secondary_room("")));
                    src.gift_card = Some(GiftCardView {
                        last_four_digits: last4.clone(),
                        balance: Amount(available),
                    });
                    rec_src.balance = Some(available);
                    rec_src.gift_card = Some(key.card);
                }
                Input::Wallet(token) => {
                    let w = crate::methods::wallet::redeem(s, merchant, req.kind, token, rec, now)?;
                    rec.wallet_tokens.push(w.nonce);
                    changed = true;
                    let view = Some(CreditCardView {
                        brand: w.number.brand(),
                        last_four_digits: w.number.last4().to_owned(),
                        expiration_month: w.month,
                        expiration_year: w.year,
                        fingerprint: s.vault.fingerprint(merchant, w.number.expose()),
                    });
                    match req.kind {
                        PaymentType::ApplePay => src.apple_pay = view,
                        _ => src.google_pay = view,
                    }
                    // The wallet's cryptogram authenticated the shopper on the
                    // device: no 3-D Secure challenge, even for a card whose
                    // issuer would challenge it (docs/API.md §wallets).
                    match processor::card(w.number.expose(), rec.country) {
                        CardOutcome::Chargeable => {}
                        CardOutcome::Challenge => {
                            rec_src.note = Some(
                                "3-D Secure: authenticated by the wallet's cryptogram (no challenge)."
                                    .into(),
                            );
                        }
                        CardOutcome::Declined(code) => {
                            src.state = SourceState::Failed;
                            rec.failed_attempts += 1;
                            result = Err(AppError::api(ApiError::bad_request(
                                code,
                                None,
                                processor::decline_message(code),
                            )));
                        }
                    }
                }
                Input::Sepa(iban) => {
                    src.sepa_debit = Some(SepaDebitView {
                        last_four_digits: iban.last4().to_owned(),
                        mandate_reference: format!(
                            "MNDT-{}",
                            ids::new_id("").get(..16).unwrap_or("").to_uppercase()
                        ),
                    });
                }
            }
            rec_src.source = src.clone();
            let mut change = Change::none(result.map(|_| src));
            change.session_changed = changed;
            // A source is created on the session as it was read (still open).
            change.session_unchanged = !changed;
            change.sources.push(SourceWrite::Insert(rec_src));
            change.pm_checks.extend(pm_check);
            Ok(change)
        },
        |src, _, _| src,
    )
}

fn no_card() -> AppError {
    AppError::validation(
        ErrorCode::MissingParameter,
        "creditCard",
        "`creditCard` is required: the session holds no card.",
    )
}

/// A source as its owner sees it now: a gift card shows what is available.
pub fn current_view(s: &AppState, rec: SourceRec, now: i64) -> Result<Source, AppError> {
    let key = rec.gift_key();
    let mut src = rec.source;
    if let (Some(key), Some(view)) = (key, src.gift_card.as_mut()) {
        if let Some(b) = s.store.gift_balance(&key, now)? {
            view.balance = Amount(b.available);
        }
    }
    Ok(src)
}

/// Runs the challenge answer `response` (or reports the state without one).
/// A wrong answer fails the source and counts as a failed card attempt. The
/// answer moves the source out of `requires_action` by compare-and-swap: of
/// racing answers one wins, the others get `source_state_invalid`.
pub fn authenticate(
    s: &AppState,
    merchant: &str,
    source_id: &str,
    response: Option<&str>,
    idem: Option<&IdemCtx>,
) -> Result<AuthenticationResult, AppError> {
    let first = load_source(s, merchant, source_id)?;
    let session_id = first.source.session_id.clone();
    modify_session(
        s,
        merchant,
        &session_id,
        None,
        idem,
        StatusCode::OK,
        |rec, now| {
            let mut src = load_source(s, merchant, source_id)?;
            let status = match (src.source.state, response) {
                (SourceState::RequiresAction, None) => "pending",
                (SourceState::RequiresAction, Some(answer)) => {
                    // A locked, expired or complete session takes no answer.
                    ensure_open(rec, now)?;
                    src.source.updated_time = rfc3339(now);
                    src.source.next_action = None;
                    let passed = answer == processor::CHALLENGE_PASSWORD;
                    src.source.state = if passed {
                        SourceState::Chargeable
                    } else {
                        rec.failed_attempts += 1;
                        SourceState::Failed
                    };
                    let out = AuthenticationResult {
                        status: if passed { "complete" } else { "failed" }.into(),
                        source: src.source.clone(),
                    };
                    let mut change = Change::none(Ok(out));
                    change.session_changed = !passed;
                    change.session_unchanged = passed;
                    change.sources.push(SourceWrite::Transition {
                        rec: src,
                        from: SourceState::RequiresAction,
                    });
                    return Ok(change);
                }
                (_, Some(_)) => {
                    return Err(AppError::api(ApiError::bad_request(
                        ErrorCode::SourceStateInvalid,
                        Some("challengeResponse"),
                        format!(
                            "The challenge was already answered: the source is {}.",
                            src.source.state.as_str()
                        ),
                    )))
                }
                (SourceState::Failed, None) => "failed",
                _ if src.challenged => "complete",
                _ => "authentication_not_required",
            };
            Ok(Change::none(Ok(AuthenticationResult {
                status: status.into(),
                source: src.source,
            })))
        },
        |r, _, _| r,
    )
}

fn bad_secret() -> AppError {
    AppError::api(paysession_core::ApiError::new(
        paysession_core::ErrorType::Forbidden,
        ErrorCode::InvalidClientSecret,
        Some("clientSecret"),
        "The client secret does not match the source.",
    ))
}

/// Checks a source's client secret.
pub fn check_secret(rec: &SourceRec, given: &str) -> Result<(), AppError> {
    let want = rec.source.client_secret.as_bytes();
    let ok = want.len() == given.len()
        && want
            .iter()
            .zip(given.bytes())
            .fold(0u8, |a, (x, y)| a | (x ^ y))
            == 0;
    if ok {
        Ok(())
    } else {
        Err(bad_secret())
    }
}
