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

pub(crate) mod compliance;
pub(crate) mod options;

use crate::error::SdkError;
use crate::fields::{check_id, check_owner, OWNER};
use crate::http::{encode, uuid_v4, Timeout};
use crate::i18n::Texts;
use crate::js;
use crate::listener::EventListener;
use crate::schema::{self, opt, req, Kind};
use crate::source;
use js_sys::{Function, Object, Promise};
use options::Options;
use paysession_core::fields::ELEMENT_TYPES;
use paysession_core::{ErrorCode, ErrorType};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
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
/// The events an element fires.
const EVENTS: [&str; 4] = ["ready", "change", "focus", "blur"];

/// The frames of one `PaySession`: one fields origin, one group id (the
/// frames find their siblings by it), and the elements made so far.
pub struct Group {
    id: String,
    /// The frames' URL before its query: `{fieldsBase}/field`, or the API's
    /// `/hosted/field`, which redirects to the fields origin's.
    src: String,
    /// The fields origin; unset until known (a group made [`Group::via_api`]
    /// learns it from the payment-methods answer: until then its frames load
    /// but no message from them is taken and none is sent to them).
    origin: std::cell::OnceCell<String>,
    made: RefCell<Vec<(JsValue, Weak<RefCell<Inner>>)>>,
    /// The page's key, deadline, retries and `locale`; the locale's catalog once
    /// fetched (the frames' labels, the error messages), on the first `createElement`.
    client: crate::http::Client,
    catalog: RefCell<JsValue>,
    asked: std::cell::Cell<bool>,
}

/// `scheme://host[:port]` of a checked base URL: up to the first `/` after `://`.
fn origin_of(base: &str) -> String {
    let start = crate::i18n::find(base, "://").map_or(0, |i| i + 3);
    let end = base
        .as_bytes()
        .get(start..)
        .unwrap_or_default()
        .iter()
        .position(|&c| c == b'/')
        .map_or(base.len(), |i| start + i);
    base.get(..end).unwrap_or(base).to_owned()
}

impl Group {
    /// A group for `client`, or `None` when no `fieldsBase` was given.
    pub fn new(client: &crate::http::Client) -> Option<Group> {
        Some(Group::with_base(client, client.fields_base.clone()?))
    }

    /// A group on the fields origin at `base` (`scheme://host[:port]`, checked).
    pub fn with_base(client: &crate::http::Client, base: String) -> Group {
        let g = Group::make(client, [&base, "/field"].concat());
        let _ = g.origin.set(origin_of(&base));
        g
    }

    /// A group whose frames load through the API (`/hosted/field`, a redirect
    /// to the fields origin) before the fields origin is known: the drop-in's,
    /// made at `mount` when no `fieldsBase` was given. [`Group::learn`] tells
    /// it the origin.
    pub fn via_api(client: &crate::http::Client) -> Group {
        Group::make(client, [&client.base, "/hosted/field"].concat())
    }

    fn make(client: &crate::http::Client, src: String) -> Group {
        Group {
            id: uuid_v4(),
            src,
            origin: std::cell::OnceCell::new(),
            made: RefCell::new(Vec::new()),
            client: client.clone(),
            catalog: RefCell::new(JsValue::UNDEFINED),
            asked: std::cell::Cell::new(false),
        }
    }

    /// The fields origin at `base` (the answer's `fieldsUrl`, checked), for a
    /// group made [`Group::via_api`]; `false` if the group already has another.
    pub fn learn(&self, base: &str) -> bool {
        let o = origin_of(base);
        self.origin.get_or_init(|| o.clone()) == &o
    }

    /// This group's frames speak `catalog` (the drop-in's, once fetched).
    pub fn use_catalog(&self, catalog: JsValue) {
        self.asked.set(true);
        if let Ok(mut c) = self.catalog.try_borrow_mut() {
            *c = catalog;
        }
    }

    fn texts(&self) -> Texts {
        Texts {
            locale: self.client.locale.clone(),
            catalog: self.catalog.borrow().clone(),
        }
    }
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
                    if s.st.hello {
                        s.send_config();
                    }
                }
            }
        }),
    );
}

#[derive(Default)]
struct St {
    hello: bool,
    ready: bool,
    empty: bool,
    complete: bool,
    focus: bool,
    autofilled: bool,
    brand: Option<String>,
    /// The brand's display name (from the frame, for the drop-in).
    brand_name: Option<String>,
    error: Option<String>,
    /// The drop-in's card frame: each part's empty, complete and shown
    /// error, once it has said.
    parts: Option<[Part; 3]>,
}

/// One part of the drop-in's card frame: empty, complete, the error shown.
pub(crate) type Part = (bool, bool, Option<ErrorCode>);

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
    handlers: Vec<(usize, Function)>,
    st: St,
    pending: Vec<Pending>,
    next: f64,
    destroyed: bool,
    /// The drop-in's own listener: called with the event's index (4: Enter).
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
pub type Hook = Rc<dyn Fn(usize)>;

type Shared = Rc<RefCell<Inner>>;
type Fires = Vec<(Function, JsValue)>;

fn fail(code: ErrorCode, parameter: &str, message: &str) -> SdkError {
    SdkError::validation(code, parameter, message)
}

/// `createElement(type, options)`.
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

fn new_inner(group: &Rc<Group>, kind: &'static str, opts: Options, hook: Option<Hook>) -> Shared {
    Rc::new(RefCell::new(Inner {
        kind,
        group: group.clone(),
        opts,
        channel: String::new(),
        frame: None,
        target: None,
        listeners: Vec::new(),
        load: None,
        handlers: Vec::new(),
        st: St::default(),
        pending: Vec::new(),
        next: 0.0,
        destroyed: false,
        hook,
        in_url: None,
        early: None,
        texts: Vec::new(),
    }))
}

/// One secure card field.
#[wasm_bindgen]
pub struct PaySessionElement {
    inner: Shared,
}

fn call_all(fires: Fires) {
    for (f, data) in fires {
        let _ = f.call1(&JsValue::UNDEFINED, &data);
    }
}

fn label(s: &Inner) -> String {
    #[cfg(feature = "dropin")]
    if s.kind == CARD {
        let mut names = String::new();
        for (i, t) in s.texts.iter().enumerate() {
            if i > 0 {
                names.push_str(", ");
            }
            names.push_str(t);
        }
        return names;
    }
    s.opts.label.clone().unwrap_or_else(|| {
        s.group.texts().t(match s.kind {
            "cardnumber" => "field.cardNumber",
            "cardexpiration" => "field.expiry",
            _ => "field.cvv",
        })
    })
}

impl Inner {
    fn event(&self, name: usize, data: JsValue) -> Fires {
        self.handlers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, f)| (f.clone(), data.clone()))
            .collect()
    }

    fn base_event(&self) -> Object {
        let o = js::object();
        js::set(&o, "elementType", &self.kind.into());
        o
    }

    fn change_event(&self) -> JsValue {
        let o = self.base_event();
        js::set(&o, "empty", &self.st.empty.into());
        js::set(&o, "complete", &self.st.complete.into());
        if let Some(b) = &self.st.brand {
            js::set(&o, "brand", &b.as_str().into());
        }
        if let Some(c) = &self.st.error {
            let e = js::object();
            js::set(&e, "code", &c.as_str().into());
            js::set(&e, "message", &self.group.texts().error(c).into());
            js::set(&o, "error", &e);
        }
        o.into()
    }

    fn post(&self, msg: &Object) {
        let Some(f) = &self.frame else { return };
        js::set(msg, "c", &self.channel.as_str().into());
        // A cross-origin WindowProxy fails `instanceof Window`: no dyn_ref.
        let w = js::get(f, "contentWindow");
        // Not to a frame whose window the page can read: still on its first
        // about:blank (the fields origin is another, its `origin` hidden).
        // Firefox reports each such message as an error, and it would be lost
        // anyway (the frame configures itself from its URL when its script
        // runs, and gets a config changed meanwhile after its `ready`).
        if w.is_object() && !js::get(&w, "origin").is_string() {
            if let Some(origin) = self.group.origin.get() {
                let _ = w
                    .unchecked_ref::<web_sys::Window>()
                    .post_message(msg, origin);
            }
        }
    }

    fn post_kind(&self, t: &str) {
        let m = js::object();
        js::set(&m, "t", &t.into());
        self.post(&m);
    }

    /// `cfg`: label, placeholder, style, the locale's `lang` and `dir`, and
    /// the words of the two error codes this field can show (its input's
    /// description while one is shown).
    fn send_config(&self) {
        let m = self.config();
        js::set(&m, "t", &"cfg".into());
        self.post(&m);
    }

    /// The config message's content: what `send_config` posts and what
    /// `mount` writes into the frame's URL (its `#f=`).
    fn config(&self) -> Object {
        let m = js::object();
        let t = self.group.texts();
        js::set(&m, "lg", &t.locale.as_str().into());
        js::set(&m, "dr", &(if t.rtl() { "rtl" } else { "ltr" }).into());
        let e = js::object();
        let codes = match self.kind {
            "cardnumber" => CODES.get(..2),
            "cardexpiration" => CODES.get(2..4),
            CARD => CODES.get(..),
            _ => CODES.get(4..),
        };
        for c in codes.unwrap_or_default() {
            js::set(&e, c.as_str(), &t.error(c.as_str()).into());
        }
        js::set(&m, "e", &e);
        js::set(&m, "l", &label(self).into());
        js::set(&m, "p", &self.opts.placeholder.as_str().into());
        #[cfg(feature = "dropin")]
        if self.kind == CARD {
            let ls = js_sys::Array::new();
            for l in &self.texts {
                ls.push(&l.into());
            }
            js::set(&m, "ls", &ls);
        }
        js::set(&m, "s", &self.opts.style);
        if let Some(pm) = &self.opts.payment_method {
            js::set(&m, "pm", &pm.as_str().into());
            if let Some(b) = &self.opts.brand {
                js::set(&m, "b", &b.as_str().into());
            }
        }
        m
    }

    /// The config as JSON (empty if it cannot be written: a style that
    /// JSON refuses is sent as `cfg` instead).
    fn config_json(&self) -> String {
        js_sys::JSON::stringify(&self.config())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }

    /// The state classes on the mount target.
    fn classes(&self, on: bool) {
        let Some(t) = &self.target else { return };
        let list = t.class_list();
        let s = &self.st;
        let want = [
            true,
            s.complete,
            s.empty,
            s.focus,
            s.error.is_some(),
            s.autofilled,
        ];
        for (i, w) in want.iter().enumerate() {
            let _ = list.toggle_with_force(&self.opts.classes[i], on && *w);
        }
    }

    /// Takes the frame out; pending tokenizations resolve as failed.
    fn unmount(&mut self) -> Vec<(Function, JsValue)> {
        self.classes(false);
        if let Some(f) = self.frame.take() {
            f.remove();
        }
        self.target = None;
        self.listeners.clear();
        self.load = None;
        self.st = St::default();
        self.in_url = None;
        self.early = None;
        let err = fail(
            ErrorCode::InvalidParameter,
            "element",
            "The card number element was unmounted.",
        );
        self.pending
            .drain(..)
            .map(|(_, resolve, _, _)| (resolve, source::result(Err(err.clone()))))
            .collect()
    }
}

fn on_message(weak: &Weak<RefCell<Inner>>, ev: &JsValue) {
    let Some(rc) = weak.upgrade() else { return };
    let Ok(mut s) = rc.try_borrow_mut() else {
        return;
    };
    let data = js::get(ev, "data");
    let Some(frame) = &s.frame else { return };
    if !Object::is(&js::get(ev, "source"), &js::get(frame, "contentWindow"))
        || js::get(&data, "c").as_string().as_deref() != Some(s.channel.as_str())
    {
        return;
    }
    let origin = js::get(ev, "origin").as_string().unwrap_or_default();
    match s.group.origin.get() {
        Some(o) if *o == origin => {}
        // Before the answer names the fields origin (the drop-in's early
        // frames) the last message is kept, not taken: `greet` takes it if
        // its origin is the one named, so a frame ready before the answer
        // counts as ready then.
        None => return s.early = Some((origin, data)),
        _ => return,
    }
    drop(s);
    handle(&rc, data);
}

/// A message from this field's frame, its origin and channel checked.
fn handle(rc: &Shared, data: JsValue) {
    let Ok(mut s) = rc.try_borrow_mut() else {
        return;
    };
    let Some(frame) = s.frame.clone() else { return };
    let frame = &frame;
    let t = js::get(&data, "t").as_string().unwrap_or_default();
    let fires = match t.as_str() {
        "hi" => {
            s.st.hello = true;
            s.load = None;
            s.in_url = None;
            s.send_config();
            Vec::new()
        }
        "ready" => {
            if let Some(h) = js::get(&data, "h")
                .as_f64()
                .filter(|h| s.hook.is_none() && (1.0..=400.0).contains(h))
            {
                style_set(frame, "height", &[&js::itoa(h as u64), "px"].concat());
            }
            let first = !s.st.ready;
            s.st.ready = true;
            // A config changed since the URL was written (the catalog came
            // in, a saved card was chosen) reaches the frame now.
            if let Some(sent) = s.in_url.take() {
                if sent != s.config_json() {
                    s.send_config();
                }
            }
            // A frame that said `hi` before its group knew the fields origin
            // answers the config sent once it does.
            s.st.hello = true;
            s.load = None;
            if first {
                s.event(0, s.base_event().into())
            } else {
                Vec::new()
            }
        }
        "change" => {
            s.st.take_change(&data);
            s.classes(true);
            s.event(1, s.change_event())
        }
        "focus" | "blur" => {
            s.st.focus = t == "focus";
            s.classes(true);
            s.event(if s.st.focus { 2 } else { 3 }, s.base_event().into())
        }
        "tok" => {
            let r = js::get(&data, "r").as_f64().unwrap_or(-1.0);
            match take_pending(&mut s.pending, r) {
                Some(resolve) => {
                    let status = js::get(&data, "st").as_f64().unwrap_or(0.0);
                    vec![(resolve, token_result(&s.group, status, js::get(&data, "j")))]
                }
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    let hook = s.hook.clone();
    drop(s);
    call_all(fires);
    if let Some(h) = hook {
        h(["ready", "change", "focus", "blur", "enter"]
            .iter()
            .position(|x| *x == t)
            .unwrap_or(9));
    }
}

impl St {
    /// The state a frame's `change` says (each value checked).
    fn take_change(&mut self, data: &JsValue) {
        self.empty = js::get(data, "e").is_truthy();
        self.complete = js::get(data, "k").is_truthy();
        self.autofilled = js::get(data, "a").is_truthy();
        self.brand = js::get(data, "b").as_string().filter(|b| b.len() < 16);
        self.brand_name = js::get(data, "n").as_string().filter(|b| b.len() < 32);
        self.error = js::get(data, "x")
            .as_string()
            .filter(|c| c.len() < 40 && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        #[cfg(feature = "dropin")]
        {
            let p = js::get(data, "p");
            self.parts = p.is_object().then(|| [part(&p, "0"), part(&p, "1"), part(&p, "2")]);
        }
    }
}

/// `[empty, complete, error?]` of the card frame's part `i` in `parts`.
#[cfg(feature = "dropin")]
fn part(parts: &JsValue, i: &str) -> Part {
    let p = js::get(parts, i);
    let code = js::get(&p, "2").as_string();
    let code = CODES.iter().find(|c| Some(c.as_str()) == code.as_deref());
    (js::get(&p, "0").is_truthy(), js::get(&p, "1").is_truthy(), code.copied())
}

/// Takes the pending tokenization `r` out (no index panics in the wasm).
fn take_pending(p: &mut Vec<Pending>, r: f64) -> Option<Function> {
    let (hit, rest): (Vec<Pending>, Vec<Pending>) =
        std::mem::take(p).into_iter().partition(|x| x.0 == r);
    *p = rest;
    hit.into_iter().next().map(|x| x.1)
}

/// `{state, source?, error?}` from the frame's answer of `POST /v1/sources`.
fn token_result(group: &Group, status: f64, body: JsValue) -> JsValue {
    if (200.0..300.0).contains(&status) {
        return source::result(Ok(body));
    }
    if status == 0.0 {
        return source::result(Err(SdkError::network()));
    }
    let mut e = SdkError::from_body(&body).unwrap_or_else(SdkError::invalid_response);
    for d in e.errors.iter_mut().filter(|d| d.message.is_empty()) {
        d.message = group.texts().error(&d.code);
    }
    source::result(Err(e))
}

fn style_set(el: &web_sys::Element, prop: &str, value: &str) {
    let style = js::get(el, "style");
    if let Ok(f) = js::get(&style, "setProperty").dyn_into::<Function>() {
        let _ = f.call2(&style, &prop.into(), &value.into());
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

#[wasm_bindgen]
impl PaySessionElement {
    /// The element type (`cardnumber`, `cardexpiration`, `cardcvv`).
    #[wasm_bindgen(getter, js_name = elementType)]
    pub fn element_type(&self) -> String {
        self.inner.try_borrow().map_or("", |s| s.kind).into()
    }

    /// Puts the field's frame into `target` (an element id or an element).
    pub fn mount(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | HTMLElement")] target: JsValue,
    ) -> Result<(), JsValue> {
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
        // The config goes with the frame: it takes input as its script runs.
        let cfg = s.config_json();
        let frame = doc
            .create_element("iframe")
            .map_err(|_| not_found().to_js())?;
        // The card frame (one per drop-in) takes its script inline: one
        // request, not two; Elements' frames share the cached script.
        #[cfg(feature = "dropin")]
        let hash = if s.kind == CARD { "&i=1#t=" } else { "#t=" };
        #[cfg(not(feature = "dropin"))]
        let hash = "#t=";
        let src = [
            s.group.src.as_str(),
            "?k=",
            &encode(&s.group.client.key),
            "&o=",
            &encode(&page),
            hash,
            s.kind,
            "&c=",
            &s.channel,
            "&g=",
            &s.group.id,
            "&f=",
            &encode(&cfg),
        ]
        .concat();
        s.in_url = Some(cfg);
        crate::view::attrs(
            &frame,
            &[
                ("src", &src),
                ("title", &label(&s)),
                ("allow", "payment"),
                ("scrolling", "no"),
            ],
        );
        // The drop-in sizes its frames with its own stylesheet (no inline style).
        if s.hook.is_none() {
            for (p, v) in [
                ("border", "0"),
                ("width", "100%"),
                ("height", "1.5em"),
                ("display", "block"),
            ] {
                style_set(&frame, p, v);
            }
        }
        let w = weak.clone();
        if let Some(win) = web_sys::window() {
            s.listeners
                .push(EventListener::new(&win, "message", move |e| {
                    on_message(&w, &e)
                }));
        }
        // A click on `<label for=target-id>` (in the target's document or
        // shadow root) focuses the field.
        let id = target.id();
        if !id.is_empty() {
            let root = target.get_root_node();
            if let Ok(labels) = root
                .unchecked_ref::<web_sys::Document>()
                .query_selector_all(&["label[for=\"", &id.replace('"', ""), "\"]"].concat())
            {
                for i in 0..labels.length() {
                    let Some(l) = labels.item(i) else { continue };
                    let me = self.inner.clone();
                    let weak_me = Rc::downgrade(&me);
                    drop(me);
                    s.listeners.push(EventListener::new(&l, "click", move |e| {
                        e.prevent_default();
                        if let Some(rc) = weak_me.upgrade() {
                            focus(&rc);
                        }
                    }));
                }
            }
        }
        let w = weak.clone();
        let cb = Closure::<dyn FnMut()>::new(move || {
            let Some(rc) = w.upgrade() else { return };
            let Ok(mut s) = rc.try_borrow_mut() else {
                return;
            };
            if s.st.hello || s.frame.is_none() {
                return;
            }
            s.load = None;
            s.st.error = Some(ErrorCode::NetworkUnavailable.as_str().into());
            s.classes(true);
            let ev = s.change_event();
            let err = js::get(&ev, "error");
            js::set(
                &err,
                "message",
                &"The secure card field could not be loaded.".into(),
            );
            let fires = s.event(1, ev);
            let hook = s.hook.clone();
            drop(s);
            call_all(fires);
            if let Some(h) = hook {
                h(1);
            }
        });
        s.load = Some((
            Timeout::new(cb.as_ref().unchecked_ref(), LOAD_TIMEOUT_MS),
            cb,
        ));
        s.st.empty = true;
        let _ = target.append_child(&frame);
        s.frame = Some(frame);
        s.target = Some(target);
        s.classes(true);
        Ok(())
    }

    /// Takes the frame out of the page (`mount` can put it back).
    pub fn unmount(&self) {
        let fires = match self.inner.try_borrow_mut() {
            Ok(mut s) => s.unmount(),
            Err(_) => Vec::new(),
        };
        call_all(fires);
    }

    /// Unmounts and forgets the element and its handlers.
    pub fn destroy(&self) {
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
        let mut next = std::mem::take(&mut s.opts);
        let r = options::apply(&mut next, &options, s.kind);
        let old = std::mem::replace(&mut s.opts, next);
        if let Err(e) = r {
            s.opts = old;
            return Err(e.to_js());
        }
        if old.classes != s.opts.classes {
            let new = std::mem::replace(&mut s.opts, old);
            s.classes(false);
            s.opts = new;
        }
        s.classes(s.frame.is_some());
        if let Some(f) = &s.frame {
            let _ = f.set_attribute("title", &label(&s));
        }
        if s.st.hello {
            s.send_config();
        }
        Ok(())
    }

    /// Moves the keyboard focus into the field.
    pub fn focus(&self) {
        focus(&self.inner);
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
        let Some(i) = EVENTS.iter().position(|e| *e == n) else {
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
                s.handlers.push((i, f));
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

const TOKENIZE: &[schema::Field] = &[
    req("type", Kind::Str(32)),
    req("sessionId", Kind::Str(128)),
    opt("owner", Kind::Obj(OWNER)),
    opt("termsAcceptance", Kind::Obj(source::TERMS)),
];

/// `createSource(cardNumberElement, {sessionId, type: "creditCard", owner?})`:
/// the number frame gathers the card from its siblings and creates the
/// source; resolves like `createSource` (never rejects).
pub fn create_source(group: Option<&Rc<Group>>, element: &JsValue, data: &JsValue) -> Promise {
    match start(group, element, data) {
        Ok(p) => p,
        Err(e) => Promise::resolve(&source::result(Err(e))),
    }
}

fn start(
    group: Option<&Rc<Group>>,
    element: &JsValue,
    data: &JsValue,
) -> Result<Promise, SdkError> {
    let d = schema::clean(data, TOKENIZE, "", "data")?;
    if schema::string(&d, "type").as_deref() != Some("creditCard") {
        return Err(fail(
            ErrorCode::UnknownPaymentType,
            "type",
            "With an element, type must be creditCard.",
        ));
    }
    let session = check_id(&js::get(&d, "sessionId"), "sessionId")?;
    let owner = js::get(&d, "owner");
    if !owner.is_undefined() {
        check_owner(&owner, "owner")?;
    }
    let not_ours = || {
        fail(
            ErrorCode::InvalidParameter,
            "element",
            "Pass a mounted cardnumber element (or a cardcvv element with paymentMethodId) made by this PaySession's createElement.",
        )
    };
    let group = group.ok_or_else(not_ours)?;
    let rc = group
        .made
        .try_borrow()
        .map_err(|_| not_ours())?
        .iter()
        .find(|(js, _)| Object::is(js, element))
        .and_then(|(_, w)| w.upgrade())
        .ok_or_else(not_ours)?;
    let tok = Tok {
        session,
        owner,
        name: JsValue::UNDEFINED,
        usage: JsValue::UNDEFINED,
        terms: js::get(&js::get(&d, "termsAcceptance"), "version"),
    };
    tokenize(&rc, group, tok).ok_or_else(not_ours)?
}

/// What the frame is asked to create a source with (`undefined`: not given).
struct Tok {
    session: String,
    owner: JsValue,
    /// The name on the card.
    name: JsValue,
    /// Save the card for this use.
    usage: JsValue,
    /// The accepted terms version.
    terms: JsValue,
}

/// Asks the number frame `rc` to create the source; `None` if it is not a
/// mounted number field.
fn tokenize(rc: &Shared, group: &Group, tok: Tok) -> Option<Result<Promise, SdkError>> {
    let weak = Rc::downgrade(rc);
    let mut s = rc.try_borrow_mut().ok()?;
    let saved = s.kind == "cardcvv" && s.opts.payment_method.is_some();
    if (s.kind != "cardnumber" && s.kind != CARD && !saved) || s.frame.is_none() {
        return None;
    }
    Some(send_tok(&mut s, weak, group, tok))
}

fn send_tok(
    s: &mut Inner,
    weak: Weak<RefCell<Inner>>,
    group: &Group,
    tok: Tok,
) -> Result<Promise, SdkError> {
    if !s.st.ready {
        return Err(SdkError::network());
    }
    s.next += 1.0;
    let r = s.next;
    let deadline = group.client.timeout_ms;
    let mut resolve_fn = None;
    let promise = Promise::new(&mut |resolve, _| resolve_fn = Some(resolve));
    let resolve = resolve_fn.ok_or_else(SdkError::invalid_response)?;
    let cb = Closure::<dyn FnMut()>::new(move || {
        let Some(rc) = weak.upgrade() else { return };
        let Ok(mut s) = rc.try_borrow_mut() else {
            return;
        };
        if let Some(resolve) = take_pending(&mut s.pending, r) {
            drop(s);
            let _ = resolve.call1(
                &JsValue::UNDEFINED,
                &source::result(Err(SdkError::timeout())),
            );
        }
    });
    let timer = Timeout::new(cb.as_ref().unchecked_ref(), deadline + 3_000.0);
    s.pending.push((r, resolve, timer, cb));
    let m = js::object();
    js::set(&m, "t", &"tok".into());
    js::set(&m, "r", &r.into());
    js::set(&m, "s", &tok.session.into());
    js::set(&m, "d", &deadline.into());
    js::set(&m, "n", &group.client.max_retries.into());
    if !tok.owner.is_undefined() {
        js::set(&m, "o", &tok.owner);
    }
    js::set(&m, "nm", &tok.name);
    js::set(&m, "u", &tok.usage);
    js::set(&m, "ta", &tok.terms);
    s.post(&m);
    Ok(promise)
}

/// What the drop-in reads of one of its fields.
pub(crate) struct FieldState {
    /// Nothing typed.
    pub empty: bool,
    /// A complete, valid value.
    pub complete: bool,
    /// The error code shown (typed invalid, or left incomplete).
    pub error: Option<String>,
    /// Ready for input, or its frame failed to load.
    pub settled: bool,
    /// The brand's display name and wire name (number field).
    pub brand: Option<(String, String)>,
    /// The card frame's parts (number, expiry, code), once it has said.
    pub parts: Option<[Part; 3]>,
}

impl PaySessionElement {
    /// A field of the drop-in's card form: `label` is its accessible name,
    /// `style` the drop-in's text style, `hook` hears its events.
    pub(crate) fn make(
        group: &Rc<Group>,
        kind: &'static str,
        label: String,
        style: JsValue,
        hook: Hook,
    ) -> PaySessionElement {
        let opts = Options {
            label: Some(label),
            style,
            ..Options::default()
        };
        PaySessionElement {
            inner: new_inner(group, kind, opts, Some(hook)),
        }
    }

    /// The drop-in's card in one frame: `texts` are the number's, the
    /// expiry's and the code's accessible names.
    pub(crate) fn make_card(
        group: &Rc<Group>,
        texts: Vec<String>,
        style: JsValue,
        hook: Hook,
    ) -> PaySessionElement {
        let e = PaySessionElement::make(group, CARD, String::new(), style, hook);
        if let Ok(mut s) = e.inner.try_borrow_mut() {
            s.texts = texts;
        }
        e
    }

    /// Moves the keyboard focus into part `i` of the card frame.
    pub(crate) fn focus_part(&self, i: usize) {
        let Ok(s) = self.inner.try_borrow() else {
            return;
        };
        if let Some(f) = &s.frame {
            crate::view::call(f, "focus");
        }
        let m = js::object();
        js::set(&m, "t", &"focus".into());
        js::set(&m, "f", &(i as u32).into());
        s.post(&m);
    }

    /// The field's state as the page may know it.
    pub(crate) fn state(&self) -> FieldState {
        let s = self.inner.try_borrow();
        let st = s.as_ref().map(|s| &s.st);
        FieldState {
            empty: st.map_or(true, |x| x.empty),
            complete: st.is_ok_and(|x| x.complete),
            error: st.ok().and_then(|x| x.error.clone()),
            settled: s
                .as_ref()
                .is_ok_and(|s| s.st.ready || (!s.st.hello && s.load.is_none())),
            brand: st
                .ok()
                .and_then(|x| Some((x.brand_name.clone()?, x.brand.clone()?))),
            parts: st.ok().and_then(|x| x.parts),
        }
    }

    /// The drop-in's field with its label in the catalog that has come in,
    /// once its group knows the fields origin: the config again to a frame
    /// already heard from, and the frame's message kept from before (its
    /// `ready`) taken now if it came from that origin.
    pub(crate) fn greet(&self, texts: Vec<String>) {
        let early = {
            let Ok(mut s) = self.inner.try_borrow_mut() else {
                return;
            };
            if s.kind == CARD {
                s.texts = texts;
            } else {
                s.opts.label = texts.into_iter().next();
            }
            if let Some(f) = &s.frame {
                let _ = f.set_attribute("title", &label(&s));
            }
            if s.st.hello {
                s.send_config();
            }
            let origin = s.group.origin.get().cloned();
            s.early.take().filter(|(o, _)| Some(o) == origin.as_ref())
        };
        // What the frame said before the origin was known (its `ready`,
        // from its URL's config); a frame that has said nothing yet says
        // `ready` later, and then gets the config if it changed.
        if let Some((_, data)) = early {
            handle(&self.inner, data);
        }
    }

    /// The drop-in's submit found this field empty: its input inside the
    /// frame is marked invalid and described by `text` (the frame cannot know
    /// it was required) until the shopper types.
    pub(crate) fn required(&self, text: &str) {
        if let Ok(s) = self.inner.try_borrow() {
            let m = js::object();
            js::set(&m, "t", &"req".into());
            js::set(&m, "x", &text.into());
            s.post(&m);
        }
    }

    /// The drop-in's field takes a new style (its appearance changed): the
    /// frame restyles from the config, without a reload.
    pub(crate) fn restyle(&self, style: JsValue) {
        if let Ok(mut s) = self.inner.try_borrow_mut() {
            s.opts.style = style;
            if s.st.hello {
                s.send_config();
            }
        }
    }

    /// A saved card's code field of the drop-in pays with `pm` (brand `brand`).
    pub(crate) fn set_saved(&self, pm: String, brand: String) {
        if let Ok(mut s) = self.inner.try_borrow_mut() {
            s.opts.payment_method = Some(pm);
            s.opts.brand = Some(brand);
            if s.st.hello {
                s.send_config();
            }
        }
    }

    /// Tokenizes the card of this (number) field's group for `session`, or
    /// (a saved card's code field) pays with the saved card; `usage`: save it;
    /// `terms`: the accepted terms version (or `undefined`).
    pub(crate) fn pay(
        &self,
        session: String,
        name: String,
        usage: JsValue,
        terms: JsValue,
    ) -> Result<Promise, SdkError> {
        let group = self
            .inner
            .try_borrow()
            .map_err(|_| SdkError::network())?
            .group
            .clone();
        let tok = Tok {
            session,
            owner: JsValue::UNDEFINED,
            name: name.into(),
            usage,
            terms,
        };
        tokenize(&self.inner, &group, tok).unwrap_or_else(|| Err(SdkError::network()))
    }
}
