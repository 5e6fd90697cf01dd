//! The SDK's HTTP client: JSON over `fetch` with the public key, a deadline
//! (`timeoutMs`) over the whole call, and safe retries.
//!
//! Retries happen on network failures and on 5xx/429 answers, up to
//! `maxRetries`, with exponential backoff, jitter and `Retry-After`. Every
//! write carries one `Idempotency-Key`, generated before the retry loop, so
//! the backend replays rather than repeats a write whose answer was lost.

mod backoff;
mod fetch;
mod timer;

use crate::error::SdkError;
use crate::js;
use fetch::Outcome;
use js_sys::Object;
use wasm_bindgen::JsValue;

pub use backoff::uuid_v4;
pub use timer::{sleep, Timeout};

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Read.
    Get,
    /// Read a public answer the backend lets the browser cache (a locale's
    /// catalog: `max-age` of a day): the browser's cache may answer.
    GetCacheable,
    /// Create (idempotent with its key).
    Post,
    /// Update session fields (idempotent with its key).
    Patch,
    /// Remove (a saved payment method).
    Delete,
}

impl Method {
    fn is_read(self) -> bool {
        matches!(self, Method::Get | Method::GetCacheable)
    }

    fn as_str(self) -> &'static str {
        match self {
            Method::Get | Method::GetCacheable => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Settings of one `PaySession`.
#[derive(Clone, Debug)]
pub struct Client {
    /// `http(s)://host[:port][/prefix]`, no trailing slash.
    pub base: String,
    /// `pk_…`.
    pub key: String,
    /// `Accept-Language`.
    pub locale: String,
    /// Deadline of one call, retries included.
    pub timeout_ms: f64,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Base URL of the secure card fields' origin (`fieldsBase`), if given.
    pub fields_base: Option<String>,
}

impl Client {
    /// Sends `body` (JSON) to `path` and returns the answer's JSON object;
    /// never from the browser's cache (`no-store`) but for
    /// [`Method::GetCacheable`].
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&JsValue>,
    ) -> Result<JsValue, SdkError> {
        let headers = js::object();
        js::set(&headers, "Accept", &"application/json".into());
        js::set(&headers, "Accept-Language", &self.locale.as_str().into());
        // A read sends the public key in the URL and only CORS-safelisted
        // headers: a "simple request", no preflight round trip before it.
        // Writes carry it in the Authorization header.
        let url = if method.is_read() {
            let sep = if path.contains('?') { "&key=" } else { "?key=" };
            [self.base.as_str(), path, sep, &encode(&self.key)].concat()
        } else {
            js::set(
                &headers,
                "Authorization",
                &["Bearer ", &self.key].concat().into(),
            );
            [self.base.as_str(), path].concat()
        };
        let body = match body {
            Some(b) => Some(
                js_sys::JSON::stringify(b)
                    .map_err(|_| SdkError::invalid("payload", "cannot be sent as JSON."))?,
            ),
            None => None,
        };
        if body.is_some() {
            js::set(&headers, "Content-Type", &"application/json".into());
        }
        if !method.is_read() {
            // One key for every attempt of this call.
            js::set(&headers, "Idempotency-Key", &backoff::uuid_v4().into());
        }
        let deadline = js_sys::Date::now() + self.timeout_ms;
        let mut attempt = 0u32;
        loop {
            let left = deadline - js_sys::Date::now();
            if left <= 0.0 {
                return Err(SdkError::timeout());
            }
            let init = new_init(method, &headers, body.as_ref());
            let (err, retry_after) = match fetch::attempt(&url, &init, left).await {
                Outcome::Ok(v) => return Ok(v),
                Outcome::Fail(e) => return Err(e),
                Outcome::Timeout => return Err(SdkError::timeout()),
                Outcome::Retry(e, ra) => (e, ra),
            };
            if attempt >= self.max_retries {
                return Err(err);
            }
            let wait = backoff::delay_ms(attempt, retry_after);
            if js_sys::Date::now() + wait >= deadline {
                return Err(err);
            }
            sleep(wait).await;
            attempt += 1;
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Result<JsValue, SdkError> {
        self.send(Method::Get, path, None).await
    }
}

fn new_init(method: Method, headers: &Object, body: Option<&js_sys::JsString>) -> Object {
    let init = js::object();
    js::set(&init, "method", &method.as_str().into());
    js::set(&init, "headers", headers);
    js::set(&init, "mode", &"cors".into());
    js::set(&init, "credentials", &"omit".into());
    let cache = if method == Method::GetCacheable {
        "default"
    } else {
        "no-store"
    };
    js::set(&init, "cache", &cache.into());
    if let Some(b) = body {
        js::set(&init, "body", b);
    }
    init
}

/// `encodeURIComponent` for a path segment or query value.
pub fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}
