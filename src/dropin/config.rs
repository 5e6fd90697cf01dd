//! The drop-in's configuration (DigitalRiver.js names), checked at `createDropin`.

use crate::error::SdkError;
use crate::fields::check_id;
use crate::js;
use crate::schema::{self, opt, req, Field, Kind};
use js_sys::{Array, Function};
use wasm_bindgen::{JsCast, JsValue};

const S: Kind = Kind::Str(64);
const BUTTON: &[Field] = &[opt("type", S), opt("buttonText", Kind::Str(128))];
const REDIRECT: &[Field] = &[
    opt("returnUrl", Kind::Str(2048)),
    opt("cancelUrl", Kind::Str(2048)),
    opt("disableAutomaticRedirects", Kind::Bool),
];
const OPTIONS: &[Field] = &[
    opt("flow", S),
    opt("showComplianceSection", Kind::Bool),
    opt("showSavePaymentAgreement", Kind::Bool),
    opt("showTermsOfSaleDisclosure", Kind::Bool),
    opt("expandFirstPaymentMethod", Kind::Bool),
    opt("usage", S),
    opt("button", Kind::Obj(BUTTON)),
    opt("redirect", Kind::Obj(REDIRECT)),
    opt("consents", Kind::Record),
];
const METHOD_CONFIG: &[Field] = &[
    opt("enabledPaymentMethods", Kind::StrList(16)),
    opt("disabledPaymentMethods", Kind::StrList(16)),
    opt("style", Kind::Record),
    opt("creditCard", Kind::Record),
    opt("payPal", Kind::Record),
    opt("klarnaCredit", Kind::Record),
    opt("ideal", Kind::Record),
    opt("sepaDebit", Kind::Record),
    opt("wireTransfer", Kind::Record),
    opt("giftCard", Kind::Record),
];
const CONFIG: &[Field] = &[
    req("sessionId", Kind::Str(128)),
    opt("options", Kind::Obj(OPTIONS)),
    opt("paymentMethodConfiguration", Kind::Obj(METHOD_CONFIG)),
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
    pub enabled: Option<Vec<String>>,
    /// Never these types.
    pub disabled: Vec<String>,
}

impl Config {
    /// Checks `config` (throws nothing; returns the error). Also returns the
    /// checked copy, whose JS parts [`Config::acquire`] reads at each mount.
    pub fn parse(config: &JsValue) -> Result<(Config, JsValue), SdkError> {
        let c = schema::clean(config, CONFIG, "", "config")?;
        let session_id = check_id(&js::get(&c, "sessionId"), "sessionId")?;
        let pmc = js::get(&c, "paymentMethodConfiguration");
        let list = |k: &str| -> Option<Vec<String>> {
            js::get(&pmc, k)
                .dyn_into::<Array>()
                .ok()
                .map(|a| a.iter().filter_map(|v| v.as_string()).collect())
        };
        if let Some(flow) = schema::string(&js::get(&c, "options"), "flow") {
            if flow != "checkout" && flow != "managePaymentMethods" {
                return Err(SdkError::invalid(
                    "options.flow",
                    "must be checkout or managePaymentMethods.",
                ));
            }
        }
        let config = Config {
            session_id,
            options: JsValue::UNDEFINED,
            on_success: None,
            on_error: None,
            on_ready: None,
            on_cancel: None,
            enabled: list("enabledPaymentMethods"),
            disabled: list("disabledPaymentMethods").unwrap_or_default(),
        };
        Ok((config, c.into()))
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

    /// Whether the configuration lets `t` be shown.
    pub fn allows(&self, t: &str) -> bool {
        self.enabled
            .as_ref()
            .is_none_or(|e| e.iter().any(|x| x == t))
            && !self.disabled.iter().any(|x| x == t)
    }
}
