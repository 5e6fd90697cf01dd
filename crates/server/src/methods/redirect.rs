//! Redirect methods (PayPal, Klarna, iDEAL): return and cancel URLs on one of
//! the merchant's origins; the source waits for the shopper at the hosted
//! approval page.

use super::{missing, At, Draft, Input};
use crate::{config::Merchant, error::AppError};
use paysession_core::{
    state::SourceState,
    wire::{NextAction, RedirectInput, RedirectView},
    ErrorCode,
};

pub(super) fn input(
    r: Option<&RedirectInput>,
    prefix: &str,
    merchant: &Merchant,
) -> Result<Input, AppError> {
    let r = r.ok_or_else(|| missing(prefix))?;
    let url = |v: &Option<String>, name: &str| -> Result<String, AppError> {
        let p = format!("{prefix}.{name}");
        let v = v.as_ref().ok_or_else(|| missing(&p))?;
        redirect_target(v, merchant, &p)
    };
    Ok(Input::Redirect {
        return_url: url(&r.return_url, "returnUrl")?,
        cancel_url: url(&r.cancel_url, "cancelUrl")?,
    })
}

/// Longest redirect URL accepted, before and after normalisation (core's).
const MAX_URL: usize = paysession_core::http_url::MAX_LEN;

/// A redirect target the shopper may be sent to with the source's client
/// secret: first core's one syntactic rule (the SDK's verdict:
/// [`paysession_core::http_url::is_absolute_http`]: printable ASCII, no user
/// info, no backslash), then parsed as a browser would (WHATWG URL), at most
/// [`MAX_URL`] characters after normalising, and its origin exactly one of
/// the merchant's. Answers the parser's ASCII serialisation (punycode host,
/// percent-encoded path and query), so what is stored and later sent in
/// `Location` is exactly what a browser would request. A malformed URL is
/// `invalid_url`; a well-formed one on another origin `invalid_parameter`;
/// both name `param`.
pub fn redirect_target(v: &str, merchant: &Merchant, param: &str) -> Result<String, AppError> {
    let malformed = || {
        AppError::validation(
            ErrorCode::InvalidUrl,
            param,
            format!(
                "`{param}` must be an absolute http(s) URL without user info, whitespace or \
                 control characters, of at most {MAX_URL} characters."
            ),
        )
    };
    // Core's one syntactic rule first (the SDK's verdict); then the parser.
    if !paysession_core::http_url::is_absolute_http(v) {
        return Err(malformed());
    }
    let u = url::Url::parse(v).map_err(|_| malformed())?;
    if !matches!(u.scheme(), "http" | "https")
        || !u.username().is_empty()
        || u.password().is_some()
        || u.as_str().len() > MAX_URL
    {
        return Err(malformed());
    }
    if !merchant.allows_origin(&u.origin().ascii_serialization()) {
        return Err(AppError::validation(
            ErrorCode::InvalidParameter,
            param,
            format!("`{param}` must be on one of the merchant's registered origins (`allowed_origins`)."),
        ));
    }
    Ok(u.into())
}

/// The redirect source's create branch.
pub(super) fn create(return_url: &str, cancel_url: &str, at: &At, d: &mut Draft) {
    let base = at.base;
    d.src.state = SourceState::PendingRedirect;
    let url = format!(
        "{base}/hosted/redirect/{}?clientSecret={}",
        d.src.id, d.src.client_secret
    );
    d.src.redirect = Some(RedirectView {
        redirect_url: url.clone(),
        return_url: return_url.to_owned(),
        cancel_url: cancel_url.to_owned(),
    });
    d.src.next_action = Some(NextAction {
        kind: "redirect".into(),
        url,
    });
}
