//! The demo storefront's own merchant backend (`--demo DIR`).
//!
//! It behaves as a shop's server would: it prices the cart from its own
//! catalog (the browser never sends an amount), creates the payment session
//! with the secret key, attaches the source the drop-in produced and creates
//! the order. It talks to the session API exactly as a merchant would, through
//! the public HTTP routes with `Authorization: Bearer sk_…` and an
//! `Idempotency-Key` on every POST, only in-process (`tower::ServiceExt::oneshot`)
//! instead of over a socket.

use crate::error::AppError;
use crate::extract::Peer;
use crate::ratelimit::{RateLimiter, Scope};
use crate::{ids, Clock};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use paysession_core::ErrorCode;
use serde::Deserialize;
use serde_json::json;

mod after;
mod client;
mod cookie;
mod page;
mod shop;
pub mod webhooks;

use client::{call, DemoJson};
pub use cookie::CookieKey;
use cookie::{cookie_customer, set_cookie};

use shop::{catalog, market, price, Item};

/// The API with the demo shop beside it (`--demo DIR`; [`crate::app`] never
/// includes it): the shop's page and files at `/` (files under the API's
/// middleware, as any unknown path), and with a configured merchant the demo
/// merchant's backend under `/demo/api`, run as the first merchant and
/// calling the API as a merchant server would.
pub fn app(state: crate::AppState) -> Router {
    let Some(dir) = state.demo_dir.clone() else {
        return crate::app::app(state);
    };
    let site = crate::routes::routes()
        .route("/", get(page::index))
        .route("/index.html", get(page::index))
        .fallback_service(crate::delivery::static_files(
            dir,
            axum::routing::any(crate::routes::not_found),
        ))
        .with_state(state.clone());
    let api = crate::app::api(site, &state);
    let r = match state.config.merchants.first() {
        Some(m) => router(DemoMerchant {
            api: api.clone(),
            public_key: m.public_key.clone(),
            secret_key: m.secret_key.clone(),
            ordering: Default::default(),
            ratelimit: state.ratelimit.clone(),
            clock: state.clock.clone(),
            public_url: state.public_url.clone(),
            cookie_key: CookieKey::new(&state.vault, &m.id),
            inbox: Default::default(),
        })
        .merge(api),
        None => api,
    };
    crate::app::finish(r, &state)
}

/// The demo merchant's keys and the session API it calls.
#[derive(Clone)]
pub struct DemoMerchant {
    /// The session API (the same router the server serves).
    pub api: Router,
    /// The merchant's public key, handed to the browser.
    pub public_key: String,
    /// The merchant's secret key; never leaves this module.
    pub secret_key: String,
    /// Serialises order submission, so a double click finds the first order.
    pub ordering: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Limits session creation per client address (the card-testing lock is per session).
    pub ratelimit: std::sync::Arc<RateLimiter>,
    /// The server's clock, for the rate limit.
    pub clock: std::sync::Arc<dyn Clock>,
    /// `--public-url`: the browser's `apiBase`, and `Secure` cookies when https.
    pub public_url: String,
    /// Signs the account cookie.
    pub cookie_key: CookieKey,
    /// Its webhook endpoint's secret and the events received.
    pub inbox: std::sync::Arc<webhooks::Inbox>,
}

/// Routes under `/demo/api`.
pub fn router(merchant: DemoMerchant) -> Router {
    Router::new()
        .route("/demo/api/catalog", get(catalog))
        .route("/demo/api/checkout", post(checkout))
        .route("/demo/api/account", post(account))
        .route("/demo/api/sources", post(attach))
        .route("/demo/api/orders", post(order))
        .route("/demo/api/refunds", post(after::refund))
        .route("/demo/api/simulate", post(after::simulate))
        .route("/demo/api/events", get(webhooks::of_session))
        .route(webhooks::PATH, post(webhooks::receive))
        .with_state(merchant)
}

fn error(code: ErrorCode, parameter: &str, message: &str) -> AppError {
    AppError::validation(code, parameter, message)
}

/// `Ok` when `value` (the field `parameter`) is an id of the session API with
/// `prefix`; ids go into paths and idempotency keys, so nothing else passes.
fn check_id(prefix: &str, parameter: &str, value: &str) -> Result<(), AppError> {
    if ids::is_id(prefix, value) {
        return Ok(());
    }
    Err(error(
        ErrorCode::InvalidParameter,
        parameter,
        &format!("Expected an id of the form {prefix} and 32 hex digits."),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Checkout {
    items: Vec<Item>,
    country: String,
    currency: String,
    /// The shopper's language choice; else the market's.
    locale: Option<String>,
    /// The shopper's demo account: saved cards offered, a card may be saved.
    #[serde(default)]
    account: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Account {
    country: String,
    currency: String,
}

/// The browser's demo customer: the signed cookie's, while the API knows it,
/// else a new customer (`true`: set the cookie). A bare, tampered or foreign
/// value is no account: the shopper gets a fresh one.
async fn customer(m: &DemoMerchant, headers: &HeaderMap) -> Result<(String, bool), Response> {
    if let Some(c) = cookie_customer(m, headers) {
        let (status, _) = call(m, Method::GET, &format!("/v1/customers/{c}"), None, None).await;
        if status.is_success() {
            return Ok((c, false));
        }
    }
    let (status, v) = call(
        m,
        Method::POST,
        "/v1/customers",
        Some(json!({"reference": "demo shopper"})),
        None,
    )
    .await;
    match v["id"].as_str() {
        Some(id) if status.is_success() => Ok((id.to_owned(), true)),
        _ => Err((status, Json(v)).into_response()),
    }
}

async fn checkout(
    State(m): State<DemoMerchant>,
    Peer(peer): Peer,
    headers: HeaderMap,
    DemoJson(c): DemoJson<Checkout>,
) -> Response {
    let mk = match market(&c.country, &c.currency) {
        Ok(mk) => mk,
        Err(e) => return e.into_response(),
    };
    let locale = match c.locale.as_deref() {
        None => mk.2,
        Some(l) => match crate::locales::resolve(l) {
            Some(tag) => tag,
            None => {
                return error(
                    ErrorCode::InvalidParameter,
                    "locale",
                    "The shop has no texts in this language.",
                )
                .into_response()
            }
        },
    };
    let amount = match price(&c.items, mk.1) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    session(&m, peer, &headers, (mk.0, mk.1, locale), amount, c.account).await
}

/// `POST /demo/api/account`: a session of the shopper's demo customer for
/// managing its saved cards (the amount of the cheapest product; nothing is paid).
async fn account(
    State(m): State<DemoMerchant>,
    Peer(peer): Peer,
    headers: HeaderMap,
    DemoJson(a): DemoJson<Account>,
) -> Response {
    let mk = match market(&a.country, &a.currency) {
        Ok(mk) => mk,
        Err(e) => return e.into_response(),
    };
    let amount = shop::cheapest(mk.1);
    session(&m, peer, &headers, mk, amount, true).await
}

/// Creates the payment session (with the demo customer when `account`) and
/// answers what the browser needs.
async fn session(
    m: &DemoMerchant,
    peer: Option<std::net::SocketAddr>,
    headers: &HeaderMap,
    (country, currency, locale): (&str, &str, &str),
    amount: u64,
    account: bool,
) -> Response {
    // Each checkout is a fresh session with ten card attempts of its own: limit
    // them per client address, or the lock is walked around.
    let client = m.ratelimit.client(peer, headers);
    if let Err(t) = m
        .ratelimit
        .allow(Scope::DemoCheckout, "", client, m.clock.now())
        .await
    {
        return t.into_response();
    }
    webhooks::ensure(m).await;
    let reference = ids::new_id("demo_");
    let mut body = json!({"amount": amount, "currency": currency, "country": country, "locale": locale, "reference": reference});
    let mut new_customer = None;
    if account {
        match customer(m, headers).await {
            Ok((id, new)) => {
                body["customerId"] = json!(id);
                new_customer = new.then_some(id);
            }
            Err(r) => return r,
        }
    }
    let (status, session) = call(
        m,
        Method::POST,
        "/v1/sessions",
        Some(body),
        Some(&reference),
    )
    .await;
    if !status.is_success() {
        return (status, Json(session)).into_response();
    }
    // The browser reaches the session API at the public URL (never the request's `Host`).
    let mut r = Json(json!({
        "sessionId": session["id"],
        "amount": session["amount"],
        "currency": session["currency"],
        "country": session["country"],
        "locale": locale,
        "reference": reference,
        "account": account,
        "publicKey": m.public_key,
        "apiBase": m.public_url,
        "testMode": after::test_mode(m),
    }))
    .into_response();
    if let Some(id) = new_customer {
        if let Ok(v) = header::HeaderValue::from_str(&set_cookie(m, &id)) {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    r
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Attach {
    session_id: String,
    source_id: String,
}

async fn attach(State(m): State<DemoMerchant>, DemoJson(a): DemoJson<Attach>) -> Response {
    if let Err(e) = check_id(ids::SESSION, "sessionId", &a.session_id)
        .and_then(|()| check_id(ids::SOURCE, "sourceId", &a.source_id))
    {
        return e.into_response();
    }
    let path = format!("/v1/sessions/{}/sources", a.session_id);
    // One key per (session, source): a double click attaches once.
    let key = format!("attach-{}-{}", a.session_id, a.source_id);
    let (status, v) = call(
        &m,
        Method::POST,
        &path,
        Some(json!({"sourceId": a.source_id})),
        Some(&key),
    )
    .await;
    (status, Json(v)).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OrderReq {
    session_id: String,
}

async fn order(State(m): State<DemoMerchant>, DemoJson(o): DemoJson<OrderReq>) -> Response {
    if let Err(e) = check_id(ids::SESSION, "sessionId", &o.session_id) {
        return e.into_response();
    }
    let _one_at_a_time = m.ordering.lock().await;
    // Decide on a version of the session (Mastercard's optimistic locking): the
    // order is created only if the session is still what we looked at.
    let (status, session) = call(
        &m,
        Method::GET,
        &format!("/v1/sessions/{}", o.session_id),
        None,
        None,
    )
    .await;
    if !status.is_success() {
        return (status, Json(session)).into_response();
    }
    // Already ordered (a double click, a retry): answer with that order.
    if let (Some("complete"), Some(order_id)) =
        (session["state"].as_str(), session["orderId"].as_str())
    {
        let (status, v) = call(
            &m,
            Method::GET,
            &format!("/v1/orders/{order_id}"),
            None,
            None,
        )
        .await;
        return (status, Json(v)).into_response();
    }
    let version = session["version"].clone();
    // One key per (session, version): a retry of this attempt replays it; a later
    // attempt on a changed session is a new request.
    let key = format!("order-{}-v{}", o.session_id, version);
    let body = json!({"sessionId": o.session_id, "version": version});
    let (status, v) = call(&m, Method::POST, "/v1/orders", Some(body), Some(&key)).await;
    (status, Json(v)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::Request;
    use axum::http::StatusCode;
    use tower::ServiceExt;

    /// `crate::app` is the API alone, even with a demo directory set; only
    /// [`app`] (what `serve` picks with `--demo`) adds the demo merchant.
    #[tokio::test]
    async fn the_api_alone_has_no_demo() {
        let store = std::sync::Arc::new(crate::SqliteStore::memory().unwrap());
        let mut state =
            crate::AppState::new(crate::Config::default(), store, crate::Vault::random());
        state.demo_dir = Some(std::env::temp_dir());
        let status = |r: Router| async move {
            let req = Request::get("/demo/api/catalog")
                .body(Body::empty())
                .unwrap();
            r.oneshot(req).await.unwrap().status()
        };
        assert_eq!(
            status(crate::app(state.clone())).await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(status(app(state)).await, StatusCode::OK);
    }
}
