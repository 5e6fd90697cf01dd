//! The OpenAPI document: served, checked in (`docs/openapi.json`) and valid.

use crate::common::*;
use paysession_server::openapi;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn checked_in() -> PathBuf {
    root().join("docs/openapi.json")
}

/// `UPDATE_OPENAPI=1` rewrites docs/openapi.json instead of comparing.
#[test]
fn openapi_checked_in_copy_is_current() {
    let generated = openapi::pretty();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(checked_in(), &generated).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(checked_in()).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/openapi.json is stale (it differs from the document the server generates): \
         regenerate it with `UPDATE_OPENAPI=1 cargo test -p paysession-server --test api openapi` \
         and commit it"
    );
}

#[test]
fn openapi_document_is_valid() {
    // The generated document, so the check holds before docs/ is updated.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), openapi::pretty()).unwrap();
    let out = std::process::Command::new("node")
        .arg(root().join("scripts/validate-openapi.mjs"))
        .arg(file.path())
        .current_dir(root())
        .output()
        .expect("node (needed to validate the OpenAPI document)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn openapi_served_without_key_and_cacheable() {
    let s = start().await;
    let r = s
        .send(reqwest::Method::GET, openapi::PATH, None, None, &[])
        .await;
    assert_eq!(r.ok(200), openapi::document());
    assert_eq!(r.headers["content-type"], "application/json");
    assert!(r.headers["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public"));
    assert_eq!(r.body["openapi"], "3.1.0");
    s.stop().await;
}

/// What the OpenAPI 3.1 JSON Schema (the validator above) does not check of a
/// 3.1 document: each Schema Object is a JSON Schema 2020-12 schema, each
/// `{name}` of a path is declared once as a required path parameter (and no
/// other is), operation ids are unique, and every schema compiles.
#[test]
fn openapi_schemas_and_parameters_are_sound() {
    let doc = openapi::document();
    let mut problems = Vec::new();
    let mut all = Vec::new();
    collect_schemas(doc, "", &mut all);
    assert!(all.len() > 100, "only {} schemas found", all.len());
    for (at, schema) in &all {
        if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
            problems.push(format!("{at}: not a JSON Schema 2020-12 schema: {e}"));
        }
    }
    for (name, s) in doc["components"]["schemas"].as_object().unwrap() {
        let mut root = serde_json::json!({"components": doc["components"].clone()});
        root["$ref"] = format!("#/components/schemas/{name}").into();
        if let Err(e) = jsonschema::draft202012::new(&root) {
            problems.push(format!("{name}: does not compile: {e} ({s})"));
        }
    }
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let mut in_template: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        in_template.sort();
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            let mut declared: Vec<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .map(|p| {
                    if p["required"] != true {
                        problems.push(format!("{at}: path parameter {} not required", p["name"]));
                    }
                    p["name"].as_str().unwrap_or("")
                })
                .collect();
            declared.sort();
            if declared != in_template {
                problems.push(format!(
                    "{at}: path parameters {declared:?}, template {in_template:?}"
                ));
            }
            match op["operationId"].as_str() {
                Some(id) if ids.insert(id.to_owned()) => {}
                other => problems.push(format!("{at}: operationId {other:?} missing or repeated")),
            }
            if op["responses"].as_object().is_none_or(|r| r.is_empty()) {
                problems.push(format!("{at}: no responses"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every Schema Object of the document (under `schema`, `schemas`, `properties`, …).
fn collect_schemas<'a>(
    v: &'a serde_json::Value,
    at: &str,
    out: &mut Vec<(String, &'a serde_json::Value)>,
) {
    let Some(m) = v.as_object() else {
        if let Some(a) = v.as_array() {
            for (i, x) in a.iter().enumerate() {
                collect_schemas(x, &format!("{at}/{i}"), out);
            }
        }
        return;
    };
    for (k, x) in m {
        let here = format!("{at}/{k}");
        match k.as_str() {
            "schema" => out.push((here.clone(), x)),
            "schemas" if at == "/components" => {
                for (n, s) in x.as_object().into_iter().flatten() {
                    out.push((format!("{here}/{n}"), s));
                }
            }
            _ => {}
        }
        collect_schemas(x, &here, out);
    }
}

/// Every route of the router (crates/server/src/routes/mod.rs) is in the
/// document, and the document has no route the router lacks.
#[test]
fn openapi_documents_every_route() {
    let src = std::fs::read_to_string(root().join("crates/server/src/routes/mod.rs")).unwrap();
    // The demo shop's own pages (`--demo` only) are not the API: they are
    // crates/server/src/demo/, never in this router.
    let shape = |p: &str| -> String {
        p.split('/')
            .map(|s| if s.starts_with('{') { "{}" } else { s })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut routed: Vec<String> = src
        .split(".route(")
        .skip(1)
        .map(|r| {
            let r = r.trim_start();
            match r.strip_prefix('"') {
                Some(rest) => shape(rest.split('"').next().unwrap()),
                None if r.starts_with("crate::openapi::PATH") => openapi::PATH.to_owned(),
                None => panic!(
                    "a route whose path is not a literal: {}",
                    &r[..40.min(r.len())]
                ),
            }
        })
        .collect();
    routed.sort();
    let mut documented: Vec<String> = openapi::document()["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|p| shape(p))
        .collect();
    documented.sort();
    assert_eq!(
        routed, documented,
        "routes (left) and documented paths (right) differ"
    );
}
