//! `createDropin(config)` → `{mount(target), unmount()}`: the drop-in widget.
//!
//! - The payment methods (and a non-English catalog) are fetched at
//!   `createDropin`, so `mount` usually renders at once; a later mount
//!   reuses them until a payment succeeds (the session may have changed).
//! - The widget lives in a shadow root on a host `div.paysession-dropin`
//!   with one constructed stylesheet (CSP-safe). Events are delegated: a
//!   handful of RAII listeners per mount, all dropped by `unmount`.
//! - Callbacks fire outside any borrow of the state, at most once per
//!   outcome; a throwing callback is logged, never propagated.

mod card;
mod challenge;
mod config;
mod events;
mod form;
mod inputs;
mod list;
mod manage;
mod outcomes;
mod pay;
mod resume;
mod saved;
mod style;
mod wallet;

use crate::error::SdkError;
use crate::http::Client;
use crate::i18n::{self, Texts};
use crate::js;
use crate::listener::EventListener;
use crate::view::{add, attrs, el};
use config::Config;
use js_sys::{Array, Function};
use paysession_core::state::PaymentType;
use paysession_core::{ErrorCode, ErrorType};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::{Element, Event, ShadowRoot, ShadowRootInit, ShadowRootMode};

type Shared = Rc<RefCell<State>>;
type WeakState = Weak<RefCell<State>>;

/// A drop-in for one session.
///
/// Memory: the checked config (options and callbacks) lives on the JS side,
/// as a hidden property of this wrapper; Rust keeps only a `WeakRef` to it and
/// a strong reference while mounted. A page's callback that captures the
/// drop-in (`onReady: () => d.unmount()`) thus forms a cycle wholly inside the
/// JS heap once unmounted, which the GC collects; wasm-bindgen's
/// `FinalizationRegistry` then frees the Rust state.
#[wasm_bindgen]
pub struct Dropin {
    state: Shared,
}

#[wasm_bindgen]
extern "C" {
    type WeakRef;
    #[wasm_bindgen(catch, constructor)]
    fn new(target: &JsValue) -> Result<WeakRef, JsValue>;
    #[wasm_bindgen(method)]
    fn deref(this: &WeakRef) -> JsValue;
}

/// The config object as Rust holds it: weakly (or strongly where the browser
/// has no `WeakRef`; it then has no `FinalizationRegistry` either).
enum Held {
    Weak(WeakRef),
    Strong(JsValue),
}

impl Held {
    fn get(&self) -> JsValue {
        match self {
            Held::Weak(w) => w.deref(),
            Held::Strong(v) => v.clone(),
        }
    }
}

struct State {
    client: Rc<Client>,
    config: Config,
    /// The checked config object, for [`Config::acquire`] at each mount.
    held: Held,
    /// `None` while the catalog of a non-English locale loads.
    texts: Option<Texts>,
    /// The payment-methods answer, once it is in.
    methods: Option<Result<JsValue, SdkError>>,
    fetching: bool,
    mounted: Option<Mounted>,
    /// Bumped by every mount and unmount; a payment for an older one is dropped.
    generation: u32,
    ready_fired: bool,
    resumed: bool,
    selected: Option<paysession_core::state::PaymentType>,
    /// While mounted the widget keeps itself alive, so a page that does not
    /// hold on to the `Dropin` (`createDropin(c).mount(t)`) does not lose it
    /// to the garbage collector; `unmount` breaks the cycle.
    alive: Option<Shared>,
    /// The manage flow's step once a card source is chargeable
    /// (`manage::tokenize`; held here so `outcomes` does not depend on
    /// `manage`, which depends on it).
    save_card: fn(&mut State, u32, &JsValue) -> Fire,
}

/// The phase of one mount.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Waiting for the payment methods (and a locale's catalog).
    Loading,
    /// The methods could not be loaded: the error is shown.
    Failed,
    /// The list is shown; the shopper can pay.
    Shown,
    /// A payment is in flight: the pay buttons are disabled.
    Paying,
    /// A source was created (or a redirect resumes): the pay buttons stay disabled.
    Paid,
}

/// What one mount put on the page; dropping it takes it all away.
struct Mounted {
    host: Element,
    root: ShadowRoot,
    body: Element,
    status: Element,
    listeners: Vec<EventListener>,
    /// Where this mount is: one enum, not a set of flags.
    phase: Phase,
    amount: f64,
    currency: String,
    /// The payment-methods answer this mount shows (forms are built from it on expand).
    methods: JsValue,
    modal: Option<challenge::Modal>,
    /// The drop-in, for the secure fields' listeners.
    state: WeakState,
    /// The fields origin's frames of this mount (`None`: no fields origin known).
    group: Option<Rc<crate::elements::Group>>,
    /// The card form's secure fields, by container id.
    card: Vec<(&'static str, crate::elements::PaySessionElement)>,
    /// The security code field of the selected saved card.
    saved_cvv: Option<crate::elements::PaySessionElement>,
    /// The payment in flight (or last failed) is with a saved card.
    paying_saved: bool,
    /// `onReady`'s data, held until the card's fields can take input.
    ready: Option<JsValue>,
    /// The list made at mount with the card's entry, until `render` takes it.
    early: Option<Element>,
}

impl Mounted {
    /// Whether the shown secure fields (the open card form's, the saved
    /// card's code) take input, or have failed to load: `onReady` waits for it.
    fn fields_settled(&self) -> bool {
        let open = self
            .root
            .get_element_by_id("p-creditCard")
            .is_some_and(|p| !p.has_attribute("hidden"));
        let card = if open { &self.card[..] } else { &[] };
        card.iter().all(|(_, e)| e.state().settled)
            && self.saved_cvv.as_ref().is_none_or(|e| e.state().settled)
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.modal = None;
        self.listeners.clear();
        self.host.remove();
    }
}

impl Dropin {
    /// Checks the configuration, starts loading the payment methods and
    /// returns the JS wrapper, which owns the checked config object.
    pub fn create(client: Rc<Client>, config: &JsValue) -> Result<JsValue, SdkError> {
        let (config, cfg) = Config::parse(config)?;
        let held = match WeakRef::new(&cfg) {
            Ok(w) => Held::Weak(w),
            Err(_) => Held::Strong(cfg.clone()),
        };
        let locale = client.locale.clone();
        let english = i18n::built_in(&locale);
        let texts = english.then(|| Texts {
            locale: locale.clone(),
            catalog: JsValue::UNDEFINED,
        });
        let state = State {
            client,
            config,
            held,
            texts,
            methods: None,
            fetching: true,
            mounted: None,
            generation: 0,
            ready_fired: false,
            resumed: false,
            selected: None,
            alive: None,
            save_card: manage::tokenize,
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
        // Queued after the requests: runs once they are on the wire.
        spawn(async move { i18n::warm_up(&locale) });
        let wrapper = JsValue::from(Dropin { state });
        let desc = js::object();
        js::set(&desc, "value", &cfg);
        if let Some(o) = wrapper.dyn_ref::<js_sys::Object>() {
            js_sys::Object::define_property(
                o,
                &js_sys::Symbol::for_("paysession.config").into(),
                &desc,
            );
        }
        Ok(wrapper)
    }
}

/// Runs a future to completion on the microtask queue.
/// Not generic: one promise wrapper for every drop-in task.
fn spawn(f: impl std::future::Future<Output = ()> + 'static) {
    spawn_boxed(Box::pin(f))
}

#[inline(never)]
fn spawn_boxed(f: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>) {
    let _ = crate::error::promise(Box::pin(async move {
        f.await;
        Ok(JsValue::UNDEFINED)
    }));
}

async fn fetch_methods(weak: WeakState) {
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
        s.methods = Some(answer);
        s.fetching = false;
    }
    show(&st);
}

fn not_found() -> SdkError {
    SdkError::new(
        ErrorType::ValidationError,
        ErrorCode::MountTargetNotFound,
        Some("target"),
        "The drop-in's mount target does not exist: pass an element id or an HTMLElement.",
    )
}

/// An element id or an element.
fn resolve(target: &JsValue) -> Result<Element, SdkError> {
    crate::view::target(target).ok_or_else(not_found)
}

/// A callback to fire once the state is released.
type Fire = Option<(Option<Function>, JsValue)>;

/// Calls a callback with one argument, outside any borrow; a throw is reported, not propagated.
fn fire(f: Fire) {
    if let Some((Some(f), data)) = f {
        if let Err(e) = f.call1(&JsValue::UNDEFINED, &data) {
            console_error(&e);
        }
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(e: &JsValue);
}

#[wasm_bindgen]
impl Dropin {
    /// Shows the drop-in in `target` (an element id or an `HTMLElement`).
    /// Throws `mount_target_not_found`. Mounting again moves it.
    pub fn mount(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | HTMLElement")] target: JsValue,
    ) -> Result<(), JsValue> {
        let target = resolve(&target).map_err(|e| e.to_js())?;
        let doc = target.owner_document().ok_or_else(|| not_found().to_js())?;
        {
            let Ok(mut s) = self.state.try_borrow_mut() else {
                return Ok(());
            };
            s.mounted = None;
            let cfg = s.held.get();
            s.config.acquire(&cfg);
            let host = el(&doc, "div", "paysession-dropin", "");
            let init = ShadowRootInit::new(ShadowRootMode::Open);
            let root = host.attach_shadow(&init).map_err(|_| not_found().to_js())?;
            style::adopt(&root, &s.config.css());
            let texts = s.texts.clone().unwrap_or(Texts {
                locale: "en-US".into(),
                catalog: JsValue::UNDEFINED,
            });
            let body = el(&doc, "div", "", "");
            attrs(
                &body,
                &[
                    ("role", "group"),
                    ("aria-label", &texts.t("paymentMethods")),
                    ("aria-busy", "true"),
                ],
            );
            let status = el(&doc, "p", "n", &texts.t("loading"));
            attrs(&status, &[("role", "status"), ("aria-live", "polite")]);
            add(&body, &[&status]);
            let _ = root.append_child(&body);
            target
                .append_child(&host)
                .map_err(|_| not_found().to_js())?;
            let weak = Rc::downgrade(&self.state);
            let listeners = ["click", "input", "focusout", "submit"]
                .into_iter()
                .map(|k| {
                    let w = weak.clone();
                    EventListener::new(&root, k, move |ev: Event| events::on_event(&w, ev))
                })
                .collect();
            s.mounted = Some(Mounted {
                host,
                root,
                body,
                status,
                listeners,
                phase: Phase::Loading,
                amount: 0.0,
                currency: String::new(),
                methods: JsValue::UNDEFINED,
                modal: None,
                state: weak.clone(),
                group: Some(Rc::new(match &s.client.fields_base {
                    Some(b) => crate::elements::Group::with_base(&s.client, b.clone()),
                    None => crate::elements::Group::via_api(&s.client),
                })),
                card: Vec::new(),
                saved_cvv: None,
                paying_saved: false,
                ready: None,
                early: None,
            });
            // The card's frames start now, beside the payment-methods request,
            // when its form may be the one open at first (it usually is).
            if s.config.allows(PaymentType::CreditCard) && s.config.expand_first() {
                let t = s.texts.clone();
                let st = &mut *s;
                if let Some(m) = st.mounted.as_mut() {
                    list::early_card(events::field_event, m, &st.config, t.as_ref());
                }
            }
            s.generation = s.generation.wrapping_add(1);
            s.alive = Some(self.state.clone());
            if s.methods.is_none() && !s.fetching {
                s.fetching = true;
                spawn(fetch_methods(weak));
            }
        }
        show(&self.state);
        Ok(())
    }

    /// Removes the drop-in's elements and listeners. Safe to call at any time.
    pub fn unmount(&self) {
        let old = match self.state.try_borrow_mut() {
            Ok(mut s) => {
                s.generation = s.generation.wrapping_add(1);
                s.config.release();
                (s.mounted.take(), s.alive.take())
            }
            Err(_) => (None, None),
        };
        drop(old);
    }

    /// `update({appearance})`: checks it (a coded error, and nothing
    /// changes) and restyles the mounted widget and its secure fields in
    /// place, without reloading a frame; a later mount keeps it.
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ appearance?: Appearance }")] options: JsValue,
    ) -> Result<(), JsValue> {
        const UPDATE: &[crate::schema::Field] = &[crate::schema::opt(
            "appearance",
            crate::schema::Kind::Obj(crate::appearance::FIELDS),
        )];
        let c = crate::schema::clean(&options, UPDATE, "", "options").map_err(|e| e.to_js())?;
        let a = js::get(&c, "appearance");
        if a.is_undefined() {
            return Ok(());
        }
        let look = crate::appearance::parse(&a, "appearance", true).map_err(|e| e.to_js())?;
        let Ok(mut s) = self.state.try_borrow_mut() else {
            return Ok(());
        };
        s.config.look = look;
        let css = s.config.css();
        if let Some(m) = s.mounted.as_ref() {
            style::adopt(&m.root, &css);
            for (fid, e) in &m.card {
                if let Some(t) = inputs::input(&m.root, fid) {
                    e.restyle(card::field_style(&s.config, &t));
                }
            }
            if let Some(e) = &m.saved_cvv {
                if let Some(t) = inputs::input(&m.root, "scvc") {
                    e.restyle(card::field_style(&s.config, &t));
                }
            }
        }
        Ok(())
    }

    /// The payment type the shopper picked, if any.
    #[wasm_bindgen(getter, js_name = selectedPaymentMethod)]
    pub fn selected_payment_method(&self) -> Option<String> {
        self.state
            .try_borrow()
            .ok()
            .and_then(|s| s.selected)
            .map(|t| t.as_str().into())
    }
}

/// Renders the methods into the current mount once everything is in, then
/// fires `onReady` (first time) or `onError`, and resumes a redirect.
fn show(st: &Shared) {
    let (missing, cb, resume) = match st.try_borrow_mut() {
        Ok(mut s) => render_now(&mut s),
        Err(_) => return,
    };
    fire(missing);
    fire(cb);
    if resume {
        resume::resume(st);
    }
}

/// The message of the drop-in's `payment_method_unavailable` for a card
/// the backend offers without a fields origin.
const NO_FIELDS_ORIGIN: &str = "The card is not offered: the backend names no fields origin (fieldsUrl) and no fieldsBase option was given. Start paysession-server with its fields origin (on by default) or pass fieldsBase.";

/// The payment methods could not be loaded: the early frames go, the
/// status says why.
fn failed(m: &mut Mounted, texts: &Texts, e: &SdkError) {
    m.phase = Phase::Failed;
    // No form will hold the early frames: they go.
    if let Some(ul) = m.early.take() {
        ul.remove();
    }
    m.card.clear();
    m.status.set_text_content(Some(&texts.error(e.code())));
    let _ = m.status.set_attribute("role", "alert");
    let _ = m.body.set_attribute("aria-busy", "false");
}

/// The methods of the answer `pm` to show, and whether the card was left
/// out for want of a fields origin (`fields`: one is known). A type the
/// configuration refuses, or that this SDK does not know (a newer backend),
/// is not shown.
fn offered(config: &Config, fields: bool, pm: &JsValue) -> (Vec<(PaymentType, JsValue)>, bool) {
    let list: Array = js::get(pm, "paymentMethods").dyn_into().unwrap_or_default();
    let mut no_fields = false;
    let methods = list
        .iter()
        .filter_map(|x| {
            let t = PaymentType::parse(&js::get(&x, "type").as_string()?)?;
            let wanted = config.allows(t) && (!config.manage || t == PaymentType::CreditCard);
            let takeable = t != PaymentType::CreditCard || fields;
            no_fields |= wanted && !takeable;
            (wanted && takeable).then_some((t, x))
        })
        .collect();
    (methods, no_fields)
}

/// Renders the methods: (`onError` when the card is offered but has no
/// fields origin, `onReady` or `onError` of the load, whether to resume).
fn render_now(s: &mut State) -> (Fire, Fire, bool) {
    let (Some(texts), Some(m)) = (s.texts.clone(), s.mounted.as_mut()) else {
        return (None, None, false);
    };
    if m.phase != Phase::Loading {
        return (None, None, false);
    }
    let pm = match &s.methods {
        None => return (None, None, false),
        Some(Ok(pm)) => pm.clone(),
        Some(Err(e)) => {
            let e = e.clone();
            s.methods = None; // a later mount asks again
            failed(m, &texts, &e);
            let data = outcomes::error_data(JsValue::NULL, &e);
            return (None, Some((s.config.on_error.clone(), data)), false);
        }
    };
    // The fields origin: the `fieldsBase` option, else the backend's
    // `fieldsUrl`, which the frames made at mount (through the API's
    // redirect) must be on.
    let known = s.client.fields_base.is_some()
        || js::get(&pm, "fieldsUrl")
            .as_string()
            .and_then(|u| crate::options::check_base(&u, "fieldsUrl").ok())
            .zip(m.group.as_ref())
            .is_some_and(|(u, g)| g.learn(&u));
    if !known {
        m.group = None;
    }
    if let Some(g) = &m.group {
        g.use_catalog(texts.catalog.clone());
    }
    let (methods, no_fields) = offered(&s.config, m.group.is_some(), &pm);
    // The card offered but not takeable: `onError` says why.
    let missing = no_fields.then(|| {
        let e = SdkError::validation(
            ErrorCode::PaymentMethodUnavailable,
            "fieldsBase",
            NO_FIELDS_ORIGIN,
        );
        let data = outcomes::error_data(PaymentType::CreditCard.as_str().into(), &e);
        (s.config.on_error.clone(), data)
    });
    m.phase = Phase::Shown;
    list::render(
        events::field_event,
        if s.config.manage {
            manage::render
        } else {
            saved::render
        },
        m,
        &s.config,
        &texts,
        &pm,
        &methods,
    );
    if !s.config.manage {
        wallet::offer(m, &s.config, &texts, &pm);
    }
    // The widget's own language and direction, whatever the page's.
    let _ = m
        .host
        .set_attribute("dir", if texts.rtl() { "rtl" } else { "ltr" });
    let _ = m.host.set_attribute("lang", &texts.locale);
    let types: Array = methods
        .iter()
        .map(|(t, _)| JsValue::from(t.as_str()))
        .collect();
    let data = js::object();
    js::set(&data, "paymentMethodTypes", &types);
    // onReady once the list is shown and the open card form's fields can take input.
    let mut cb = None;
    if !s.ready_fired {
        // The frames made at mount may all be ready already.
        if m.fields_settled() {
            s.ready_fired = true;
            cb = Some((s.config.on_ready.clone(), data.into()));
        } else {
            m.ready = Some(data.into());
        }
    }
    let resume = !s.resumed && resume::pending_return().is_some();
    s.resumed |= resume;
    (missing, cb, resume)
}
