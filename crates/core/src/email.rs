//! The one e-mail rule, called by the SDK (instant feedback) and the server
//! (the authority) alike.

use crate::{ApiError, ErrorCode};

/// The longest address accepted (RFC 5321's path limit less the brackets).
pub const MAX_LEN: usize = 254;

/// Whether `e` is an address we accept: `local@domain.tld` with one `@`, a
/// local part of 1 to 64 bytes, a domain of two or more non-empty labels, at
/// most [`MAX_LEN`] bytes of printable ASCII without `<>()[],;:\"` (no
/// whitespace, no control characters; quoted local parts and internationalised
/// addresses are not supported). Byte-wise on purpose: Unicode tables would
/// cost the SDK KBs.
pub fn is_valid_email(e: &str) -> bool {
    // One pass: `local` counts the local part's bytes, `at` whether the `@`
    // was seen, `dots` the domain's dots, `prev` the byte before.
    let (mut local, mut at, mut dots, mut prev) = (0usize, false, 0, b'@');
    for &c in e.as_bytes() {
        if !crate::http_url::printable(c)
            || matches!(
                c,
                b'<' | b'>' | b'(' | b')' | b'[' | b']' | b',' | b';' | b':' | b'\\' | b'"'
            )
        {
            return false;
        }
        match (at, c) {
            (false, b'@') => at = true,
            (false, _) => local += 1,
            // A second `@`, or an empty label: leading or doubled dot.
            (true, b'@') => return false,
            (true, b'.') if prev == b'@' || prev == b'.' => return false,
            (true, b'.') => dots += 1,
            (true, _) => {}
        }
        prev = c;
    }
    // Trailing dot: an empty last label.
    at && (1..=64).contains(&local) && dots > 0 && prev != b'.' && e.len() <= MAX_LEN
}

/// What an address [`is_valid_email`] refuses is told (the SDK builds its
/// error from this and `invalid_email` without core's `ApiError`).
pub const MESSAGE: &str = "Enter a valid e-mail address.";

/// [`is_valid_email`] as a coded error: `invalid_email` naming `email`
/// (callers [`ApiError::nest`] it under `owner`, `shipping`, …).
pub fn check_email(e: &str) -> Result<(), ApiError> {
    if is_valid_email(e) {
        Ok(())
    } else {
        Err(ApiError::validation(
            ErrorCode::InvalidEmail,
            "email",
            MESSAGE,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for e in [
            "ada@example.com",
            "a@b.co",
            "first.last+tag@sub.example.org",
            &format!("{}@example.com", "a".repeat(64)),
            &format!("a@{}.com", "b".repeat(MAX_LEN - 6)),
        ] {
            assert!(is_valid_email(e), "{e}");
            assert!(check_email(e).is_ok());
        }
    }

    #[test]
    fn refuses_what_the_server_refused_and_more() {
        for e in [
            "",
            "a",
            "@b.co",
            "a@",
            "a@b",
            "a@b.",
            "a@.b",
            "a@b..co",
            "a@b@c.co",
            "a b@c.co",
            "a@b.co ",
            "a\t@b.co",
            "a\u{7f}@b.co",
            "jürgen@bücher.de",
            "a\u{a0}@b.co",
            "<a@b.co>",
            "a,b@c.co",
            "a;b@c.co",
            "\"a\"@b.co",
            "a\\b@c.co",
            "a[b]@c.co",
            "a(b)@c.co",
            "a:b@c.co",
            &format!("{}@example.com", "a".repeat(65)),
            &format!("a@{}.com", "b".repeat(MAX_LEN - 5)),
        ] {
            assert!(!is_valid_email(e), "{e:?}");
            let err = check_email(e).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidEmail);
            assert_eq!(err.errors[0].parameter.as_deref(), Some("email"));
        }
    }
}
