//! [`JsonBody`]: a JSON extractor whose every rejection is a contract error
//! naming the parameter. Bodies are parsed to a `serde_json::Value` first
//! (non-objects and `null`s rejected), then deserialized with
//! `serde_path_to_error` to learn the failing path.

use crate::{error::AppError, AppState};
use axum::{
    extract::{FromRequest, Request},
    http::{header, HeaderMap, StatusCode},
};
use paysession_core::{ApiError, ErrorCode, ErrorType};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Largest accepted body.
pub const MAX_BODY: usize = 64 * 1024;

/// A JSON body deserialized into `T`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, _: &AppState) -> Result<Self, AppError> {
        parse_json(&read_json_body(req).await?).map(JsonBody)
    }
}

/// A request's body, once its content type is JSON (`415` otherwise) and it
/// fits the limit (`413`); not yet parsed.
pub async fn read_json_body(req: Request) -> Result<axum::body::Bytes, AppError> {
    check_json_content_type(req.headers())?;
    read_body(req).await
}

/// `415` unless the content type is JSON.
pub fn check_json_content_type(h: &HeaderMap) -> Result<(), AppError> {
    let ct = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json")) {
        Ok(())
    } else {
        Err(AppError::with_status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::bad_request(
                ErrorCode::UnsupportedMediaType,
                None,
                "Send the body as `Content-Type: application/json`.",
            ),
        ))
    }
}

/// `413 payload_too_large`.
pub fn too_large() -> AppError {
    AppError::with_status(
        StatusCode::PAYLOAD_TOO_LARGE,
        ApiError::bad_request(
            ErrorCode::PayloadTooLarge,
            None,
            "The body is larger than 64 KiB.",
        ),
    )
}

/// `408 request_timeout`: the body did not arrive within the server's body
/// timeout (`ServeOptions::body_timeout`).
pub fn body_timed_out() -> AppError {
    AppError::with_status(
        StatusCode::REQUEST_TIMEOUT,
        ApiError::bad_request(
            ErrorCode::RequestTimeout,
            None,
            "The body did not arrive in time; send it again, whole.",
        ),
    )
}

/// Reads at most [`MAX_BODY`] bytes, arriving within the body timeout.
pub async fn read_body(req: Request) -> Result<axum::body::Bytes, AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .map_err(|e| {
            if BodyTimedOut::caused(&e) {
                body_timed_out()
            } else {
                too_large()
            }
        })
}

fn malformed(msg: &str) -> AppError {
    AppError::api(ApiError::bad_request(ErrorCode::MalformedJson, None, msg))
}

/// Parses a JSON object body with no `null` anywhere.
pub fn parse_object(bytes: &[u8]) -> Result<Value, AppError> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|_| malformed("The body is not valid JSON."))?;
    if !v.is_object() {
        return Err(malformed("The body must be a JSON object."));
    }
    if let Some(path) = find_null(&v, String::new()) {
        return Err(AppError::validation(
            ErrorCode::NullNotAllowed,
            &path,
            format!("`{path}` may not be null: fields are overwritten, never removed."),
        ));
    }
    let mut v = v;
    integral_numbers(&mut v);
    Ok(v)
}

/// JSON has one number type: a number with a zero fraction (`1000.0`, `1e3`)
/// is the integer it equals, as JSON Schema's `integer` (the OpenAPI
/// document's type) says; serde would refuse it for an integer field. Only
/// exact integers (|n| ≤ 2^53) are turned; `1000.5` stays and is refused.
fn integral_numbers(v: &mut Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= EXACT) {
                *n = (f as i64).into();
            }
        }
        Value::Object(m) => m.values_mut().for_each(integral_numbers),
        Value::Array(a) => a.iter_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// Parses and deserializes a JSON object body of the session API into `T`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let v = parse_object(bytes)?;
    if let Some(path) = find_array(&v, String::new()) {
        return Err(AppError::validation(
            ErrorCode::InvalidParameter,
            &path,
            format!("`{path}` has the wrong type: no field of this API is a list."),
        ));
    }
    deserialize_value(v)
}

/// Request bodies of this API hold no lists; serde would read a struct from one.
fn find_array(v: &Value, path: String) -> Option<String> {
    match v {
        Value::Array(_) => Some(path),
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            find_array(
                v,
                if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                },
            )
        }),
        _ => None,
    }
}

/// Deserializes a JSON value, mapping serde's error to a contract error.
pub fn deserialize_value<T: DeserializeOwned>(v: Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = path_string(e.path());
        map_serde_error(&path, &e.inner().to_string())
    })
}

fn find_null(v: &Value, path: String) -> Option<String> {
    match v {
        Value::Null => Some(path),
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            find_null(
                v,
                if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                },
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_null(v, format!("{path}[{i}]"))),
        _ => None,
    }
}

fn path_string(p: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for s in p.iter() {
        match s {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

fn backticked(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else if path == field || path.ends_with(&format!(".{field}")) {
        path.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Maps a serde message at `path` to a code. Never echoes the input value
/// (it may be a card number).
pub fn map_serde_error(path: &str, msg: &str) -> AppError {
    if msg.starts_with("missing field") {
        let p = join(path, backticked(msg).unwrap_or(""));
        return AppError::validation(
            ErrorCode::MissingParameter,
            &p,
            format!("`{p}` is required."),
        );
    }
    if msg.starts_with("unknown field") {
        let p = join(path, backticked(msg).unwrap_or(""));
        return AppError::validation(
            ErrorCode::UnknownParameter,
            &p,
            format!("`{p}` is not a known parameter."),
        );
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    let (code, text) = match last {
        "currency" => (
            ErrorCode::InvalidCurrency,
            "must be an upper-case ISO 4217 code this service supports".to_owned(),
        ),
        "country" => (
            ErrorCode::InvalidCountry,
            "must be an upper-case ISO 3166-1 alpha-2 code".to_owned(),
        ),
        "amount" => (
            ErrorCode::InvalidAmount,
            "must be a positive integer in the currency's minor unit".to_owned(),
        ),
        "type" if msg.starts_with("unknown variant") => (
            ErrorCode::UnknownPaymentType,
            "is not a payment type this service knows".to_owned(),
        ),
        _ => (
            ErrorCode::InvalidParameter,
            "has the wrong type or an invalid value".to_owned(),
        ),
    };
    AppError::api(ApiError::new(
        ErrorType::ValidationError,
        code,
        Some(path),
        format!("`{path}` {text}."),
    ))
}

/// Parses a query string into pairs, rejecting names not in `allowed`.
pub fn query_pairs(
    query: Option<&str>,
    allowed: &[&str],
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|_| AppError::bad_request(ErrorCode::InvalidParameter, "Malformed query."))?;
    let mut out = std::collections::HashMap::new();
    for (k, v) in pairs {
        if k == "key" {
            continue; // a public key in the URL, read by `auth`
        }
        if !allowed.contains(&k.as_str()) {
            return Err(AppError::validation(
                ErrorCode::UnknownParameter,
                &k,
                format!("`{k}` is not a known parameter."),
            ));
        }
        out.insert(k, v);
    }
    Ok(out)
}

/// The TCP peer of a request, when the server was started with
/// `into_make_service_with_connect_info` (as `serve` does).
pub struct Peer(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// The bearer token of a request, if any.
pub fn bearer(parts: &axum::http::HeaderMap) -> Option<&str> {
    let v = parts
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Reading a request body took longer than `body_timeout`.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

impl BodyTimedOut {
    /// Whether `e` or one of its sources is a [`BodyTimedOut`].
    pub fn caused(e: &(dyn std::error::Error + 'static)) -> bool {
        let mut cur = Some(e);
        while let Some(e) = cur {
            if e.is::<BodyTimedOut>() {
                return true;
            }
            cur = e.source();
        }
        false
    }
}
