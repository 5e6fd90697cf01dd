//! The drop-in's event handlers: the delegated listeners of a mount (method
//! toggles, submits, input formatting and validation) and the secure fields'
//! events. They call into `forms` (rendering, validation) and `pay`; neither
//! of those depends on this module.

use super::inputs::{format, id, input, type_of, validate};
use super::list;
use super::{challenge, fire, pay, saved, Shared, WeakState};
use crate::elements::Event as FieldEvent;
use crate::view::{hide, value};
use paysession_core::state::PaymentType;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

/// An event of the secure field `fid`: its error and the brand beside it,
/// the error announced; Enter pays; `onReady` once every field can take input.
pub fn field_event(weak: &WeakState, fid: &'static str, ev: FieldEvent) {
    let Some(st) = weak.upgrade() else { return };
    if ev == FieldEvent::Enter {
        if fid == "scvc" {
            saved::submit(&st);
        } else {
            pay::submit(&st, PaymentType::CreditCard);
        }
        return;
    }
    let cb = {
        let Ok(mut s) = st.try_borrow_mut() else {
            return;
        };
        let s = &mut *s;
        let (Some(m), Some(t)) = (s.mounted.as_mut(), s.texts.as_ref()) else {
            return;
        };
        let Some(f) = m
            .card
            .iter()
            .find(|(x, _)| *x == fid)
            .map(|(_, e)| e)
            .or(m.saved_cvv.as_ref().filter(|_| fid == "scvc"))
            .map(|e| e.state())
        else {
            return;
        };
        if ev == FieldEvent::Change {
            let msg = f.error.as_deref().map(|c| t.error(c));
            if let Some(e) = input(&m.root, &id(fid, "-e")) {
                if msg.is_some() && e.text_content() != msg {
                    m.status.set_text_content(msg.as_deref());
                }
                e.set_text_content(msg.as_deref());
            }
            if let Some(b) = input(&m.root, "card-b").filter(|_| fid == "card") {
                b.set_text_content(f.brand.as_ref().map(|x| x.0.as_str()));
                let _ = match &f.brand {
                    Some(x) => b.set_attribute("data-brand", &x.1),
                    None => b.remove_attribute("data-brand"),
                };
            }
        }
        if m.ready.is_some() && m.fields_settled() {
            s.ready_fired = true;
            m.ready.take().map(|d| (s.config.on_ready.clone(), d))
        } else {
            None
        }
    };
    fire(cb);
}

/// The one handler behind the mount's delegated listeners.
pub fn on_event(weak: &WeakState, ev: Event) {
    let Some(st) = weak.upgrade() else { return };
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    match ev.type_().as_str() {
        "click" => {
            if target.id() == "usenew" {
                saved::use_new(&st, &target);
            } else if let Some(b) = target.closest("button.m").ok().flatten() {
                toggle(&st, &b);
            } else if let Some(b) = manage_remove(&target) {
                remove(&st, &b);
            } else if target.closest(".x").ok().flatten().is_some() {
                challenge::close_modal(&st);
            }
        }
        "submit" => {
            ev.prevent_default();
            if target.id() == "f-saved" {
                saved::submit(&st);
            } else if let Some(ty) = type_of(&target) {
                pay::submit(&st, ty);
            }
        }
        kind => {
            let Ok(s) = st.try_borrow() else { return };
            let (Some(m), Some(t)) = (s.mounted.as_ref(), s.texts.as_ref()) else {
                return;
            };
            let fid = target.id();
            if kind == "input" && target.get_attribute("name").as_deref() == Some("spm") {
                saved::select(m, &target);
            } else if kind == "input" {
                format(&target, &fid);
                // A shown error goes as soon as the value is right (while
                // typing, not on the blur of a click on pay: that would move
                // the button under the pointer).
                if target.has_attribute("aria-invalid") {
                    validate(&m.root, t, &fid);
                }
            } else if target.tag_name() == "INPUT"
                && !value(&target).is_empty()
                && !fid.starts_with("terms-")
            {
                validate(&m.root, t, &fid);
            }
        }
    }
}

/// Expands one method (collapsing the others) or collapses it.
fn toggle(st: &Shared, b: &Element) {
    let Ok(mut s) = st.try_borrow_mut() else {
        return;
    };
    let s = &mut *s;
    let Some(ty) = type_of(b) else {
        return;
    };
    let open = b.get_attribute("aria-expanded").as_deref() != Some("true");
    if s.mounted.is_none() {
        return;
    }
    let mut node = b
        .closest("ul")
        .ok()
        .flatten()
        .and_then(|u| u.first_element_child());
    while let Some(li) = node {
        if let (Some(other), Some(panel)) = (li.first_element_child(), li.last_element_child()) {
            let on = open && other.is_same_node(Some(b));
            if on {
                list::ensure_form(field_event, s, ty, &panel);
            }
            let _ = other.set_attribute("aria-expanded", if on { "true" } else { "false" });
            hide(&panel, !on);
        }
        node = li.next_element_sibling();
    }
    s.selected = Some(ty);
}

#[cfg(feature = "manage")]
use super::manage::remove;
/// Never called: without the manage flow there is no Remove button.
#[cfg(not(feature = "manage"))]
fn remove(_: &Shared, _: &Element) {}

/// The manage flow's Remove button clicked, if that is what `target` is
/// (never in the checkout's build: its manage flow is another module's).
fn manage_remove(target: &Element) -> Option<Element> {
    if !cfg!(feature = "manage") {
        return None;
    }
    target.closest("button.rm").ok().flatten()
}
