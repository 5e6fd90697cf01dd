//! The 3-D Secure challenge of a card source: the modal dialog holding the
//! challenge page, its messages (exact origin), its close, and the verify
//! that follows. Every outcome fires exactly one callback (docs/DROPIN.md).

use super::inputs::{id, input};
use super::outcomes::{cancel, current, fail, form_key, set_busy, state_of, succeed};
use super::{fire, spawn, Fire, Mounted, Shared, State, WeakState};
use crate::api;
use crate::error::SdkError;
use crate::js;
use crate::listener::EventListener;
use crate::view::{add, attrs, call, el};
use paysession_core::state::{PaymentType, SourceState};
use paysession_core::{ErrorCode, ErrorType};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event};

/// An open 3-D Secure challenge; dropping it removes the dialog and its listeners.
pub struct Modal {
    dialog: Element,
    source: JsValue,
    ty: PaymentType,
    verifying: bool,
    listeners: Vec<EventListener>,
}

impl Drop for Modal {
    fn drop(&mut self) {
        self.listeners.clear();
        self.dialog.remove();
    }
}

/// Opens the challenge page in a modal dialog.
pub(super) fn challenge(
    s: &mut State,
    st: &Shared,
    gen: u32,
    ty: PaymentType,
    source: &JsValue,
) -> Fire {
    let url = js::get(&js::get(source, "nextAction"), "url").as_string();
    let (m, t) = current(s, gen)?;
    let (Some(url), Some(doc)) = (
        url.filter(|u| u.starts_with("http")),
        m.host.owner_document(),
    ) else {
        set_busy(m, ty, false);
        return None;
    };
    let dialog = el(&doc, "dialog", "", "");
    attrs(&dialog, &[("aria-labelledby", "ct")]);
    let head = el(&doc, "div", "h", "");
    let h = el(&doc, "h2", "", &t.t("challenge.title"));
    attrs(&h, &[("id", "ct")]);
    let x = el(&doc, "button", "x", &t.t("challenge.close"));
    attrs(&x, &[("type", "button")]);
    add(&head, &[&h, &x]);
    // The page's origin: the challenge page lets only it frame the page and
    // posts its result to it alone (an http(s) origin needs no escaping).
    let mut url = url;
    if let Some(o) = crate::options::default_base() {
        let sep = if url.contains('?') {
            "&origin="
        } else {
            "?origin="
        };
        url.push_str(sep);
        url.push_str(&o);
    }
    let frame = el(&doc, "iframe", "", "");
    attrs(&frame, &[("src", &url), ("title", &t.t("challenge.title"))]);
    add(&dialog, &[&head, &frame]);
    add(&m.body, &[&dialog]);
    let w1 = Rc::downgrade(st);
    let w2 = w1.clone();
    let listeners = vec![
        EventListener::new(&dialog, "close", move |_| closed(&w1)),
        EventListener::new(
            &js_sys::global().unchecked_into(),
            "message",
            move |ev: Event| message(&w2, ev),
        ),
    ];
    m.modal = Some(Modal {
        dialog: dialog.clone(),
        source: source.clone(),
        ty,
        verifying: false,
        listeners,
    });
    call(&dialog, "showModal");
    None
}

/// The close button: closing the dialog is a cancel (handled by `closed`).
pub fn close_modal(st: &Shared) {
    let dialog = st
        .try_borrow()
        .ok()
        .and_then(|s| s.mounted.as_ref()?.modal.as_ref().map(|m| m.dialog.clone()));
    if let Some(d) = dialog {
        call(&d, "close");
    }
}

fn focus_pay(m: &Mounted, ty: PaymentType) {
    if let Some(b) = input(&m.root, &id("pay-", form_key(m, ty))) {
        call(&b, "focus");
    }
}

/// The dialog closed (Escape or the close button) before a result: `onCancel`.
fn closed(weak: &WeakState) {
    let Some(st) = weak.upgrade() else { return };
    let cb = match st.try_borrow_mut() {
        Ok(mut s) => {
            let gen = s.generation;
            let modal = s.mounted.as_mut().and_then(|m| m.modal.take());
            match modal {
                Some(modal) => {
                    let ty = modal.ty;
                    drop(modal);
                    let cb = cancel(&mut s, gen, ty);
                    if let Some(m) = s.mounted.as_ref() {
                        focus_pay(m, ty);
                    }
                    cb
                }
                None => None,
            }
        }
        Err(_) => None,
    };
    fire(cb);
}

/// The challenge page's `postMessage`: checked (origin, source id), then the
/// result is confirmed with the backend, never taken from the message.
fn message(weak: &WeakState, ev: Event) {
    let Some(st) = weak.upgrade() else { return };
    let data = js::get(&ev, "data");
    if js::get(&data, "type").as_string().as_deref() != Some("paysession:challenge") {
        return;
    }
    let (client, body, gen, ty) = {
        let Ok(mut s) = st.try_borrow_mut() else {
            return;
        };
        let s = &mut *s;
        let from = js::get(&ev, "origin").as_string().unwrap_or_default();
        if from != crate::scan::origin(&s.client.base) {
            return;
        }
        let Some(modal) = s.mounted.as_mut().and_then(|m| m.modal.as_mut()) else {
            return;
        };
        let id = js::get(&modal.source, "id");
        if modal.verifying || js::get(&data, "sourceId") != id {
            return;
        }
        modal.verifying = true;
        let body = js::object();
        js::set(&body, "sessionId", &s.config.session_id.as_str().into());
        js::set(&body, "sourceId", &id);
        js::set(
            &body,
            "sourceClientSecret",
            &js::get(&modal.source, "clientSecret"),
        );
        (
            s.client.clone(),
            JsValue::from(body),
            s.generation,
            modal.ty,
        )
    };
    let weak = weak.clone();
    spawn(async move {
        let r = api::authenticate(&client, body).await;
        let Some(st) = weak.upgrade() else { return };
        let cb = match st.try_borrow_mut() {
            Ok(mut s) => verified(&mut s, gen, ty, r),
            Err(_) => None,
        };
        fire(cb);
    });
}

#[must_use = "fire it once the state is released"]
fn verified(s: &mut State, gen: u32, ty: PaymentType, r: Result<JsValue, SdkError>) -> Fire {
    let status = r
        .as_ref()
        .ok()
        .and_then(|v| js::get(v, "status").as_string())
        .unwrap_or_default();
    let source = r
        .as_ref()
        .map(|v| js::get(v, "source"))
        .unwrap_or(JsValue::UNDEFINED);
    let m = s.mounted.as_mut().filter(|_| s.generation == gen)?;
    if status == "pending" {
        if let Some(modal) = m.modal.as_mut() {
            modal.verifying = false;
        }
        return None;
    }
    m.modal = None;
    if state_of(&source) == Some(SourceState::Chargeable) {
        return succeed(s, gen, ty, &source);
    }
    let e = r.err().unwrap_or_else(|| {
        SdkError::new(
            ErrorType::BadRequest,
            ErrorCode::AuthenticationFailed,
            None,
            "The payment could not be verified.",
        )
    });
    let cb = fail(s, gen, Some(ty), &e);
    if let Some(m) = s.mounted.as_ref() {
        focus_pay(m, ty);
    }
    cb
}
