//! `createDropin(config)`: checks the configuration and starts loading the
//! payment methods (and a non-English catalog) at once, so that `mount`
//! usually renders without waiting.

use super::config::Config;
use super::render::show;
use super::{spawn, Dropin, Held, Methods, State, WeakState};
use crate::error::SdkError;
use crate::http::Client;
use crate::i18n::{self, Texts};
use crate::js;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

impl Dropin {
    /// Checks the configuration, starts loading the payment methods and
    /// returns the JS wrapper, which owns the checked config object.
    pub fn create(client: Rc<Client>, config: &JsValue) -> Result<JsValue, SdkError> {
        let (config, cfg) = Config::parse(config)?;
        #[cfg(not(feature = "manage"))]
        if config.manage {
            // The stand-in holds the config (and so the page's callbacks):
            // the wrapper owns it, Rust holds it weakly, as below.
            let stand_in = JsValue::from(super::lazy::create(&client, &cfg));
            let inner = super::Inner::Lazy(Held::weakly(&stand_in));
            return Ok(owning(Dropin { inner }.into(), &stand_in));
        }
        let held = Held::weakly(&cfg);
        let locale = client.locale.clone();
        let english = i18n::built_in(&locale);
        let texts = english.then(|| Texts::built_in(locale.clone()));
        let state = State {
            client,
            config,
            held,
            texts,
            methods: Methods::Asking,
            mounted: None,
            generation: 0,
            ready_fired: false,
            resumed: false,
            selected: None,
            alive: None,
            #[cfg(feature = "manage")]
            save_card: super::manage::tokenize,
        };
        let state = Rc::new(RefCell::new(state));
        spawn(fetch_methods(Rc::downgrade(&state)));
        if !english {
            let weak = Rc::downgrade(&state);
            let client = state.borrow().client.clone();
            i18n::load(
                &client,
                Box::new(move |catalog| {
                    let Some(st) = weak.upgrade() else { return };
                    if let Ok(mut s) = st.try_borrow_mut() {
                        let locale = s.client.locale.clone();
                        s.texts = Some(Texts { locale, catalog });
                    }
                    show(&st);
                }),
            );
        }
        let wrapper = JsValue::from(Dropin {
            inner: super::Inner::Own(state),
        });
        Ok(owning(wrapper, &cfg))
    }
}

/// `wrapper` with `value` as its hidden property: what Rust holds only
/// weakly ([`Held::weakly`]) lives as long as the page's drop-in.
fn owning(wrapper: JsValue, value: &JsValue) -> JsValue {
    let desc = js::object();
    js::set(&desc, "value", value);
    if let Some(o) = wrapper.dyn_ref::<js_sys::Object>() {
        js_sys::Object::define_property(
            o,
            &js_sys::Symbol::for_("paysession.config").into(),
            &desc,
        );
    }
    wrapper
}

pub(super) async fn fetch_methods(weak: WeakState) {
    let Some((client, id)) = weak.upgrade().map(|s| {
        let s = s.borrow();
        (s.client.clone(), s.config.session_id.clone())
    }) else {
        return;
    };
    let answer = client
        .get(&["/v1/sessions/", &id, "/payment-methods"].concat())
        .await;
    let Some(st) = weak.upgrade() else { return };
    if let Ok(mut s) = st.try_borrow_mut() {
        s.methods = Methods::Answer(answer);
    }
    show(&st);
}
