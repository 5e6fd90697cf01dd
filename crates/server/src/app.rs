//! The HTTP surface's assembly: [`app`] is the production API (every route
//! under its middleware, then CORS, compression, the request log and
//! `nosniff`). [`api`] and [`finish`] are its two halves, which the demo
//! merchant ([`crate::demo::app`], `--demo` only) wraps around its own pages.

use crate::{auth, delivery, hosted, idempotency, routes, AppState, Config};
use axum::{http::HeaderValue, Router};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The whole HTTP surface of the API (no demo).
pub fn app(state: AppState) -> Router {
    let api = api(routes::router(state.clone()), &state);
    finish(api, &state)
}

/// `routes` under the API's middleware: idempotency, and outermost the rate
/// limit, so a refused request reaches neither idempotency nor a route.
pub fn api(routes: Router, state: &AppState) -> Router {
    routes
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::middleware,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::rate_limit,
        ))
}

/// The layers every answer passes through: CORS, compression, the request
/// log, `nosniff`.
pub fn finish(r: Router, state: &AppState) -> Router {
    r.layer(cors_layer(&state.config))
        .layer(delivery::compression())
        .layer(axum::middleware::from_fn(log_request))
        .layer(hosted::nosniff())
}

/// One log line per request: method, path (never the query: it may hold a
/// client secret), status, duration. Bodies are never logged.
async fn log_request(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let start = std::time::Instant::now();
    let resp = next.run(req).await;
    tracing::info!(%method, %path, status = resp.status().as_u16(), ms = start.elapsed().as_millis() as u64, "request");
    resp
}

fn cors_layer(config: &Config) -> CorsLayer {
    use axum::http::{header, Method};
    let any = config
        .merchants
        .iter()
        .any(|m| m.allowed_origins.iter().any(|o| o == "*"));
    let origins: Vec<String> = config
        .merchants
        .iter()
        .flat_map(|m| m.allowed_origins.iter().cloned())
        .collect();
    let allow = if any {
        AllowOrigin::any()
    } else {
        AllowOrigin::predicate(move |o: &HeaderValue, _| {
            o.to_str()
                .map(|o| origins.iter().any(|x| x == o))
                .unwrap_or(false)
        })
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(Duration::from_secs(600))
}
