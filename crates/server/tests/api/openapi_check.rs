//! Every answer the integration tests read ([`crate::common::Resp`]) is checked
//! against the OpenAPI document (`paysession_server::openapi::document`): its
//! status must be one the operation documents, and a JSON body must match the
//! documented schema. A path outside the API (the demo shop, the fields origin)
//! is not checked; an unknown `/v1/` or `/hosted/` path must be
//! `404 route_not_found`, a documented path with another method
//! `405 method_not_allowed`.
//!
//! `OPENAPI_CHECK_LOG=FILE` appends one line per checked answer
//! (`METHOD TEMPLATE STATUS`) to FILE: what the suite covers.

use reqwest::{header::HeaderMap, Method, Url};
use serde_json::{json, Value};
use std::{
    collections::HashMap,
    io::Write,
    sync::{Arc, Mutex, OnceLock},
};

fn doc() -> &'static Value {
    paysession_server::openapi::document()
}

/// The validator of `#/components/schemas/...`-referring `schema`, compiled once.
fn validator(schema: &Value) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let key = schema.to_string();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache
        .entry(key)
        .or_insert_with(|| {
            // The schema at the root of a document that holds the components,
            // so `#/components/schemas/X` resolves as in the OpenAPI document.
            let mut root = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": doc()["components"].clone(),
            });
            if let (Value::Object(r), Value::Object(s)) = (&mut root, schema) {
                r.extend(s.clone());
            }
            Arc::new(
                jsonschema::draft202012::new(&root)
                    .unwrap_or_else(|e| panic!("openapi: schema {schema} does not compile: {e}")),
            )
        })
        .clone()
}

/// The documented path template `path` falls under: the one with most literal segments.
fn template(path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('/').collect();
    doc()["paths"]
        .as_object()?
        .keys()
        .filter_map(|t| {
            let ts: Vec<&str> = t.split('/').collect();
            if ts.len() != segs.len() {
                return None;
            }
            let mut literal = 0;
            for (t, s) in ts.iter().zip(&segs) {
                if t.starts_with('{') && t.ends_with('}') {
                    if s.is_empty() {
                        return None;
                    }
                } else if t == s {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, t.as_str()))
        })
        .max_by_key(|(l, _)| *l)
        .map(|(_, t)| t)
}

/// Follows a `#/components/...` reference.
fn resolve(v: &'static Value) -> &'static Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc()
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("openapi: dangling reference {r}")),
        None => v,
    }
}

fn log(method: &str, template: &str, status: u16) {
    let Ok(file) = std::env::var("OPENAPI_CHECK_LOG") else {
        return;
    };
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
    {
        // One write per line: lines of parallel tests never interleave.
        let _ = f.write_all(format!("{method} {template} {status}\n").as_bytes());
    }
}

fn check_body(what: &str, schema: &Value, text: &str) {
    let body: Value = serde_json::from_str(text)
        .unwrap_or_else(|_| panic!("openapi: {what}: the body is not JSON: {text}"));
    let v = validator(schema);
    let errors: Vec<String> = v
        .iter_errors(&body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "openapi: {what}: the body does not match the document ({schema}):\n  {}\nbody: {text}",
        errors.join("\n  ")
    );
}

/// An error answer outside any operation (`404 route_not_found`, `405 method_not_allowed`).
fn check_generic_error(what: &str, status: u16, code: &str, text: &str) {
    check_body(
        what,
        &json!({"$ref": "#/components/schemas/ApiError"}),
        text,
    );
    let body: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    assert_eq!(
        body["errors"][0]["code"], code,
        "openapi: {what}: a {status} outside the documented operations must be `{code}`: {text}"
    );
}

/// Checks one answer; `method` is `None` when the caller did not say (then any
/// of the path's operations may have answered).
pub fn response(method: Option<&Method>, url: &Url, status: u16, headers: &HeaderMap, text: &str) {
    let path = url.path();
    let m = method.map_or("*", Method::as_str);
    let what = format!("{m} {path} → {status}");
    if method == Some(&Method::OPTIONS) {
        return; // CORS preflight: not part of the document
    }
    let Some(t) = template(path) else {
        if path.starts_with("/v1/") || path.starts_with("/hosted/") {
            check_generic_error(&what, status, "route_not_found", text);
            assert_eq!(status, 404, "openapi: {what}: an unknown path must be 404");
            log(m, "(unknown)", status);
        }
        return; // not the API: the demo shop, static files, the fields origin
    };
    let item = &doc()["paths"][t];
    let ops: Vec<&'static Value> = match method {
        Some(me) => item
            .get(me.as_str().to_ascii_lowercase())
            .into_iter()
            .collect(),
        None => ["get", "post", "patch", "delete", "put"]
            .iter()
            .filter_map(|k| item.get(*k))
            .collect(),
    };
    if ops.is_empty() {
        assert_eq!(
            status, 405,
            "openapi: {what}: {t} has no such operation; the answer must be 405"
        );
        check_generic_error(&what, status, "method_not_allowed", text);
        log(m, t, status);
        return;
    }
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut failures = Vec::new();
    for op in ops {
        let Some(r) = op["responses"].get(status.to_string()) else {
            failures.push(format!("{} does not document {status}", op["operationId"]));
            continue;
        };
        let r = resolve(r);
        let Some(content) = r.get("content").and_then(Value::as_object) else {
            log(m, t, status);
            return; // no body documented (303)
        };
        let Some((media, c)) = content.iter().next() else {
            continue;
        };
        if media == "application/json" && c.get("schema").is_some_and(|s| s.get("$ref").is_some()) {
            // A typed JSON body: it must match (a panic names the mismatch).
            assert_eq!(
                content_type, "application/json",
                "openapi: {what}: content type"
            );
            check_body(
                &format!("{what} ({})", op["operationId"]),
                &c["schema"],
                text,
            );
        } else {
            assert_eq!(&content_type, media, "openapi: {what}: content type");
        }
        log(m, t, status);
        return;
    }
    panic!(
        "openapi: {what}: undocumented status ({}): {text}",
        failures.join("; ")
    );
}

/// The check itself fails where it must.
mod meta {
    use super::response;
    use reqwest::{header::HeaderMap, Method, Url};

    fn json_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/json".parse().unwrap());
        h
    }
    fn url(path: &str) -> Url {
        Url::parse(&format!("http://127.0.0.1:1{path}")).unwrap()
    }

    #[test]
    #[should_panic(expected = "does not match the document")]
    fn a_body_off_the_document_fails() {
        // `version` is an integer and `state` one of SessionState's names.
        let body = r#"{"id":"ses_1","version":"1","state":"open","amount":1,"currency":"EUR","country":"DE","amountContributed":0,"amountRemainingToBeContributed":1,"expiresAt":"t","createdTime":"t","updatedTime":"t","sources":[]}"#;
        response(
            Some(&Method::GET),
            &url("/v1/sessions/ses_1"),
            200,
            &json_headers(),
            body,
        );
    }

    #[test]
    #[should_panic(expected = "does not match the document")]
    fn an_error_code_off_the_list_fails() {
        let body = r#"{"type":"not_found","errors":[{"code":"no_such_thing","message":"x"}]}"#;
        response(
            Some(&Method::GET),
            &url("/v1/orders/ord_1"),
            404,
            &json_headers(),
            body,
        );
    }

    #[test]
    #[should_panic(expected = "undocumented status")]
    fn an_undocumented_status_fails() {
        let body =
            r#"{"type":"conflict","errors":[{"code":"idempotency_key_reused","message":"x"}]}"#;
        response(
            Some(&Method::GET),
            &url("/v1/orders/ord_1"),
            409,
            &json_headers(),
            body,
        );
    }

    #[test]
    #[should_panic(expected = "must be 404")]
    fn an_unknown_api_path_must_be_route_not_found() {
        let body = r#"{"type":"not_found","errors":[{"code":"route_not_found","message":"x"}]}"#;
        response(
            Some(&Method::GET),
            &url("/v1/nothing"),
            200,
            &json_headers(),
            body,
        );
    }

    #[test]
    fn a_documented_answer_passes() {
        let body = r#"{"type":"not_found","errors":[{"code":"resource_not_found","message":"No such order."}]}"#;
        response(
            Some(&Method::GET),
            &url("/v1/orders/ord_1"),
            404,
            &json_headers(),
            body,
        );
    }
}
