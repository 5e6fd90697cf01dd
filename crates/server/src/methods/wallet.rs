//! Wallets (Apple Pay, Google Pay) and the simulated wallet of test mode: the
//! tokens (issued, redeemed). The test wallet's pages and endpoints are
//! [`crate::wallet`] (HTTP).
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
    model::SessionRec,
    processor::{self, CardOutcome},
    AppState,
};
use paysession_core::{
    card::CardNumber,
    state::{PaymentType, SourceState},
    wire::CreditCardView,
    ApiError, ErrorCode,
};
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
pub fn issue(s: &AppState, rec: &SessionRec, kind: PaymentType, card: usize, now: i64) -> String {
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

/// The wallet token of the request (its syntax; [`redeem`] checks it).
pub(super) fn input(req: &paysession_core::wire::CreateSource) -> Result<String, AppError> {
    let kind = req.kind;
    let w = match kind {
        PaymentType::ApplePay => &req.apple_pay,
        _ => &req.google_pay,
    };
    let p = format!("{}.token", kind.as_str());
    let token = w.as_ref().and_then(|w| w.token.clone());
    let token = token.ok_or_else(|| super::missing(&p))?;
    if token.is_empty() || token.len() > MAX_TOKEN {
        return Err(bad_token(&p, "The wallet token is not valid."));
    }
    Ok(token)
}

/// The wallet source's create branch: the token redeemed, the card it
/// carries, the processor's verdict (no challenge: the cryptogram stands for it).
pub(crate) fn create(
    token: &str,
    at: &super::At,
    rec: &mut SessionRec,
    d: &mut super::Draft,
) -> Result<(), AppError> {
    let (s, merchant, req, now) = (at.s, at.merchant, at.req, at.now);
    let w = redeem(s, merchant, req.kind, token, rec, now)?;
    rec.wallet_tokens.push(w.nonce);
    d.changed = true;
    let view = Some(CreditCardView {
        brand: w.number.brand(),
        last_four_digits: w.number.last4().to_owned(),
        expiration_month: w.month,
        expiration_year: w.year,
        fingerprint: s.vault.fingerprint(merchant, w.number.expose()),
    });
    match req.kind {
        PaymentType::ApplePay => d.src.apple_pay = view,
        _ => d.src.google_pay = view,
    }
    // The wallet's cryptogram authenticated the shopper on the
    // device: no 3-D Secure challenge, even for a card whose
    // issuer would challenge it (docs/API.md §wallets).
    match processor::card(w.number.expose(), rec.country) {
        CardOutcome::Chargeable => {}
        CardOutcome::Challenge => {
            d.rec.note =
                Some("3-D Secure: authenticated by the wallet's cryptogram (no challenge).".into());
        }
        CardOutcome::Declined(code) => {
            d.src.state = SourceState::Failed;
            rec.failed_attempts += 1;
            d.result = Err(AppError::api(ApiError::bad_request(
                code,
                None,
                processor::decline_message(code),
            )));
        }
    }
    Ok(())
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
