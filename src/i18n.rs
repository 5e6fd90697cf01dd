//! Texts and amounts. en-US is built in (the keys the widget uses, one
//! string); other locales come from `GET {apiBase}/v1/locales/{locale}`
//! only when asked for, with en-US for any missing key. Amounts go through
//! `Intl.NumberFormat` with the currency's minor-unit exponent from core,
//! card expiry dates through `Intl.DateTimeFormat` (`month_year`): digits and
//! order follow the locale. crates/server/src/locales/tests.rs checks that this
//! EN is en-US.json's text for every key the SDK names.

use crate::js;
use js_sys::{Array, Intl, Object};
use paysession_core::money::{Currency, MAX_AMOUNT};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

// The built-in English, in parts by build: `en_base!` in every build (what
// the card build shows: the card fields' labels and the words of every error
// its fields and `createSource` with them can give, `terms_not_accepted`'s
// among them); `en_api!` from the Elements build on (the compliance element's
// texts, the words of the other payment types' errors); `en_dropin!` with the
// drop-in only (its own texts: a page of the Elements build never shows them,
// so its module does not carry them). One `key=text` per line;
// crates/server/src/locales/tests.rs checks them against en-US.json and
// which part a key the source names must be in.
macro_rules! en_base {
    () => {
        "\
field.cardNumber=Card number\n\
field.expiry=Expiry date (MM/YY)\n\
field.cvv=Security code\n\
terms.required=Accept the terms of sale to continue.\n\
error.missing_parameter=This field is required.\n\
error.invalid_parameter=This value is not valid.\n\
error.invalid_card_number=This card number is not valid.\n\
error.incomplete_card_number=The card number is incomplete.\n\
error.invalid_expiration_date=This expiry date is not valid or has passed.\n\
error.incomplete_expiration_date=The expiry date is incomplete.\n\
error.invalid_security_code=This security code is not valid.\n\
error.incomplete_security_code=The security code is incomplete.\n\
error.card_declined=Your card was declined. Try another card or method.\n\
error.insufficient_funds=The card has insufficient funds. Try another card or method.\n\
error.authentication_failed=The payment could not be verified. Try again or use another card.\n\
error.payment_cancelled=The payment was cancelled.\n\
error.session_expired=This checkout has expired. Please start again.\n\
error.session_locked=Too many failed attempts. Please contact the shop.\n\
error.session_complete=This checkout is already paid.\n\
error.payment_method_unavailable=This payment method is not available for this order.\n\
error.payment_method_removed=This saved payment method is no longer available. Choose another.\n\
error.network_unavailable=We could not reach the payment service. Check your connection and try again.\n\
error.request_timeout=The payment service took too long to answer. Try again.\n\
error.generic=Something went wrong. Please try again.\n"
    };
}
#[cfg(feature = "api")]
macro_rules! en_api {
    () => {
        "\
compliance.seller={seller} is the seller of record for this order.\n\
compliance.terms=Terms of sale\n\
compliance.privacy=Privacy policy\n\
compliance.cancellation=Cancellation rights\n\
compliance.legal=Legal notice\n\
error.invalid_iban=This IBAN is not valid.\n\
error.invalid_gift_card=This gift card number or PIN is not valid.\n\
error.invalid_wallet_token=The wallet could not pay. Try again or choose another method.\n\
error.wallet_token_used=This wallet payment was already used. Try again.\n"
    };
}
#[cfg(feature = "dropin")]
macro_rules! en_dropin {
    () => {
        "\
loading=Loading payment methods…\n\
paymentMethods=Payment methods\n\
method.creditCard=Credit or debit card\n\
method.payPal=PayPal\n\
method.klarnaCredit=Klarna — pay later\n\
method.ideal=iDEAL\n\
method.sepaDebit=SEPA Direct Debit\n\
method.wireTransfer=Bank transfer\n\
method.giftCard=Gift card\n\
field.card=Card details\n\
field.cardholder=Name on card\n\
field.iban=IBAN\n\
field.accountHolder=Account holder\n\
field.giftCardNumber=Gift card number\n\
field.pin=PIN\n\
button.payNow=Pay {amount}\n\
button.buyNow=Buy now {amount}\n\
button.continue=Continue\n\
button.completeOrder=Complete order {amount}\n\
button.submitOrder=Submit order {amount}\n\
button.applyGiftCard=Apply gift card\n\
button.redirect=Continue to {method}\n\
processing=Processing your payment…\n\
redirecting=Taking you to {method}…\n\
giftCardApplied=Gift card applied: {amount}\n\
wire.intro=Transfer {amount} to this account. Your order ships when the money arrives.\n\
wire.accountHolder=Account holder\n\
wire.bankName=Bank\n\
wire.iban=IBAN\n\
wire.bic=BIC\n\
wire.reference=Reference (required)\n\
sepa.mandate=By paying, you authorise the seller to debit your account by SEPA Direct Debit.\n\
klarna.terms=Pay within 30 days. Klarna's terms apply.\n\
challenge.title=Confirm your payment\n\
challenge.close=Cancel verification\n\
terms.accept=I have read and accept the terms of sale.\n\
consents.text=By paying, you agree to the following documents of {company}:\n\
consents.eula=End-user licence agreement\n\
consents.termsOfUse=Terms of use\n\
consents.termsOfService=Terms of service\n\
save.agreement=Save this payment method for future purchases\n\
saved.title=Saved payment methods\n\
saved.card={brand} ending in {last4}\n\
saved.expires=Expires {date}\n\
saved.expired=Expired\n\
saved.useNew=Use a new payment method\n\
saved.cvvHint=Enter the security code of this card to pay.\n\
save.usage.convenience=We save your card so you can pay faster next time. You can remove it at any time.\n\
save.usage.subscription=We save your card and charge it for your subscription as agreed. You can cancel at any time.\n\
save.usage.unscheduled=We save your card and may charge it later for amounts you have agreed to.\n\
wallet.applePay=Pay with Apple Pay\n\
wallet.googlePay=Pay with Google Pay\n\
wallet.simulated=Pay with Test Wallet\n\
wallet.or=Or pay another way\n"
    };
}
// `en_manage!`: the manage flow's own texts, only in the module that has it
// (`paysession-manage`; the checkout's module loads it for that flow).
#[cfg(feature = "manage")]
macro_rules! en_manage {
    () => {
        "\
saved.remove=Remove\n\
saved.removeLabel=Remove {card}\n\
saved.removed=Payment method removed.\n\
saved.added=Payment method saved.\n\
saved.none=You have no saved payment methods.\n\
manage.title=Manage payment methods\n\
manage.add=Add a payment method\n\
button.savePaymentMethod=Save payment method\n"
    };
}
#[cfg(feature = "manage")]
const EN: &str = concat!(en_base!(), en_api!(), en_dropin!(), en_manage!());
#[cfg(all(feature = "dropin", not(feature = "manage")))]
const EN: &str = concat!(en_base!(), en_api!(), en_dropin!());
#[cfg(all(feature = "api", not(feature = "dropin")))]
const EN: &str = concat!(en_base!(), en_api!());
#[cfg(not(feature = "api"))]
const EN: &str = en_base!();

/// The texts of one locale.
#[derive(Clone)]
pub struct Texts {
    /// The BCP 47 tag, for `Intl`.
    pub locale: String,
    /// The fetched catalog, or `undefined` for en-US.
    pub catalog: JsValue,
}

impl Texts {
    /// The built-in English alone (no catalog), for `locale`'s `Intl` formatting.
    pub fn built_in(locale: String) -> Texts {
        Texts {
            locale,
            catalog: JsValue::UNDEFINED,
        }
    }

    /// The text for `key`: the catalog's, else en-US's, else the key.
    pub fn t(&self, key: &str) -> String {
        if let Some(s) = js::get(&self.catalog, key).as_string() {
            return s;
        }
        // "\n" + key + "=" in "\n" + EN, up to the next line's "\n" (a plain
        // scan: no `CharSearcher`).
        let line = [key, "="].concat();
        let at = if EN.starts_with(&line) {
            Some(0)
        } else {
            crate::scan::find(EN, &["\n", &line].concat()).map(|i| i + 1)
        };
        at.and_then(|i| EN.get(i + line.len()..))
            .and_then(|r| r.get(..r.bytes().position(|b| b == b'\n')?))
            .unwrap_or(key)
            .into()
    }

    /// `t(key)` with (the first) `{name}` replaced by `value`.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        fill(self.t(key), name, value)
    }

    /// `t(key)` with each `{name}` of `pairs` replaced (`saved.card`: `{brand}`, `{last4}`).
    pub fn tn(&self, key: &str, pairs: &[(&str, &str)]) -> String {
        pairs
            .iter()
            .fold(self.t(key), |s, (name, value)| fill(s, name, value))
    }

    /// A card's expiry month for this locale through `Intl.DateTimeFormat`
    /// (`12/2030`, `2030/12`, `١٢/٢٠٣٠`): for `saved.expires`' `{date}`.
    pub fn month_year(&self, month: u32, year: u32) -> String {
        let opts = js::object();
        js::set(&opts, "month", &"2-digit".into());
        js::set(&opts, "year", &"numeric".into());
        js::set(&opts, "timeZone", &"UTC".into());
        let df = Intl::DateTimeFormat::new(&Array::of1(&self.locale.as_str().into()), &opts);
        let ms = js_sys::Date::utc(year as f64, month.clamp(1, 12) as f64 - 1.0);
        df.format()
            .call1(&df, &js_sys::Date::new(&ms.into()))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }

    /// The message for an error code, else the generic one.
    pub fn error(&self, code: &str) -> String {
        if code == "terms_not_accepted" {
            return self.t("terms.required");
        }
        let key = ["error.", code].concat();
        let s = self.t(&key);
        if s == key {
            self.t("error.generic")
        } else {
            s
        }
    }

    /// Right-to-left script (the catalog says `"dir": "rtl"`).
    pub fn rtl(&self) -> bool {
        js::get(&self.catalog, "dir").as_string().as_deref() == Some("rtl")
    }

    /// `amount` minor units of `currency` for this locale (`€10.00`): with
    /// `format`, the payment-methods answer's `amountFormat`, when it is this
    /// locale's and currency's (no ICU: its start costs a page 20-40 ms of its
    /// main thread while the card frame starts); else `Intl.NumberFormat`.
    pub fn money(&self, amount: f64, currency: &str, format: &JsValue) -> String {
        let exp = Currency::parse(currency).map(|c| c.exponent()).unwrap_or(2);
        let ours = js::get(format, "currency").as_string().as_deref() == Some(currency)
            && js::get(format, "locale").as_string().as_deref() == Some(&self.locale)
            && amount.fract() == 0.0
            && (0.0..=MAX_AMOUNT as f64).contains(&amount);
        if let Some(s) = ours
            .then(|| format_amount(format, amount, exp).ok()?.as_string())
            .flatten()
        {
            return s;
        }
        format_currency(&self.locale, currency, amount / 10f64.powi(exp as i32))
    }
}

#[wasm_bindgen(module = "/src/amount.js")]
extern "C" {
    /// `amount` minor units with an answer's `amountFormat` (throws on a malformed one).
    #[wasm_bindgen(catch, js_name = formatAmount)]
    fn format_amount(format: &JsValue, amount: f64, exp: u8) -> Result<JsValue, JsValue>;
}

fn format_currency(locale: &str, currency: &str, major: f64) -> String {
    let opts = js::object();
    js::set(&opts, "style", &"currency".into());
    js::set(&opts, "currency", &currency.into());
    let nf = Intl::NumberFormat::new(&Array::of1(&locale.into()), &opts);
    nf.format()
        .call1(&nf, &major.into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// The tag `Intl` takes for a shop's or platform's `locale`: a POSIX name's
/// codeset and modifier dropped (`en_US.UTF-8` → `en-US`), canonicalized by
/// `Intl.getCanonicalLocales`; one it refuses (`C`: WebKitGTK's language when
/// the system names none; `abcdefghi`) and `POSIX` read `en-US`, so no `Intl`
/// call throws later.
pub fn intl_tag(l: &str) -> String {
    let base: String = l
        .bytes()
        .take_while(|b| !matches!(b, b'.' | b'@'))
        .map(|b| if b == b'_' { '-' } else { b as char })
        .collect();
    let intl = js::get(&js_sys::global(), "Intl");
    let tag = (!base.eq_ignore_ascii_case("posix"))
        .then(|| js::get(&intl, "getCanonicalLocales").unchecked_into::<js_sys::Function>())
        .and_then(|f| f.call1(&intl, &base.into()).ok());
    tag.and_then(|a| js::get(&a, "0").as_string())
        .unwrap_or_else(|| "en-US".into())
}

/// `s` with (the first) `name` replaced by `value`.
fn fill(s: String, name: &str, value: &str) -> String {
    let n = name.len();
    match crate::scan::find(&s, name).and_then(|i| Some((s.get(..i)?, s.get(i + n..)?))) {
        Some((a, b)) => [a, value, b].concat(),
        None => s,
    }
}

/// Whether `locale` is the built-in English.
pub fn built_in(locale: &str) -> bool {
    locale.is_empty()
        || locale.eq_ignore_ascii_case("en")
        || locale.to_ascii_lowercase().starts_with("en-")
}

#[cfg(not(feature = "api"))]
#[wasm_bindgen(module = "/src/catalog.js")]
extern "C" {
    #[wasm_bindgen(js_name = getCatalog)]
    fn get_catalog(url: &str, ms: f64, done: JsValue);
}

/// `GET /v1/locales/{client.locale}`, then `done` with the catalog (a plain
/// object of strings) or `undefined`: the drop-in's and the standalone fields'
/// one fetch, bounded by `timeoutMs`, which the browser's cache may answer
/// (the catalog is public, `max-age` of a day). Through the HTTP client (retries) where
/// the build has it for its other calls; the card build (`paysession/card`)
/// makes no other request from the page, and the client (deadline timer,
/// retries, error mapping, Rust's futures) would be 4.6 kB brotli of its
/// 32 kB: it asks with a plain `fetch` (`src/catalog.js`, no retry). A lost
/// catalog leaves the texts English either way.
pub fn load(client: &crate::http::Client, done: Box<dyn FnOnce(JsValue)>) {
    let path = ["/v1/locales/", &crate::http::encode(&client.locale)].concat();
    #[cfg(feature = "api")]
    {
        let client = client.clone();
        let _ = crate::error::promise(Box::pin(async move {
            done(
                match client
                    .send(crate::http::Method::GetCacheable, &path, None)
                    .await
                {
                    Ok(v) if v.dyn_ref::<Object>().is_some() => v,
                    _ => JsValue::UNDEFINED,
                },
            );
            Ok(JsValue::UNDEFINED)
        }));
    }
    #[cfg(not(feature = "api"))]
    get_catalog(
        &[client.base.as_str(), &path].concat(),
        client.timeout_ms,
        wasm_bindgen::closure::Closure::once_into_js(done),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_key_of_the_built_in_english_is_found_where_str_find_finds_it() {
        for line in super::EN.lines().take(200) {
            let key = ["\n", line.split('=').next().unwrap_or(""), "="].concat();
            assert_eq!(
                crate::scan::find(super::EN, &key),
                super::EN.find(&key),
                "{key:?}"
            );
        }
    }
}
