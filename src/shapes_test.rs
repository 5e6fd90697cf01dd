//! Shapes once: the SDK's argument tables (`schema::Field` lists) and the
//! TypeScript text of `types.rs` checked against core's wire types
//! (`paysession_core::wire`, the source of each shape). Field names come from
//! serde (what the server reads), optionality from serde too (a field whose
//! type is not an `Option` is required), enum values from serde's variant lists.
//! Run natively: `cargo test -p paysession --lib shapes`.

use crate::schema::{Field, Kind};
use paysession_core::{card::Brand, error::ErrorType, owner, state, wire};
use serde::de::{self, Deserialize, DeserializeSeed, MapAccess, Visitor};
use std::collections::BTreeSet;

/// Why a probe stopped (the error of the probing deserializer).
#[derive(Debug)]
struct Stop(String);
impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Stop {}
impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(m: T) -> Self {
        Stop(m.to_string())
    }
}

/// Records the field or variant names serde asks for, then stops.
struct Names;
impl<'de> de::Deserializer<'de> for Names {
    type Error = Stop;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop("any".into()))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        Err(Stop(fields.join(",")))
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        Err(Stop(variants.join(",")))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// The names of a struct's fields or an enum's values, as serde reads them.
fn names<'de, T: Deserialize<'de>>() -> Vec<String> {
    match T::deserialize(Names) {
        Err(Stop(s)) if !s.is_empty() => s.split(',').map(str::to_owned).collect(),
        _ => vec![],
    }
}

/// A map with one key whose value is only ever read as an `Option` (`None`):
/// reading it as anything else means the field is not optional.
struct OneKey(Option<String>);
impl<'de> de::Deserializer<'de> for OneKey {
    type Error = Stop;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_map(self)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}
impl<'de> MapAccess<'de> for OneKey {
    type Error = Stop;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, k: K) -> Result<Option<K::Value>, Stop> {
        match self.0.take() {
            Some(key) => k
                .deserialize(de::value::StringDeserializer::<Stop>::new(key))
                .map(Some),
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, v: V) -> Result<V::Value, Stop> {
        v.deserialize(NoneOnly)
    }
}
struct NoneOnly;
impl<'de> de::Deserializer<'de> for NoneOnly {
    type Error = Stop;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop("required".into()))
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_none()
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Core's fields as `name` or `name?` (optional).
fn core_shape<T: for<'de> Deserialize<'de>>() -> BTreeSet<String> {
    names::<T>()
        .into_iter()
        .map(|f| match T::deserialize(OneKey(Some(f.clone()))) {
            Err(Stop(e)) if e == "required" => f,
            _ => f + "?",
        })
        .collect()
}

/// The SDK table's fields as `name` or `name?`.
fn sdk_shape(fields: &[Field]) -> BTreeSet<String> {
    fields
        .iter()
        .map(|f| {
            if f.required {
                f.name.to_owned()
            } else {
                format!("{}?", f.name)
            }
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Core's fields the SDK must require although the wire type has them as
/// `Option` (the server answers `missing_parameter` for them by name).
const REQUIRED_BY_RULE: &[&str] = &["returnUrl", "cancelUrl", "iban", "number", "pin", "token"];

/// Compares an SDK table with a core type: the same names, and a field is
/// optional in the SDK exactly when core's type has it optional (or it is in
/// [`REQUIRED_BY_RULE`] for this table).
fn same<T: for<'de> Deserialize<'de>>(what: &str, sdk: &[Field], by_rule: &[&str]) {
    let core: BTreeSet<String> = core_shape::<T>()
        .into_iter()
        .map(|f| match f.strip_suffix('?') {
            Some(n) if by_rule.contains(&n) => n.to_owned(),
            _ => f,
        })
        .collect();
    assert!(
        !core.is_empty() || sdk.is_empty(),
        "{what}: no fields read from core"
    );
    assert_eq!(
        sdk_shape(sdk),
        core,
        "{what}: the SDK's table differs from core's wire type"
    );
}

#[test]
fn shapes_argument_tables_match_core() {
    use crate::args as f;
    same::<wire::Address>("Address", f::ADDRESS, &[]);
    same::<wire::Owner>("Owner", f::OWNER, &[]);
    same::<wire::CardInput>("CardInput", f::CARD, &[]);
    same::<wire::RedirectInput>("RedirectInput", f::REDIRECT, REQUIRED_BY_RULE);
    same::<wire::SepaInput>("SepaInput", f::SEPA, REQUIRED_BY_RULE);
    same::<wire::GiftCardInput>("GiftCardInput", f::GIFT_CARD, REQUIRED_BY_RULE);
    same::<wire::WireTransferInput>("WireTransferInput", f::NONE, &[]);
    same::<wire::WalletInput>("WalletInput", f::WALLET, REQUIRED_BY_RULE);

    // createSource: the common fields and one field per payment type; the SDK
    // adds browserInfo itself.
    let mut sdk: Vec<Field> = crate::source::COMMON.to_vec();
    for t in state::PaymentType::ALL
        .into_iter()
        .chain(state::PaymentType::WALLETS)
    {
        let tf = crate::source::type_field(t);
        assert_eq!(tf.name, t.as_str(), "the payload field of {t:?}");
        sdk.push(crate::schema::opt(tf.name, tf.kind));
    }
    sdk.push(crate::schema::opt("browserInfo", Kind::Bool));
    same::<wire::CreateSource>("CreateSource", &sdk, &[]);

    // updateSession: the browser's fields, `version` from the options, and the
    // secret-key-only fields the SDK never sends.
    let mut sdk: Vec<Field> = crate::api::UPDATE.to_vec();
    sdk.extend(crate::api::UPDATE_OPTIONS);
    let core = core_shape::<wire::UpdateSession>();
    let secret_only = set(&["reference?", "metadata?"]);
    assert_eq!(
        &sdk_shape(&sdk) | &secret_only,
        core,
        "UpdateSession: the SDK's table differs from core's wire type"
    );
}

#[test]
fn shapes_limits_are_cores() {
    let limit = |fields: &[Field], name: &str| match fields.iter().find(|f| f.name == name) {
        Some(Field {
            kind: Kind::Str(n), ..
        }) => *n,
        _ => 0,
    };
    for (name, max) in owner::OWNER_FIELDS {
        assert_eq!(limit(crate::args::OWNER, name), *max, "owner.{name}");
    }
    for (name, max) in owner::ADDRESS_FIELDS {
        assert_eq!(limit(crate::args::ADDRESS, name), *max, "address.{name}");
    }
}

const TS: &str = include_str!("types.rs");

/// The members of `export type Name = "a" | "b";` in the TypeScript text.
fn ts_union(name: &str) -> BTreeSet<String> {
    let head = format!("export type {name} = ");
    let line = TS
        .lines()
        .find_map(|l| l.strip_prefix(&head))
        .unwrap_or_else(|| panic!("no `{head}` in src/types.rs"));
    line.trim_end_matches(';')
        .split('|')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .collect()
}

/// The members of `export interface Name { … }` as `name` or `name?`.
fn ts_interface(name: &str) -> BTreeSet<String> {
    let head = format!("export interface {name} {{");
    let start = TS
        .find(&head)
        .unwrap_or_else(|| panic!("no `{head}` in src/types.rs"))
        + head.len();
    let rest = &TS[start..];
    // One line (`{ a: string; b: string; }`) or one member a line up to `\n}`.
    let end = match (rest.find('\n'), rest.find('}')) {
        (Some(nl), Some(close)) if close < nl => close,
        _ => rest.find("\n}").unwrap_or(0),
    };
    let body = &rest[..end];
    // Members at depth 0, split on `;` or a line end (nested `{ … }` types skipped).
    let (mut out, mut depth, mut member) = (BTreeSet::new(), 0, String::new());
    for line in body.lines() {
        let l = line.trim();
        if l.starts_with("/**") || l.starts_with('*') {
            continue;
        }
        for c in l.chars().chain(['\n']) {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ';' | '\n' if depth == 0 => {
                    if let Some((n, _)) = member.split_once(':') {
                        out.insert(n.trim().to_owned());
                    }
                    member.clear();
                    continue;
                }
                _ => {}
            }
            if depth == 0 || c == '{' {
                member.push(c);
            }
        }
    }
    out
}

#[test]
fn shapes_typescript_matches_core() {
    let core_enum = |v: Vec<String>| v.into_iter().collect::<BTreeSet<_>>();
    assert_eq!(
        ts_union("PaymentType"),
        core_enum(names::<state::PaymentType>())
    );
    assert_eq!(
        ts_union("SourceState"),
        core_enum(names::<state::SourceState>())
    );
    assert_eq!(ts_union("Flow"), core_enum(names::<state::Flow>()));
    assert_eq!(ts_union("ErrorType"), core_enum(names::<ErrorType>()));
    assert_eq!(ts_union("CardBrand"), core_enum(names::<Brand>()));
    assert_eq!(
        crate::source::STATES
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<BTreeSet<_>>(),
        core_enum(names::<state::SourceState>()),
        "source::STATES"
    );
    // Input shapes: names and optionality as the SDK's tables read them.
    assert_eq!(ts_interface("Owner"), sdk_shape(crate::args::OWNER));
    assert_eq!(ts_interface("Address"), sdk_shape(crate::args::ADDRESS));
    assert_eq!(
        ts_interface("RedirectInput"),
        sdk_shape(crate::args::REDIRECT)
    );
    // A card for a source needs all but the name (core's card rule).
    let card: BTreeSet<String> = sdk_shape(crate::args::CARD)
        .into_iter()
        .map(|f| {
            if f == "name?" {
                f
            } else {
                f.trim_end_matches('?').to_owned()
            }
        })
        .collect();
    assert_eq!(ts_interface("CreditCardInput"), card);
    assert_eq!(
        ts_interface("SessionFieldsUpdate"),
        sdk_shape(crate::api::UPDATE)
    );
    // Output shapes: the same names as core's (optionality is the server's).
    let plain = |s: BTreeSet<String>| -> BTreeSet<String> {
        s.into_iter()
            .map(|f| f.trim_end_matches('?').to_owned())
            .collect()
    };
    assert_eq!(
        plain(ts_interface("Source")),
        plain(core_names::<wire::Source>())
    );
}

fn core_names<T: for<'de> Deserialize<'de>>() -> BTreeSet<String> {
    names::<T>().into_iter().collect()
}
