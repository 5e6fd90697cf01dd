//! `If-Match` and a body's `version`: the session version a write was
//! decided on.

use crate::error::AppError;
use axum::http::HeaderMap;
use paysession_core::ErrorCode;

/// The version a write was decided on: body `version`, else `If-Match`.
/// A malformed `If-Match` is refused whether or not the body has a `version`.
pub fn expected_version(body: Option<u64>, h: &HeaderMap) -> Result<Option<u64>, AppError> {
    let header = match h.get(axum::http::header::IF_MATCH) {
        None => None,
        Some(v) => Some(parse_if_match(v.as_bytes()).ok_or_else(|| {
            AppError::validation(
                ErrorCode::InvalidParameter,
                "If-Match",
                "If-Match must be the session's version: `3`, `\"3\"` or `W/\"3\"`.",
            )
        })?),
    };
    Ok(body.or(header))
}

/// Most digits of a version in `If-Match` (any 19 digits fit a `u64`).
pub const IF_MATCH_DIGITS: usize = 19;

/// `If-Match`'s grammar, the OpenAPI document's pattern for it: blanks
/// around, `W/` optional, then the digits bare or in double quotes.
pub fn parse_if_match(v: &[u8]) -> Option<u64> {
    // A header value holds no other ASCII whitespace than blanks and tabs.
    let v = v.trim_ascii();
    let v = v.strip_prefix(b"W/").unwrap_or(v);
    let v = match v.strip_prefix(b"\"") {
        Some(inner) => inner.strip_suffix(b"\"")?,
        None => v,
    };
    if v.is_empty() || v.len() > IF_MATCH_DIGITS || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(v).ok()?.parse().ok()
}
