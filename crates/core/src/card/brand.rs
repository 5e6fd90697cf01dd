//! Card brands and the digits they are read from: detection by prefix, the
//! brand's lengths and groups, the Luhn check, the typed digits' normalizing
//! and grouping.

use serde::{Deserialize, Serialize};

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
}
