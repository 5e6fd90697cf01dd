//! ISO 3166-1 alpha-2 countries, and the EEA + UK set where PSD2/SCA applies.

use crate::error::{ApiError, ErrorCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Every officially assigned alpha-2 code, packed two letters each.
const ALL: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

/// The EEA (EU + IS, LI, NO) and the UK: card payments here need SCA.
const SCA: &str = "ATBEBGCYCZDEDKEEESFIFRGRHRHUIEISITLILTLULVMTNLNOPLPTROSESISKGB";

fn contains(table: &str, code: &str) -> bool {
    code.len() == 2 && table.as_bytes().chunks(2).any(|c| c == code.as_bytes())
}

/// A valid, upper-case ISO 3166-1 alpha-2 country.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// Parses an upper-case alpha-2 code.
    pub fn parse(s: &str) -> Option<Country> {
        if contains(ALL, s) {
            let b = s.as_bytes();
            Some(Country([b[0], b[1]]))
        } else {
            None
        }
    }
    /// The two letters.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or("ZZ")
    }
    /// In the EEA or the UK, where PSD2 strong customer authentication applies.
    pub fn requires_sca(&self) -> bool {
        contains(SCA, self.as_str())
    }
}

impl core::fmt::Debug for Country {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for Country {
    type Err = ApiError;
    fn from_str(s: &str) -> Result<Self, ApiError> {
        Country::parse(s).ok_or_else(|| {
            ApiError::validation(
                ErrorCode::InvalidCountry,
                "country",
                "Country must be an upper-case ISO 3166-1 alpha-2 code.",
            )
        })
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Country::parse(&s).ok_or_else(|| serde::de::Error::custom("unknown country"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parse_and_sca() {
        assert!(Country::parse("DE").unwrap().requires_sca());
        assert!(Country::parse("GB").unwrap().requires_sca());
        assert!(Country::parse("NO").unwrap().requires_sca());
        assert!(!Country::parse("US").unwrap().requires_sca());
        assert!(Country::parse("de").is_none());
        assert!(Country::parse("XX").is_none());
        assert!(Country::parse("D").is_none());
        assert_eq!(ALL.len() % 2, 0);
        assert_eq!(ALL.len() / 2, 249);
    }

    #[test]
    fn debug_is_the_code() {
        // Logs and test failures show the two letters, as the wire does.
        assert_eq!(format!("{:?}", Country::parse("DE").unwrap()), "DE");
        assert_eq!(
            format!("{:?}", Some(Country::parse("US").unwrap())),
            "Some(US)"
        );
    }
}

#[cfg(feature = "openapi")]
mod openapi {
    use super::{Country, ALL};
    use utoipa::openapi::{schema::SchemaType, ObjectBuilder, RefOr, Schema, Type};

    impl utoipa::PartialSchema for Country {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .enum_values(Some(
                    ALL.as_bytes()
                        .chunks(2)
                        .map(|c| core::str::from_utf8(c).unwrap_or("ZZ")),
                ))
                .description(Some("An upper-case ISO 3166-1 alpha-2 country code."))
                .into()
        }
    }
    impl utoipa::ToSchema for Country {}
}
