//! The manage flow in a module of its own (issue 17: what only some
//! shoppers use is loaded only for them). This build (the checkout's,
//! without the `manage` feature) answers `createDropin` with `flow:
//! "managePaymentMethods"` by a stand-in: it loads `paysession-manage.js`
//! beside the SDK (`pkg/`, `pkg-web/`: the same crate with the `manage`
//! feature, a self-contained web module), makes the drop-in there with the
//! same key, options and checked configuration, and passes every call on.
//! `Dropin` checks the arguments first, so a bad target or appearance throws
//! the same coded error at once. If the module cannot be loaded the target shows
//! why (`role="alert"`) and `onError` gets `network_unavailable`.

use super::outcomes;
use crate::error::SdkError;
use crate::http::Client;
use crate::i18n::Texts;
use crate::js;
use paysession_core::{ErrorCode, ErrorType};
use wasm_bindgen::prelude::*;
use web_sys::Element;

// `ld(key, options, config, error, text)`: starts the import at once (beside
// nothing else: this flow has no payment-methods request of its own here) and
// returns the stand-in {m: mount, u: unmount, p: update, s: selected}. Both
// URLs are `new URL(…, import.meta.url)`, which bundlers emit as assets.
#[wasm_bindgen(inline_js = "export function ld(k,o,c,e,w){\
let d,t,a,f=0,n;\
const r=()=>{if(!t)return;n=document.createElement('p');n.setAttribute('role','alert');n.textContent=w;t.append(n);\
const h=c.onError;if(h)try{h(e)}catch(x){console.error(x)}};\
import(/* webpackIgnore: true */new URL('../../paysession-manage.js',import.meta.url).href)\
.then(m=>m.default({module_or_path:new URL('../../paysession-manage_bg.wasm',import.meta.url)})\
.then(()=>{d=new m.PaySession(k,o).createDropin(c);if(a)d.update(a);if(t)d.mount(t)}))\
.catch(x=>{console.error(x);if(!d){f=1;r()}});\
return{m(x){if(n)n.remove();n=0;t=x;if(d)d.mount(x);else if(f)r()},\
u(){if(n)n.remove();n=t=0;if(d)d.unmount()},\
p(v){a=v;if(d)d.update(v)},\
s(){return d?d.selectedPaymentMethod:void 0}}}")]
extern "C" {
    /// The manage flow's drop-in while (and after) its module loads.
    pub type StandIn;
    #[wasm_bindgen(js_name = ld)]
    fn load(
        key: &JsValue,
        options: &JsValue,
        config: &JsValue,
        error: &JsValue,
        text: &str,
    ) -> StandIn;
    #[wasm_bindgen(method, js_name = m)]
    pub fn mount(this: &StandIn, target: &Element);
    #[wasm_bindgen(method, js_name = u)]
    pub fn unmount(this: &StandIn);
    #[wasm_bindgen(method, js_name = p)]
    pub fn update(this: &StandIn, options: &JsValue);
    #[wasm_bindgen(method, js_name = s)]
    pub fn selected(this: &StandIn) -> Option<String>;
}

/// The stand-in for the checked configuration `config`, the module's import
/// begun; its `PaySession` gets the options `client` was made from.
pub fn create(client: &Client, config: &JsValue) -> StandIn {
    let o = js::object();
    js::set(&o, "apiBase", &client.base.as_str().into());
    js::set(&o, "locale", &client.locale.as_str().into());
    js::set(&o, "timeoutMs", &client.timeout_ms.into());
    js::set(&o, "maxRetries", &client.max_retries.into());
    if let Some(f) = &client.fields_base {
        js::set(&o, "fieldsBase", &f.as_str().into());
    }
    // Its words in the built-in English: the locale's catalog is the module's to load.
    let texts = Texts::built_in(client.locale.clone());
    let e = SdkError::new(
        ErrorType::NetworkError,
        ErrorCode::NetworkUnavailable,
        None,
        "The drop-in's manage module (paysession-manage.js) could not be loaded.",
    );
    let data = outcomes::error_data(JsValue::NULL, &e);
    let key = JsValue::from(client.key.as_str());
    load(&key, &o, config, &data, &texts.error(e.code()))
}

/// `f` of the stand-in `held` holds (the page's drop-in owns it, so it is
/// there while the page can call; `None` otherwise).
pub(super) fn with<T>(held: &super::Held, f: impl FnOnce(&StandIn) -> T) -> Option<T> {
    let v = held.get();
    (!v.is_undefined()).then(|| f(v.unchecked_ref()))
}
