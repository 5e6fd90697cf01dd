//! The drop-in's configuration (DigitalRiver.js names), checked at `createDropin`.
//! Every option here does what it says (`showTermsOfSaleDisclosure`: a
//! required terms checkbox before paying, recorded with the source;
//! `consents`: the merchant's documents linked beside the pay button;
//! `flow`: `checkout` or `managePaymentMethods`; `usage`: `convenience`,
//! `subscription` or `unscheduled`, what a saved card may be used for);
//! `appearance` (`crate::appearance`) themes the widget and its frames;
//! `paymentMethodConfiguration.style` styles the card's secure fields and the
//! per-method settings are `creditCard: {showCardholderName, showBrandIcons,
//! style}`, `sepaDebit`/`giftCard: {style}` (`base` and `invalid` of their
//! inputs); any other key is refused with a coded error, never ignored.
//! `enabledPaymentMethods` / `disabledPaymentMethods` take the wallets too
//! (`applePay`, `googlePay`; the test wallet is `googlePay`).

use crate::appearance::{kebab, keys, Appearance};
use crate::args::check_id;
use crate::error::SdkError;
use crate::js;
use crate::schema::{self, opt, req, Field, Kind};
use js_sys::{Array, Function};
use paysession_core::state::PaymentType;
use paysession_core::wire::Usage;
use paysession_core::ErrorCode;
use wasm_bindgen::{JsCast, JsValue};

const S: Kind = Kind::Str(64);
const BUTTON: &[Field] = &[opt("type", S), opt("buttonText", Kind::Str(128))];
const REDIRECT: &[Field] = &[
    opt("returnUrl", Kind::Str(2048)),
    opt("cancelUrl", Kind::Str(2048)),
    opt("disableAutomaticRedirects", Kind::Bool),
];
/// `options.consents`: the merchant's name and its documents' URLs.
const CONSENTS: &[Field] = &[
    req("companyName", Kind::Str(128)),
    opt("eula", crate::args::URL),
    opt("termsOfUse", crate::args::URL),
    opt("termsOfService", crate::args::URL),
];
const OPTIONS: &[Field] = &[
    opt("flow", S),
    opt("usage", S),
    opt("showTermsOfSaleDisclosure", Kind::Bool),
    opt("consents", Kind::Obj(CONSENTS)),
    opt("showComplianceSection", Kind::Bool),
    opt("showSavePaymentAgreement", Kind::Bool),
    opt("expandFirstPaymentMethod", Kind::Bool),
    opt("button", Kind::Obj(BUTTON)),
    opt("redirect", Kind::Obj(REDIRECT)),
];
/// `paymentMethodConfiguration.creditCard`.
const CARD_CONFIG: &[Field] = &[
    opt("showCardholderName", Kind::Bool),
    opt("showBrandIcons", Kind::Bool),
    opt("style", Kind::Raw),
];
/// `paymentMethodConfiguration.sepaDebit` / `giftCard` (in-page inputs).
const INPUTS_CONFIG: &[Field] = &[opt("style", Kind::Raw)];
const METHOD_CONFIG: &[Field] = &[
    opt("enabledPaymentMethods", Kind::StrList(16)),
    opt("disabledPaymentMethods", Kind::StrList(16)),
    opt("style", Kind::Raw),
    opt("creditCard", Kind::Obj(CARD_CONFIG)),
    opt("sepaDebit", Kind::Obj(INPUTS_CONFIG)),
    opt("giftCard", Kind::Obj(INPUTS_CONFIG)),
];
/// `options.button.type` values.
const BUTTONS: [&str; 6] = [
    "payNow",
    "buyNow",
    "continue",
    "completeOrder",
    "submitOrder",
    "custom",
];
const CONFIG: &[Field] = &[
    req("sessionId", Kind::Str(128)),
    opt("options", Kind::Obj(OPTIONS)),
    opt("paymentMethodConfiguration", Kind::Obj(METHOD_CONFIG)),
    opt("appearance", Kind::Obj(crate::appearance::FIELDS)),
    opt("onSuccess", Kind::Func),
    opt("onError", Kind::Func),
    opt("onReady", Kind::Func),
    opt("onCancel", Kind::Func),
];

/// A checked configuration. The JavaScript parts (`options` and the
/// callbacks) are held only while mounted: [`Config::acquire`] takes them from
/// the checked config object (kept on the JS side, see `Dropin`) at `mount`,
/// [`Config::release`] drops them at `unmount`. Rust never holds a callback of
/// an unmounted drop-in, so a callback that captures the drop-in cannot keep
/// it alive through wasm-bindgen's heap (a GC root).
pub struct Config {
    /// The session.
    pub session_id: String,
    /// `options` as given (checked), for the widget.
    pub options: JsValue,
    /// `onSuccess({source, readyForStorage, supportsStorage})`.
    pub on_success: Option<Function>,
    /// `onError({paymentMethod, errors})`.
    pub on_error: Option<Function>,
    /// `onReady({paymentMethodTypes})`.
    pub on_ready: Option<Function>,
    /// `onCancel({paymentMethod})`.
    pub on_cancel: Option<Function>,
    /// Only these types, when given.
    pub enabled: Option<Vec<PaymentType>>,
    /// Never these types.
    pub disabled: Vec<PaymentType>,
    /// `flow: "managePaymentMethods"` asked: the customer's saved methods,
    /// remove and add (in this module only with the `manage` feature:
    /// [`Config::managing`]; otherwise `createDropin` hands it to the
    /// manage module).
    pub manage: bool,
    /// `usage`: what a card saved by this drop-in may be used for.
    pub usage: Option<Usage>,
    /// `appearance` (checked; `update` replaces it).
    pub look: Appearance,
    /// The card's secure fields' `style` (`paymentMethodConfiguration.style`,
    /// then `creditCard.style` over it, per state).
    pub card_style: JsValue,
    /// The per-method settings' own CSS (in-page inputs' styles, brand icons).
    pub method_css: String,
    /// `creditCard.showCardholderName` (default shown).
    pub show_name: bool,
}

const PMC: &str = "paymentMethodConfiguration";

/// The per-method settings: the card's secure fields' style (the top-level
/// `style`, then `creditCard.style` over it, per state) and the drop-in's CSS
/// for the rest (SEPA's and the gift card's inputs, the brand badge hidden).
fn per_method(pmc: &JsValue) -> Result<(JsValue, String), SdkError> {
    let card = js::get(pmc, "creditCard");
    let card_style: JsValue = js::object().into();
    for (v, at) in [
        (js::get(pmc, "style"), PMC.to_string()),
        (js::get(&card, "style"), [PMC, ".creditCard"].concat()),
    ] {
        if !v.is_undefined() {
            let st = crate::elements::options::style(&v).map_err(|e| e.nest(&at))?;
            crate::appearance::over_style(&card_style, &st);
        }
    }
    let mut css = inputs_css(pmc, "sepaDebit")? + &inputs_css(pmc, "giftCard")?;
    if js::get(&card, "showBrandIcons").as_bool() == Some(false) {
        css += ".b::before{display:none}";
    }
    Ok((card_style, css))
}

/// A method's `style` on its in-page inputs: `base` (and its pseudo-classes)
/// on `#f-<type> input`, `invalid` on those marked invalid; `empty` and
/// `complete` are the secure fields' states only.
fn inputs_css(pmc: &JsValue, ty: &str) -> Result<String, SdkError> {
    let at = [PMC, ".", ty].concat();
    let v = js::get(&js::get(pmc, ty), "style");
    if v.is_undefined() {
        return Ok(String::new());
    }
    let st = crate::elements::options::style(&v).map_err(|e| e.nest(&at))?;
    let mut out = String::new();
    for (state, sel) in [
        ("base", "input[type=text]"),
        ("invalid", "input[aria-invalid=true]"),
    ] {
        let rules = js::get(&st, state);
        if rules.is_undefined() {
            continue;
        }
        let prefix = ["#f-", ty, " ", sel].concat();
        let mut body = String::new();
        for k in keys(&rules) {
            let x = js::get(&rules, &k);
            match x.as_string() {
                Some(v) => body += &[&kebab(&k), ":", &v, ";"].concat(),
                None => {
                    // A pseudo-class's declarations.
                    out += &[&prefix, &k, "{"].concat();
                    for p in keys(&x) {
                        let v = js::get(&x, &p).as_string().unwrap_or_default();
                        out += &[&kebab(&p), ":", &v, ";"].concat();
                    }
                    out.push('}');
                }
            }
        }
        out += &[&prefix, "{", &body, "}"].concat();
    }
    for state in keys(&st) {
        if state != "base" && state != "invalid" {
            let p = [&at, ".style.", &state].concat();
            return Err(SdkError::validation(
                ErrorCode::UnknownParameter,
                &p,
                "applies to the card's secure fields only.",
            ));
        }
    }
    Ok(out)
}

impl Config {
    /// Checks `config` (throws nothing; returns the error). Also returns the
    /// checked copy, whose JS parts [`Config::acquire`] reads at each mount.
    pub fn parse(config: &JsValue) -> Result<(Config, JsValue), SdkError> {
        let c = schema::clean(config, CONFIG, "", "config")?;
        let session_id = check_id(&js::get(&c, "sessionId"), "sessionId")?;
        let pmc = js::get(&c, "paymentMethodConfiguration");
        let list = |k: &str| -> Result<Option<Vec<PaymentType>>, SdkError> {
            let Ok(a) = js::get(&pmc, k).dyn_into::<Array>() else {
                return Ok(None);
            };
            a.iter()
                .map(|v| {
                    PaymentType::parse(&v.as_string().unwrap_or_default()).ok_or_else(|| {
                        SdkError::validation(
                            ErrorCode::UnknownPaymentType,
                            &["paymentMethodConfiguration.", k].concat(),
                            "lists only payment types such as creditCard or payPal.",
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some)
        };
        let options = js::get(&c, "options");
        let flow = schema::string(&options, "flow");
        let manage = flow.as_deref() == Some("managePaymentMethods");
        if !manage && flow.is_some_and(|f| f != "checkout") {
            return Err(SdkError::invalid(
                "options.flow",
                "must be checkout or managePaymentMethods.",
            ));
        }
        let usage = match schema::string(&options, "usage") {
            None => None,
            Some(u) => Some(Usage::parse(&u).ok_or_else(|| {
                SdkError::invalid(
                    "options.usage",
                    "must be convenience, subscription or unscheduled.",
                )
            })?),
        };
        // Redirect URLs are checked here, not first when a shopper pays.
        crate::args::check_redirect(&js::get(&options, "redirect"), "options.redirect")?;
        crate::args::check_urls(
            &js::get(&options, "consents"),
            "options.consents",
            &["eula", "termsOfUse", "termsOfService"],
        )?;
        if let Some(b) = schema::string(&js::get(&options, "button"), "type") {
            if !BUTTONS.contains(&b.as_str()) {
                return Err(SdkError::invalid(
                    "options.button.type",
                    "must be payNow, buyNow, continue, completeOrder, submitOrder or custom.",
                ));
            }
        }
        let look = match js::get(&c, "appearance") {
            a if a.is_undefined() => Appearance::default(),
            a => crate::appearance::parse(&a, "appearance", true)?,
        };
        let (card_style, method_css) = per_method(&pmc)?;
        let card = js::get(&pmc, "creditCard");
        let config = Config {
            session_id,
            options: JsValue::UNDEFINED,
            on_success: None,
            on_error: None,
            on_ready: None,
            on_cancel: None,
            enabled: list("enabledPaymentMethods")?,
            disabled: list("disabledPaymentMethods")?.unwrap_or_default(),
            manage,
            usage,
            look,
            card_style,
            method_css,
            show_name: js::get(&card, "showCardholderName").as_bool() != Some(false),
        };
        Ok((config, c.into()))
    }

    /// The manage flow is this drop-in's: never in a build without it, so
    /// its branches and texts leave the checkout's module.
    pub fn managing(&self) -> bool {
        cfg!(feature = "manage") && self.manage
    }

    /// Takes the options and callbacks from the checked config object `c`.
    pub fn acquire(&mut self, c: &JsValue) {
        let func = |k: &str| js::get(c, k).dyn_into::<Function>().ok();
        self.options = js::get(c, "options");
        self.on_success = func("onSuccess");
        self.on_error = func("onError");
        self.on_ready = func("onReady");
        self.on_cancel = func("onCancel");
    }

    /// Drops every JavaScript handle (options, callbacks).
    pub fn release(&mut self) {
        self.options = JsValue::UNDEFINED;
        self.on_success = None;
        self.on_error = None;
        self.on_ready = None;
        self.on_cancel = None;
    }

    /// The drop-in's own sheet: the appearance, then the per-method settings.
    pub fn css(&self) -> String {
        crate::appearance::css(&self.look) + &self.method_css
    }

    /// `expandFirstPaymentMethod` (default: yes, but not in the manage flow).
    pub fn expand_first(&self) -> bool {
        crate::js::get(&self.options, "expandFirstPaymentMethod")
            .as_bool()
            .unwrap_or(!self.managing())
    }

    /// Whether the configuration lets `t` be shown.
    pub fn allows(&self, t: PaymentType) -> bool {
        self.enabled.as_ref().is_none_or(|e| e.contains(&t)) && !self.disabled.contains(&t)
    }
}

/// `update`'s options checked: the appearance to apply, if any.
pub(super) fn checked_update(options: &JsValue) -> Result<Option<Appearance>, SdkError> {
    const UPDATE: &[Field] = &[opt("appearance", Kind::Obj(crate::appearance::FIELDS))];
    let c = schema::clean(options, UPDATE, "", "options")?;
    let a = js::get(&c, "appearance");
    if a.is_undefined() {
        return Ok(None);
    }
    crate::appearance::parse(&a, "appearance", true).map(Some)
}
