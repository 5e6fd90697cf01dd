//! The one syntactic rule for an absolute `http(s)` URL (redirect return and
//! cancel URLs, the SDK's `apiBase`), called by the SDK and the server alike.
//! Written by hand: the SDK is WebAssembly that every shopper downloads, and
//! a URL parser would cost more than the whole rule. The server may check
//! more on top (the merchant's allowed origins), never less.

use crate::{ApiError, ErrorCode};

/// The longest URL accepted, in bytes.
pub const MAX_LEN: usize = 2048;

/// Whether `u` is an absolute `http://` or `https://` URL (scheme in lower
/// case) of at most [`MAX_LEN`] bytes of printable ASCII (what a browser's
/// `location.href` gives: international names in punycode, the rest
/// percent-encoded) with no backslash, `"`, `<` or `>`, whose authority is a
/// non-empty host name of letters, digits, `-`, `_` and `.` (no IP-v6
/// literal) with an optional port 1 to 65535, and so no user information
/// (`@`). Byte-wise in one pass on purpose: every byte here ships to every
/// shopper, and Unicode tables would cost KBs.
pub fn is_absolute_http(u: &str) -> bool {
    let b = u.as_bytes();
    let Some(rest) = b
        .strip_prefix(b"https://")
        .or_else(|| b.strip_prefix(b"http://"))
    else {
        return false;
    };
    // 0: host, 1: port, 2: path, query or fragment.
    let (mut part, mut host, mut colon, mut digits, mut port) = (0u8, 0usize, false, 0, 0u32);
    for &c in rest {
        if !printable(c) || matches!(c, b'\\' | b'"' | b'<' | b'>') {
            return false;
        }
        match (part, c) {
            (2, _) => {}
            (_, b'/' | b'?' | b'#') => part = 2,
            (0, b':') => (part, colon) = (1, true),
            (0, c) if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.') => host += 1,
            (1, c) if c.is_ascii_digit() && digits < 5 => {
                digits += 1;
                port = port * 10 + u32::from(c - b'0');
            }
            _ => return false,
        }
    }
    b.len() <= MAX_LEN && host > 0 && (!colon || (1..=65535).contains(&port))
}

/// Printable ASCII: no space, no control character, nothing beyond ASCII.
pub(crate) fn printable(c: u8) -> bool {
    (0x21..0x7f).contains(&c)
}

/// [`is_absolute_http`] as a coded error: `invalid_url` naming `parameter`.
pub fn check_http_url(u: &str, parameter: &str) -> Result<(), ApiError> {
    if is_absolute_http(u) {
        Ok(())
    } else {
        Err(ApiError::validation(
            ErrorCode::InvalidUrl,
            parameter,
            "Must be an absolute http(s) URL.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_absolute_http_urls() {
        for u in [
            "https://shop.example",
            "https://shop.example/",
            "http://127.0.0.1:8080/return?order=1#top",
            "https://shop.example:443/a/b?c=d&e=f",
            "https://xn--bcher-kva.example/%C3%A4",
            "https://a-b_c.example?x",
            "https://shop.example#frag",
            "https://shop.example:65535",
            "https://shop.example:1",
            "https://shop.example:00080",
            "https://shop.example/a@b",
            &format!("https://shop.example/{}", "a".repeat(MAX_LEN - 21)),
        ] {
            assert!(is_absolute_http(u), "{u}");
            assert!(check_http_url(u, "returnUrl").is_ok());
        }
    }

    #[test]
    fn refuses_everything_else() {
        for u in [
            "",
            "https://",
            "https:///path",
            "https://?q",
            "https://#f",
            "https:shop.example",
            "//shop.example",
            "/return",
            "shop.example",
            "ftp://shop.example",
            "javascript:alert(1)",
            "HTTPS://shop.example",
            "https://u@host",
            "https://user:pass@shop.example/",
            "https://@shop.example",
            "https://shop.example:",
            "https://shop.example:0",
            "https://shop.example:65536",
            "https://shop.example:123456",
            // A port is at most five digits, even when its value is small.
            "https://shop.example:000080",
            "https://shop.example:0000000000000000000080",
            "https://shop.example:99999999999999999999",
            "https://shop.example:8o",
            "https://:80",
            "https://[::1",
            "https://[::1]:8080/x",
            "https://[2001:db8::1]",
            "https://[]",
            "https://[::1]x",
            "https://[zz::1]",
            "https://a[b].example",
            "https://a]b",
            "https://shop.example\\@evil.example",
            "https://shop .example",
            "https://shop.example/ a",
            "https://shop.example/\n",
            "https://shop.example/\u{0}",
            "https://shop.example/\u{85}",
            "https://bücher.example/",
            "https://shop.example/ä",
            "https://shop.example/\u{a0}",
            "https://shop.example/\"",
            "https://shop.example/<script>",
            "https://shop.example/>",
            "https://sh%op.example",
            "https://shop!.example",
            &format!("https://shop.example/{}", "a".repeat(MAX_LEN - 20)),
        ] {
            assert!(!is_absolute_http(u), "{u:?}");
            let err = check_http_url(u, "payPal.returnUrl").unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidUrl);
            assert_eq!(err.errors[0].parameter.as_deref(), Some("payPal.returnUrl"));
        }
    }
}
