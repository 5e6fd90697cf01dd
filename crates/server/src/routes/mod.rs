//! The router and the helpers every route shares: loading a merchant's
//! session, the version check, and the version-checked read-modify-write.

pub mod attach;
pub mod compliance;
pub mod customers;
pub mod events;
mod if_match;
pub mod methods;
pub mod orders;
pub mod sessions;
pub mod sources;
pub mod testmode;
mod webhook_types;
pub mod webhooks;

pub use crate::flows::{ensure_open, load_session, load_source, modify_session, now, Change};
pub use crate::state::base_url;
use crate::{error::AppError, hosted, store::READY_WITHIN, wallet, AppState};
use axum::{
    http::StatusCode,
    response::IntoResponse,
    routing::{delete, get, post},
    Router,
};
pub use if_match::{expected_version, parse_if_match, IF_MATCH_DIGITS};
use paysession_core::{ApiError, ErrorCode, ErrorType};

/// All routes, with contract errors for unknown routes (404) and methods (405).
pub fn router(state: AppState) -> Router {
    routes().fallback(not_found).with_state(state)
}

/// The API's routes, without a fallback for unknown paths (the demo serves
/// its files there) and before the state is given.
pub fn routes() -> Router<AppState> {
    let r = Router::new();
    let r = page_routes(notification_routes(order_routes(payment_routes(r))));
    r.method_not_allowed_fallback(method_not_allowed)
}

/// Sessions, customers and their saved methods, payment methods, sources.
fn payment_routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/v1/sessions", post(sessions::create))
        .route(
            "/v1/sessions/{id}",
            get(sessions::retrieve).patch(sessions::update),
        )
        .route(
            "/v1/sessions/{id}/fields",
            get(sessions::fields).patch(sessions::update_fields),
        )
        .route(
            "/v1/sessions/{id}/payment-methods",
            get(methods::for_session).post(customers::tokenize),
        )
        .route(
            "/v1/sessions/{id}/payment-methods/{pmId}",
            delete(customers::delete_for_session),
        )
        .route("/v1/customers", post(customers::create))
        .route("/v1/customers/{id}", get(customers::retrieve))
        .route("/v1/customers/{id}/payment-methods", get(customers::list))
        .route(
            "/v1/customers/{id}/payment-methods/{pmId}",
            delete(customers::delete),
        )
        .route("/v1/sessions/{id}/compliance", get(compliance::details))
        .route("/v1/payment-methods", get(methods::lookup))
        .route("/v1/sessions/{id}/sources", post(attach::attach))
        .route(
            "/v1/sessions/{id}/sources/{source_id}",
            delete(attach::detach),
        )
        .route("/v1/sources", post(sources::create))
        .route("/v1/sources/{id}", get(sources::retrieve))
        .route("/v1/sources/{id}/authenticate", post(sources::authenticate))
}

/// Orders and test mode.
fn order_routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/v1/orders", post(orders::create))
        .route("/v1/orders/{id}", get(orders::retrieve))
        .route("/v1/orders/{id}/captures", post(orders::capture))
        .route("/v1/orders/{id}/cancel", post(orders::cancel))
        .route("/v1/orders/{id}/refunds", post(orders::refund))
        .route("/v1/refunds/{id}", get(orders::refund_retrieve))
        .route("/v1/test/sources/{id}/funds", post(testmode::funds))
        .route("/v1/test/sources/{id}/return", post(testmode::returned))
        .route("/v1/test/sources/{id}/approve", post(testmode::approve))
        .route("/v1/test/sources/{id}/cancel", post(testmode::cancel))
        .route(
            "/v1/test/refunds/{id}/succeed",
            post(testmode::refund_succeed),
        )
        .route("/v1/test/refunds/{id}/fail", post(testmode::refund_fail))
        .route("/v1/test/authorizations/sweep", post(testmode::sweep))
}

/// Events and webhook endpoints.
fn notification_routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/v1/events", get(events::list))
        .route("/v1/events/{id}", get(events::retrieve))
        .route(
            "/v1/webhook-endpoints",
            post(webhooks::create).get(webhooks::list),
        )
        .route(
            "/v1/webhook-endpoints/{id}",
            get(webhooks::retrieve).delete(webhooks::delete),
        )
        .route("/v1/webhook-endpoints/{id}/rotate", post(webhooks::rotate))
        .route(
            "/v1/webhook-endpoints/{id}/deliveries",
            get(webhooks::deliveries),
        )
        .route(
            "/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver",
            post(webhooks::redeliver),
        )
}

/// Hosted pages, the test wallet, texts, this API's document, health.
fn page_routes(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/hosted/challenge/{id}",
        get(hosted::challenge_page).post(hosted::challenge_submit),
    )
    .route(
        "/hosted/redirect/{id}",
        get(hosted::redirect_page).post(hosted::redirect_submit),
    )
    .route("/hosted/assets/hosted.js", get(hosted::script))
    .route("/hosted/assets/hosted.css", get(hosted::style))
    .route("/hosted/assets/icons/{name}", get(hosted::icon))
    .route("/hosted/legal/{doc}", get(hosted::legal))
    .route("/hosted/field", get(hosted::field))
    .route("/hosted/wallet/pay", get(wallet::method))
    .route("/hosted/wallet/manifest.json", get(wallet::method_manifest))
    .route("/hosted/wallet/app.json", get(wallet::app_manifest))
    .route("/hosted/wallet/icon.png", get(wallet::icon))
    .route("/hosted/wallet/sw.js", get(wallet::service_worker))
    .route("/hosted/wallet/window", get(wallet::window))
    .route("/hosted/wallet/window.js", get(wallet::window_script))
    .route("/hosted/wallet/tokens", post(wallet::tokens))
    .route("/v1/locales/{locale}", get(crate::locales::catalog))
    .route(crate::openapi::PATH, get(crate::openapi::serve))
    .route("/healthz", get(|| async { "ok" }))
    .route("/readyz", get(ready))
}

/// `404 route_not_found`.
pub async fn not_found() -> AppError {
    AppError::api(ApiError::new(
        ErrorType::NotFound,
        ErrorCode::RouteNotFound,
        None,
        "No such route.",
    ))
}

async fn method_not_allowed() -> impl IntoResponse {
    AppError::with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        ApiError::bad_request(
            ErrorCode::MethodNotAllowed,
            None,
            "This route does not accept this HTTP method.",
        ),
    )
}

/// `GET /readyz`: 200 with the store's counters when the database answers
/// within [`READY_WITHIN`], else `503 network_unavailable` (a load balancer
/// takes the instance out). The bound holds however the database fails: the
/// store's probe is one attempt within it, and the wait for it (a thread to
/// run it included) is cut at it too.
async fn ready(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<axum::Json<crate::store::StoreHealth>, crate::AppError> {
    let probe = state.db(|s| Ok(s.store.ready(READY_WITHIN)?));
    let h = tokio::time::timeout(READY_WITHIN, probe)
        .await
        .unwrap_or_else(|_| {
            Err(AppError::unavailable(format!(
                "readiness probe: no answer within {} ms",
                READY_WITHIN.as_millis()
            )))
        })?;
    Ok(axum::Json(h))
}
