//! Card validation: Luhn-checked numbers with brand detection, expiry dates,
//! and security codes whose length depends on the brand. The same rules run
//! in the SDK (instant feedback) and in the server (the authority).

use crate::error::{ApiError, ErrorCode};
use crate::secret::Secret;
use serde::{Deserialize, Deserializer, Serialize};

mod brand;
pub use brand::{group_digits, luhn_valid, normalize_digits, Brand};

/// The longest card number input read (digits with spaces or dashes); the
/// SDK reads no more of a page's string ([`CardNumber::parse`] refuses longer).
pub const NUMBER_INPUT_MAX: u32 = 32;
/// The longest security code input read (longer is never a code).
pub const CVV_INPUT_MAX: u32 = 8;

/// A complete, Luhn-valid card number of a known brand. `Debug` masks it;
/// it is not `Serialize`: read it with [`CardNumber::expose`] where it must go.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber {
    digits: Secret<String>,
    brand: Brand,
}

impl CardNumber {
    /// Validates a typed number (spaces and dashes allowed).
    pub fn parse(input: &str) -> Result<CardNumber, ApiError> {
        let err = |code, msg: &str| Err(ApiError::validation(code, "number", msg));
        if input.len() > NUMBER_INPUT_MAX as usize {
            return err(ErrorCode::InvalidCardNumber, "Card number is invalid.");
        }
        let Some(digits) = normalize_digits(input) else {
            return err(
                ErrorCode::InvalidCardNumber,
                "Card number may contain only digits.",
            );
        };
        if digits.is_empty() {
            return err(ErrorCode::IncompleteCardNumber, "Enter a card number.");
        }
        let Some(brand) = Brand::detect(&digits) else {
            return err(
                ErrorCode::InvalidCardNumber,
                "Card number is not of a supported brand.",
            );
        };
        let (min, max) = brand.lengths();
        if digits.len() < min {
            return err(
                ErrorCode::IncompleteCardNumber,
                "Card number is incomplete.",
            );
        }
        if digits.len() > max || !luhn_valid(&digits) {
            return err(ErrorCode::InvalidCardNumber, "Card number is invalid.");
        }
        Ok(CardNumber {
            digits: Secret::new(digits),
            brand,
        })
    }
    /// The brand.
    pub fn brand(&self) -> Brand {
        self.brand
    }
    /// The last four digits.
    pub fn last4(&self) -> &str {
        let d = self.digits.expose();
        &d[d.len() - 4..]
    }
    /// The first six digits (the BIN), which are not secret.
    pub fn bin(&self) -> &str {
        &self.digits.expose()[..6]
    }
    /// `424242xxxxxx4242`: BIN, `x` for each hidden digit, last four.
    pub fn masked(&self) -> String {
        let d = self.digits.expose();
        format!(
            "{}{}{}",
            &d[..6],
            "x".repeat(d.len() - 10),
            &d[d.len() - 4..]
        )
    }
    /// The full digits, for the one place that must have them (the processor, the vault).
    pub fn expose(&self) -> &str {
        self.digits.expose()
    }
}

impl core::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "CardNumber({})", self.masked())
    }
}

impl core::str::FromStr for CardNumber {
    type Err = ApiError;
    fn from_str(s: &str) -> Result<Self, ApiError> {
        CardNumber::parse(s)
    }
}

impl<'de> Deserialize<'de> for CardNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        CardNumber::parse(&s).map_err(|e| serde::de::Error::custom(e.errors[0].message.clone()))
    }
}

/// A card's expiry, month 1-12 and a four-digit year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Expiry {
    /// 1-12.
    pub expiration_month: u8,
    /// Four digits.
    pub expiration_year: u16,
}

impl Expiry {
    /// Validates month and year against today's `(year, month)`.
    /// A two-digit year means 20YY. The card is valid through the end of its month.
    pub fn parse(month: i64, year: i64, today: (u16, u8)) -> Result<Expiry, ApiError> {
        let bad =
            |p: &str, m: &str| Err(ApiError::validation(ErrorCode::InvalidExpirationDate, p, m));
        if !(1..=12).contains(&month) {
            return bad("expirationMonth", "Expiration month must be 1 to 12.");
        }
        let year = if (0..100).contains(&year) {
            2000 + year
        } else {
            year
        };
        if !(2000..=2099).contains(&year) {
            return bad("expirationYear", "Expiration year is invalid.");
        }
        let (ty, tm) = (today.0 as i64, today.1 as i64);
        if (year, month) < (ty, tm) {
            return bad("expirationYear", "The card has expired.");
        }
        if year > ty + 20 {
            return bad(
                "expirationYear",
                "Expiration year is too far in the future.",
            );
        }
        Ok(Expiry {
            expiration_month: month as u8,
            expiration_year: year as u16,
        })
    }

    /// Parses `MM/YY` (or `MM / YY`, `MMYY`, `MM/YYYY`) as typed in a form.
    pub fn parse_typed(input: &str, today: (u16, u8)) -> Result<Expiry, ApiError> {
        let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
        let ok_chars = input
            .chars()
            .all(|c| c.is_ascii_digit() || c == '/' || c == ' ');
        if !ok_chars {
            return Err(ApiError::validation(
                ErrorCode::InvalidExpirationDate,
                "expiry",
                "Use the format MM/YY.",
            ));
        }
        if digits.len() < 4 {
            return Err(ApiError::validation(
                ErrorCode::IncompleteExpirationDate,
                "expiry",
                "Expiration date is incomplete.",
            ));
        }
        let (m, y) = digits.split_at(2);
        let (m, y): (i64, i64) = (m.parse().unwrap_or(0), y.parse().unwrap_or(-1));
        Expiry::parse(m, y, today).map_err(|mut e| {
            e.errors[0].parameter = Some("expiry".into());
            e
        })
    }
}

/// Checks a security code's digits and its length for the brand.
pub fn check_security_code(code: &str, brand: Option<Brand>) -> Result<(), ApiError> {
    let bad = |c, m: &str| Err(ApiError::validation(c, "cvv", m));
    if code.is_empty() {
        return bad(
            ErrorCode::IncompleteSecurityCode,
            "Enter the security code.",
        );
    }
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return bad(
            ErrorCode::InvalidSecurityCode,
            "Security code may contain only digits.",
        );
    }
    let want = brand.map(Brand::security_code_len);
    match want {
        Some(n) if code.len() < n => bad(
            ErrorCode::IncompleteSecurityCode,
            "Security code is incomplete.",
        ),
        Some(n) if code.len() > n => bad(
            ErrorCode::InvalidSecurityCode,
            "Security code is too long for this card.",
        ),
        None if !(3..=4).contains(&code.len()) => bad(
            ErrorCode::InvalidSecurityCode,
            "Security code must be 3 or 4 digits.",
        ),
        _ => Ok(()),
    }
}

/// Card fields as given (a source's `creditCard`, a session's `card`), not yet validated.
#[derive(Clone, Copy, Debug, Default)]
pub struct CardFields<'a> {
    /// Card number as typed.
    pub number: Option<&'a str>,
    /// Month as given.
    pub expiration_month: Option<i64>,
    /// Year as given (two digits mean 20YY).
    pub expiration_year: Option<i64>,
    /// Security code as typed.
    pub cvv: Option<&'a str>,
}

fn add(errors: &mut Vec<crate::ErrorDetail>, r: Result<(), ApiError>) {
    if let Err(e) = r {
        errors.extend(e.errors);
    }
}

/// What [`check_card`] accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedCard {
    /// The number, when given.
    pub number: Option<CardNumber>,
    /// The expiry, when month and year were both given.
    pub expiry: Option<Expiry>,
}

/// The one card rule of the SDK and the server.
///
/// `complete`: the card is presented to create a source (a customer-initiated
/// payment): number, expiry and security code are all required, as a production
/// PSP requires the code for such a payment (DigitalRiver's `creditCard` source
/// needs `cvv`). Otherwise (a session's `card`, whose fields may arrive one at a
/// time and whose code is erased after use) each field is checked when given; a
/// lone month is checked as of next year, a lone year as of December (the
/// stored card completes it).
/// The security code is checked for the number's brand when a valid number is given.
/// Every faulty field is reported (number, expiry, code in this order), with
/// parameters relative to the card (`number`, `expirationMonth`, …).
pub fn check_card(
    f: CardFields<'_>,
    complete: bool,
    today: (u16, u8),
) -> Result<CheckedCard, ApiError> {
    let mut errors = Vec::new();
    let mut keep = |r: Result<(), ApiError>| add(&mut errors, r);
    let mut out = CheckedCard {
        number: None,
        expiry: None,
    };
    match f.number {
        Some(n) => match CardNumber::parse(n) {
            Ok(n) => out.number = Some(n),
            Err(e) => keep(Err(e)),
        },
        None if complete => keep(Err(ApiError::validation(
            ErrorCode::MissingParameter,
            "number",
            "Enter a card number.",
        ))),
        None => {}
    }
    let incomplete = |p: &str| {
        Err(ApiError::validation(
            ErrorCode::IncompleteExpirationDate,
            p,
            "Expiration date is incomplete.",
        ))
    };
    match (f.expiration_month, f.expiration_year) {
        (Some(m), Some(y)) => match Expiry::parse(m, y, today) {
            Ok(e) => out.expiry = Some(e),
            Err(e) => keep(Err(e)),
        },
        (m, _) if complete => keep(incomplete(if m.is_none() {
            "expirationMonth"
        } else {
            "expirationYear"
        })),
        (None, None) => {}
        // A lone month or year (the stored card completes it): checked with
        // December or next year for the other half.
        (m, y) => {
            keep(Expiry::parse(m.unwrap_or(12), y.unwrap_or(today.0 as i64 + 1), today).map(|_| ()))
        }
    }
    match f.cvv {
        Some(c) => keep(check_security_code(
            c,
            out.number.as_ref().map(CardNumber::brand),
        )),
        None if complete => keep(Err(ApiError::validation(
            ErrorCode::IncompleteSecurityCode,
            "cvv",
            "Enter the security code.",
        ))),
        None => {}
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ApiError {
            kind: crate::ErrorType::ValidationError,
            errors,
        })
    }
}

#[cfg(test)]
mod tests;
