//! The card checks' tests (the brands' own are in brand.rs).

use super::*;

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
