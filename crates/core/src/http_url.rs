//! The one syntactic rule for an absolute `http(s)` URL (redirect return and
//! cancel URLs, the SDK's `apiBase`), called by the SDK and the server alike.
//! Written by hand: the SDK is WebAssembly that every shopper downloads, and
//! a URL parser would cost more than the whole rule. The server may check
//! more on top (the merchant's allowed origins), never less.

use crate::{ApiError, ErrorCode};

/// The longest URL accepted, in bytes.
pub const MAX_LEN: usize = 2048;

/// Whether `u` is an absolute `http://` or `https://` URL (scheme in lower
/// case) of at most [`MAX_LEN`] bytes whose authority is a non-empty host with
/// an optional port (1 to 65535) and no user information (`@`), with no
/// whitespace, control, backslash, `"`, `<` or `>` character anywhere.
/// Hosts are names of letters, digits, `-`, `_`, `.` (and non-ASCII letters,
/// for internationalised names) or a bracketed IPv6 address.
pub fn is_absolute_http(u: &str) -> bool {
    let Some(rest) = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
    else {
        return false;
    };
    if u.len() > MAX_LEN
        || u
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '\\' | '"' | '<' | '>'))
    {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((inside, after)) = v6.split_once(']') else {
            return false;
        };
        if inside.is_empty() || !inside.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
            return false;
        }
        let port = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => return false,
            },
        };
        ("ipv6", port)
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let port_ok = match port {
        None => true,
        Some(p) => {
            (1..=5).contains(&p.len())
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n))
        }
    };
    host_ok && port_ok
}

/// [`is_absolute_http`] as a coded error: `invalid_url` naming `parameter`.
pub fn check_http_url(u: &str, parameter: &str) -> Result<(), ApiError> {
    if is_absolute_http(u) {
        Ok(())
    } else {
        Err(ApiError::validation(
            ErrorCode::InvalidUrl,
            parameter,
            [parameter, " must be an absolute http(s) URL."].concat(),
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
            "https://[::1]:8080/x",
            "https://[2001:db8::1]",
            "https://bücher.example/ä",
            "https://a-b_c.example?x",
            "https://shop.example#frag",
            "https://shop.example:65535",
            "https://shop.example:1",
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
            "https://shop.example:8o",
            "https://:80",
            "https://[::1",
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
