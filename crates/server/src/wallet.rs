//! The test wallet's HTTP side: `POST /hosted/wallet/tokens` and the Payment
//! Handler's pages (method manifest, app manifest, service worker, window).
//! Its tokens, and what a wallet source checks, are [`crate::methods::wallet`].

use crate::{
    error::AppError,
    extract::JsonBody,
    flows::{ensure_open, now},
    methods::wallet::{issue, test_mode, CARDS},
    state::base_url,
    AppState,
};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use paysession_core::{state::PaymentType, ErrorCode};
use serde::{Deserialize, Serialize};

/// `POST /hosted/wallet/tokens` (the test wallet's window).
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = WalletTokenRequest)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenRequest {
    /// The session to pay.
    session_id: String,
    /// `applePay` or `googlePay`.
    #[serde(rename = "type")]
    kind: PaymentType,
    /// Index into the wallet's cards.
    card: usize,
    /// What the wallet showed: must be what the session still needs
    /// (`amountRemainingToBeContributed`, minor units) and its currency.
    amount: u64,
    /// ISO 4217.
    currency: String,
}

/// The answer: the token and the card it pays with (masked).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = WalletToken)]
#[serde(rename_all = "camelCase")]
pub struct TokenAnswer {
    /// `wt1_…`: single use, for this session, amount and wallet.
    token: String,
    /// The card's last four digits.
    last_four_digits: String,
}

/// `POST /hosted/wallet/tokens`: the test wallet issues a token for an open
/// session of a test-mode merchant (no key: like the hosted pages, the
/// session id is the capability; the token only pays that session, once).
pub async fn tokens(
    State(s): State<AppState>,
    JsonBody(req): JsonBody<TokenRequest>,
) -> Result<(StatusCode, Json<TokenAnswer>), AppError> {
    s.db(move |s| {
        if !PaymentType::WALLETS.contains(&req.kind) {
            return Err(AppError::validation(
                ErrorCode::InvalidParameter,
                "type",
                "`type` must be applePay or googlePay.",
            ));
        }
        if req.card >= CARDS.len() {
            return Err(AppError::validation(
                ErrorCode::InvalidParameter,
                "card",
                "`card` is not one of the wallet's cards.",
            ));
        }
        let rec = match s.store.session(&req.session_id)? {
            Some(r) => r,
            None => return Err(AppError::not_found("session")),
        };
        let test = s
            .config
            .merchants
            .iter()
            .any(|m| m.id == rec.merchant_id && test_mode(m));
        if !test {
            return Err(AppError::not_found("session"));
        }
        let now = now(s);
        ensure_open(&rec, now)?;
        if req.amount == 0 || req.amount != rec.remaining() || req.currency != rec.currency.as_str()
        {
            return Err(AppError::validation(
                ErrorCode::InvalidAmount,
                "amount",
                "The amount is not what the session still needs.",
            ));
        }
        let token = issue(s, &rec, req.kind, req.card, now);
        Ok((
            StatusCode::CREATED,
            Json(TokenAnswer {
                token,
                last_four_digits: CARDS[req.card].0[12..].into(),
            }),
        ))
    })
    .await
}

fn with(body: impl IntoResponse, ct: &'static str, cache: bool) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if cache {
            "public, max-age=300"
        } else {
            "no-store"
        }),
    );
    r
}

/// `GET|HEAD /hosted/wallet/pay`: the URL payment method identifier, with a
/// `Link` to its payment method manifest.
pub async fn method(State(s): State<AppState>) -> Response {
    let link = format!(
        "<{}/hosted/wallet/manifest.json>; rel=\"payment-method-manifest\"",
        base_url(&s)
    );
    let mut r = with(
        "PaySession test wallet (a Payment Handler).",
        "text/plain; charset=utf-8",
        true,
    );
    if let Ok(v) = HeaderValue::from_str(&link) {
        r.headers_mut().insert(header::LINK, v);
    }
    r
}

/// `GET /hosted/wallet/manifest.json`: the payment method manifest.
pub async fn method_manifest(State(s): State<AppState>) -> Response {
    let body = serde_json::json!({
        "default_applications": [format!("{}/hosted/wallet/app.json", base_url(&s))],
    });
    with(body.to_string(), "application/json", true)
}

/// `GET /hosted/wallet/app.json`: the payment app's web app manifest.
pub async fn app_manifest() -> Response {
    let body = serde_json::json!({
        "name": "PaySession Test Wallet",
        "short_name": "Test Wallet",
        "icons": [{"src": "icon.png", "sizes": "32x32", "type": "image/png"}],
        "serviceworker": {"src": "sw.js", "scope": "/hosted/wallet/", "use_cache": false},
    });
    with(body.to_string(), "application/manifest+json", true)
}

/// `GET /hosted/wallet/icon.png`.
pub async fn icon() -> Response {
    with(
        &include_bytes!("assets/wallet-icon.png")[..],
        "image/png",
        true,
    )
}

/// `GET /hosted/wallet/sw.js`: the payment app's service worker.
pub async fn service_worker() -> Response {
    with(
        include_str!("assets/wallet-sw.js"),
        "text/javascript; charset=utf-8",
        false,
    )
}

/// `GET /hosted/wallet/window.js`: the wallet window's script.
pub async fn window_script() -> Response {
    with(
        include_str!("assets/wallet-window.js"),
        "text/javascript; charset=utf-8",
        true,
    )
}

const WINDOW_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/// `GET /hosted/wallet/window`: the wallet window (opened by the service
/// worker): the total, the wallet's cards (masked), Pay and Cancel.
pub async fn window() -> Response {
    let cards: String = CARDS
        .iter()
        .enumerate()
        .map(|(i, (n, m, y))| {
            let brand = if n.starts_with('4') {
                "Visa"
            } else {
                "Mastercard"
            };
            format!(
                "<li><label><input type=\"radio\" name=\"card\" value=\"{i}\"{c}> \
                 {brand} •••• {l} <small>{m:02}/{y}</small></label></li>",
                c = if i == 0 { " checked" } else { "" },
                l = &n[12..],
            )
        })
        .collect();
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Test Wallet</title><link rel=\"stylesheet\" href=\"/hosted/assets/hosted.css\"></head>\
         <body><main><h1>Test Wallet</h1>\
         <p>Pay <strong id=\"total\">…</strong> to <span id=\"payee\"></span></p>\
         <form id=\"f\"><fieldset><legend>Card</legend><ul>{cards}</ul></fieldset>\
         <p role=\"status\" aria-live=\"polite\" id=\"st\"></p>\
         <button type=\"submit\" id=\"pay\" disabled>Pay</button> \
         <button type=\"button\" id=\"cancel\">Cancel</button></form>\
         <p><small>Simulated wallet of test mode: no real card is charged.</small></p></main>\
         <script src=\"/hosted/wallet/window.js\"></script></body></html>\n"
    );
    let mut r = with(page, "text/html; charset=utf-8", false);
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(WINDOW_CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}
