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
use crate::extract::{deserialize_value, parse_object, read_json_body, Peer};
use crate::ratelimit::{RateLimiter, Scope};
use crate::{ids, Clock};
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use paysession_core::ErrorCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use tower::ServiceExt;

/// One product: prices in minor units per currency.
struct Product {
    sku: &'static str,
    name: &'static str,
    description: &'static str,
    prices: &'static [(&'static str, u64)],
}

const PRODUCTS: &[Product] = &[
    Product {
        sku: "mug",
        name: "Rust-coloured mug",
        description: "Stoneware, 350 ml. Holds coffee while the borrow checker thinks.",
        prices: &[
            ("EUR", 1299),
            ("USD", 1399),
            ("GBP", 1099),
            ("JPY", 1900),
            ("AED", 5200),
        ],
    },
    Product {
        sku: "stickers",
        name: "WebAssembly sticker pack",
        description: "Twelve vinyl stickers for the laptop that ships small bundles.",
        prices: &[
            ("EUR", 500),
            ("USD", 550),
            ("GBP", 450),
            ("JPY", 750),
            ("AED", 2000),
        ],
    },
    Product {
        sku: "plush",
        name: "Ferris plush",
        description: "A soft crab, 25 cm, safe for ages 3 and up.",
        prices: &[
            ("EUR", 2499),
            ("USD", 2699),
            ("GBP", 2199),
            ("JPY", 3600),
            ("AED", 9900),
        ],
    },
];

/// Markets the shop sells to: country, currency, locale of the drop-in, label.
const MARKETS: &[(&str, &str, &str, &str)] = &[
    ("DE", "EUR", "de-DE", "Germany (EUR)"),
    ("NL", "EUR", "en-US", "Netherlands (EUR)"),
    ("FR", "EUR", "fr-FR", "France (EUR)"),
    ("GB", "GBP", "en-US", "United Kingdom (GBP)"),
    ("US", "USD", "en-US", "United States (USD)"),
    ("JP", "JPY", "ja-JP", "Japan (JPY)"),
    ("AE", "AED", "ar", "United Arab Emirates (AED)"),
];

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
}

/// The key of the account cookie's HMAC-SHA256: derived from the vault key
/// for this merchant (`Vault::mac` under the purpose `demo-cookie`), so it
/// survives a restart and is shared by instances with the same vault key.
#[derive(Clone)]
pub struct CookieKey([u8; 32]);

impl CookieKey {
    /// The key of `merchant`'s demo cookies under `vault`.
    pub fn new(vault: &crate::Vault, merchant: &str) -> Self {
        // The HMAC-SHA256 (32 bytes) under the vault's per-merchant key for this purpose.
        let mut k = [0u8; 32];
        let derived = hex::decode(vault.mac("demo-cookie", merchant, b"")).unwrap_or_default();
        for (to, from) in k.iter_mut().zip(derived) {
            *to = from;
        }
        CookieKey(k)
    }

    fn tag(&self, customer: &str) -> String {
        use hmac::Mac;
        let mut m = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.0)
            .expect("HMAC takes any key length");
        m.update(customer.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }

    /// The cookie's value for `customer`: `cus_….<hex HMAC of the id>`.
    pub fn sign(&self, customer: &str) -> String {
        [customer, ".", &self.tag(customer)].concat()
    }

    /// The customer id of a value [`CookieKey::sign`] made with this key;
    /// `None` for a bare id, a tampered tag or another key's value.
    pub fn verify(&self, value: &str) -> Option<String> {
        let (customer, tag) = value.split_once('.')?;
        (ids::is_id("cus_", customer) && crate::config::ct_eq(&self.tag(customer), tag))
            .then(|| customer.to_owned())
    }
}

/// Routes under `/demo/api`.
pub fn router(merchant: DemoMerchant) -> Router {
    Router::new()
        .route("/demo/api/catalog", get(catalog))
        .route("/demo/api/checkout", post(checkout))
        .route("/demo/api/account", post(account))
        .route("/demo/api/sources", post(attach))
        .route("/demo/api/orders", post(order))
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

/// A JSON body whose rejections are contract errors, as on the session API.
struct DemoJson<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for DemoJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, _: &S) -> Result<Self, AppError> {
        parse_object(&read_json_body(req).await?)
            .and_then(deserialize_value)
            .map(DemoJson)
    }
}

async fn catalog() -> Json<Value> {
    let products: Vec<Value> = PRODUCTS
        .iter()
        .map(|p| {
            let prices: serde_json::Map<String, Value> = p
                .prices
                .iter()
                .map(|(c, a)| ((*c).to_owned(), json!(a)))
                .collect();
            json!({"sku": p.sku, "name": p.name, "description": p.description, "prices": prices})
        })
        .collect();
    let markets: Vec<Value> = MARKETS
        .iter()
        .map(|(country, currency, locale, label)| json!({"country": country, "currency": currency, "locale": locale, "label": label}))
        .collect();
    // The languages the drop-in speaks: the catalogs' tags, for the shop's language switch.
    let locales: Vec<&str> = crate::locales::CATALOGS.iter().map(|(t, _)| *t).collect();
    Json(json!({"products": products, "markets": markets, "locales": locales}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    sku: String,
    quantity: u32,
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

/// The cookie that keeps the browser's demo customer, signed with
/// [`CookieKey`] (`HttpOnly`: the page never reads it; a real shop has its
/// own sign-in instead).
const COOKIE: &str = "demo_customer";

/// The customer of a validly signed `demo_customer` cookie, if any.
fn cookie_customer(m: &DemoMerchant, headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .find_map(|v| m.cookie_key.verify(v))
}

/// `Set-Cookie` of the signed account cookie (`Secure` when the shop is
/// served over https).
fn set_cookie(m: &DemoMerchant, customer: &str) -> String {
    let secure = if m.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{COOKIE}={}; Path=/demo/api; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}",
        m.cookie_key.sign(customer)
    )
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

/// Prices the cart in the market's currency; the browser's view of prices is never used.
fn price(items: &[Item], currency: &str) -> Result<u64, AppError> {
    let mut total: u64 = 0;
    for (i, item) in items.iter().enumerate() {
        let Some(p) = PRODUCTS.iter().find(|p| p.sku == item.sku) else {
            return Err(error(
                ErrorCode::InvalidParameter,
                &format!("items[{i}].sku"),
                "No such product.",
            ));
        };
        if item.quantity > 9 {
            return Err(error(
                ErrorCode::InvalidParameter,
                &format!("items[{i}].quantity"),
                "At most 9 of each product.",
            ));
        }
        let Some(&(_, unit)) = p.prices.iter().find(|(c, _)| *c == currency) else {
            return Err(error(
                ErrorCode::InvalidCurrency,
                "currency",
                "This product is not sold in this currency.",
            ));
        };
        total += unit * item.quantity as u64;
    }
    if total == 0 {
        return Err(error(
            ErrorCode::InvalidAmount,
            "items",
            "The cart is empty.",
        ));
    }
    Ok(total)
}

/// The market of `country` and `currency`: (country, currency, locale).
fn market(
    country: &str,
    currency: &str,
) -> Result<(&'static str, &'static str, &'static str), AppError> {
    MARKETS
        .iter()
        .find(|(co, cu, _, _)| *co == country && *cu == currency)
        .map(|&(co, cu, l, _)| (co, cu, l))
        .ok_or_else(|| {
            error(
                ErrorCode::InvalidCountry,
                "country",
                "The shop does not sell to this market.",
            )
        })
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
    let amount = PRODUCTS
        .iter()
        .filter_map(|p| p.prices.iter().find(|(c, _)| *c == mk.1).map(|x| x.1))
        .min()
        .unwrap_or(100);
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

/// Calls the session API as the merchant's server would.
async fn call(
    m: &DemoMerchant,
    method: Method,
    path: &str,
    body: Option<Value>,
    idempotency_key: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", m.secret_key))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = idempotency_key {
        req = req.header("idempotency-key", k);
    }
    let body = body
        .map(|b| Body::from(b.to_string()))
        .unwrap_or_else(Body::empty);
    let internal = || {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"type": "internal_error", "errors": [{"code": "internal_error", "message": "Something went wrong."}]}),
        )
    };
    let Ok(req) = req.body(body) else {
        return internal();
    };
    let res = match m.api.clone().oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let status = res.status();
    let Ok(bytes) = to_bytes(res.into_body(), 1 << 20).await else {
        return internal();
    };
    match serde_json::from_slice(&bytes) {
        Ok(v) => (status, v),
        Err(_) => internal(),
    }
}

/// `GET /` and `/index.html` of the demo shop: its page, with the fields
/// origin added to its CSP's `frame-src 'self'` and the API's origin to its
/// `connect-src 'self'` (the additions a shop makes for secure fields and an
/// API elsewhere), and the headers a shop's page should carry: that policy
/// (the page's `<meta>` one, the one definition) as a `Content-Security-Policy`
/// header with `frame-ancestors 'none'` (which a `<meta>` cannot carry),
/// `Cross-Origin-Opener-Policy: same-origin`, `X-Content-Type-Options: nosniff`,
/// `Cache-Control: no-cache`, and `Strict-Transport-Security` when the
/// public URL is https.
pub async fn index(State(s): State<crate::AppState>) -> Response {
    let Some(dir) = s.demo_dir.clone() else {
        return crate::routes::not_found().await.into_response();
    };
    let Ok(html) = tokio::fs::read_to_string(dir.join("index.html")).await else {
        return crate::routes::not_found().await.into_response();
    };
    let html = page_policy(
        &html,
        s.fields_url.as_deref().and_then(crate::fields::origin_of),
        crate::fields::origin_of(&s.public_url),
    );
    let csp = match meta_csp(&html) {
        Some(p) => [p.trim().trim_end_matches(';'), "; frame-ancestors 'none'"].concat(),
        None => "frame-ancestors 'none'".to_owned(),
    };
    let mut r = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, crate::delivery::NO_CACHE),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::HeaderName::from_static("cross-origin-opener-policy"),
                "same-origin",
            ),
        ],
        html,
    )
        .into_response();
    let h = r.headers_mut();
    if let Ok(v) = header::HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if s.public_url.starts_with("https://") {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000"),
        );
    }
    r
}

/// The page's policy with `fields` added to `frame-src 'self'` and `api` to
/// `connect-src 'self'` (when they are other origins than the page's).
fn page_policy(html: &str, fields: Option<String>, api: Option<String>) -> String {
    let mut html = html.to_owned();
    if let Some(o) = fields {
        html = html.replace("frame-src 'self'", &["frame-src 'self' ", &o].concat());
    }
    if let Some(o) = api {
        html = html.replace("connect-src 'self'", &["connect-src 'self' ", &o].concat());
    }
    html
}

/// The `content` of the page's `<meta http-equiv="Content-Security-Policy">`
/// (attribute values quoted or not, as html-webpack-plugin's minifier leaves them).
fn meta_csp(html: &str) -> Option<&str> {
    html.match_indices("<meta").find_map(|(at, _)| {
        let tag = &html[at..at + html[at..].find('>')?];
        let http_equiv = attribute(tag, "http-equiv")?;
        if !http_equiv.eq_ignore_ascii_case("content-security-policy") {
            return None;
        }
        attribute(tag, "content")
    })
}

/// The value of attribute `name` in `tag` (`name="v"`, `name='v'` or `name=v`).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.match_indices(name).map(|(i, _)| i).find(|&i| {
        tag[..i].ends_with(|c: char| c.is_ascii_whitespace())
            && tag[i + name.len()..].starts_with('=')
    })?;
    let rest = &tag[at + name.len() + 1..];
    match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next(),
        _ => rest
            .split(|c: char| c.is_ascii_whitespace() || c == '>')
            .next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_is_the_meta_one_with_the_origins_added() {
        let html = "<meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\"\n content=\"default-src 'self'; connect-src 'self'; frame-src 'self'\"><title>x</title>";
        let html = page_policy(
            html,
            Some("http://127.0.0.1:2".into()),
            Some("https://api.example".into()),
        );
        assert_eq!(
            meta_csp(&html),
            Some("default-src 'self'; connect-src 'self' https://api.example; frame-src 'self' http://127.0.0.1:2")
        );
        assert_eq!(meta_csp("<h1>demo</h1>"), None);
        // As html-webpack-plugin minifies it.
        let min = "<meta name=viewport content=\"width=device-width\"><meta http-equiv=Content-Security-Policy content=\"default-src 'self'; base-uri 'none'\"><title>";
        assert_eq!(meta_csp(min), Some("default-src 'self'; base-uri 'none'"));
    }

    #[test]
    fn only_a_value_signed_with_the_key_names_a_customer() {
        let vault = crate::Vault::random();
        let key = CookieKey::new(&vault, "default");
        let cus = ids::new_id("cus_");
        let signed = key.sign(&cus);
        assert_eq!(key.verify(&signed).as_deref(), Some(cus.as_str()));
        assert_eq!(key.verify(&cus), None, "a bare id");
        let other = ids::new_id("cus_");
        let swapped = [other.as_str(), &signed[cus.len()..]].concat();
        assert_eq!(key.verify(&swapped), None, "another id under this tag");
        let mut flipped = signed.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(key.verify(std::str::from_utf8(&flipped).unwrap()), None);
        let foreign = CookieKey::new(&crate::Vault::random(), "default");
        assert_eq!(foreign.verify(&signed), None, "another key's value");
        assert_eq!(CookieKey::new(&vault, "other").verify(&signed), None);
    }
}
