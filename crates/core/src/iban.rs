//! IBAN validation: country length and the ISO 13616 mod-97 check.

use crate::error::{ApiError, ErrorCode};

/// IBAN lengths of the SEPA countries (and a few more).
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

/// The longest IBAN input read (34 characters and spaces); [`Iban::parse`]
/// refuses longer, and the SDK reads no more of a page's string.
pub const INPUT_MAX: u32 = 64;

/// A validated IBAN, upper case without spaces.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Iban(String);

impl Iban {
    /// Validates an IBAN as typed (spaces allowed, any case).
    pub fn parse(input: &str) -> Result<Iban, ApiError> {
        let bad = |m: &str| Err(ApiError::validation(ErrorCode::InvalidIban, "iban", m));
        if input.len() > INPUT_MAX as usize {
            return bad("IBAN is invalid.");
        }
        let s: String = input
            .chars()
            .filter(|c| *c != ' ')
            .collect::<String>()
            .to_ascii_uppercase();
        if s.len() < 5 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return bad("IBAN is invalid.");
        }
        let Some(&(_, len)) = LENGTHS
            .iter()
            .find(|(c, _)| c.as_bytes() == s.as_bytes().get(..2).unwrap_or_default())
        else {
            return bad("IBAN country is not supported.");
        };
        if s.len() != len {
            return bad("IBAN has the wrong length for its country.");
        }
        if mod97(&s) != 1 {
            return bad("IBAN check digits are wrong.");
        }
        Ok(Iban(s))
    }
    /// Upper case, no spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Last four characters.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }
}

fn mod97(s: &str) -> u32 {
    let (head, tail) = s.as_bytes().split_at(4.min(s.len()));
    let rearranged = tail.iter().chain(head).copied();
    let mut r: u32 = 0;
    for b in rearranged {
        let v = if b.is_ascii_digit() {
            (b - b'0') as u32
        } else {
            (b - b'A') as u32 + 10
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn test_iban() {
        assert_eq!(
            Iban::parse("DE89 3704 0044 0532 0130 00").unwrap().as_str(),
            "DE89370400440532013000"
        );
        assert_eq!(
            Iban::parse("de89370400440532013000").unwrap().last4(),
            "3000"
        );
        assert!(Iban::parse("GB82 WEST 1234 5698 7654 32").is_ok());
        assert!(Iban::parse("DE89 3704 0044 0532 0130 01").is_err());
        assert!(Iban::parse("DE89 3704").is_err());
        assert!(Iban::parse("XX00").is_err());
        assert!(Iban::parse("DE89-3704-0044-0532-0130-00").is_err());
    }

    fn message(input: &str) -> String {
        let e = Iban::parse(input).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidIban, "{input:?}");
        assert_eq!(e.errors[0].parameter.as_deref(), Some("iban"));
        e.errors[0].message.clone()
    }

    #[test]
    fn input_is_read_up_to_input_max() {
        let valid = "DE89 3704 0044 0532 0130 00";
        let at_max = format!("{valid}{}", " ".repeat(INPUT_MAX as usize - valid.len()));
        assert_eq!(at_max.len(), INPUT_MAX as usize);
        assert_eq!(
            Iban::parse(&at_max).unwrap().as_str(),
            "DE89370400440532013000"
        );
        assert_eq!(message(&format!("{at_max} ")), "IBAN is invalid.");
    }

    #[test]
    fn short_or_non_alphanumeric_is_invalid() {
        for short in ["", "D", "DE", "DE8", "DE89"] {
            assert_eq!(message(short), "IBAN is invalid.");
        }
        // Five characters reach the country's length check.
        assert_eq!(
            message("DE893"),
            "IBAN has the wrong length for its country."
        );
        // The right length for DE, one character not a letter or digit.
        for odd in [
            "DE89370400440532013-00",
            "DE8937040044053201_000",
            "DE89370400440532013[00",
        ] {
            assert_eq!(message(odd), "IBAN is invalid.");
        }
    }

    #[test]
    fn letters_inside_the_account_number() {
        // Malta: seven letters in a row inside the BBAN (mod 97 must reduce each step).
        let mt = Iban::parse("MT84 MALT 0110 0001 2345 MTLC AST0 01S").unwrap();
        assert_eq!(mt.as_str(), "MT84MALT011000012345MTLCAST001S");
        assert_eq!(mt.last4(), "001S");
        assert!(Iban::parse("NL91 ABNA 0417 1643 00").is_ok());
        assert_eq!(
            message("MT84 MALT 0110 0001 2345 MTLC AST0 01T"),
            "IBAN check digits are wrong."
        );
        assert_eq!(
            message("NL91 ABNB 0417 1643 00"),
            "IBAN check digits are wrong."
        );
    }
}
