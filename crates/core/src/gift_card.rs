//! The gift card rule (syntax) of the SDK and the server: a number of 8 to 19
//! digits and a PIN of 3 to 8 digits, spaces and dashes allowed between them.
//! Whether the card exists and its PIN matches is the processor's to say.

use crate::card::normalize_digits;
use crate::{ApiError, ErrorCode};

/// Number length range, in digits.
pub const NUMBER_LEN: (usize, usize) = (8, 19);
/// PIN length range, in digits.
pub const PIN_LEN: (usize, usize) = (3, 8);
/// The longest number input read (digits with spaces or dashes).
pub const NUMBER_INPUT_MAX: u32 = 32;
/// The longest PIN input read.
pub const PIN_INPUT_MAX: u32 = 16;

fn digits(
    v: &str,
    (min, max): (usize, usize),
    input_max: u32,
    parameter: &str,
) -> Result<String, ApiError> {
    match normalize_digits(v) {
        Some(d) if v.len() <= input_max as usize && d.len() >= min && d.len() <= max => Ok(d),
        _ => Err(ApiError::validation(
            ErrorCode::InvalidGiftCard,
            parameter,
            "The gift card is not valid.",
        )),
    }
}

/// The number's digits, or `invalid_gift_card` naming `number`.
pub fn check_number(v: &str) -> Result<String, ApiError> {
    digits(v, NUMBER_LEN, NUMBER_INPUT_MAX, "number")
}

/// The PIN's digits, or `invalid_gift_card` naming `pin`.
pub fn check_pin(v: &str) -> Result<String, ApiError> {
    digits(v, PIN_LEN, PIN_INPUT_MAX, "pin")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(
            check_number("6000 0000 0000 0001").unwrap(),
            "6000000000000001"
        );
        assert_eq!(check_number("1234-5678").unwrap(), "12345678");
        assert_eq!(check_number(&"1".repeat(19)).unwrap().len(), 19);
        let spaced = format!("{}12345678", " ".repeat(25)); // 33 characters
        for bad in ["1234567", "", "1234 567a", &"1".repeat(20), &spaced] {
            let e = check_number(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidGiftCard);
            assert_eq!(e.errors[0].parameter.as_deref(), Some("number"));
        }
    }

    #[test]
    fn pins() {
        assert_eq!(check_pin("123").unwrap(), "123");
        assert_eq!(check_pin("1234 5678").unwrap(), "12345678");
        let spaced = format!("{}123", " ".repeat(14)); // 17 characters
        for bad in ["12", "123456789", "12a4", "", &spaced] {
            let e = check_pin(bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidGiftCard);
            assert_eq!(e.errors[0].parameter.as_deref(), Some("pin"));
        }
    }
}
