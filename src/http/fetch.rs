//! One HTTP attempt with `fetch`, bounded by an `AbortController` timer.

use super::timer::Timeout;
use crate::error::SdkError;
use crate::js;
use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Response};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;
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
pub async fn attempt(url: &str, init: &Object, ms: f64) -> Outcome {
    let Ok(controller) = AbortController::new() else {
        return Outcome::Fail(SdkError::network());
    };
    let signal = controller.signal();
    js::set(init, "signal", &signal);
    let abort = js::get(&controller, "abort");
    let _timer = abort
        .dyn_ref::<Function>()
        .map(|f| Timeout::new(&f.bind0(&controller), ms));
    let lost = |signal: &web_sys::AbortSignal| {
        if signal.aborted() {
            Outcome::Timeout
        } else {
            Outcome::Retry(SdkError::network(), None)
        }
    };
    let promise = match fetch(url, init) {
        Ok(p) => p,
        Err(_) => return Outcome::Fail(SdkError::network()),
    };
    let resp: Response = match JsFuture::from(promise).await {
        Ok(r) => match r.dyn_into() {
            Ok(r) => r,
            Err(_) => return Outcome::Fail(SdkError::invalid_response()),
        },
        Err(_) => return lost(&signal),
    };
    let status = resp.status();
    let retryable = status >= 500 || status == 429;
    // `Retry-After` only matters when the SDK will retry.
    let retry_after = if retryable {
        resp.headers()
            .get("Retry-After")
            .ok()
            .flatten()
            .and_then(|v| super::backoff::parse_retry_after(&v, js_sys::Date::now()))
    } else {
        None
    };
    // `json()`: one native parse, no string copied through wasm memory.
    let body = match resp.json() {
        Ok(p) => match JsFuture::from(p).await {
            Ok(v) => Some(v),
            Err(e) if js::get(&e, "name").as_string().as_deref() == Some("SyntaxError") => None,
            Err(_) => return lost(&signal),
        },
        Err(_) => return Outcome::Retry(SdkError::network(), None),
    };
    drop(_timer); // answered: clear the deadline timer now
    let body = body.filter(js::is_record);
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
