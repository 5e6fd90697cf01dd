//! The shapes of what JavaScript passes (owner, card, redirect URLs, …) and
//! the checks behind them, with core's rules: Luhn and brand, expiry in the
//! future, security-code length for the brand, IBAN mod-97, e-mail, URLs
//! (each rule is core's; only ids are checked here).

use crate::error::SdkError;
use crate::js;
use crate::schema::{self, opt, req, Field, Kind};
use paysession_core::card::{check_security_code, CardNumber, Expiry};
use paysession_core::country::Country;
use paysession_core::email::check_email;
use paysession_core::http_url::check_http_url;
use paysession_core::ErrorCode;
use wasm_bindgen::JsValue;

const S: Kind = Kind::Str(256);

/// A postal address.
pub const ADDRESS: &[Field] = &[
    opt("line1", S),
    opt("line2", S),
    opt("city", S),
    opt("state", S),
    opt("postalCode", Kind::Str(32)),
    opt("country", Kind::Str(2)),
];

/// The customer (and billing address).
pub const OWNER: &[Field] = &[
    opt("firstName", S),
    opt("lastName", S),
    opt("email", S),
    opt("phoneNumber", Kind::Str(32)),
    opt("organization", S),
    opt("address", Kind::Obj(ADDRESS)),
];

/// Card details as typed.
pub const CARD: &[Field] = &[
    opt("number", Kind::Str(32)),
    opt("expirationMonth", Kind::Int(0, 99)),
    opt("expirationYear", Kind::Int(0, 9999)),
    opt("cvv", Kind::Str(8)),
    opt("name", S),
];

/// Return and cancel URLs of a redirect method.
pub const REDIRECT: &[Field] = &[
    req("returnUrl", Kind::Str(2048)),
    req("cancelUrl", Kind::Str(2048)),
];

/// SEPA Direct Debit.
pub const SEPA: &[Field] = &[req("iban", Kind::Str(64))];

/// Gift card.
pub const GIFT_CARD: &[Field] = &[req("number", Kind::Str(32)), req("pin", Kind::Str(16))];

/// Wire transfer: no fields.
pub const NONE: &[Field] = &[];

/// Checks an owner object's e-mail and country (shape was checked by [`schema::clean`]).
pub fn check_owner(owner: &JsValue, at: &str) -> Result<(), SdkError> {
    if let Some(email) = schema::string(owner, "email") {
        check_email(&email).map_err(|e| SdkError::from(e).nest(at))?;
    }
    let address = js::get(owner, "address");
    if let Some(c) = schema::string(&address, "country") {
        if Country::parse(&c).is_none() {
            let p = schema::path(at, "address.country");
            return Err(SdkError::validation(
                ErrorCode::InvalidCountry,
                &p,
                "Country must be an ISO 3166-1 alpha-2 code such as DE.",
            ));
        }
    }
    Ok(())
}

/// Today's `(year, month)` in the shopper's time zone.
fn today() -> (u16, u8) {
    let d = js_sys::Date::new_0();
    (d.get_full_year() as u16, (d.get_month() + 1) as u8)
}

/// Validates card details in place (normalising number and year) and reports
/// every faulty field at once. With `complete`, number, expiry and security
/// code are all required; otherwise each is checked when given.
pub fn check_card(card: &JsValue, at: &str, complete: bool) -> Result<(), SdkError> {
    let mut errs: Option<SdkError> = None;
    let mut add = |e: SdkError| match &mut errs {
        Some(all) => all.merge(e),
        None => errs = Some(e),
    };
    let missing = |f: &str| {
        let p = schema::path(at, f);
        SdkError::validation(
            ErrorCode::MissingParameter,
            &p,
            &[&p, " is required."].concat(),
        )
    };
    let mut brand = None;
    match schema::string(card, "number") {
        Some(n) => match CardNumber::parse(&n) {
            Ok(num) => {
                brand = Some(num.brand());
                js::set(card, "number", &num.expose().into());
            }
            Err(e) => add(SdkError::from(e).nest(at)),
        },
        None if complete => add(missing("number")),
        None => {}
    }
    match (
        schema::integer(card, "expirationMonth"),
        schema::integer(card, "expirationYear"),
    ) {
        (Some(m), Some(y)) => match Expiry::parse(m, y, today()) {
            Ok(exp) => {
                js::set(
                    card,
                    "expirationMonth",
                    &JsValue::from(exp.expiration_month),
                );
                js::set(card, "expirationYear", &JsValue::from(exp.expiration_year));
            }
            Err(e) => add(SdkError::from(e).nest(at)),
        },
        (None, None) if !complete => {}
        (m, _) => {
            let f = if m.is_none() {
                "expirationMonth"
            } else {
                "expirationYear"
            };
            let p = schema::path(at, f);
            add(SdkError::validation(
                ErrorCode::IncompleteExpirationDate,
                &p,
                "Expiration date is incomplete.",
            ));
        }
    }
    match schema::string(card, "cvv") {
        Some(c) => {
            if let Err(e) = check_security_code(&c, brand) {
                add(SdkError::from(e).nest(at));
            }
        }
        None if complete => add(SdkError::validation(
            ErrorCode::IncompleteSecurityCode,
            &schema::path(at, "cvv"),
            "Enter the security code.",
        )),
        None => {}
    }
    errs.map_or(Ok(()), Err)
}

/// Checks the redirect URLs given with core's one URL rule.
pub fn check_redirect(r: &JsValue, at: &str) -> Result<(), SdkError> {
    for f in ["returnUrl", "cancelUrl"] {
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
