//! One element's frame as the page holds it: the config written into its
//! URL or posted to it, the messages posted to it, the state classes on
//! the mount target, and unmounting.

use super::{
    fail, group::Group, options::Options, state::St, Event, Fires, Hook, Inner, Shared, CARD, CODES,
};
use crate::js;
use crate::source;
use js_sys::{Function, Object};
use paysession_core::ErrorCode;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub(super) fn new_inner(
    group: &Rc<Group>,
    kind: &'static str,
    opts: Options,
    hook: Option<Hook>,
) -> Shared {
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

pub(super) fn label(s: &Inner) -> String {
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
    #[must_use = "call them once the element is released"]
    pub(super) fn event(&self, name: Event, data: JsValue) -> Fires {
        self.handlers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, f)| (f.clone(), data.clone()))
            .collect()
    }

    pub(super) fn base_event(&self) -> Object {
        let o = js::object();
        js::set(&o, "elementType", &self.kind.into());
        o
    }

    pub(super) fn change_event(&self) -> JsValue {
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

    pub(super) fn post(&self, msg: &Object) {
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

    pub(super) fn post_kind(&self, t: &str) {
        let m = js::object();
        js::set(&m, "t", &t.into());
        self.post(&m);
    }

    /// `cfg`: label, placeholder, style, the locale's `lang` and `dir`, and
    /// the words of the two error codes this field can show (its input's
    /// description while one is shown).
    pub(super) fn send_config(&self) {
        let m = self.config();
        js::set(&m, "t", &"cfg".into());
        self.post(&m);
    }

    /// The config message's content: what `send_config` posts and what
    /// `mount` writes into the frame's URL (its `#f=`).
    pub(super) fn config(&self) -> Object {
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
    pub(super) fn config_json(&self) -> String {
        js_sys::JSON::stringify(&self.config())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }

    /// The state classes on the mount target.
    pub(super) fn classes(&self, on: bool) {
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
    #[must_use = "the pending tokenizations resolve when these are called"]
    pub(super) fn unmount(&mut self) -> Vec<(Function, JsValue)> {
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

pub(super) fn style_set(el: &web_sys::Element, prop: &str, value: &str) {
    let style = js::get(el, "style");
    if let Ok(f) = js::get(&style, "setProperty").dyn_into::<Function>() {
        let _ = f.call2(&style, &prop.into(), &value.into());
    }
}
