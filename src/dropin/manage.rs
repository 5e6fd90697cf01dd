//! `flow: "managePaymentMethods"`: the saved methods with a Remove button
//! each, and "Add a payment method": the card form, whose source (with
//! `usage`) is saved to the customer without paying.

use super::card::Hook;
use super::config::Config;
use super::inputs::{id, input};
use super::outcomes::{self, current, say, set_busy};
use super::saved::{card_label, expiry, list_of};
use super::{fire, spawn, Fire, Mounted, Phase, Shared, State};
use crate::error::SdkError;
use crate::http::Method;
use crate::i18n::Texts;
use crate::js;
use crate::view::{add, attrs, call, el, hide};
use paysession_core::state::PaymentType;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// Renders the saved methods before the method list `ul`: a heading, each
/// method with its Remove button, and the line shown when there is none.
pub fn render(_hook: Hook, m: &mut Mounted, _config: &Config, t: &Texts, ul: &Element) {
    let (Some(doc), Some(list)) = (m.host.owner_document(), list_of(m)) else {
        return;
    };
    let doc = &doc;
    let h = el(doc, "h2", "", &t.t("manage.title"));
    let sl = el(doc, "ul", "", "");
    attrs(&sl, &[("id", "sl"), ("aria-label", &t.t("saved.title"))]);
    for pm in list.iter() {
        add(&sl, &[&manage_item(doc, t, &pm)]);
    }
    let none = el(doc, "p", "n", &t.t("saved.none"));
    attrs(&none, &[("id", "snone")]);
    hide(&none, list.length() > 0);
    for x in [&h, &sl, &none] {
        let _ = m.body.insert_before(x, Some(ul));
    }
}

/// One saved method of the list: its label, its expiry, its Remove button.
fn manage_item(doc: &Document, t: &Texts, pm: &JsValue) -> Element {
    let pid = js::get(pm, "id").as_string().unwrap_or_default();
    let label = card_label(t, pm);
    let li = el(doc, "li", "sv", "");
    attrs(&li, &[("id", &id("sv-", &pid))]);
    let b = el(doc, "button", "rm", &t.t("saved.remove"));
    attrs(
        &b,
        &[
            ("type", "button"),
            ("data-pm", &pid),
            ("aria-label", &t.t1("saved.removeLabel", "{card}", &label)),
        ],
    );
    add(
        &li,
        &[
            &el(doc, "span", "", &label),
            &el(doc, "span", "n", &[" — ", &expiry(t, pm).0].concat()),
            &b,
        ],
    );
    li
}

/// A Remove button: deletes the method through the session, then takes it
/// off the list and announces it.
pub fn remove(st: &Shared, b: &Element) {
    let Some(pid) = b.get_attribute("data-pm") else {
        return;
    };
    let (client, gen, path) = {
        let Ok(s) = st.try_borrow() else { return };
        if s.mounted.as_ref().map(|m| m.phase) != Some(Phase::Shown) {
            return;
        }
        let path = [
            "/v1/sessions/",
            &s.config.session_id,
            "/payment-methods/",
            &crate::http::encode(&pid),
        ]
        .concat();
        (s.client.clone(), s.generation, path)
    };
    let _ = b.set_attribute("disabled", "");
    let weak = Rc::downgrade(st);
    let b = b.clone();
    spawn(async move {
        let r = client.send(Method::Delete, &path, None).await;
        let Some(st) = weak.upgrade() else { return };
        let cb = match st.try_borrow_mut() {
            Ok(mut s) => match r {
                Ok(_) => {
                    if let Some((m, t)) = current(&mut s, gen) {
                        if let Some(li) = input(&m.root, &id("sv-", &pid)) {
                            li.remove();
                        }
                        let empty =
                            input(&m.root, "sl").is_some_and(|l| l.first_element_child().is_none());
                        if let Some(n) = input(&m.root, "snone") {
                            hide(&n, !empty);
                        }
                        // The focus goes on to the next Remove button, or to Add.
                        let next = m.root.query_selector("button.rm, button.m").ok().flatten();
                        if let Some(n) = next {
                            call(&n, "focus");
                        }
                        say(m, &t.t("saved.removed"));
                    }
                    None
                }
                Err(e) => {
                    let _ = b.remove_attribute("disabled");
                    outcomes::fail(&mut s, gen, None, &e)
                }
            },
            Err(_) => None,
        };
        fire(cb);
    });
}

/// The manage flow's card source is chargeable: save it to the customer
/// (no payment), then list it and fire `onSuccess({paymentMethod, source})`.
#[must_use = "fire it once the state is released"]
pub fn tokenize(s: &mut State, gen: u32, source: &JsValue) -> Fire {
    let weak = s.alive.as_ref().map(Rc::downgrade)?;
    let client = s.client.clone();
    let path = ["/v1/sessions/", &s.config.session_id, "/payment-methods"].concat();
    let body = js::object();
    js::set(&body, "sourceId", &js::get(source, "id"));
    let source = source.clone();
    spawn(async move {
        let r = client.send(Method::Post, &path, Some(&body.into())).await;
        let Some(st) = weak.upgrade() else { return };
        let cb = match st.try_borrow_mut() {
            Ok(mut s) => saved(&mut s, gen, r, &source),
            Err(_) => None,
        };
        fire(cb);
    });
    None
}

#[must_use = "fire it once the state is released"]
fn saved(s: &mut State, gen: u32, r: Result<JsValue, SdkError>, source: &JsValue) -> Fire {
    let pm = match r {
        Ok(pm) => pm,
        Err(e) => return outcomes::fail(s, gen, Some(PaymentType::CreditCard), &e),
    };
    let cb = s.config.on_success.clone();
    let (m, t) = current(s, gen)?;
    set_busy(m, PaymentType::CreditCard, false);
    if let (Some(doc), Some(sl)) = (m.host.owner_document(), input(&m.root, "sl")) {
        add(&sl, &[&manage_item(&doc, &t, &pm)]);
    }
    if let Some(n) = input(&m.root, "snone") {
        hide(&n, true);
    }
    for (_, e) in &m.card {
        e.clear();
    }
    if let Some(n) = input(&m.root, "name") {
        crate::view::set_value(&n, "");
    }
    say(m, &t.t("saved.added"));
    let d = js::object();
    js::set(&d, "paymentMethod", &pm);
    js::set(&d, "source", source);
    Some((cb, d.into()))
}
