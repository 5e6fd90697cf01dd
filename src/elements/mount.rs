//! The steps of `mount`: the frame's URL (its config inside) and
//! attributes, the listeners (the frame's messages, clicks on the target's
//! labels) and the timer that reports a frame that never says hello.

use super::frame::label;
use super::frame::style_set;
use super::messages::on_message;
use super::{call_all, focus, Event, Inner, CARD, LOAD_TIMEOUT_MS};
use crate::http::{encode, Timeout};
use crate::js;
use crate::listener::EventListener;
use paysession_core::ErrorCode;
use std::cell::RefCell;
use std::rc::Weak;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type WeakInner = Weak<RefCell<Inner>>;

/// The frame's `src` (the config goes with the frame: it takes input as its
/// script runs), `title` and, for an element of the page, its inline size.
pub(super) fn set_up(s: &mut Inner, frame: &web_sys::Element, page: &str) {
    let cfg = s.config_json();
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
        &encode(page),
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
        frame,
        &[
            ("src", &src),
            ("title", &label(s)),
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
            style_set(frame, p, v);
        }
    }
}

/// The window's messages, and a click on `<label for=target-id>` (in the
/// target's document or shadow root), which focuses the field.
pub(super) fn listen(s: &mut Inner, weak: &WeakInner, target: &web_sys::Element) {
    let w = weak.clone();
    if let Some(win) = web_sys::window() {
        s.listeners
            .push(EventListener::new(&win, "message", move |e| {
                on_message(&w, &e)
            }));
    }
    let id = target.id();
    if id.is_empty() {
        return;
    }
    let root = target.get_root_node();
    let Ok(labels) = root
        .unchecked_ref::<web_sys::Document>()
        .query_selector_all(&["label[for=\"", &id.replace('"', ""), "\"]"].concat())
    else {
        return;
    };
    for i in 0..labels.length() {
        let Some(l) = labels.item(i) else { continue };
        let weak_me = weak.clone();
        s.listeners.push(EventListener::new(&l, "click", move |e| {
            e.prevent_default();
            if let Some(rc) = weak_me.upgrade() {
                focus(&rc);
            }
        }));
    }
}

/// A frame that has not said hello after [`LOAD_TIMEOUT_MS`] is reported.
pub(super) fn watch_load(s: &mut Inner, weak: WeakInner) {
    let cb = Closure::<dyn FnMut()>::new(move || load_failed(&weak));
    s.load = Some((
        Timeout::new(cb.as_ref().unchecked_ref(), LOAD_TIMEOUT_MS),
        cb,
    ));
}

/// The frame did not load: the field shows `network_unavailable` and fires `change`.
fn load_failed(w: &WeakInner) {
    let Some(rc) = w.upgrade() else { return };
    let Ok(mut s) = rc.try_borrow_mut() else {
        return;
    };
    if s.st.hello() || s.frame.is_none() {
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
    let fires = s.event(Event::Change, ev);
    let hook = s.hook.clone();
    drop(s);
    call_all(fires);
    if let Some(h) = hook {
        h(Event::Change);
    }
}
