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

// `match self.inner` has one arm in the build with the manage flow (no stand-in).
#![cfg_attr(feature = "manage", allow(clippy::infallible_destructuring_match))]

mod card;
mod challenge;
mod config;
mod create;
mod events;
mod form;
mod inputs;
#[cfg(not(feature = "manage"))]
mod lazy;
mod list;
#[cfg(feature = "manage")]
mod manage;
mod mount;
mod outcomes;
mod pay;
mod render;
mod resume;
mod saved;
mod style;
mod wallet;

use crate::error::SdkError;
use crate::http::Client;
use crate::i18n::Texts;
use crate::js;
use crate::listener::EventListener;
use config::Config;
use create::fetch_methods;
use js_sys::Function;
use paysession_core::state::PaymentType;
use paysession_core::{ErrorCode, ErrorType};
use render::show;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::{Element, ShadowRoot};

type Shared = Rc<RefCell<State>>;
type WeakState = Weak<RefCell<State>>;

/// A drop-in for one session.
///
/// Memory: the checked config (options and callbacks) lives on the JS side,
/// as a hidden property of this wrapper; Rust keeps only a `WeakRef` to it and
/// a strong reference while mounted. A page's callback that captures the
/// drop-in (`onReady: () => d.unmount()`) thus forms a cycle wholly inside the
/// JS heap once unmounted, which the GC collects; wasm-bindgen's
/// `FinalizationRegistry` then frees the Rust state. The manage flow's
/// stand-in, which holds the config, is held the same way.
#[wasm_bindgen]
pub struct Dropin {
    inner: Inner,
}

/// The drop-in itself, or (the manage flow in a build without it) the
/// stand-in that passes each call on to the manage module's (`lazy.rs`).
enum Inner {
    Own(Shared),
    #[cfg(not(feature = "manage"))]
    Lazy(Held),
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
    /// `v` held weakly where the browser can.
    fn weakly(v: &JsValue) -> Held {
        match WeakRef::new(v) {
            Ok(w) => Held::Weak(w),
            Err(_) => Held::Strong(v.clone()),
        }
    }

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
    /// The payment-methods request: asked, not asked, or answered.
    methods: Methods,
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
    #[cfg(feature = "manage")]
    save_card: fn(&mut State, u32, &JsValue) -> Fire,
}

/// Where the payment-methods request is: one enum, not an answer beside a flag.
pub(crate) enum Methods {
    /// Asked; the answer is on its way.
    Asking,
    /// Not asked: a failed answer was shown, or a payment changed the
    /// session; the next mount asks again.
    Unasked,
    /// The answer (the methods, or why they could not be loaded).
    Answer(Result<JsValue, SdkError>),
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
    /// `amount` minor units of the answer's currency, as `t`'s locale writes
    /// them (with the answer's `amountFormat` when it has one).
    #[inline(always)]
    fn money(&self, t: &Texts, amount: f64) -> String {
        let format = js::get(&self.methods, "amountFormat");
        t.money(amount, &self.currency, &format)
    }

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
        let state = match &self.inner {
            Inner::Own(s) => s,
            #[cfg(not(feature = "manage"))]
            Inner::Lazy(l) => {
                lazy::with(l, |l| l.mount(&target));
                return Ok(());
            }
        };
        let doc = target.owner_document().ok_or_else(|| not_found().to_js())?;
        {
            let Ok(mut s) = state.try_borrow_mut() else {
                return Ok(());
            };
            s.mounted = None;
            let cfg = s.held.get();
            s.config.acquire(&cfg);
            let weak = Rc::downgrade(state);
            let m = mount::widget(&s, &doc, &target, weak.clone()).map_err(|e| e.to_js())?;
            s.mounted = Some(m);
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
            s.alive = Some(state.clone());
            if matches!(s.methods, Methods::Unasked) {
                s.methods = Methods::Asking;
                spawn(fetch_methods(weak));
            }
        }
        show(state);
        Ok(())
    }

    /// Removes the drop-in's elements and listeners. Safe to call at any time.
    pub fn unmount(&self) {
        let state = match &self.inner {
            Inner::Own(s) => s,
            #[cfg(not(feature = "manage"))]
            Inner::Lazy(l) => return lazy::with(l, |l| l.unmount()).unwrap_or(()),
        };
        let old = match state.try_borrow_mut() {
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
        let look = config::checked_update(&options).map_err(|e| e.to_js())?;
        let state = match &self.inner {
            Inner::Own(s) => s,
            #[cfg(not(feature = "manage"))]
            Inner::Lazy(l) => {
                lazy::with(l, |l| l.update(&options));
                return Ok(());
            }
        };
        let Some(look) = look else {
            return Ok(());
        };
        let Ok(mut s) = state.try_borrow_mut() else {
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
        let state = match &self.inner {
            Inner::Own(s) => s,
            #[cfg(not(feature = "manage"))]
            Inner::Lazy(l) => return lazy::with(l, |l| l.selected()).flatten(),
        };
        state
            .try_borrow()
            .ok()
            .and_then(|s| s.selected)
            .map(|t| t.as_str().into())
    }
}
