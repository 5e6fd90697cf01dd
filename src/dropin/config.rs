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

/// A checked configuration. `options`, `on_success` and `on_cancel` are
/// kept for the payment forms that grow on this plumbing.
#[allow(dead_code)]
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
    /// Checks `config` (throws nothing; returns the error).
    pub fn parse(config: &JsValue) -> Result<Config, SdkError> {
        let c = schema::clean(config, CONFIG, "", "config")?;
        let session_id = check_id(&js::get(&c, "sessionId"), "sessionId")?;
        let func = |k: &str| js::get(&c, k).dyn_into::<Function>().ok();
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
        Ok(Config {
            session_id,
            options: js::get(&c, "options"),
            on_success: func("onSuccess"),
            on_error: func("onError"),
            on_ready: func("onReady"),
            on_cancel: func("onCancel"),
            enabled: list("enabledPaymentMethods"),
            disabled: list("disabledPaymentMethods").unwrap_or_default(),
        })
    }

    /// Whether the configuration lets `t` be shown.
    pub fn allows(&self, t: &str) -> bool {
        self.enabled
            .as_ref()
            .is_none_or(|e| e.iter().any(|x| x == t))
            && !self.disabled.iter().any(|x| x == t)
    }
}
