//! The shapes of what JavaScript passes (owner, card, redirect URLs, …) and
//! the checks behind them, with core's rules: Luhn and brand, expiry in the
//! future, security-code length for the brand, IBAN mod-97, e-mail, URLs
//! (each rule is core's; only ids are checked here).

use crate::error::SdkError;
use crate::js;
use crate::schema::{self, opt, req, Field, Kind};
use paysession_core::card::{check_card as core_check_card, CardFields};
use paysession_core::country::Country;
use paysession_core::email::{self, is_valid_email};
use paysession_core::http_url::{self, check_http_url};
use paysession_core::ErrorCode;
use paysession_core::{card, gift_card, iban, owner};
use wasm_bindgen::JsValue;

// Limits are core's (paysession_core::owner, card, iban, gift_card, http_url);
// tests/shapes.rs checks these tables against core's wire types.
const S: Kind = Kind::Str(owner::TEXT_MAX);
const SHORT: Kind = Kind::Str(owner::SHORT_MAX);

/// A postal address.
pub const ADDRESS: &[Field] = &[
    opt("line1", S),
    opt("line2", S),
    opt("city", S),
    opt("state", S),
    opt("postalCode", SHORT),
    opt("country", Kind::Rule(2, ErrorCode::InvalidCountry)),
];

/// The customer (and billing address).
pub const OWNER: &[Field] = &[
    opt("firstName", S),
    opt("lastName", S),
    opt("email", S),
    opt("phoneNumber", SHORT),
    opt("organization", S),
    opt("address", Kind::Obj(ADDRESS)),
];

/// Card details as typed.
pub const CARD: &[Field] = &[
    opt(
        "number",
        Kind::Rule(card::NUMBER_INPUT_MAX, ErrorCode::InvalidCardNumber),
    ),
    // Any whole number: the range is core's expiry rule (`invalid_expiration_date`).
    opt("expirationMonth", Kind::Int(i64::MIN, i64::MAX)),
    opt("expirationYear", Kind::Int(i64::MIN, i64::MAX)),
    opt(
        "cvv",
        Kind::Rule(card::CVV_INPUT_MAX, ErrorCode::InvalidSecurityCode),
    ),
    opt("name", S),
];

pub(crate) const URL: Kind = Kind::Rule(http_url::MAX_LEN as u32, ErrorCode::InvalidUrl);

/// Return and cancel URLs of a redirect method.
pub const REDIRECT: &[Field] = &[req("returnUrl", URL), req("cancelUrl", URL)];

/// SEPA Direct Debit.
pub const SEPA: &[Field] = &[req(
    "iban",
    Kind::Rule(iban::INPUT_MAX, ErrorCode::InvalidIban),
)];

/// Gift card.
pub const GIFT_CARD: &[Field] = &[
    req(
        "number",
        Kind::Rule(gift_card::NUMBER_INPUT_MAX, ErrorCode::InvalidGiftCard),
    ),
    req(
        "pin",
        Kind::Rule(gift_card::PIN_INPUT_MAX, ErrorCode::InvalidGiftCard),
    ),
];

/// Wire transfer: no fields.
pub const NONE: &[Field] = &[];

/// A wallet's token (`applePay` / `googlePay`); the backend checks it.
pub const WALLET: &[Field] = &[req("token", Kind::Str(4096))];

/// Checks an owner object's e-mail and country (shape was checked by [`schema::clean`]).
pub fn check_owner(owner: &JsValue, at: &str) -> Result<(), SdkError> {
    if let Some(email) = schema::string(owner, "email") {
        // core's rule and words, without converting its `ApiError` (−0.5 kB brotli).
        if !is_valid_email(&email) {
            let p = schema::path(at, "email");
            return Err(SdkError::validation(
                ErrorCode::InvalidEmail,
                &p,
                email::MESSAGE,
            ));
        }
    }
    let address = js::get(owner, "address");
    if let Some(c) = schema::string(&address, "country") {
        if Country::parse(&c).is_none() {
            let p = schema::path(at, "address.country");
            return Err(crate::error::bad_code(ErrorCode::InvalidCountry, &p));
        }
    }
    Ok(())
}

/// Today's `(year, month)` in the shopper's time zone.
fn today() -> (u16, u8) {
    let d = js_sys::Date::new_0();
    (d.get_full_year() as u16, (d.get_month() + 1) as u8)
}

/// Validates card details in place (normalising number and year) with core's
/// one card rule ([`paysession_core::card::check_card`]) and reports every
/// faulty field at once. `complete`: a card presented for a source (number,
/// expiry and security code required); otherwise each is checked when given.
pub fn check_card(card: &JsValue, at: &str, complete: bool) -> Result<(), SdkError> {
    let number = schema::string(card, "number");
    let cvv = schema::string(card, "cvv");
    let given = CardFields {
        number: number.as_deref(),
        expiration_month: schema::integer(card, "expirationMonth"),
        expiration_year: schema::integer(card, "expirationYear"),
        cvv: cvv.as_deref(),
    };
    let ok = core_check_card(given, complete, today()).map_err(|e| SdkError::from(e).nest(at))?;
    if let Some(n) = ok.number {
        js::set(card, "number", &n.expose().into());
    }
    if let Some(e) = ok.expiry {
        js::set(card, "expirationMonth", &JsValue::from(e.expiration_month));
        js::set(card, "expirationYear", &JsValue::from(e.expiration_year));
    }
    Ok(())
}

/// Checks the redirect URLs given with core's one URL rule.
pub fn check_redirect(r: &JsValue, at: &str) -> Result<(), SdkError> {
    check_urls(r, at, &["returnUrl", "cancelUrl"])
}

/// Checks the URLs `keys` of `r` that are given with core's one URL rule.
pub fn check_urls(r: &JsValue, at: &str, keys: &[&str]) -> Result<(), SdkError> {
    for f in keys {
        if let Some(u) = schema::string(r, f) {
            check_http_url(&u, &schema::path(at, f))?;
        }
    }
    Ok(())
}

/// A session, source or order id: what may go into a URL path.
pub fn check_id(v: &JsValue, name: &str) -> Result<String, SdkError> {
    match js::str_len(v) {
        None if v.is_undefined() || v.is_null() => {
            return Err(SdkError::validation(
                ErrorCode::MissingParameter,
                name,
                &[name, " is required."].concat(),
            ))
        }
        Some(1..=128) => {}
        _ => return Err(SdkError::invalid(name, "must be an id string.")),
    }
    let s = v.as_string().unwrap_or_default();
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(SdkError::invalid(name, "must be an id string."));
    }
    Ok(s)
}
