//! The owner's (customer, billing, shipping) field limits and checks, one
//! rule for the SDK (its argument tables take these limits) and the server.
//! Lengths count UTF-16 code units, as JavaScript's `length` does.

use crate::wire::Owner;
use crate::{ApiError, ErrorCode};

/// Names, organization, street, city, state.
pub const TEXT_MAX: u32 = 256;
/// Phone number and postal code.
pub const SHORT_MAX: u32 = 32;

/// The owner's text fields and their limits (`email` is also [`crate::email`]'s rule).
pub const OWNER_FIELDS: &[(&str, u32)] = &[
    ("firstName", TEXT_MAX),
    ("lastName", TEXT_MAX),
    ("email", TEXT_MAX),
    ("phoneNumber", SHORT_MAX),
    ("organization", TEXT_MAX),
];

/// The address's text fields and their limits (`country` is a [`crate::country::Country`]).
pub const ADDRESS_FIELDS: &[(&str, u32)] = &[
    ("line1", TEXT_MAX),
    ("line2", TEXT_MAX),
    ("city", TEXT_MAX),
    ("state", TEXT_MAX),
    ("postalCode", SHORT_MAX),
];

/// The limit of an owner (`address.` + name for the address) field.
pub fn limit(fields: &[(&str, u32)], name: &str) -> u32 {
    fields
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(0, |(_, max)| *max)
}

/// `invalid_parameter` "is too long" naming `parameter`.
pub fn too_long(parameter: &str) -> ApiError {
    ApiError::validation(
        ErrorCode::InvalidParameter,
        parameter,
        "The value is too long.",
    )
}

fn within(v: &Option<String>, fields: &[(&str, u32)], name: &str) -> bool {
    match v {
        Some(s) => s.encode_utf16().count() as u64 <= limit(fields, name) as u64,
        None => true,
    }
}

/// Checks an owner: each field's length, then the e-mail rule. Parameters
/// are relative (`firstName`, `address.city`); callers nest them.
pub fn check_owner(o: &Owner) -> Result<(), ApiError> {
    let own = [
        (&o.first_name, "firstName"),
        (&o.last_name, "lastName"),
        (&o.email, "email"),
        (&o.phone_number, "phoneNumber"),
        (&o.organization, "organization"),
    ];
    for (v, name) in own {
        if !within(v, OWNER_FIELDS, name) {
            return Err(too_long(name));
        }
    }
    if let Some(a) = &o.address {
        let addr = [
            (&a.line1, "line1"),
            (&a.line2, "line2"),
            (&a.city, "city"),
            (&a.state, "state"),
            (&a.postal_code, "postalCode"),
        ];
        for (v, name) in addr {
            if !within(v, ADDRESS_FIELDS, name) {
                return Err(too_long(name).nest("address"));
            }
        }
    }
    if let Some(e) = &o.email {
        crate::email::check_email(e)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Address;

    fn code_param(r: Result<(), ApiError>) -> Option<(ErrorCode, String)> {
        r.err()
            .map(|e| (e.code(), e.errors[0].parameter.clone().unwrap_or_default()))
    }

    #[test]
    fn limits_are_inclusive_and_in_utf16_units() {
        let mut o = Owner {
            first_name: Some("a".repeat(256)),
            phone_number: Some("1".repeat(32)),
            ..Owner::default()
        };
        assert_eq!(check_owner(&o), Ok(()));
        // 128 astral characters are 256 UTF-16 units: still fine; one more is not.
        o.first_name = Some("\u{1F600}".repeat(128));
        assert_eq!(check_owner(&o), Ok(()));
        o.first_name = Some("\u{1F600}".repeat(128) + "a");
        assert_eq!(
            code_param(check_owner(&o)),
            Some((ErrorCode::InvalidParameter, "firstName".into()))
        );
        o.first_name = None;
        o.phone_number = Some("1".repeat(33));
        assert_eq!(
            code_param(check_owner(&o)),
            Some((ErrorCode::InvalidParameter, "phoneNumber".into()))
        );
    }

    #[test]
    fn every_field_is_checked() {
        for (name, max) in OWNER_FIELDS {
            let v = Some("a".repeat(*max as usize + 1));
            let mut o = Owner::default();
            match *name {
                "firstName" => o.first_name = v,
                "lastName" => o.last_name = v,
                "email" => o.email = v,
                "phoneNumber" => o.phone_number = v,
                "organization" => o.organization = v,
                _ => unreachable!(),
            }
            assert_eq!(
                code_param(check_owner(&o)),
                Some((ErrorCode::InvalidParameter, (*name).into()))
            );
        }
        for (name, max) in ADDRESS_FIELDS {
            let v = Some("a".repeat(*max as usize + 1));
            let mut a = Address::default();
            match *name {
                "line1" => a.line1 = v,
                "line2" => a.line2 = v,
                "city" => a.city = v,
                "state" => a.state = v,
                "postalCode" => a.postal_code = v,
                _ => unreachable!(),
            }
            let o = Owner {
                address: Some(a),
                ..Owner::default()
            };
            assert_eq!(
                code_param(check_owner(&o)),
                Some((ErrorCode::InvalidParameter, format!("address.{name}")))
            );
        }
        assert_eq!(limit(OWNER_FIELDS, "nope"), 0);
    }

    #[test]
    fn email_after_lengths() {
        let o = Owner {
            email: Some("a@b.".into()),
            ..Owner::default()
        };
        assert_eq!(
            code_param(check_owner(&o)),
            Some((ErrorCode::InvalidEmail, "email".into()))
        );
        let ok = Owner {
            email: Some("a@b.co".into()),
            ..Owner::default()
        };
        assert_eq!(check_owner(&ok), Ok(()));
    }
}
