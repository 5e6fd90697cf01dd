//! The payment methods (domain). Validation of `POST /v1/sources` input that needs no session: each error
//! names its parameter (`creditCard.number`, `payPal.returnUrl`, …).

pub mod wallet;

use crate::{config::Merchant, error::AppError, processor};
use paysession_core::{
    card::{check_card, CardFields, CardNumber, Expiry},
    gift_card,
    iban::Iban,
    state::PaymentType,
    wire::{CardInput, CreateSource, RedirectInput},
    ErrorCode,
};

/// A validated card from the request.
pub struct CardIn {
    /// Number (digits held secret).
    pub number: CardNumber,
    /// Expiry.
    pub expiry: Expiry,
}

/// Type-specific input, validated.
pub enum Input {
    /// A card from the request, or `None`: use the session's card.
    Card(Option<CardIn>),
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

fn missing(p: &str) -> AppError {
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
        return saved(req, pm);
    }
    Ok(match kind {
        PaymentType::CreditCard => Input::Card(
            req.credit_card
                .as_ref()
                .map(|c| card(c, today))
                .transpose()?,
        ),
        PaymentType::PayPal | PaymentType::KlarnaCredit | PaymentType::Ideal => {
            let r = match kind {
                PaymentType::PayPal => &req.pay_pal,
                PaymentType::KlarnaCredit => &req.klarna_credit,
                _ => &req.ideal,
            };
            redirect(r.as_ref(), kind.as_str(), merchant)?
        }
        PaymentType::WireTransfer => Input::Wire,
        PaymentType::GiftCard => {
            let g = req.gift_card.as_ref().ok_or_else(|| missing("giftCard"))?;
            let number = g
                .number
                .as_ref()
                .ok_or_else(|| missing("giftCard.number"))?;
            let pin = g.pin.as_ref().ok_or_else(|| missing("giftCard.pin"))?;
            // Core's syntax rule first (the SDK's verdict), then the processor's cards.
            let nest = |e: paysession_core::ApiError| AppError::api(e.nest("giftCard"));
            let digits = gift_card::check_number(number.expose()).map_err(nest)?;
            let pin = gift_card::check_pin(pin.expose()).map_err(nest)?;
            if !processor::is_gift_card(&digits) {
                return Err(AppError::validation(
                    ErrorCode::InvalidGiftCard,
                    "giftCard.number",
                    "The gift card number is not valid.",
                ));
            }
            if pin != processor::GIFT_CARD_PIN {
                return Err(AppError::validation(
                    ErrorCode::InvalidGiftCard,
                    "giftCard.pin",
                    "The gift card PIN is not valid.",
                ));
            }
            Input::GiftCard {
                last4: digits.get(12..).unwrap_or_default().to_owned(),
                digits,
            }
        }
        PaymentType::ApplePay | PaymentType::GooglePay => {
            let w = match kind {
                PaymentType::ApplePay => &req.apple_pay,
                _ => &req.google_pay,
            };
            let p = format!("{}.token", kind.as_str());
            let token = w.as_ref().and_then(|w| w.token.clone());
            let token = token.ok_or_else(|| missing(&p))?;
            if token.is_empty() || token.len() > wallet::MAX_TOKEN {
                return Err(wallet::bad_token(&p, "The wallet token is not valid."));
            }
            Input::Wallet(token)
        }
        PaymentType::SepaDebit => {
            let sd = req
                .sepa_debit
                .as_ref()
                .ok_or_else(|| missing("sepaDebit"))?;
            let iban = sd.iban.as_ref().ok_or_else(|| missing("sepaDebit.iban"))?;
            Input::Sepa(Iban::parse(iban).map_err(|e| AppError::api(e.nest("sepaDebit")))?)
        }
    })
}

/// A saved method and a fresh security code: `creditCard` holds only `cvv`
/// (its length is checked against the saved card's brand by the flow).
fn saved(req: &CreateSource, pm: &str) -> Result<Input, AppError> {
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
fn card(c: &CardInput, today: (u16, u8)) -> Result<CardIn, AppError> {
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

fn redirect(
    r: Option<&RedirectInput>,
    prefix: &str,
    merchant: &Merchant,
) -> Result<Input, AppError> {
    let r = r.ok_or_else(|| missing(prefix))?;
    let url = |v: &Option<String>, name: &str| -> Result<String, AppError> {
        let p = format!("{prefix}.{name}");
        let v = v.as_ref().ok_or_else(|| missing(&p))?;
        redirect_target(v, merchant, &p)
    };
    Ok(Input::Redirect {
        return_url: url(&r.return_url, "returnUrl")?,
        cancel_url: url(&r.cancel_url, "cancelUrl")?,
    })
}

/// Longest redirect URL accepted, before and after normalisation (core's).
const MAX_URL: usize = paysession_core::http_url::MAX_LEN;

/// A redirect target the shopper may be sent to with the source's client
/// secret: first core's one syntactic rule (the SDK's verdict:
/// [`paysession_core::http_url::is_absolute_http`]: printable ASCII, no user
/// info, no backslash), then parsed as a browser would (WHATWG URL), at most
/// [`MAX_URL`] characters after normalising, and its origin exactly one of
/// the merchant's. Answers the parser's ASCII serialisation (punycode host,
/// percent-encoded path and query), so what is stored and later sent in
/// `Location` is exactly what a browser would request. A malformed URL is
/// `invalid_url`; a well-formed one on another origin `invalid_parameter`;
/// both name `param`.
pub fn redirect_target(v: &str, merchant: &Merchant, param: &str) -> Result<String, AppError> {
    let malformed = || {
        AppError::validation(
            ErrorCode::InvalidUrl,
            param,
            format!(
                "`{param}` must be an absolute http(s) URL without user info, whitespace or \
                 control characters, of at most {MAX_URL} characters."
            ),
        )
    };
    // Core's one syntactic rule first (the SDK's verdict); then the parser.
    if !paysession_core::http_url::is_absolute_http(v) {
        return Err(malformed());
    }
    let u = url::Url::parse(v).map_err(|_| malformed())?;
    if !matches!(u.scheme(), "http" | "https")
        || !u.username().is_empty()
        || u.password().is_some()
        || u.as_str().len() > MAX_URL
    {
        return Err(malformed());
    }
    if !merchant.allows_origin(&u.origin().ascii_serialization()) {
        return Err(AppError::validation(
            ErrorCode::InvalidParameter,
            param,
            format!("`{param}` must be on one of the merchant's registered origins (`allowed_origins`)."),
        ));
    }
    Ok(u.into())
}
