//! What `mount` puts on the page: the host `div.paysession-dropin` in
//! `target`, its shadow root with the drop-in's stylesheet, the body with
//! its loading status, the delegated listeners, and the mount's frame group.

use super::{events, not_found, style, Mounted, Phase, State, WeakState};
use crate::error::SdkError;
use crate::i18n::Texts;
use crate::listener::EventListener;
use crate::view::{add, attrs, el};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element, Event, ShadowRootInit, ShadowRootMode};

/// The widget of one mount, in `target`, loading; `weak` is the drop-in.
#[inline(always)]
pub(super) fn widget(
    s: &State,
    doc: &Document,
    target: &Element,
    weak: WeakState,
) -> Result<Mounted, SdkError> {
    let host = el(doc, "div", "paysession-dropin", "");
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    let root = host.attach_shadow(&init).map_err(|_| not_found())?;
    style::adopt(&root, &s.config.css());
    let texts = s
        .texts
        .clone()
        .unwrap_or_else(|| Texts::built_in("en-US".into()));
    let body = el(doc, "div", "", "");
    attrs(
        &body,
        &[
            ("role", "group"),
            ("aria-label", &texts.t("paymentMethods")),
            ("aria-busy", "true"),
        ],
    );
    let status = el(doc, "p", "n", &texts.t("loading"));
    attrs(&status, &[("role", "status"), ("aria-live", "polite")]);
    add(&body, &[&status]);
    let _ = root.append_child(&body);
    target.append_child(&host).map_err(|_| not_found())?;
    let listeners = ["click", "input", "focusout", "submit"]
        .into_iter()
        .map(|k| {
            let w = weak.clone();
            EventListener::new(&root, k, move |ev: Event| events::on_event(&w, ev))
        })
        .collect();
    Ok(Mounted {
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
        state: weak,
        group: Some(Rc::new(match &s.client.fields_base {
            Some(b) => crate::elements::Group::with_base(&s.client, b.clone()),
            None => crate::elements::Group::via_api(&s.client),
        })),
        card: Vec::new(),
        saved_cvv: None,
        paying_saved: false,
        ready: None,
        early: None,
    })
}
