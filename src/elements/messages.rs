//! The messages a frame sends: taken only from the fields origin, from the
//! element's own frame window and with this mount's channel id; each turned
//! into the state it says and the events it fires.

use super::frame::style_set;
use super::group::Group;
use super::state::Heard;
use super::tokenize::take_pending;
use super::{call_all, Event, Inner, Shared};
use crate::error::SdkError;
use crate::js;
use crate::source;
use js_sys::Object;
use std::cell::RefCell;
use std::rc::Weak;
use wasm_bindgen::JsValue;

pub(super) fn on_message(weak: &Weak<RefCell<Inner>>, ev: &JsValue) {
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
pub(super) fn handle(rc: &Shared, data: JsValue) {
    let Ok(mut s) = rc.try_borrow_mut() else {
        return;
    };
    let Some(frame) = s.frame.clone() else { return };
    let frame = &frame;
    let t = js::get(&data, "t").as_string().unwrap_or_default();
    let fires = match t.as_str() {
        "hi" => {
            if s.st.heard == Heard::Nothing {
                s.st.heard = Heard::Hello;
            }
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
            let first = !s.st.ready();
            s.st.heard = Heard::Ready;
            // A config changed since the URL was written (the catalog came
            // in, a saved card was chosen) reaches the frame now.
            if let Some(sent) = s.in_url.take() {
                if sent != s.config_json() {
                    s.send_config();
                }
            }
            // A frame that said `hi` before its group knew the fields origin
            // answers the config sent once it does (`Ready` counts as hello).
            s.load = None;
            if first {
                s.event(Event::Ready, s.base_event().into())
            } else {
                Vec::new()
            }
        }
        "change" => {
            s.st.take_change(&data);
            s.classes(true);
            s.event(Event::Change, s.change_event())
        }
        "focus" | "blur" => {
            s.st.focus = t == "focus";
            s.classes(true);
            s.event(
                if s.st.focus {
                    Event::Focus
                } else {
                    Event::Blur
                },
                s.base_event().into(),
            )
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
        h(Event::of(&t));
    }
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
