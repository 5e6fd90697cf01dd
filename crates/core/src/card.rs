//! Card validation: Luhn-checked numbers with brand detection, expiry dates,
//! and security codes whose length depends on the brand. The same rules run
//! in the SDK (instant feedback) and in the server (the authority).

use crate::error::{ApiError, ErrorCode};
use crate::secret::Secret;
use serde::{Deserialize, Deserializer, Serialize};

/// Card brands, named as DigitalRiver.js names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Brand {
    /// Visa.
    Visa,
    /// Mastercard.
    Mastercard,
    /// American Express.
    Amex,
    /// Diners Club.
    Dinersclub,
    /// Discover.
    Discover,
    /// JCB.
    Jcb,
    /// UnionPay.
    Unionpay,
    /// Maestro.
    Maestro,
}

impl Brand {
    /// Every brand, in the order of the declaration (tables, lookups).
    pub const ALL: [Brand; 8] = [
        Brand::Visa,
        Brand::Mastercard,
        Brand::Amex,
        Brand::Dinersclub,
        Brand::Discover,
        Brand::Jcb,
        Brand::Unionpay,
        Brand::Maestro,
    ];

    /// Wire name (`visa`, `mastercard`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Brand::Visa => "visa",
            Brand::Mastercard => "mastercard",
            Brand::Amex => "amex",
            Brand::Dinersclub => "dinersclub",
            Brand::Discover => "discover",
            Brand::Jcb => "jcb",
            Brand::Unionpay => "unionpay",
            Brand::Maestro => "maestro",
        }
    }
    /// A name to show a shopper.
    pub fn display_name(self) -> &'static str {
        match self {
            Brand::Visa => "Visa",
            Brand::Mastercard => "Mastercard",
            Brand::Amex => "American Express",
            Brand::Dinersclub => "Diners Club",
            Brand::Discover => "Discover",
            Brand::Jcb => "JCB",
            Brand::Unionpay => "UnionPay",
            Brand::Maestro => "Maestro",
        }
    }
    /// Valid number lengths.
    pub fn lengths(self) -> (usize, usize) {
        match self {
            Brand::Visa => (13, 19),
            Brand::Mastercard => (16, 16),
            Brand::Amex => (15, 15),
            Brand::Dinersclub => (14, 19),
            Brand::Discover | Brand::Jcb | Brand::Unionpay => (16, 19),
            Brand::Maestro => (12, 19),
        }
    }
    /// Security code length: 4 for Amex, 3 for the rest.
    pub fn security_code_len(self) -> usize {
        if self == Brand::Amex {
            4
        } else {
            3
        }
    }
    /// Digit groups for display as typed (`4 4 4 4`, Amex `4 6 5`).
    pub fn groups(self) -> &'static [usize] {
        match self {
            Brand::Amex => &[4, 6, 5],
            Brand::Dinersclub => &[4, 6, 4],
            _ => &[4, 4, 4, 4, 3],
        }
    }
    /// Detects the brand from the leading digits (works on a partial number).
    pub fn detect(digits: &str) -> Option<Brand> {
        let prefix = |n: usize| -> u32 {
            digits
                .get(..n.min(digits.len()))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0)
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (p1, p2, p3, p4, p6) = (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6));
        let len = digits.len();
        if p1 == 4 {
            return Some(Brand::Visa);
        }
        if p2 == 34 || p2 == 37 {
            return Some(Brand::Amex);
        }
        if (51..=55).contains(&p2) || (len >= 4 && (2221..=2720).contains(&p4)) {
            return Some(Brand::Mastercard);
        }
        if (len >= 3 && (300..=305).contains(&p3)) || p2 == 36 || p2 == 38 || p2 == 39 {
            return Some(Brand::Dinersclub);
        }
        if (len >= 4 && (3528..=3589).contains(&p4)) || (len < 4 && p2 == 35) {
            return Some(Brand::Jcb);
        }
        if p4 == 6011
            || (len >= 3 && (644..=649).contains(&p3))
            || p2 == 65
            || (len >= 6 && (622126..=622925).contains(&p6))
        {
            return Some(Brand::Discover);
        }
        if p2 == 62 {
            return Some(Brand::Unionpay);
        }
        if p2 == 50 || (56..=58).contains(&p2) || p4 == 6304 || p4 == 6759 || p2 == 67 {
            return Some(Brand::Maestro);
        }
        None
    }
}

/// Keeps the digits of a typed number, allowing spaces and dashes between
/// them. `None` when anything else is present.
pub fn normalize_digits(input: &str) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '-' => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The Luhn (mod 10) check over ASCII digits.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.len() < 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = (b - b'0') as u32;
            if i % 2 == 1 {
                // Doubled, and the digits of the product summed (5..=9 give 10..=18).
                if d > 4 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    #[allow(clippy::manual_is_multiple_of)] // is_multiple_of is newer than rust-version 1.81
    let valid = sum % 10 == 0;
    valid
}

/// Formats typed digits in the brand's groups: `4242424242424242` → `4242 4242 4242 4242`.
pub fn group_digits(digits: &str) -> String {
    let groups = Brand::detect(digits)
        .map(Brand::groups)
        .unwrap_or(&[4, 4, 4, 4, 3]);
    let mut out = String::with_capacity(digits.len() + 4);
    let mut rest = digits;
    for &g in groups {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(g.min(rest.len()));
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(head);
        rest = tail;
    }
    if !rest.is_empty() {
        out.push_str(rest);
    }
    out
}

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
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid("4242424242424242"));
        assert!(luhn_valid("378282246310005"));
        assert!(!luhn_valid("4242424242424241"));
        assert!(!luhn_valid("4"));
    }

    #[test]
    fn brands_of_the_test_cards() {
        let b = |s: &str| CardNumber::parse(s).unwrap().brand();
        assert_eq!(b("4242 4242 4242 4242"), Brand::Visa);
        assert_eq!(b("5555-5555-5555-4444"), Brand::Mastercard);
        assert_eq!(b("3782 822463 10005"), Brand::Amex);
        assert_eq!(b("5454545454545454"), Brand::Mastercard);
        assert_eq!(b("4917610000000000"), Brand::Visa);
        assert_eq!(b("6011111111111117"), Brand::Discover);
        assert_eq!(b("3566002020360505"), Brand::Jcb);
        assert_eq!(b("30569309025904"), Brand::Dinersclub);
        assert_eq!(b("2223003122003222"), Brand::Mastercard);
    }

    #[test]
    fn invalid_and_incomplete_numbers() {
        let code = |s: &str| CardNumber::parse(s).unwrap_err().code();
        assert_eq!(code(""), ErrorCode::IncompleteCardNumber);
        assert_eq!(code("4242 4242"), ErrorCode::IncompleteCardNumber);
        assert_eq!(code("4242424242424241"), ErrorCode::InvalidCardNumber);
        assert_eq!(code("4242abcd42424242"), ErrorCode::InvalidCardNumber);
        assert_eq!(code("9999999999999995"), ErrorCode::InvalidCardNumber);
        assert_eq!(code("42424242424242424242"), ErrorCode::InvalidCardNumber);
    }

    #[test]
    fn masking_never_shows_the_middle() {
        let n = CardNumber::parse("4242424242424242").unwrap();
        assert_eq!(n.masked(), "424242xxxxxx4242");
        assert_eq!(n.last4(), "4242");
        assert_eq!(format!("{n:?}"), "CardNumber(424242xxxxxx4242)");
        let a = CardNumber::parse("378282246310005").unwrap();
        assert_eq!(a.masked(), "378282xxxxx0005");
    }

    #[test]
    fn expiry() {
        let today = (2026, 11);
        assert!(Expiry::parse(11, 2026, today).is_ok());
        assert!(Expiry::parse(12, 30, today).is_ok());
        assert_eq!(Expiry::parse(12, 30, today).unwrap().expiration_year, 2030);
        assert_eq!(
            Expiry::parse(10, 2026, today).unwrap_err().code(),
            ErrorCode::InvalidExpirationDate
        );
        assert_eq!(
            Expiry::parse(13, 2027, today).unwrap_err().errors[0]
                .parameter
                .as_deref(),
            Some("expirationMonth")
        );
        assert!(Expiry::parse(1, 2099, today).is_err());
        assert_eq!(
            Expiry::parse_typed("12/3", today).unwrap_err().code(),
            ErrorCode::IncompleteExpirationDate
        );
        assert_eq!(
            Expiry::parse_typed("12 / 30", today)
                .unwrap()
                .expiration_month,
            12
        );
        assert_eq!(
            Expiry::parse_typed("1a/30", today).unwrap_err().code(),
            ErrorCode::InvalidExpirationDate
        );
    }

    #[test]
    fn security_codes() {
        assert!(check_security_code("123", Some(Brand::Visa)).is_ok());
        assert!(check_security_code("1234", Some(Brand::Amex)).is_ok());
        assert_eq!(
            check_security_code("123", Some(Brand::Amex))
                .unwrap_err()
                .code(),
            ErrorCode::IncompleteSecurityCode
        );
        assert_eq!(
            check_security_code("1234", Some(Brand::Visa))
                .unwrap_err()
                .code(),
            ErrorCode::InvalidSecurityCode
        );
        assert_eq!(
            check_security_code("12a", Some(Brand::Visa))
                .unwrap_err()
                .code(),
            ErrorCode::InvalidSecurityCode
        );
        assert_eq!(
            check_security_code("", None).unwrap_err().code(),
            ErrorCode::IncompleteSecurityCode
        );
    }

    #[test]
    fn grouping() {
        assert_eq!(group_digits("4242424242424242"), "4242 4242 4242 4242");
        assert_eq!(group_digits("378282246310005"), "3782 822463 10005");
        assert_eq!(group_digits("42424"), "4242 4");
    }

    #[test]
    fn brand_tables() {
        for b in Brand::ALL {
            // `as_str` is serde's wire name.
            let wire = serde_json::to_value(b).unwrap();
            assert_eq!(wire.as_str(), Some(b.as_str()));
        }
        let names: Vec<_> = Brand::ALL.iter().map(|b| b.display_name()).collect();
        assert_eq!(
            names,
            [
                "Visa",
                "Mastercard",
                "American Express",
                "Diners Club",
                "Discover",
                "JCB",
                "UnionPay",
                "Maestro"
            ]
        );
        let lengths: Vec<_> = Brand::ALL.iter().map(|b| b.lengths()).collect();
        assert_eq!(
            lengths,
            [
                (13, 19),
                (16, 16),
                (15, 15),
                (14, 19),
                (16, 19),
                (16, 19),
                (16, 19),
                (12, 19)
            ]
        );
        let codes: Vec<_> = Brand::ALL.iter().map(|b| b.security_code_len()).collect();
        assert_eq!(codes, [3, 3, 4, 3, 3, 3, 3, 3]);
        assert_eq!(Brand::Dinersclub.groups(), &[4, 6, 4]);
        assert_eq!(Brand::Amex.groups(), &[4, 6, 5]);
        assert_eq!(Brand::Visa.groups(), &[4, 4, 4, 4, 3]);
    }

    #[test]
    fn brand_prefix_boundaries() {
        use Brand::*;
        let cases: &[(&str, Option<Brand>)] = &[
            ("", None),
            ("4a", None),
            ("0", None),
            ("1", None),
            ("4", Some(Visa)),
            ("33", None),
            ("34", Some(Amex)),
            ("37", Some(Amex)),
            ("50", Some(Maestro)),
            ("51", Some(Mastercard)),
            ("55", Some(Mastercard)),
            ("56", Some(Maestro)),
            ("58", Some(Maestro)),
            ("59", None),
            ("222", None),
            ("2220", None),
            ("2221", Some(Mastercard)),
            ("2720", Some(Mastercard)),
            ("2721", None),
            ("30", None),
            ("300", Some(Dinersclub)),
            ("305", Some(Dinersclub)),
            ("306", None),
            ("36", Some(Dinersclub)),
            ("38", Some(Dinersclub)),
            ("39", Some(Dinersclub)),
            ("35", Some(Jcb)),
            ("352", Some(Jcb)),
            ("3527", None),
            ("3528", Some(Jcb)),
            ("3589", Some(Jcb)),
            ("3590", None),
            ("6011", Some(Discover)),
            ("6012", None),
            ("64", None),
            ("643", None),
            ("644", Some(Discover)),
            ("649", Some(Discover)),
            ("65", Some(Discover)),
            ("62", Some(Unionpay)),
            ("622125", Some(Unionpay)),
            ("622126", Some(Discover)),
            ("622925", Some(Discover)),
            ("622926", Some(Unionpay)),
            ("63", None),
            ("6304", Some(Maestro)),
            ("6305", None),
            ("6759", Some(Maestro)),
            ("67", Some(Maestro)),
        ];
        for (digits, brand) in cases {
            assert_eq!(Brand::detect(digits), *brand, "{digits}");
        }
    }

    #[test]
    fn luhn_boundaries() {
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(luhn_valid("18"));
        assert!(luhn_valid("00"));
        assert!(!luhn_valid("0"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("81"));
        assert!(!luhn_valid("1a"));
        // Doubled digits above 4 (x - 9).
        assert!(luhn_valid("5555555555554444"));
        assert!(!luhn_valid("5555555555554443"));
    }

    #[test]
    fn number_lengths_per_brand() {
        let ok = |s: &str, b: Brand| {
            let n = CardNumber::parse(s).unwrap();
            assert_eq!(n.brand(), b, "{s}");
            assert_eq!(n.expose(), s.replace([' ', '-'], ""));
        };
        let code = |s: &str| CardNumber::parse(s).unwrap_err().code();
        ok("4222222222222", Brand::Visa);
        ok("4242424242424242428", Brand::Visa);
        ok("5555555555554444", Brand::Mastercard);
        ok("340000000000009", Brand::Amex);
        ok("30569309025904", Brand::Dinersclub);
        ok("500000000009", Brand::Maestro);
        ok("6200000000000005", Brand::Unionpay);
        ok("3589000000000003", Brand::Jcb);
        assert_eq!(code("422222222222"), ErrorCode::IncompleteCardNumber);
        assert_eq!(code("37828224631003"), ErrorCode::IncompleteCardNumber);
        assert_eq!(code("55555555555544440"), ErrorCode::InvalidCardNumber);
        ok("352800000000000007", Brand::Jcb);
        // Unknown brand, non-digits, empty.
        assert_eq!(code("9999999999999995"), ErrorCode::InvalidCardNumber);
        assert_eq!(code("4242 4242 4242 424x"), ErrorCode::InvalidCardNumber);
        assert_eq!(code(" - "), ErrorCode::IncompleteCardNumber);
        let e = CardNumber::parse("1").unwrap_err();
        assert_eq!(e.errors[0].parameter.as_deref(), Some("number"));
    }

    #[test]
    fn number_input_is_read_up_to_its_max() {
        let at_max = "4-2-4-2-4-2-4-2-4-2-4-2-4-2-4-2-";
        assert_eq!(at_max.len(), NUMBER_INPUT_MAX as usize);
        assert_eq!(
            CardNumber::parse(at_max).unwrap().expose(),
            "4242424242424242"
        );
        assert_eq!(
            CardNumber::parse(&format!("{at_max}-")).unwrap_err().code(),
            ErrorCode::InvalidCardNumber
        );
        assert_eq!(normalize_digits("4242 4242-42"), Some("4242424242".into()));
        assert_eq!(normalize_digits(""), Some(String::new()));
        assert_eq!(normalize_digits("4242.4242"), None);
    }

    #[test]
    fn bin_last4_and_masks() {
        let n = CardNumber::parse("4242424242424242428").unwrap();
        assert_eq!(n.bin(), "424242");
        assert_eq!(n.last4(), "2428");
        assert_eq!(n.masked(), "424242xxxxxxxxx2428");
        let d = CardNumber::parse("30569309025904").unwrap();
        assert_eq!(d.masked(), "305693xxxx5904");
        assert_eq!(group_digits("30569309025904"), "3056 930902 5904");
        assert_eq!(group_digits(""), "");
        assert_eq!(
            group_digits("42424242424242424242"),
            "4242 4242 4242 4242 4242"
        );
        let parsed: CardNumber = serde_json::from_str("\"4242 4242 4242 4242\"").unwrap();
        assert_eq!(parsed.last4(), "4242");
        let err = serde_json::from_str::<CardNumber>("\"4242424242424241\"").unwrap_err();
        assert!(err.to_string().contains("Card number is invalid."), "{err}");
        assert_eq!(
            "4242424242424242".parse::<CardNumber>().unwrap().brand(),
            Brand::Visa
        );
    }

    #[test]
    fn expiry_boundaries() {
        let today = (2026, 11);
        let year = |m: i64, y: i64| Expiry::parse(m, y, today).map(|e| e.expiration_year);
        let param = |m: i64, y: i64| {
            let e = Expiry::parse(m, y, today).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidExpirationDate);
            e.errors[0].parameter.clone().unwrap()
        };
        assert_eq!(param(0, 2027), "expirationMonth");
        assert_eq!(param(13, 2027), "expirationMonth");
        assert_eq!(year(1, 2027).unwrap(), 2027);
        assert_eq!(year(12, 2026).unwrap(), 2026);
        assert_eq!(Expiry::parse(12, 2026, today).unwrap().expiration_month, 12);
        assert_eq!(year(12, 46).unwrap(), 2046);
        assert_eq!(year(12, 2046).unwrap(), 2046);
        assert_eq!(param(1, 2047), "expirationYear");
        assert_eq!(param(12, 2025), "expirationYear");
        assert_eq!(param(10, 26), "expirationYear");
        assert_eq!(param(1, 0), "expirationYear");
        assert_eq!(param(1, 100), "expirationYear");
        assert_eq!(param(1, 1999), "expirationYear");
        assert_eq!(param(1, -1), "expirationYear");
        assert_eq!(param(1, 2100), "expirationYear");
        let late = (2080, 1);
        assert_eq!(Expiry::parse(1, 99, late).unwrap().expiration_year, 2099);
        assert_eq!(Expiry::parse(1, 2099, late).unwrap().expiration_year, 2099);
        assert!(Expiry::parse(1, 2100, late).is_err());
        assert_eq!(
            Expiry::parse(1, 0, (2000, 1)).unwrap().expiration_year,
            2000
        );
    }

    #[test]
    fn typed_expiry() {
        let today = (2026, 11);
        let ok = |s: &str| Expiry::parse_typed(s, today).unwrap();
        assert_eq!(
            ok("1230"),
            Expiry {
                expiration_month: 12,
                expiration_year: 2030
            }
        );
        assert_eq!(
            ok("12/2030"),
            Expiry {
                expiration_month: 12,
                expiration_year: 2030
            }
        );
        assert_eq!(ok("01 / 27").expiration_month, 1);
        let err = |s: &str| Expiry::parse_typed(s, today).unwrap_err();
        assert_eq!(err("123").code(), ErrorCode::IncompleteExpirationDate);
        assert_eq!(err("").code(), ErrorCode::IncompleteExpirationDate);
        assert_eq!(err("12-30").code(), ErrorCode::InvalidExpirationDate);
        let e = err("13/30");
        assert_eq!(e.code(), ErrorCode::InvalidExpirationDate);
        assert_eq!(e.errors[0].parameter.as_deref(), Some("expiry"));
        assert_eq!(err("10/26").errors[0].parameter.as_deref(), Some("expiry"));
        // A year too long for a number is an invalid year, not a past one.
        let huge = err("12/99999999999999999999");
        assert_eq!(huge.code(), ErrorCode::InvalidExpirationDate);
        assert_eq!(huge.errors[0].message, "Expiration year is invalid.");
    }

    #[test]
    fn security_code_lengths() {
        let code = |c: &str, b: Option<Brand>| check_security_code(c, b).err().map(|e| e.code());
        assert_eq!(code("123", None), None);
        assert_eq!(code("1234", None), None);
        assert_eq!(code("12", None), Some(ErrorCode::InvalidSecurityCode));
        assert_eq!(code("12345", None), Some(ErrorCode::InvalidSecurityCode));
        assert_eq!(
            code("12", Some(Brand::Visa)),
            Some(ErrorCode::IncompleteSecurityCode)
        );
        assert_eq!(code("123", Some(Brand::Mastercard)), None);
        assert_eq!(
            code("12345", Some(Brand::Amex)),
            Some(ErrorCode::InvalidSecurityCode)
        );
        assert_eq!(
            code("", Some(Brand::Amex)),
            Some(ErrorCode::IncompleteSecurityCode)
        );
        let e = check_security_code("1", Some(Brand::Visa)).unwrap_err();
        assert_eq!(e.errors[0].parameter.as_deref(), Some("cvv"));
    }

    fn fields<'a>(
        number: Option<&'a str>,
        month: Option<i64>,
        year: Option<i64>,
        cvv: Option<&'a str>,
    ) -> CardFields<'a> {
        CardFields {
            number,
            expiration_month: month,
            expiration_year: year,
            cvv,
        }
    }

    fn reported(r: Result<CheckedCard, ApiError>) -> Vec<(ErrorCode, String)> {
        let e = r.unwrap_err();
        assert_eq!(e.kind, crate::ErrorType::ValidationError);
        e.errors
            .into_iter()
            .map(|d| (d.code, d.parameter.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn check_card_complete_and_partial() {
        let today = (2026, 11);
        let full = fields(Some("4242424242424242"), Some(12), Some(2030), Some("123"));
        let ok = check_card(full, true, today).unwrap();
        assert_eq!(ok.number.unwrap().last4(), "4242");
        assert_eq!(
            ok.expiry,
            Some(Expiry {
                expiration_month: 12,
                expiration_year: 2030
            })
        );
        // A source's card needs all three parts; each is reported, in order.
        assert_eq!(
            reported(check_card(fields(None, None, None, None), true, today)),
            [
                (ErrorCode::MissingParameter, "number".into()),
                (
                    ErrorCode::IncompleteExpirationDate,
                    "expirationMonth".into()
                ),
                (ErrorCode::IncompleteSecurityCode, "cvv".into()),
            ]
        );
        assert_eq!(
            reported(check_card(
                fields(Some("4242424242424242"), Some(12), None, Some("123")),
                true,
                today
            )),
            [(ErrorCode::IncompleteExpirationDate, "expirationYear".into())]
        );
        // A session's card: nothing is required.
        let none = check_card(fields(None, None, None, None), false, today).unwrap();
        assert_eq!(
            none,
            CheckedCard {
                number: None,
                expiry: None
            }
        );
        // A lone month is checked as of next year, a lone year as of December.
        assert!(check_card(fields(None, Some(1), None, None), false, today).is_ok());
        assert_eq!(
            reported(check_card(fields(None, Some(13), None, None), false, today)),
            [(ErrorCode::InvalidExpirationDate, "expirationMonth".into())]
        );
        let lone_year = check_card(fields(None, None, Some(2026), None), false, today).unwrap();
        assert_eq!(lone_year.expiry, None);
        assert_eq!(
            reported(check_card(
                fields(None, None, Some(2025), None),
                false,
                today
            )),
            [(ErrorCode::InvalidExpirationDate, "expirationYear".into())]
        );
        // The code is checked for the number's brand, or 3-4 digits without one.
        assert_eq!(
            reported(check_card(
                fields(Some("378282246310005"), None, None, Some("123")),
                false,
                today
            )),
            [(ErrorCode::IncompleteSecurityCode, "cvv".into())]
        );
        assert_eq!(
            reported(check_card(
                fields(Some("4242424242424241"), None, None, Some("1234")),
                false,
                today
            )),
            [(ErrorCode::InvalidCardNumber, "number".into())]
        );
        assert!(check_card(fields(None, None, None, Some("1234")), false, today).is_ok());
    }
}
