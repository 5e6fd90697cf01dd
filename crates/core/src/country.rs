//! ISO 3166-1 alpha-2 countries, and the EEA + UK set where PSD2/SCA applies.

use crate::error::{ApiError, ErrorCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Every officially assigned alpha-2 code, packed two letters each.
const ALL: &str = "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

/// The EEA (EU + IS, LI, NO) and the UK: card payments here need SCA.
const SCA: &str = "ATBEBGCYCZDEDKEEESFIFRGRHRHUIEISITLILTLULVMTNLNOPLPTROSESISKGB";

/// A table of codes as a bitmap, built at compile time: bit `b` of row `a`
/// is set when the code `AB` is in it (`A`..`Z` as 0..25). 104 bytes in the
/// SDK's module instead of the table's 500 letters.
const fn bitmap(table: &str) -> [u32; 26] {
    let t = table.as_bytes();
    let mut rows = [0u32; 26];
    let mut i = 0;
    while i + 1 < t.len() {
        rows[(t[i] - b'A') as usize] |= 1 << (t[i + 1] - b'A');
        i += 2;
    }
    rows
}

const ALL_BITS: [u32; 26] = bitmap(ALL);
const SCA_BITS: [u32; 26] = bitmap(SCA);

fn contains(rows: &[u32; 26], code: &str) -> bool {
    match *code.as_bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => rows[usize::from(a - b'A')] >> (b - b'A') & 1 == 1,
        _ => false,
    }
}

/// A valid, upper-case ISO 3166-1 alpha-2 country.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// Parses an upper-case alpha-2 code.
    pub fn parse(s: &str) -> Option<Country> {
        if contains(&ALL_BITS, s) {
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
        contains(&SCA_BITS, self.as_str())
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
    fn the_bitmaps_hold_exactly_their_tables() {
        // Every two-byte string of A..Z (and a few around it): in the
        // bitmap iff it is a pair of the table.
        let pairs = |t: &'static str| t.as_bytes().chunks(2).collect::<Vec<_>>();
        for (table, bits) in [(ALL, &ALL_BITS), (SCA, &SCA_BITS)] {
            let listed = pairs(table);
            for a in b'@'..=b'[' {
                for b in b'@'..=b'[' {
                    let code = [a, b];
                    let s = core::str::from_utf8(&code).unwrap();
                    assert_eq!(contains(bits, s), listed.contains(&&code[..]), "{s}");
                }
            }
            assert!(!contains(bits, "") && !contains(bits, "DEU") && !contains(bits, "d"));
        }
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
