//! `createDropin(config)` → `{mount(target), unmount()}`.
//!
//! This layer holds the drop-in's plumbing: configuration checks, mount target
//! resolution, the payment-method fetch, a minimal accessible list of methods,
//! callbacks (each fired at most once per outcome, never while the SDK holds
//! its own state, and a throwing callback cannot break the SDK) and RAII
//! listeners that `unmount` removes. The full widget grows from here.

mod config;
mod listener;
mod view;

use crate::error::SdkError;
use crate::http::Client;
use crate::js;
use config::Config;
use js_sys::{Array, Function};
use listener::EventListener;
use paysession_core::{ErrorCode, ErrorType};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// A drop-in for one session.
#[wasm_bindgen]
pub struct Dropin {
    state: Rc<RefCell<State>>,
}

struct State {
    client: Rc<Client>,
    config: Config,
    mounted: Option<Mounted>,
    /// Bumped by every mount and unmount; a load for an older one is dropped.
    generation: u32,
    ready_fired: bool,
    selected: Option<String>,
}

/// What one mount put on the page; dropping it takes it all away.
struct Mounted {
    root: Element,
    status: Element,
    listeners: Vec<EventListener>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.listeners.clear();
        self.root.remove();
    }
}

impl Dropin {
    /// Checks the configuration.
    pub fn new(client: Rc<Client>, config: &JsValue) -> Result<Dropin, SdkError> {
        let config = Config::parse(config)?;
        let state = State { client, config, mounted: None, generation: 0, ready_fired: false, selected: None };
        Ok(Dropin { state: Rc::new(RefCell::new(state)) })
    }
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
    if let Some(id) = target.as_string() {
        let doc = web_sys::window().and_then(|w| w.document()).ok_or_else(not_found)?;
        return doc.get_element_by_id(id.trim_start_matches('#')).ok_or_else(not_found);
    }
    target.clone().dyn_into::<Element>().map_err(|_| not_found())
}

/// Calls a callback with one argument, outside any borrow; a throw is reported, not propagated.
fn fire(f: Option<Function>, data: &JsValue) {
    if let Some(f) = f {
        if let Err(e) = f.call1(&JsValue::UNDEFINED, data) {
            web_sys_console_error(&e);
        }
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn web_sys_console_error(e: &JsValue);
}

#[wasm_bindgen]
impl Dropin {
    /// Shows the drop-in in `target` (an element id or an `HTMLElement`).
    /// Throws `mount_target_not_found`. Mounting again moves it.
    pub fn mount(&self, #[wasm_bindgen(unchecked_param_type = "string | HTMLElement")] target: JsValue) -> Result<(), JsValue> {
        let target = resolve(&target).map_err(|e| e.to_js())?;
        let doc = target.owner_document().ok_or_else(|| not_found().to_js())?;
        let sk = view::skeleton(&doc).ok_or_else(|| not_found().to_js())?;
        let generation = {
            let mut s = self.state.borrow_mut();
            s.mounted = None;
            target.append_child(&sk.root).map_err(|_| not_found().to_js())?;
            s.mounted = Some(Mounted { root: sk.root, status: sk.status, listeners: Vec::new() });
            s.generation = s.generation.wrapping_add(1);
            s.generation
        };
        let weak = Rc::downgrade(&self.state);
        let _ = crate::session::promise(Box::pin(async move {
            load(weak, generation).await;
            Ok(JsValue::UNDEFINED)
        }));
        Ok(())
    }

    /// Removes the drop-in's elements and listeners. Safe to call at any time.
    pub fn unmount(&self) {
        let old = {
            let mut s = self.state.borrow_mut();
            s.generation = s.generation.wrapping_add(1);
            s.mounted.take()
        };
        drop(old);
    }

    /// The payment type the shopper picked, if any.
    #[wasm_bindgen(getter, js_name = selectedPaymentMethod)]
    pub fn selected_payment_method(&self) -> Option<String> {
        self.state.borrow().selected.clone()
    }
}

/// Fetches the session's methods and renders them, unless unmounted meanwhile.
async fn load(weak: Weak<RefCell<State>>, generation: u32) {
    let Some((client, session)) = weak.upgrade().map(|s| {
        let s = s.borrow();
        (s.client.clone(), s.config.session_id.clone())
    }) else {
        return;
    };
    let answer = client.get(&["/v1/sessions/", &session, "/payment-methods"].concat()).await;
    let Some(state) = weak.upgrade() else { return };
    let (callback, data) = {
        let mut s = state.borrow_mut();
        if s.generation != generation || s.mounted.is_none() {
            return;
        }
        match answer.and_then(|pm| types_of(&pm, &s.config)) {
            Ok(types) => {
                render(&mut s, &types, &weak);
                let data = js::object();
                let list: Array = types.iter().map(|t| JsValue::from_str(t)).collect();
                js::set(&data, "paymentMethodTypes", &list);
                let first = !s.ready_fired;
                s.ready_fired = true;
                (if first { s.config.on_ready.clone() } else { None }, data)
            }
            Err(e) => {
                if let Some(m) = &s.mounted {
                    m.status.set_text_content(e.errors.first().map(|d| d.message.as_str()));
                    let _ = m.status.set_attribute("role", "alert");
                    let _ = m.root.set_attribute("aria-busy", "false");
                }
                let data = js::object();
                js::set(&data, "paymentMethod", &JsValue::NULL);
                js::set(&data, "type", &e.kind.as_str().into());
                js::set(&data, "errors", &js::get(&e.to_js(), "errors"));
                (s.config.on_error.clone(), data)
            }
        }
    };
    fire(callback, &data);
}

/// The offered types the configuration allows, in the backend's order.
fn types_of(pm: &JsValue, config: &Config) -> Result<Vec<String>, SdkError> {
    let list: Array = js::get(pm, "paymentMethods").dyn_into().map_err(|_| SdkError::invalid_response())?;
    Ok(list
        .iter()
        .filter_map(|m| js::get(&m, "type").as_string())
        .filter(|t| config.allows(t))
        .collect())
}

fn render(s: &mut State, types: &[String], weak: &Weak<RefCell<State>>) {
    let Some(m) = s.mounted.as_mut() else { return };
    let Some(doc) = m.root.owner_document() else { return };
    let Some((list, buttons)) = view::method_list(&doc, types) else { return };
    let _ = m.root.append_child(&list);
    m.status.set_text_content(None);
    let _ = m.root.set_attribute("aria-busy", "false");
    let weak = weak.clone();
    m.listeners.push(EventListener::new(&list, "click", move |ev: web_sys::Event| {
        let Some(b) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("button[data-type]").ok().flatten())
        else {
            return;
        };
        for other in &buttons {
            let pressed = if other.is_same_node(Some(&b)) { "true" } else { "false" };
            let _ = other.set_attribute("aria-pressed", pressed);
        }
        if let Some(st) = weak.upgrade() {
            if let Ok(mut st) = st.try_borrow_mut() {
                st.selected = b.get_attribute("data-type");
            }
        };
    }));
}
