//! Secure card fields (Elements), the page side: `createElement(type, options)`
//! makes an element whose `mount` puts one iframe from the fields origin
//! (`fieldsBase`) into the page. The card is typed, checked and tokenized
//! inside those frames (crates/server/src/assets/field.js); the page only
//! ever receives state (empty, complete, brand, error code, focus) and the
//! created source.
//!
//! Messages: `postMessage` to the exact fields origin; a message is taken
//! only when its `origin` is the fields origin, its `source` is this
//! element's own frame window and it carries this mount's channel id.

#[cfg(all(feature = "api", feature = "elements"))]
pub(crate) mod compliance;
#[cfg(feature = "dropin")]
mod dropin;
mod frame;
mod group;
mod messages;
mod mount;
pub(crate) mod options;
mod state;
mod tokenize;

use crate::error::SdkError;
use crate::http::{uuid_v4, Timeout};
use crate::js;
use crate::listener::EventListener;
use frame::{label, new_inner};
pub use group::Group;
use js_sys::Function;
use options::Options;
use paysession_core::fields::ELEMENT_TYPES;
use paysession_core::{ErrorCode, ErrorType};
use state::St;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
#[cfg(feature = "elements")]
pub use tokenize::create_source;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// How long a frame may take to say hello before the element reports it.
const LOAD_TIMEOUT_MS: f64 = 5_000.0;
/// The drop-in's whole card in one frame (not a `createElement` type).
pub(crate) const CARD: &str = "card";
/// The error codes each kind of frame shows: number, expiry, code, and the
/// card frame's (all six).
const CODES: [ErrorCode; 6] = [
    ErrorCode::IncompleteCardNumber,
    ErrorCode::InvalidCardNumber,
    ErrorCode::IncompleteExpirationDate,
    ErrorCode::InvalidExpirationDate,
    ErrorCode::IncompleteSecurityCode,
    ErrorCode::InvalidSecurityCode,
];
/// An element's event: the four a page listens to with `on`, and what
/// only the drop-in's hook hears.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The frame takes input (first `ready`).
    Ready,
    /// The field's state changed (or its frame failed to load).
    Change,
    /// The field took the focus.
    Focus,
    /// The field lost the focus.
    Blur,
    /// Enter pressed in the field (the drop-in submits its form).
    Enter,
    /// Any other message of the frame (its hello, a tokenization's answer).
    Other,
}

/// The events a page can listen to, by name.
const EVENTS: [(&str, Event); 4] = [
    ("ready", Event::Ready),
    ("change", Event::Change),
    ("focus", Event::Focus),
    ("blur", Event::Blur),
];

impl Event {
    /// The event a frame's message `t` is.
    fn of(t: &str) -> Event {
        match t {
            "enter" => Event::Enter,
            _ => EVENTS
                .iter()
                .find(|(n, _)| *n == t)
                .map_or(Event::Other, |(_, e)| *e),
        }
    }
}

type Pending = (f64, Function, Timeout, Closure<dyn FnMut()>);

struct Inner {
    kind: &'static str,
    group: Rc<Group>,
    opts: Options,
    channel: String,
    frame: Option<web_sys::Element>,
    target: Option<web_sys::Element>,
    listeners: Vec<EventListener>,
    load: Option<(Timeout, Closure<dyn FnMut()>)>,
    handlers: Vec<(Event, Function)>,
    st: St,
    pending: Vec<Pending>,
    next: f64,
    destroyed: bool,
    /// The drop-in's own listener: hears every event, Enter included.
    hook: Option<Hook>,
    /// The config written into the frame's URL (JSON), until its first
    /// `ready`: a config changed since then is sent as `cfg`.
    in_url: Option<String>,
    /// The frame's last message before its group knew the fields origin,
    /// with its origin (its `ready`, from its URL's config).
    early: Option<(String, JsValue)>,
    /// The drop-in's card frame (kind `card`): each part's accessible name
    /// (number, expiry, code).
    texts: Vec<String>,
}

/// A Rust listener of an element's events (the drop-in's card form).
pub type Hook = Rc<dyn Fn(Event)>;

type Shared = Rc<RefCell<Inner>>;
type Fires = Vec<(Function, JsValue)>;

fn fail(code: ErrorCode, parameter: &str, message: &str) -> SdkError {
    SdkError::validation(code, parameter, message)
}

/// Fetches the page locale's catalog once (not for English), then relabels
/// the group's frames: a standalone field's name follows `locale` like the drop-in's.
fn load_texts(group: &Rc<Group>) {
    if crate::i18n::built_in(&group.client.locale) || group.asked.replace(true) {
        return;
    }
    let weak = Rc::downgrade(group);
    crate::i18n::load(
        &group.client,
        Box::new(move |catalog| {
            let Some(g) = weak.upgrade() else { return };
            *g.catalog.borrow_mut() = catalog;
            let made: Vec<_> = g.made.borrow().iter().map(|(_, w)| w.clone()).collect();
            for s in made.iter().filter_map(Weak::upgrade) {
                if let Ok(s) = s.try_borrow() {
                    if let Some(f) = &s.frame {
                        let _ = f.set_attribute("title", &label(&s));
                    }
                    if s.st.hello() {
                        s.send_config();
                    }
                }
            }
        }),
    );
}

/// `createElement(type, options)`.
#[cfg(feature = "elements")]
pub fn create(group: &Rc<Group>, kind: &JsValue, options: &JsValue) -> Result<JsValue, SdkError> {
    let k = kind.as_string().unwrap_or_default();
    let Some(&(kind, _)) = ELEMENT_TYPES.iter().find(|(t, _)| *t == k) else {
        return Err(fail(
            ErrorCode::InvalidParameter,
            "type",
            "type must be one of cardnumber, cardexpiration, cardcvv.",
        ));
    };
    let mut opts = Options::default();
    options::apply(&mut opts, options, kind)?;
    load_texts(group);
    let inner = new_inner(group, kind, opts, None);
    let weak = Rc::downgrade(&inner);
    let js: JsValue = PaySessionElement { inner }.into();
    if let Ok(mut m) = group.made.try_borrow_mut() {
        m.push((js.clone(), weak));
    }
    Ok(js)
}

/// One secure card field (a JavaScript class with `elements`; the
/// drop-in holds its card fields from Rust).
#[cfg_attr(feature = "elements", wasm_bindgen)]
pub struct PaySessionElement {
    inner: Shared,
}

fn call_all(fires: Fires) {
    for (f, data) in fires {
        let _ = f.call1(&JsValue::UNDEFINED, &data);
    }
}

pub(crate) fn not_found() -> SdkError {
    SdkError::new(
        ErrorType::ValidationError,
        ErrorCode::MountTargetNotFound,
        Some("target"),
        "The element's mount target does not exist: pass an element id or an HTMLElement.",
    )
}

fn destroyed() -> JsValue {
    fail(
        ErrorCode::InvalidParameter,
        "element",
        "This element was destroyed; create a new one.",
    )
    .to_js()
}

impl PaySessionElement {
    /// Puts the field's frame into `target` (an element id or an element).
    pub(crate) fn mount(&self, target: JsValue) -> Result<(), JsValue> {
        if self.inner.try_borrow().map_or(true, |s| s.destroyed) {
            return Err(destroyed());
        }
        let target = crate::view::target(&target).ok_or_else(|| not_found().to_js())?;
        let doc = target.owner_document().ok_or_else(|| not_found().to_js())?;
        let page = js::get(&js::get(&js_sys::global(), "location"), "origin")
            .as_string()
            .unwrap_or_default();
        self.unmount();
        let weak = Rc::downgrade(&self.inner);
        let Ok(mut s) = self.inner.try_borrow_mut() else {
            return Ok(());
        };
        s.channel = uuid_v4();
        let frame = doc
            .create_element("iframe")
            .map_err(|_| not_found().to_js())?;
        mount::set_up(&mut s, &frame, &page);
        mount::listen(&mut s, &weak, &target);
        mount::watch_load(&mut s, weak);
        s.st.empty = true;
        let _ = target.append_child(&frame);
        s.frame = Some(frame);
        s.target = Some(target);
        s.classes(true);
        Ok(())
    }

    /// Takes the frame out of the page (`mount` can put it back).
    pub(crate) fn unmount(&self) {
        let fires = match self.inner.try_borrow_mut() {
            Ok(mut s) => s.unmount(),
            Err(_) => Vec::new(),
        };
        call_all(fires);
    }

    /// Unmounts and forgets the element and its handlers.
    pub(crate) fn destroy(&self) {
        let fires = {
            let Ok(mut s) = self.inner.try_borrow_mut() else {
                return;
            };
            s.destroyed = true;
            s.handlers.clear();
            let me = Rc::downgrade(&self.inner);
            if let Ok(mut m) = s.group.made.try_borrow_mut() {
                m.retain(|(_, w)| !Weak::ptr_eq(w, &me) && w.strong_count() > 0);
            }
            s.unmount()
        };
        call_all(fires);
    }

    /// Moves the keyboard focus into the field.
    pub(crate) fn focus(&self) {
        focus(&self.inner);
    }
}

/// The element's JavaScript methods (the `elements` builds); the drop-in
/// builds its card fields from Rust and calls the methods above.
#[cfg(feature = "elements")]
#[wasm_bindgen]
impl PaySessionElement {
    /// The element type (`cardnumber`, `cardexpiration`, `cardcvv`).
    #[wasm_bindgen(getter, js_name = elementType)]
    pub fn element_type(&self) -> String {
        self.inner.try_borrow().map_or("", |s| s.kind).into()
    }

    /// Puts the field's frame into `target` (an element id or an element).
    #[wasm_bindgen(js_name = mount)]
    pub fn mount_js(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | HTMLElement")] target: JsValue,
    ) -> Result<(), JsValue> {
        self.mount(target)
    }

    /// Takes the frame out of the page (`mount` can put it back).
    #[wasm_bindgen(js_name = unmount)]
    pub fn unmount_js(&self) {
        self.unmount();
    }

    /// Unmounts and forgets the element and its handlers.
    #[wasm_bindgen(js_name = destroy)]
    pub fn destroy_js(&self) {
        self.destroy();
    }

    /// Changes `classes`, `style`, `placeholderText` or `label`.
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ElementOptions")] options: JsValue,
    ) -> Result<(), JsValue> {
        let Ok(mut s) = self.inner.try_borrow_mut() else {
            return Ok(());
        };
        if s.destroyed {
            return Err(destroyed());
        }
        // The options as they become if every key given is good, applied
        // to a copy: a refused update changes nothing (the options taken out
        // and the Default put back had a refused update reset them all, and
        // a good one compare new classes with the defaults, never removing
        // the page's old ones from the target).
        let mut next = s.opts.clone();
        options::apply(&mut next, &options, s.kind).map_err(|e| e.to_js())?;
        let old = std::mem::replace(&mut s.opts, next);
        if old.classes != s.opts.classes {
            let new = std::mem::replace(&mut s.opts, old);
            s.classes(false);
            s.opts = new;
        }
        s.classes(s.frame.is_some());
        if let Some(f) = &s.frame {
            let _ = f.set_attribute("title", &label(&s));
        }
        if s.st.hello() {
            s.send_config();
        }
        Ok(())
    }

    /// Moves the keyboard focus into the field.
    #[wasm_bindgen(js_name = focus)]
    pub fn focus_js(&self) {
        self.focus();
    }

    /// Takes the focus out of the field.
    pub fn blur(&self) {
        if let Ok(s) = self.inner.try_borrow() {
            s.post_kind("blur");
        }
    }

    /// Empties the field.
    pub fn clear(&self) {
        if let Ok(s) = self.inner.try_borrow() {
            s.post_kind("clear");
        }
    }

    /// `on("ready" | "change" | "focus" | "blur", handler)`.
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"ready\" | \"change\" | \"focus\" | \"blur\"")]
        name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(event: ElementEvent) => void")] handler: JsValue,
    ) -> Result<(), JsValue> {
        let n = name.as_string().unwrap_or_default();
        let Some(&(_, event)) = EVENTS.iter().find(|(e, _)| *e == n) else {
            return Err(fail(
                ErrorCode::InvalidParameter,
                "name",
                "name must be one of ready, change, focus, blur.",
            )
            .to_js());
        };
        let Ok(f) = handler.dyn_into::<Function>() else {
            return Err(SdkError::invalid("handler", "must be a function.").to_js());
        };
        if let Ok(mut s) = self.inner.try_borrow_mut() {
            if !s.destroyed {
                s.handlers.push((event, f));
            }
        }
        Ok(())
    }
}

fn focus(inner: &Shared) {
    let Ok(s) = inner.try_borrow() else { return };
    if let Some(f) = &s.frame {
        crate::view::call(f, "focus");
    }
    s.post_kind("focus");
}
