//! One HTTP attempt: `src/http/attempt.js` sends it (headers, `fetch`, the
//! deadline, the JSON answer) in one call; this side reads what came back.

use crate::error::SdkError;
use crate::js;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/http/attempt.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = attempt)]
    #[allow(clippy::too_many_arguments)]
    fn attempt_js(
        url: &str,
        method: u32,
        cacheable: bool,
        locale: &str,
        bearer: &str,
        idempotency_key: &str,
        body: &JsValue,
        ms: f64,
    ) -> Result<Promise, JsValue>;
}

/// What one attempt sends besides its URL.
pub struct Request<'a> {
    /// `attempt.js`'s index of the method: GET, POST, PATCH, DELETE.
    pub method: u32,
    /// The browser's cache may answer (a locale's catalog).
    pub cacheable: bool,
    /// `Accept-Language`.
    pub locale: &'a str,
    /// `Authorization` (writes), or empty.
    pub bearer: &'a str,
    /// `Idempotency-Key` (writes), or empty.
    pub key: &'a str,
    /// The JSON text, or `undefined`.
    pub body: &'a JsValue,
}

/// How one attempt ended.
pub enum Outcome {
    /// A 2xx answer with a JSON object body.
    Ok(JsValue),
    /// A final error (4xx, unreadable answer).
    Fail(SdkError),
    /// A failure worth retrying (network, 5xx, 429), with `Retry-After` in ms.
    Retry(SdkError, Option<f64>),
    /// The time ran out.
    Timeout,
}

/// Sends one request; aborts it after `ms` milliseconds.
pub async fn attempt(url: &str, r: &Request<'_>, ms: f64) -> Outcome {
    // A browser without `AbortController` or `setTimeout` throws here.
    let Ok(p) = attempt_js(
        url,
        r.method,
        r.cacheable,
        r.locale,
        r.bearer,
        r.key,
        r.body,
        ms,
    ) else {
        return Outcome::Fail(SdkError::network());
    };
    let got: Array = match JsFuture::from(p).await {
        Ok(v) => v.into(),
        Err(_) => return Outcome::Fail(SdkError::network()),
    };
    let status = got.get(0).as_f64().unwrap_or(0.0);
    if status == -1.0 {
        return Outcome::Timeout;
    }
    if status == -2.0 {
        return Outcome::Fail(SdkError::network());
    }
    if !(100.0..=599.0).contains(&status) {
        return Outcome::Retry(SdkError::network(), None);
    }
    let status = status as u16;
    let retryable = status >= 500 || status == 429;
    // `Retry-After` only matters when the SDK will retry.
    let retry_after = if retryable {
        got.get(2)
            .as_string()
            .and_then(|v| super::backoff::parse_retry_after(&v, js_sys::Date::now()))
    } else {
        None
    };
    let body = Some(got.get(1)).filter(js::is_record);
    match (status, body) {
        (200..=299, Some(b)) => Outcome::Ok(b),
        (400..=599, b) => {
            let err = b
                .as_ref()
                .and_then(SdkError::from_body)
                .unwrap_or_else(|| by_status(status));
            if retryable {
                Outcome::Retry(err, retry_after)
            } else {
                Outcome::Fail(err)
            }
        }
        _ => Outcome::Fail(SdkError::invalid_response()),
    }
}

/// The error for an error status whose body is not the contract's shape.
fn by_status(status: u16) -> SdkError {
    use paysession_core::{ErrorCode as C, ErrorType as T};
    let (t, c, m) = match status {
        401 => (
            T::Unauthorized,
            C::InvalidApiKey,
            "The public key was not accepted.",
        ),
        403 => (
            T::Forbidden,
            C::PermissionDenied,
            "This key may not do this.",
        ),
        404 => (T::NotFound, C::ResourceNotFound, "Not found."),
        429 => (T::RateLimited, C::RateLimitExceeded, "Too many requests."),
        500..=599 => (
            T::InternalError,
            C::InternalError,
            "The payment service failed.",
        ),
        _ => return SdkError::invalid_response(),
    };
    SdkError::new(t, c, None, m)
}
