//! Creating a source (amount and currency always from the session) and
//! answering a 3-D Secure challenge.

use super::{ensure_open, load_source, modify_session, Change, SessionEffect};
use crate::{
    clock::rfc3339,
    error::AppError,
    idempotency::IdemCtx,
    ids,
    methods::{At, Draft, Input},
    model::{SessionRec, SourceRec},
    processor::{self},
    store::SourceWrite,
    AppState,
};
use axum::http::StatusCode;
use paysession_core::{
    methods,
    state::{PaymentType, SourceState},
    wire::{AuthenticationResult, CreateSource, Source, TermsAcceptance, TERMS_VERSION},
    Amount, ApiError, ErrorCode,
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
            let (mut src, rec_src) = new_source(n, rec, now);
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
            let mut draft = Draft {
                src,
                rec: rec_src,
                changed,
                result: Ok(()),
                pm_check: None,
            };
            let at = At {
                s,
                merchant,
                base,
                req,
                now,
            };
            crate::methods::create(&n.input, &at, rec, session_card, &mut draft)?;
            let Draft {
                src,
                rec: mut rec_src,
                changed,
                result,
                pm_check,
            } = draft;
            rec_src.source = src.clone();
            let mut change = Change::none(result.map(|_| src));
            // A source is created on the session as it was read (still open).
            change.session = SessionEffect::changed_or(changed, SessionEffect::Unchanged);
            change.sources.push(SourceWrite::Insert(rec_src));
            change.pm_checks.extend(pm_check);
            Ok(change)
        },
        |src, _, _| src,
    )
}

/// The source `n` asks for on `session`, before its method's branch fills in
/// its part: chargeable, the session's amount and currency, no views yet.
fn new_source(n: &NewSource, session: &SessionRec, now: i64) -> (Source, SourceRec) {
    let id = ids::source();
    let t = rfc3339(now);
    let src = Source {
        client_secret: ids::client_secret(&id),
        id,
        session_id: session.id.clone(),
        kind: n.req.kind,
        state: SourceState::Chargeable,
        flow: n.req.kind.flow(),
        reusable: matches!(n.req.kind, PaymentType::CreditCard | PaymentType::SepaDebit),
        amount: session.amount,
        currency: session.currency,
        owner: n.req.owner.clone().or_else(|| session.owner.clone()),
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
    let rec = SourceRec {
        merchant_id: n.merchant.clone(),
        source: src.clone(),
        browser_info: n.req.browser_info.clone(),
        note: None,
        challenged: false,
        balance: None,
        gift_card: None,
        save: None,
        payment_method: None,
    };
    (src, rec)
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
                    change.session = SessionEffect::changed_or(!passed, SessionEffect::Unchanged);
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
