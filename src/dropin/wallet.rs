//! Wallet buttons (Apple Pay, Google Pay, the test wallet) at the top of the
//! drop-in. Their code is a separate module, `wallet.js` beside the SDK
//! (`pkg/`, `pkg-web/`, from `src/wallet.js`), imported only when the
//! session's payment methods offer a wallet: it asks the browser's Payment
//! Request API which wallets can pay here (`canMakePayment()`), shows only
//! those buttons in the fieldset made here, and hands back the wallet's
//! answer as a `submit` of that fieldset (`data-type`, `data-token`; no
//! token: cancelled). The submit goes through `pay::submit` like any form's,
//! with the same outcomes and callbacks. No closures cross to the module.

use super::config::Config;
use super::Mounted;
use crate::i18n::Texts;
use crate::js;
use crate::view::{attrs, el, hide};
use paysession_core::state::PaymentType;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(
    inline_js = "export function lw(f,c,t){import(/* webpackIgnore: true */ new URL('../../wallet.js',import.meta.url).href).then(m=>m.mount(f,c,t),()=>{})}"
)]
extern "C" {
    fn lw(fieldset: &JsValue, cfg: &JsValue, texts: &JsValue);
}

/// Whether the browser may be asked about the wallet `k` of type `ty`. Apple
/// Pay and Google Pay only when the merchant names them in
/// `enabledPaymentMethods`: asking means a payment method manifest fetch
/// (`https://google.com/pay`, …) under the shop's `connect-src`, which a
/// strict policy refuses and reports. The test wallet is the API's own
/// Payment Handler (its manifest on the API's origin): whenever allowed.
fn asks(config: &Config, k: &str, ty: PaymentType) -> bool {
    let named = config.enabled.as_ref().is_some_and(|e| e.contains(&ty));
    config.allows(ty) && (k == "testWallet" || named)
}

/// Puts the wallets' (hidden) fieldset at the top of `m` when `pm` offers a
/// wallet the merchant enabled ([`asks`]), and loads the wallet module into it.
pub fn offer(m: &Mounted, config: &Config, t: &Texts, pm: &JsValue) {
    let cfg = js::object();
    let mut any = false;
    for (k, ty) in [
        ("applePay", PaymentType::ApplePay),
        ("googlePay", PaymentType::GooglePay),
        ("testWallet", PaymentType::GooglePay),
    ] {
        let v = js::get(pm, k);
        if js::is_record(&v) && asks(config, k, ty) {
            js::set(&cfg, k, &v);
            any = true;
        }
    }
    let Some(doc) = m.host.owner_document().filter(|_| any) else {
        return;
    };
    js::set(
        &cfg,
        "sessionInformation",
        &js::get(pm, "sessionInformation"),
    );
    js::set(&cfg, "sessionId", &config.session_id.as_str().into());
    let exponent = paysession_core::Currency::parse(&m.currency).map_or(2, |c| c.exponent());
    js::set(&cfg, "exponent", &exponent.into());
    let texts = js::object();
    for k in ["applePay", "googlePay", "simulated", "or"] {
        js::set(&texts, k, &t.t(&["wallet.", k].concat()).into());
    }
    let fs = el(&doc, "fieldset", "", "");
    attrs(&fs, &[("id", "pay-wallets")]);
    hide(&fs, true);
    let _ = m.body.insert_before(&fs, m.body.first_child().as_ref());
    lw(&fs, &cfg, &texts);
}

/// The wallet's answer: a cancel (`None`), or the request's `token`.
pub fn token(m: &Mounted) -> Option<String> {
    let f = m.root.get_element_by_id("pay-wallets")?;
    let t = f.get_attribute("data-token");
    let _ = f.remove_attribute("data-token");
    t.filter(|t| !t.is_empty())
}
