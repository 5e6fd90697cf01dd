//! Rendering a mount once everything is in (the payment methods, a
//! locale's catalog): the list, or the error of a failed load; then
//! `onReady` or `onError`, and the resumption of a redirect.

use super::config::Config;
use super::{events, fire, list, outcomes, resume, saved, wallet};
use super::{Fire, Methods, Mounted, Phase, Shared, State};
use crate::error::SdkError;
use crate::http::Client;
use crate::i18n::Texts;
use crate::js;
use js_sys::Array;
use paysession_core::state::PaymentType;
use paysession_core::ErrorCode;
use wasm_bindgen::prelude::*;

/// Renders the methods into the current mount once everything is in, then
/// fires `onReady` (first time) or `onError`, and resumes a redirect.
pub(super) fn show(st: &Shared) {
    let (missing, cb, resume) = match st.try_borrow_mut() {
        Ok(mut s) => render_now(&mut s),
        Err(_) => return,
    };
    fire(missing);
    fire(cb);
    if resume {
        resume::resume(st);
    }
}

/// The message of the drop-in's `payment_method_unavailable` for a card
/// the backend offers without a fields origin.
const NO_FIELDS_ORIGIN: &str = "The card is not offered: the backend names no fields origin (fieldsUrl) and no fieldsBase option was given. Start paysession-server with its fields origin (on by default) or pass fieldsBase.";

/// The payment methods could not be loaded: the early frames go, the
/// status says why.
fn failed(m: &mut Mounted, texts: &Texts, e: &SdkError) {
    m.phase = Phase::Failed;
    // No form will hold the early frames: they go.
    if let Some(ul) = m.early.take() {
        ul.remove();
    }
    m.card.clear();
    m.status.set_text_content(Some(&texts.error(e.code())));
    let _ = m.status.set_attribute("role", "alert");
    let _ = m.body.set_attribute("aria-busy", "false");
}

/// The methods of the answer `pm` to show, and whether the card was left
/// out for want of a fields origin (`fields`: one is known). A type the
/// configuration refuses, or that this SDK does not know (a newer backend),
/// is not shown.
fn offered(config: &Config, fields: bool, pm: &JsValue) -> (Vec<(PaymentType, JsValue)>, bool) {
    let list: Array = js::get(pm, "paymentMethods").dyn_into().unwrap_or_default();
    let mut no_fields = false;
    let methods = list
        .iter()
        .filter_map(|x| {
            let t = PaymentType::parse(&js::get(&x, "type").as_string()?)?;
            let wanted = config.allows(t) && (!config.managing() || t == PaymentType::CreditCard);
            let takeable = t != PaymentType::CreditCard || fields;
            no_fields |= wanted && !takeable;
            (wanted && takeable).then_some((t, x))
        })
        .collect();
    (methods, no_fields)
}

/// Renders the methods: (`onError` when the card is offered but has no
/// fields origin, `onReady` or `onError` of the load, whether to resume).
#[must_use = "fire it once the state is released"]
fn render_now(s: &mut State) -> (Fire, Fire, bool) {
    let (Some(texts), Some(m)) = (s.texts.clone(), s.mounted.as_mut()) else {
        return (None, None, false);
    };
    if m.phase != Phase::Loading {
        return (None, None, false);
    }
    let pm = match &s.methods {
        Methods::Asking | Methods::Unasked => return (None, None, false),
        Methods::Answer(Ok(pm)) => pm.clone(),
        Methods::Answer(Err(e)) => {
            let e = e.clone();
            s.methods = Methods::Unasked; // a later mount asks again
            failed(m, &texts, &e);
            let data = outcomes::error_data(JsValue::NULL, &e);
            return (None, Some((s.config.on_error.clone(), data)), false);
        }
    };
    fields_origin(&s.client, m, &texts, &pm);
    let (methods, no_fields) = offered(&s.config, m.group.is_some(), &pm);
    // The card offered but not takeable: `onError` says why.
    let missing = no_fields.then(|| {
        let e = SdkError::validation(
            ErrorCode::PaymentMethodUnavailable,
            "fieldsBase",
            NO_FIELDS_ORIGIN,
        );
        let data = outcomes::error_data(PaymentType::CreditCard.as_str().into(), &e);
        (s.config.on_error.clone(), data)
    });
    m.phase = Phase::Shown;
    list::render(
        events::field_event,
        match s.config.managing() {
            #[cfg(feature = "manage")]
            true => super::manage::render,
            _ => saved::render,
        },
        m,
        &s.config,
        &texts,
        &pm,
        &methods,
    );
    if !s.config.managing() {
        wallet::offer(m, &s.config, &texts, &pm);
    }
    // The widget's own language and direction, whatever the page's.
    let _ = m
        .host
        .set_attribute("dir", if texts.rtl() { "rtl" } else { "ltr" });
    let _ = m.host.set_attribute("lang", &texts.locale);
    let cb = ready(&mut s.ready_fired, &s.config, m, &methods);
    let resume = !s.resumed && resume::pending_return().is_some();
    s.resumed |= resume;
    (missing, cb, resume)
}

/// The fields origin: the `fieldsBase` option, else the backend's
/// `fieldsUrl` of the answer `pm`, which the frames made at mount (through
/// the API's redirect) must be on; none known, the mount has no group.
#[inline(always)]
fn fields_origin(client: &Client, m: &mut Mounted, texts: &Texts, pm: &JsValue) {
    let known = client.fields_base.is_some()
        || js::get(pm, "fieldsUrl")
            .as_string()
            .and_then(|u| crate::options::check_base(&u, "fieldsUrl").ok())
            .zip(m.group.as_ref())
            .is_some_and(|(u, g)| g.learn(&u));
    if !known {
        m.group = None;
    }
    if let Some(g) = &m.group {
        g.use_catalog(texts.catalog.clone());
    }
}

/// `onReady` (its first time) once the list is shown and the open card
/// form's fields can take input; else its data is held until they can.
#[inline(always)]
#[must_use = "fire it once the state is released"]
fn ready(
    fired: &mut bool,
    config: &Config,
    m: &mut Mounted,
    methods: &[(PaymentType, JsValue)],
) -> Fire {
    let types: Array = methods
        .iter()
        .map(|(t, _)| JsValue::from(t.as_str()))
        .collect();
    let data = js::object();
    js::set(&data, "paymentMethodTypes", &types);
    if *fired {
        return None;
    }
    // The frames made at mount may all be ready already.
    if m.fields_settled() {
        *fired = true;
        return Some((config.on_ready.clone(), data.into()));
    }
    m.ready = Some(data.into());
    None
}
