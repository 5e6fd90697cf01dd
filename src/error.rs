//! The SDK's one error shape, `{type, errors: [{code, parameter?, message}]}`,
//! and its JavaScript form: an `Error` object carrying `type`, `errors` and
//! `code` (the first detail's code), so `catch (e) { e.code }` just works.

use crate::js;
use js_sys::{Array, Object};
use paysession_core::{ApiError, ErrorCode, ErrorType};
use wasm_bindgen::{JsCast, JsValue};

/// One entry of `errors`. Codes are strings so that a backend code is kept
/// verbatim even if this build of the SDK predates it.
#[derive(Clone, Debug, PartialEq)]
pub struct Detail {
    /// Machine-readable code.
    pub code: String,
    /// Dotted path of the offending field.
    pub parameter: Option<String>,
    /// Human sentence.
    pub message: String,
}

/// An error from the SDK or the backend.
#[derive(Clone, Debug, PartialEq)]
pub struct SdkError {
    /// The `type` (`validation_error`, `network_error`, `bad_request`, …).
    pub kind: String,
    /// One or more details.
    pub errors: Vec<Detail>,
}

impl From<ApiError> for SdkError {
    fn from(e: ApiError) -> Self {
        SdkError {
            kind: e.kind.as_str().into(),
            errors: e
                .errors
                .into_iter()
                .map(|d| Detail {
                    code: d.code.as_str().into(),
                    parameter: d.parameter,
                    message: d.message,
                })
                .collect(),
        }
    }
}

impl SdkError {
    /// An error with one detail.
    pub fn new(kind: ErrorType, code: ErrorCode, parameter: Option<&str>, message: &str) -> Self {
        SdkError {
            kind: kind.as_str().into(),
            errors: vec![Detail {
                code: code.as_str().into(),
                parameter: parameter.map(Into::into),
                message: message.into(),
            }],
        }
    }

    /// A `validation_error` naming `parameter`.
    pub fn validation(code: ErrorCode, parameter: &str, message: &str) -> Self {
        Self::new(ErrorType::ValidationError, code, Some(parameter), message)
    }

    /// `invalid_parameter` for `parameter`, with `message` appended to its name.
    pub fn invalid(parameter: &str, what: &str) -> Self {
        Self::validation(
            ErrorCode::InvalidParameter,
            parameter,
            &[parameter, " ", what].concat(),
        )
    }

    /// The backend could not be reached.
    pub fn network() -> Self {
        Self::new(
            ErrorType::NetworkError,
            ErrorCode::NetworkUnavailable,
            None,
            "The payment service could not be reached. Check the connection and try again.",
        )
    }

    /// The request took longer than `timeoutMs`.
    pub fn timeout() -> Self {
        Self::new(
            ErrorType::NetworkError,
            ErrorCode::RequestTimeout,
            None,
            "The payment service did not answer in time.",
        )
    }

    /// The backend answered with something that is not the contract.
    pub fn invalid_response() -> Self {
        Self::new(
            ErrorType::InternalError,
            ErrorCode::InvalidResponse,
            None,
            "The payment service sent an answer the SDK does not understand.",
        )
    }

    /// The first detail's code.
    pub fn code(&self) -> &str {
        self.errors.first().map(|d| d.code.as_str()).unwrap_or("")
    }

    /// Prefixes every detail's parameter with `prefix.` (core's `nest`, without `format!`).
    pub fn nest(mut self, prefix: &str) -> Self {
        for d in &mut self.errors {
            d.parameter = Some(match d.parameter.take() {
                Some(p) if !p.is_empty() => [prefix, ".", &p].concat(),
                _ => prefix.into(),
            });
        }
        self
    }

    /// Appends the details of `other` (used to report every card field at once).
    pub fn merge(&mut self, other: SdkError) {
        self.errors.extend(other.errors);
    }

    /// Reads a backend error body; `None` if it is not the contract's shape.
    pub fn from_body(body: &JsValue) -> Option<SdkError> {
        let kind = js::get(body, "type").as_string()?;
        let list: Array = js::get(body, "errors").dyn_into().ok()?;
        let mut errors = Vec::new();
        for item in list.iter().take(20) {
            errors.push(Detail {
                code: js::get(&item, "code").as_string()?,
                parameter: js::get(&item, "parameter").as_string(),
                message: js::get(&item, "message").as_string().unwrap_or_default(),
            });
        }
        if kind.is_empty() || errors.is_empty() {
            return None;
        }
        Some(SdkError { kind, errors })
    }

    /// The JavaScript `Error` carrying `type`, `errors` and `code`.
    pub fn to_js(&self) -> JsValue {
        let msg = self
            .errors
            .first()
            .map(|d| d.message.as_str())
            .unwrap_or("");
        let err = js_sys::Error::new(msg);
        err.set_name("PaySessionError");
        let list = Array::new();
        for d in &self.errors {
            let o = Object::new();
            js::set(&o, "code", &d.code.as_str().into());
            if let Some(p) = &d.parameter {
                js::set(&o, "parameter", &p.as_str().into());
            }
            js::set(&o, "message", &d.message.as_str().into());
            list.push(&o);
        }
        js::set(&err, "type", &self.kind.as_str().into());
        js::set(&err, "errors", &list);
        js::set(&err, "code", &self.code().into());
        err.into()
    }
}

/// The error of core's rule `code` (currency, country, amount) naming `p`,
/// without converting core's `ApiError` (a few hundred bytes of WebAssembly).
pub fn bad_code(code: ErrorCode, p: &str) -> SdkError {
    SdkError::validation(code, p, &[p, " is not valid."].concat())
}

/// Every call's future, boxed: one instantiation of the promise machinery
/// instead of one per method (a few KB of WebAssembly each).
pub(crate) type Call =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, SdkError>>>>;

/// A promise that resolves with the value or rejects with the error object.
pub(crate) fn promise(f: Call) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(Box::pin(async move { f.await.map_err(|e| e.to_js()) }))
}
