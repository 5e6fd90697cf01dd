//! Sources: create (amount and currency always from the session), retrieve
//! with the client secret, and authenticate a 3-D Secure challenge.

use super::{
    base_url, ensure_open, expected_version, load_source, modify_session,
    source_input::{self, Input},
    Change,
};
use crate::{
    auth::AnyKey,
    clock::{rfc3339, year_month},
    config::KeyKind,
    error::AppError,
    extract::{query_pairs, JsonBody},
    ids,
    model::SourceRec,
    processor::{self, CardOutcome},
    AppState,
};
use axum::{
    extract::{ConnectInfo, FromRequestParts, Path, State},
    http::{request::Parts, HeaderMap, StatusCode, Uri},
    Json,
};
use paysession_core::{
    card::CardNumber,
    methods,
    state::{PaymentType, SourceState},
    wire::{
        AuthenticateSource, AuthenticationResult, CreateSource, CreditCardView, GiftCardView,
        NextAction, RedirectView, SepaDebitView, Source, WireTransferView,
    },
    Amount, ApiError, ErrorCode, ErrorType,
};
use std::net::SocketAddr;

/// The peer's IP, when the server was started with connect info.
pub struct PeerIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for PeerIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(p: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerIp(
            p.extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        ))
    }
}

/// `POST /v1/sources` (pk or sk).
pub async fn create(
    State(s): State<AppState>,
    key: AnyKey,
    headers: HeaderMap,
    PeerIp(ip): PeerIp,
    JsonBody(req): JsonBody<CreateSource>,
) -> Result<(StatusCode, Json<Source>), AppError> {
    let expected = expected_version(req.version, &headers)?;
    let input = source_input::validate(&req, &key.merchant, year_month(s.clock.now()))?;
    let base = base_url(&s, &headers);
    let merchant = key.merchant.id.clone();
    let src = s
        .db(move |s| {
            let session_id = req.session_id.clone();
            modify_session(s, &merchant, &session_id, expected, |rec, now| {
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
                    creation_ip: ip.clone(),
                    created_time: t.clone(),
                    updated_time: t,
                    credit_card: None,
                    gift_card: None,
                    sepa_debit: None,
                    wire_transfer: None,
                    redirect: None,
                    next_action: None,
                };
                let mut rec_src = SourceRec {
                    merchant_id: merchant.clone(),
                    source: src.clone(),
                    browser_info: req.browser_info.clone(),
                    note: None,
                    challenged: false,
                    balance: None,
                };
                // Any operation that uses the session erases its security code.
                let session_card = rec.card.clone();
                let mut changed = rec
                    .card
                    .as_mut()
                    .is_some_and(|c| c.cvv_sealed.take().is_some());
                let mut result = Ok(());
                match &input {
                    Input::Card(card) => {
                        let number = match card {
                            Some(c) => c.number.clone(),
                            None => {
                                let Some(sc) = &session_card else {
                                    return Err(AppError::validation(
                                        ErrorCode::MissingParameter,
                                        "creditCard",
                                        "`creditCard` is required: the session holds no card.",
                                    ));
                                };
                                let digits = s
                                    .vault
                                    .open(&sc.number_sealed, &rec.id)
                                    .ok_or_else(|| AppError::internal("session card unreadable"))?;
                                CardNumber::parse(&digits).map_err(|e| e.nest("card"))?
                            }
                        };
                        let (month, year) = match (card, &session_card) {
                            (Some(c), _) => (c.expiry.expiration_month, c.expiry.expiration_year),
                            (None, Some(sc)) => (sc.expiration_month, sc.expiration_year),
                            (None, None) => unreachable_card()?,
                        };
                        src.credit_card = Some(CreditCardView {
                            brand: number.brand(),
                            last_four_digits: number.last4().to_owned(),
                            expiration_month: month,
                            expiration_year: year,
                            fingerprint: s.vault.fingerprint(&merchant, number.expose()),
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
                                    rec_src.note = Some(
                                        "SCA applies but no browserInfo was sent.".into(),
                                    );
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
                    Input::Redirect { return_url, cancel_url } => {
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
                        src.next_action = Some(NextAction { kind: "redirect".into(), url });
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
                    Input::GiftCard { last4, balance } => {
                        src.amount = Amount((*balance).min(rec.remaining()));
                        src.gift_card = Some(GiftCardView {
                            last_four_digits: last4.clone(),
                            balance: Amount(*balance),
                        });
                        rec_src.balance = Some(*balance);
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
                Ok(Change {
                    session_changed: changed,
                    sources: vec![rec_src],
                    orders: vec![],
                    result: result.map(|_| src),
                })
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(src)))
}

fn unreachable_card<T>() -> Result<T, AppError> {
    Err(AppError::internal("card source without a card"))
}

fn bad_secret() -> AppError {
    AppError::api(ApiError::new(
        ErrorType::Forbidden,
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

/// `GET /v1/sources/{id}?clientSecret=` (pk needs the secret; sk may omit it).
pub async fn retrieve(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<Source>, AppError> {
    let q = query_pairs(uri.query(), &["clientSecret"])?;
    let secret = q.get("clientSecret").cloned();
    if secret.is_none() && key.kind == KeyKind::Public {
        return Err(AppError::validation(
            ErrorCode::MissingParameter,
            "clientSecret",
            "`clientSecret` is required to read a source with a public key.",
        ));
    }
    s.db(move |s| {
        let rec = load_source(s, &key.merchant.id, &id)?;
        if let Some(sec) = &secret {
            check_secret(&rec, sec)?;
        }
        Ok(Json(rec.source))
    })
    .await
}

/// Runs the challenge answer `response` (or reports the state without one).
/// A wrong answer fails the source and counts as a failed card attempt.
pub fn authenticate_source(
    s: &AppState,
    merchant: &str,
    source_id: &str,
    response: Option<&str>,
) -> Result<AuthenticationResult, AppError> {
    let first = load_source(s, merchant, source_id)?;
    let session_id = first.source.session_id.clone();
    modify_session(s, merchant, &session_id, None, |rec, now| {
        let mut src = load_source(s, merchant, source_id)?;
        let status = match (src.source.state, response) {
            (SourceState::RequiresAction, None) => "pending",
            (SourceState::RequiresAction, Some(answer)) => {
                src.source.updated_time = rfc3339(now);
                src.source.next_action = None;
                let status = if answer == processor::CHALLENGE_PASSWORD {
                    src.source.state = SourceState::Chargeable;
                    "complete"
                } else {
                    src.source.state = SourceState::Failed;
                    rec.failed_attempts += 1;
                    "failed"
                };
                let out = AuthenticationResult {
                    status: status.into(),
                    source: src.source.clone(),
                };
                return Ok(Change {
                    session_changed: status == "failed",
                    sources: vec![src],
                    orders: vec![],
                    result: Ok(out),
                });
            }
            (SourceState::Failed, _) => "failed",
            _ if src.challenged => "complete",
            _ => "authentication_not_required",
        };
        Ok(Change::none(Ok(AuthenticationResult {
            status: status.into(),
            source: src.source,
        })))
    })
}

/// `POST /v1/sources/{id}/authenticate` (pk or sk).
pub async fn authenticate(
    State(s): State<AppState>,
    key: AnyKey,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<AuthenticateSource>,
) -> Result<Json<AuthenticationResult>, AppError> {
    s.db(move |s| {
        let rec = load_source(s, &key.merchant.id, &id)?;
        check_secret(&rec, &req.client_secret)?;
        if req
            .session_id
            .as_ref()
            .is_some_and(|sid| *sid != rec.source.session_id)
        {
            return Err(AppError::api(ApiError::bad_request(
                ErrorCode::SourceSessionMismatch,
                Some("sessionId"),
                "The source belongs to another session.",
            )));
        }
        let answer = req.challenge_response.as_ref().map(|c| c.expose().as_str());
        authenticate_source(s, &key.merchant.id, &id, answer).map(Json)
    })
    .await
}
