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
use fetch::Outcome;
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

    /// Its place in `attempt.js`'s list: GET, POST, PATCH, DELETE.
    fn index(self) -> u32 {
        match self {
            Method::Get | Method::GetCacheable => 0,
            Method::Post => 1,
            Method::Patch => 2,
            Method::Delete => 3,
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
        // A read sends the public key in the URL and only CORS-safelisted
        // headers: a "simple request", no preflight round trip before it.
        // Writes carry it in the Authorization header.
        let (url, bearer, key) = if method.is_read() {
            let sep = if path.contains('?') { "&key=" } else { "?key=" };
            let url = [self.base.as_str(), path, sep, &encode(&self.key)].concat();
            (url, String::new(), String::new())
        } else {
            // One key for every attempt of this call.
            let url = [self.base.as_str(), path].concat();
            (url, ["Bearer ", &self.key].concat(), backoff::uuid_v4())
        };
        let body: JsValue = match body {
            Some(b) => js_sys::JSON::stringify(b)
                .map_err(|_| SdkError::invalid("payload", "cannot be sent as JSON."))?
                .into(),
            None => JsValue::UNDEFINED,
        };
        let request = fetch::Request {
            method: method.index(),
            cacheable: method == Method::GetCacheable,
            locale: &self.locale,
            bearer: &bearer,
            key: &key,
            body: &body,
        };
        let deadline = js_sys::Date::now() + self.timeout_ms;
        let mut attempt = 0u32;
        loop {
            let left = deadline - js_sys::Date::now();
            if left <= 0.0 {
                return Err(SdkError::timeout());
            }
            let (err, retry_after) = match fetch::attempt(&url, &request, left).await {
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

/// `encodeURIComponent` for a path segment or query value.
pub fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}
