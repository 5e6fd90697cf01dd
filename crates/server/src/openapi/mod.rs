//! The OpenAPI 3.1 document of the HTTP API, served at `GET /v1/openapi.json`
//! and checked in as `docs/openapi.json` (a test fails when that copy is
//! stale). Schemas come from core's wire types (`paysession-core`, feature
//! `openapi`); the operations are listed in [`operations`], one per route of
//! [`crate::routes::router`], with every status each route answers. Built
//! once, on first use, from its parts:
//!
//! - [`info`]: title, version, the API's rules in prose, the tags;
//! - [`operations`]: the paths, one module per area of the API, each
//!   operation described with [`op::Op`];
//! - [`components`]: the schemas, key schemes and shared error answers;
//!
//! and then edited, in this order: [`webhooks`] added, [`no_nulls`] dropped,
//! the server's rules the derive cannot see added ([`constrain`]),
//! `CreateSource` split per type ([`variants`]), [`examples`] and [`links`]
//! added. [`shared`] holds what several parts use.

mod components;
mod constrain;
mod examples;
mod info;
mod links;
mod no_nulls;
mod op;
mod operations;
mod shared;
mod variants;
mod webhooks;

use axum::{
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use serde_json::Value;
use std::sync::OnceLock;
use utoipa::openapi::{path::PathItem, OpenApiBuilder, PathsBuilder};

pub use shared::{EMAIL_PATTERN, IF_MATCH_PATTERN, PATH};

/// The document as JSON (built on first use).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build)
}

/// The document as the checked-in `docs/openapi.json` holds it: pretty, with a final newline.
pub fn pretty() -> String {
    let mut s = serde_json::to_string_pretty(document()).unwrap_or_default();
    s.push('\n');
    s
}

/// `GET /v1/openapi.json`: no key, cacheable.
pub async fn serve() -> Response {
    static BODY: OnceLock<String> = OnceLock::new();
    let body = BODY.get_or_init(|| serde_json::to_string(document()).unwrap_or_default());
    let mut r = body.as_str().into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// The document from its parts, then its edits.
fn build() -> Value {
    let mut paths = PathsBuilder::new();
    for op in operations::all() {
        paths = paths.path(op.path, PathItem::new(op.method, op.b.build()));
    }
    let doc = OpenApiBuilder::new()
        .info(info::info())
        .paths(paths.build())
        .components(Some(components::components()))
        .tags(Some(info::tags()))
        .build();
    let mut v = serde_json::to_value(&doc).unwrap_or(Value::Null);
    webhooks::webhooks(&mut v);
    no_nulls::no_nulls(&mut v);
    constrain::constrain(&mut v);
    variants::create_source_variants(&mut v);
    examples::examples(&mut v);
    links::links(&mut v);
    v
}
