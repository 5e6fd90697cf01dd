//! Money: integer amounts in a currency's minor unit, and ISO 4217 currencies.
//! Never floats: `1000` EUR is €10.00, JPY has 0 decimals, KWD 3.

use crate::error::{ApiError, ErrorCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest amount accepted, in minor units (keeps every amount exact in a JS number).
pub const MAX_AMOUNT: u64 = 999_999_999_999;

/// An amount in a currency's minor unit. Deserializing rejects negatives,
/// fractions and anything above [`MAX_AMOUNT`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Amount(pub u64);

impl Amount {
    /// Checks the range; `parameter` names the field in the error.
    pub fn new(v: u64, parameter: &str) -> Result<Amount, ApiError> {
        if v > MAX_AMOUNT {
            return Err(ApiError::validation(
                ErrorCode::InvalidAmount,
                parameter,
                "Amount is too large.",
            ));
        }
        Ok(Amount(v))
    }
    /// The one rule for an amount to pay: a whole number of minor units from 1
    /// to [`MAX_AMOUNT`]; else `invalid_amount` naming `parameter`.
    pub fn positive(v: i64, parameter: &str) -> Result<Amount, ApiError> {
        if v > 0 && v as u64 <= MAX_AMOUNT {
            Ok(Amount(v as u64))
        } else {
            Err(ApiError::validation(
                ErrorCode::InvalidAmount,
                parameter,
                "Amount must be a positive whole number of minor units.",
            ))
        }
    }
    /// Minor units.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u64::deserialize(d)?;
        if v > MAX_AMOUNT {
            return Err(serde::de::Error::custom("amount is too large"));
        }
        Ok(Amount(v))
    }
}

/// ISO 4217 codes this service knows, each with its minor-unit exponent.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MAD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PEN", 2),
    ("PHP", 2),
    ("PLN", 2),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// A known ISO 4217 currency (upper case on the wire).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

impl Currency {
    /// Looks a code up; it must be upper case and on the list.
    pub fn parse(s: &str) -> Option<Currency> {
        CURRENCIES.iter().find(|(c, _)| *c == s).map(|(c, e)| {
            let b = c.as_bytes();
            Currency {
                code: [b[0], b[1], b[2]],
                exponent: *e,
            }
        })
    }
    /// The three-letter code.
    pub fn as_str(&self) -> &str {
        // The code comes from the ASCII table above, so this cannot fail.
        core::str::from_utf8(&self.code).unwrap_or("XXX")
    }
    /// Digits after the decimal point (EUR 2, JPY 0, KWD 3).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }
    /// `1234` EUR → `"12.34"`; `1234` JPY → `"1234"`.
    pub fn format_major(&self, amount: Amount) -> String {
        let e = self.exponent as u32;
        if e == 0 {
            return amount.0.to_string();
        }
        let p = 10u64.pow(e);
        format!(
            "{}.{:0width$}",
            amount.0 / p,
            amount.0 % p,
            width = e as usize
        )
    }
    /// Every known code.
    pub fn all() -> impl Iterator<Item = &'static str> {
        CURRENCIES.iter().map(|(c, _)| *c)
    }
}

impl core::fmt::Debug for Currency {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for Currency {
    type Err = ApiError;
    fn from_str(s: &str) -> Result<Self, ApiError> {
        Currency::parse(s).ok_or_else(|| {
            ApiError::validation(
                ErrorCode::InvalidCurrency,
                "currency",
                "Currency must be an upper-case ISO 4217 code this service supports.",
            )
        })
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Currency::parse(&s).ok_or_else(|| serde::de::Error::custom("unknown currency"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents() {
        assert_eq!(Currency::parse("EUR").unwrap().exponent(), 2);
        assert_eq!(Currency::parse("JPY").unwrap().exponent(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().exponent(), 3);
        assert!(Currency::parse("eur").is_none());
        assert!(Currency::parse("XYZ").is_none());
    }

    #[test]
    fn format_major() {
        assert_eq!(
            Currency::parse("EUR").unwrap().format_major(Amount(1000)),
            "10.00"
        );
        assert_eq!(
            Currency::parse("EUR").unwrap().format_major(Amount(5)),
            "0.05"
        );
        assert_eq!(
            Currency::parse("JPY").unwrap().format_major(Amount(1000)),
            "1000"
        );
        assert_eq!(
            Currency::parse("KWD").unwrap().format_major(Amount(1234)),
            "1.234"
        );
    }

    #[test]
    fn amount_rejects_fractions_negatives_and_huge() {
        assert!(serde_json::from_str::<Amount>("10.5").is_err());
        assert!(serde_json::from_str::<Amount>("-1").is_err());
        assert!(serde_json::from_str::<Amount>("1000000000000").is_err());
        assert_eq!(
            serde_json::from_str::<Amount>("1000").unwrap(),
            Amount(1000)
        );
        assert_eq!(
            serde_json::from_str::<Amount>("999999999999").unwrap(),
            Amount(MAX_AMOUNT)
        );
    }

    #[test]
    fn positive_is_one_to_max() {
        for ok in [1, 2, 1000, MAX_AMOUNT as i64] {
            assert_eq!(Amount::positive(ok, "amount").unwrap(), Amount(ok as u64));
        }
        for bad in [0, -1, MAX_AMOUNT as i64 + 1, i64::MIN, i64::MAX] {
            let e = Amount::positive(bad, "amount").unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidAmount, "{bad}");
            assert_eq!(e.errors[0].parameter.as_deref(), Some("amount"));
        }
    }

    #[test]
    fn all_lists_every_code() {
        let all: Vec<_> = Currency::all().collect();
        assert_eq!(all.len(), CURRENCIES.len());
        assert!(all.contains(&"EUR") && all.contains(&"JPY") && all.contains(&"KWD"));
        for c in all {
            assert_eq!(Currency::parse(c).unwrap().as_str(), c);
        }
    }

    #[test]
    fn debug_is_the_code() {
        assert_eq!(format!("{:?}", Currency::parse("EUR").unwrap()), "EUR");
    }
}

#[cfg(feature = "openapi")]
mod openapi {
    use super::{Amount, Currency, MAX_AMOUNT};
    use utoipa::openapi::{
        schema::SchemaType, KnownFormat, ObjectBuilder, RefOr, Schema, SchemaFormat, Type,
    };

    impl utoipa::PartialSchema for Amount {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::Integer))
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(0))
                .maximum(Some(MAX_AMOUNT as f64))
                .description(Some("An amount in the currency's minor unit (`1000` EUR is €10.00, JPY has no decimals)."))
                .into()
        }
    }
    impl utoipa::ToSchema for Amount {}

    impl utoipa::PartialSchema for Currency {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .enum_values(Some(Currency::all()))
                .description(Some("An upper-case ISO 4217 code this service supports."))
                .into()
        }
    }
    impl utoipa::ToSchema for Currency {}
}
