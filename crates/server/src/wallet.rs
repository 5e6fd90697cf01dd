//! Wallets (Apple Pay, Google Pay) and the simulated wallet of test mode.
//!
//! A wallet source is `POST /v1/sources {type: "googlePay"|"applePay",
//! sessionId, <type>: {token}}`. This backend's processor is simulated, so it
//! decrypts no real Apple Pay / Google Pay token: the tokens it accepts are
//! the ones its **test wallet** issues (test mode: `pk_test_…` merchants).
//!
//! The test wallet is a real Payment Handler (W3C Payment Handler API): the
//! URL method identifier `{base}/hosted/wallet/pay` answers a `Link` to its
//! payment method manifest, which names the web app manifest of a service
//! worker payment app (`sw.js`). The browser installs it just in time when a
//! page's `PaymentRequest` names the identifier; its `paymentrequest` handler
//! opens the wallet window (`/hosted/wallet/window`), where the shopper picks
//! one of the wallet's cards; the window asks `POST /hosted/wallet/tokens`
//! for a token and the handler answers it as `PaymentResponse.details.token`.
//!
//! A token is `wt1_<hex payload>.<hex HMAC>`: the payload names the wallet
//! type, the session, the amount it still needs and its currency, a nonce, an expiry
//! ([`TOKEN_TTL`]), the card sealed by the vault (bound to the nonce) and a
//! cryptogram; the HMAC-SHA256 is under the merchant's key derived from the
//! vault key. Redeeming checks all of them against the session; the nonce is
//! recorded on the session in the same compare-and-swap that creates the
//! source, so a token pays once. The cryptogram stands for the device
//! authentication of a real wallet: a wallet source gets no 3-D Secure
//! challenge, even for a card whose issuer would challenge it.

use crate::{
    config::Merchant,
    error::AppError,
    extract::JsonBody,
    flows::{ensure_open, now},
    model::SessionRec,
    routes::base_url,
    AppState,
};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use paysession_core::{card::CardNumber, state::PaymentType, ErrorCode};
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// Longest token accepted.
pub const MAX_TOKEN: usize = 4096;
/// How long an issued token can be redeemed (seconds).
pub const TOKEN_TTL: i64 = 300;
/// The test wallet's cards: number, expiry. The second is challenged by its
/// issuer in SCA countries (as a plain card source), never through the wallet.
pub const CARDS: [(&str, u8, u16); 2] = [
    ("4242424242424242", 12, 2030),
    ("5454545454545454", 12, 2030),
];
const PREFIX: &str = "wt1_";

/// `invalid_wallet_token` on `param`.
pub fn bad_token(param: &str, msg: &str) -> AppError {
    AppError::validation(ErrorCode::InvalidWalletToken, param, msg)
}

/// Test mode: the merchant's public key is a test key.
pub fn test_mode(m: &Merchant) -> bool {
    m.public_key.starts_with("pk_test_")
}

#[derive(Serialize, Deserialize)]
struct Payload {
    /// Wallet type.
    t: PaymentType,
    /// Session id.
    s: String,
    /// Amount, minor units.
    a: u64,
    /// Currency.
    c: String,
    /// Nonce.
    n: String,
    /// Expiry, unix seconds.
    e: i64,
    /// The card number, sealed with the nonce as associated data.
    k: String,
    /// Expiry month and year of the card.
    m: u8,
    y: u16,
    /// The (simulated) cryptogram.
    g: String,
}

fn mac(s: &AppState, merchant: &str, payload_hex: &str) -> String {
    s.vault
        .mac("wallet-token", merchant, payload_hex.as_bytes())
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |x, (p, q)| x | (p ^ q)) == 0
}

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Issues a token of `kind` for `rec` as it is now, paying with `CARDS[card]`.
fn issue(s: &AppState, rec: &SessionRec, kind: PaymentType, card: usize, now: i64) -> String {
    let (number, m, y) = CARDS[card.min(CARDS.len() - 1)];
    let n = random_hex(16);
    let p = Payload {
        t: kind,
        s: rec.id.clone(),
        a: rec.remaining(),
        c: rec.currency.as_str().into(),
        k: s.vault.seal(number, &["wallet:", &n].concat()),
        n,
        e: now + TOKEN_TTL,
        m,
        y,
        g: random_hex(20),
    };
    let body = hex::encode(serde_json::to_vec(&p).unwrap_or_default());
    let tag = mac(s, &rec.merchant_id, &body);
    [PREFIX, &body, ".", &tag].concat()
}

/// A redeemed token: the nonce to record and the card it pays with.
pub struct Redeemed {
    pub nonce: String,
    pub number: CardNumber,
    pub month: u8,
    pub year: u16,
}

/// Checks `token` for a `kind` source on `rec` at `now`: issued by this
/// backend for this merchant (HMAC), not expired, for this wallet type,
/// session, amount and currency, and not used before on this session.
pub fn redeem(
    s: &AppState,
    merchant: &str,
    kind: PaymentType,
    token: &str,
    rec: &SessionRec,
    now: i64,
) -> Result<Redeemed, AppError> {
    let param = [kind.as_str(), ".token"].concat();
    let bad = |m: &str| bad_token(&param, m);
    let forged = || bad("The wallet token is not valid.");
    let (body, tag) = token
        .strip_prefix(PREFIX)
        .and_then(|t| t.split_once('.'))
        .ok_or_else(forged)?;
    if !same(mac(s, merchant, body).as_bytes(), tag.as_bytes()) {
        return Err(forged());
    }
    let p: Payload = hex::decode(body)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(forged)?;
    if p.t != kind {
        return Err(bad("The wallet token was issued for another wallet."));
    }
    if p.s != rec.id {
        return Err(bad("The wallet token was issued for another session."));
    }
    if p.a != rec.remaining() || p.c != rec.currency.as_str() {
        return Err(bad("The wallet token was issued for another amount."));
    }
    if now >= p.e {
        return Err(bad("The wallet token has expired."));
    }
    if rec.wallet_tokens.contains(&p.n) {
        return Err(AppError::validation(
            ErrorCode::WalletTokenUsed,
            &param,
            "This wallet token was already used.",
        ));
    }
    let digits = s
        .vault
        .open(&p.k, &["wallet:", &p.n].concat())
        .ok_or_else(forged)?;
    let number = CardNumber::parse(&digits).map_err(|_| forged())?;
    Ok(Redeemed {
        nonce: p.n,
        number,
        month: p.m,
        year: p.y,
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_compare() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
