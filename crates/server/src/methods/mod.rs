//! The payment methods (domain): one module each, owning its input rules (the
//! part of `POST /v1/sources` that needs no session; each error names its
//! parameter, `creditCard.number`, `payPal.returnUrl`, …), its create branch
//! and its processor call; [`terms`] their texts. The checklist for a new
//! method is in docs/ARCHITECTURE.md.

pub mod card;
pub mod gift_card;
pub mod redirect;
pub mod sepa;
pub mod wallet;
pub mod wire;

use crate::{
    config::Merchant,
    error::AppError,
    model::{SessionRec, SourceRec, StoredCard},
    AppState,
};
use paysession_core::{
    iban::Iban,
    state::PaymentType,
    wire::{CreateSource, Source},
    ErrorCode,
};

/// Type-specific input, validated.
pub enum Input {
    /// A card from the request, or `None`: use the session's card.
    Card(Option<card::CardIn>),
    /// A saved payment method of the session's customer and a fresh code.
    Saved {
        /// `pm_…`.
        id: String,
        /// The security code typed now (never stored).
        cvv: paysession_core::Secret<String>,
    },
    /// Return and cancel URLs, normalised (the URL parser's ASCII
    /// serialisation), on one of the merchant's origins.
    Redirect {
        return_url: String,
        cancel_url: String,
    },
    /// Wire transfer.
    Wire,
    /// A test gift card: its digits (for its fingerprint only) and last four.
    GiftCard { last4: String, digits: String },
    /// SEPA Direct Debit.
    Sepa(Iban),
    /// A wallet's token, checked by [`wallet::redeem`] against the session.
    Wallet(String),
}

pub(crate) fn missing(p: &str) -> AppError {
    AppError::validation(
        ErrorCode::MissingParameter,
        p,
        format!("`{p}` is required."),
    )
}

/// Validates the request for its type; redirect URLs must be on one of
/// `merchant`'s allowed origins.
pub fn validate(
    req: &CreateSource,
    merchant: &Merchant,
    today: (u16, u8),
) -> Result<Input, AppError> {
    let kind = req.kind;
    let given = [
        (PaymentType::CreditCard, req.credit_card.is_some()),
        (PaymentType::PayPal, req.pay_pal.is_some()),
        (PaymentType::KlarnaCredit, req.klarna_credit.is_some()),
        (PaymentType::Ideal, req.ideal.is_some()),
        (PaymentType::SepaDebit, req.sepa_debit.is_some()),
        (PaymentType::WireTransfer, req.wire_transfer.is_some()),
        (PaymentType::GiftCard, req.gift_card.is_some()),
        (PaymentType::ApplePay, req.apple_pay.is_some()),
        (PaymentType::GooglePay, req.google_pay.is_some()),
    ];
    if let Some((t, _)) = given.iter().find(|(t, g)| *g && *t != kind) {
        let p = t.as_str();
        return Err(AppError::validation(
            ErrorCode::InvalidParameter,
            p,
            format!("`{p}` does not match `type` {}.", kind.as_str()),
        ));
    }
    if req.browser_info.is_some() && kind != PaymentType::CreditCard {
        return Err(AppError::validation(
            ErrorCode::InvalidParameter,
            "browserInfo",
            "`browserInfo` applies only to card sources.",
        ));
    }
    if let Some(o) = &req.owner {
        crate::flows::sessions::check_owner(o, "owner")?;
    }
    for (given, p) in [
        (req.usage.is_some(), "usage"),
        (req.payment_method_id.is_some(), "paymentMethodId"),
    ] {
        if given && kind != PaymentType::CreditCard {
            return Err(AppError::validation(
                ErrorCode::InvalidParameter,
                p,
                format!("`{p}` applies only to card sources."),
            ));
        }
    }
    if let Some(pm) = &req.payment_method_id {
        return card::saved(req, pm);
    }
    Ok(match kind {
        PaymentType::CreditCard => Input::Card(
            req.credit_card
                .as_ref()
                .map(|c| card::card(c, today))
                .transpose()?,
        ),
        PaymentType::PayPal | PaymentType::KlarnaCredit | PaymentType::Ideal => {
            let r = match kind {
                PaymentType::PayPal => &req.pay_pal,
                PaymentType::KlarnaCredit => &req.klarna_credit,
                _ => &req.ideal,
            };
            redirect::input(r.as_ref(), kind.as_str(), merchant)?
        }
        PaymentType::WireTransfer => Input::Wire,
        PaymentType::GiftCard => gift_card::input(req)?,
        PaymentType::ApplePay | PaymentType::GooglePay => Input::Wallet(wallet::input(req)?),
        PaymentType::SepaDebit => Input::Sepa(sepa::input(req)?),
    })
}

/// What a create branch reads: the request and where it runs.
pub struct At<'a> {
    /// The handlers' state.
    pub s: &'a AppState,
    /// The merchant's id.
    pub merchant: &'a str,
    /// Public base URL for hosted-page links.
    pub base: &'a str,
    /// The request.
    pub req: &'a CreateSource,
    /// Now, unix seconds.
    pub now: i64,
}

/// The source being created and what creating it changes; each method's
/// branch fills in its part.
pub struct Draft {
    /// The source as the client will see it.
    pub src: Source,
    /// Its record.
    pub rec: SourceRec,
    /// The session changed (beyond the source added to it).
    pub changed: bool,
    /// A decline: the source is stored (failed) and this error answered.
    pub result: Result<(), AppError>,
    /// A saved payment method the write must find still present.
    pub pm_check: Option<String>,
}

/// The create branch of `input`'s method, on the open session `rec`
/// (`session_card`: its card as it was before this request erased its code).
pub fn create(
    input: &Input,
    at: &At,
    rec: &mut SessionRec,
    session_card: Option<StoredCard>,
    d: &mut Draft,
) -> Result<(), AppError> {
    match input {
        Input::Card(_) | Input::Saved { .. } => card::create(input, at, rec, &session_card, d),
        Input::Redirect {
            return_url,
            cancel_url,
        } => {
            redirect::create(return_url, cancel_url, at, d);
            Ok(())
        }
        Input::Wire => {
            wire::create(d);
            Ok(())
        }
        Input::GiftCard { last4, digits } => gift_card::create(last4, digits, at, rec, d),
        Input::Wallet(token) => wallet::create(token, at, rec, d),
        Input::Sepa(iban) => {
            sepa::create(iban, d);
            Ok(())
        }
    }
}

/// The terms a method's entry of `GET /v1/payment-methods` carries, in
/// English: SEPA's mandate is the catalogs' text ([`sepa::MANDATE`]), the
/// one the drop-in shows.
pub fn terms(t: PaymentType) -> Option<String> {
    match t {
        PaymentType::KlarnaCredit => {
            Some("Pay later with Klarna: you agree to Klarna's terms and privacy notice.".into())
        }
        PaymentType::SepaDebit => crate::locales::english(sepa::MANDATE),
        _ => None,
    }
}
