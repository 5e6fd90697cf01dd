//! Paying: the submit of each form, the outcome of `createSource` (success,
//! decline, redirect, 3-D Secure challenge, wire instructions), the challenge
//! modal and the resume after a redirect. Every outcome fires exactly one
//! callback; the state is released before it fires.

use super::forms::{self, digits, id, input};
use super::{fire, spawn, Fire, Mounted, Phase, Shared, State, WeakState};
use crate::error::SdkError;
use crate::i18n::Texts;
use crate::js;
use crate::listener::EventListener;
use crate::view::{add, attrs, call, el, hide, value};
use crate::{api, source};
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

/// `{paymentMethod, type, errors}` for `onError`.
pub fn error_data(pm: JsValue, e: &SdkError) -> JsValue {
    let d = js::object();
    js::set(&d, "paymentMethod", &pm);
    js::set(&d, "type", &e.kind.as_str().into());
    js::set(&d, "errors", &js::get(&e.to_js(), "errors"));
    d.into()
}

fn method_data(ty: PaymentType) -> JsValue {
    let d = js::object();
    js::set(&d, "paymentMethod", &ty.as_str().into());
    d.into()
}

/// A source's `state`, if it is one core knows.
fn state_of(source: &JsValue) -> Option<SourceState> {
    let s = js::get(source, "state").as_string()?;
    [
        SourceState::Chargeable,
        SourceState::PendingRedirect,
        SourceState::RequiresAction,
        SourceState::PendingFunds,
        SourceState::Failed,
        SourceState::Cancelled,
        SourceState::Consumed,
    ]
    .into_iter()
    .find(|x| x.as_str() == s)
}

/// The mount a result belongs to, with its texts; `None` once unmounted or remounted.
pub(super) fn current(s: &mut State, gen: u32) -> Option<(&mut Mounted, Texts)> {
    if s.generation != gen {
        return None;
    }
    let t = s.texts.clone()?;
    Some((s.mounted.as_mut()?, t))
}

pub(super) fn say(m: &Mounted, text: &str) {
    m.status.set_text_content(Some(text));
}

/// The terms checkbox of form `form` (`terms-{form}`), where there is one:
/// `None` while unticked (its error shown and announced, the box focused:
/// nothing may be sent), else the accepted `termsVersion` (`undefined`
/// without a checkbox).
pub(super) fn terms_accepted(m: &Mounted, t: &Texts, form: &str) -> Option<JsValue> {
    let terms_id = id("terms-", form);
    let Some(c) = input(&m.root, &terms_id) else {
        return Some(JsValue::UNDEFINED);
    };
    if let Some(msg) = forms::validate(&m.root, t, &terms_id) {
        say(m, &msg);
        call(&c, "focus");
        return None;
    }
    Some(js::get(&js::get(&m.methods, "compliance"), "termsVersion"))
}

/// The form a payment of `ty` is made from: the saved cards' (`saved`) or the method's.
fn form_key(m: &Mounted, ty: PaymentType) -> &'static str {
    match ty {
        PaymentType::CreditCard if m.paying_saved => "saved",
        // The wallets' buttons share one fieldset.
        PaymentType::ApplePay | PaymentType::GooglePay => "wallets",
        _ => ty.as_str(),
    }
}

pub(super) fn set_busy(m: &mut Mounted, ty: PaymentType, busy: bool) {
    m.phase = if busy { Phase::Paying } else { Phase::Shown };
    if let Some(b) = input(&m.root, &id("pay-", form_key(m, ty))) {
        let _ = if busy {
            b.set_attribute("disabled", "")
        } else {
            b.remove_attribute("disabled")
        };
        let _ = b.set_attribute("aria-busy", if busy { "true" } else { "false" });
    }
}

/// The form's submit: validates, then creates the source (once: the button is
/// disabled while it is in flight, and the request carries an idempotency key).
/// A card is tokenized by its secure fields, inside the fields origin.
pub fn submit(st: &Shared, ty: PaymentType) {
    let (client, payload, gen, card) = {
        let Ok(mut s) = st.try_borrow_mut() else {
            return;
        };
        let s = &mut *s;
        let gen = s.generation;
        let session = s.config.session_id.clone();
        let redirect = js::get(&s.config.options, "redirect");
        let (cfg_usage, manage) = (s.config.usage, s.config.manage);
        let Some((m, t)) = current(s, gen) else {
            return;
        };
        if m.phase != Phase::Shown {
            return;
        }
        m.paying_saved = false;
        let bad_card = if ty == PaymentType::CreditCard {
            forms::check_card(m, &t)
        } else {
            None
        };
        let mut first = None;
        for f in forms::fields_of(ty) {
            if let Some(msg) = forms::validate(&m.root, &t, f) {
                first.get_or_insert((*f, msg));
            }
        }
        if let Some((e, msg)) = bad_card {
            say(m, &msg);
            e.focus();
            return;
        }
        if let Some((f, msg)) = first {
            say(m, &msg);
            if let Some(i) = input(&m.root, f) {
                call(&i, "focus");
            }
            return;
        }
        let Some(accepted) = terms_accepted(m, &t, ty.as_str()) else {
            return;
        };
        let v = |f: &str| input(&m.root, f).map(|i| value(&i)).unwrap_or_default();
        let p = js::object();
        js::set(&p, "type", &ty.as_str().into());
        js::set(&p, "sessionId", &session.as_str().into());
        if accepted.is_string() {
            let a = js::object();
            js::set(&a, "version", &accepted);
            js::set(&p, "termsAcceptance", &a);
        }
        let d = js::object();
        let mut card = None;
        match ty {
            PaymentType::CreditCard => {
                // `usage`: the card is saved (the shopper ticked the
                // agreement; always in the manage flow).
                let ticked = input(&m.root, "save-creditCard")
                    .is_some_and(|c| js::get(&c, "checked").as_bool() == Some(true));
                let usage = match cfg_usage {
                    Some(u) if ticked || manage => u.as_str().into(),
                    None if manage => "convenience".into(),
                    _ => JsValue::UNDEFINED,
                };
                card = Some(match m.card.first() {
                    Some((_, e)) => {
                        e.pay(session.clone(), v("name").trim().into(), usage, accepted)
                    }
                    None => Err(SdkError::network()),
                });
            }
            PaymentType::SepaDebit => js::set(&d, "iban", &v("iban").into()),
            PaymentType::GiftCard => {
                js::set(&d, "number", &digits(&v("gnum")).into());
                js::set(&d, "pin", &digits(&v("gpin")).into());
            }
            PaymentType::WireTransfer => {}
            PaymentType::ApplePay | PaymentType::GooglePay => match super::wallet::token(m) {
                Some(tok) => js::set(&d, "token", &tok.into()),
                None => {
                    // The shopper closed the wallet: a cancelled outcome.
                    let r = js::object();
                    js::set(&r, "state", &"cancelled".into());
                    card = Some(Ok(js_sys::Promise::resolve(&JsValue::from(r))));
                }
            },
            PaymentType::PayPal | PaymentType::KlarnaCredit | PaymentType::Ideal => {
                let here = js::get(&js::get(&js_sys::global(), "location"), "href")
                    .as_string()
                    .unwrap_or_default();
                let here = here
                    .split(['?', '#'])
                    .next()
                    .unwrap_or_default()
                    .to_string();
                for k in ["returnUrl", "cancelUrl"] {
                    let u = js::get(&redirect, k)
                        .as_string()
                        .unwrap_or_else(|| here.clone());
                    js::set(&d, k, &u.into());
                }
            }
        }
        js::set(&p, ty.as_str(), &d);
        set_busy(m, ty, true);
        if let Some(fe) = input(&m.root, &id("fe-", ty.as_str())) {
            fe.set_text_content(None);
        }
        say(m, &t.t("processing"));
        s.selected = Some(ty);
        (s.client.clone(), JsValue::from(p), gen, card)
    };
    let weak = Rc::downgrade(st);
    spawn(async move {
        let r = match card {
            None => source::create(&client, payload).await,
            Some(Ok(p)) => wasm_bindgen_futures::JsFuture::from(p)
                .await
                .unwrap_or_default(),
            Some(Err(e)) => source::result(Err(e)),
        };
        outcome(&weak, gen, ty, r);
    });
}

pub(super) fn outcome(weak: &WeakState, gen: u32, ty: PaymentType, r: JsValue) {
    let Some(st) = weak.upgrade() else { return };
    let source = js::get(&r, "source");
    let cb = match st.try_borrow_mut() {
        Ok(mut s) => match state_of(&r) {
            Some(SourceState::Chargeable | SourceState::PendingFunds) => {
                succeed(&mut s, gen, ty, &source)
            }
            Some(SourceState::PendingRedirect) => redirect(&mut s, gen, ty, &source),
            Some(SourceState::RequiresAction) => challenge(&mut s, &st, gen, ty, &source),
            Some(SourceState::Cancelled) => cancel(&mut s, gen, ty),
            Some(SourceState::Failed | SourceState::Consumed) | None => {
                let e = SdkError::from_body(&js::get(&r, "error"))
                    .unwrap_or_else(SdkError::invalid_response);
                fail(&mut s, gen, Some(ty), &e)
            }
        },
        Err(_) => None,
    };
    fire(cb);
}

fn succeed(s: &mut State, gen: u32, ty: PaymentType, source: &JsValue) -> Fire {
    if s.config.manage {
        let save = s.save_card;
        return save(s, gen, source);
    }
    let cb = s.config.on_success.clone();
    let (m, t) = current(s, gen)?;
    m.phase = Phase::Paid;
    let reusable = js::get(source, "reusable").as_bool() == Some(true);
    let save = !m.paying_saved
        && input(&m.root, &id("save-", ty.as_str()))
            .is_some_and(|c| js::get(&c, "checked").as_bool() == Some(true));
    let amount = t.money(
        js::get(source, "amount").as_f64().unwrap_or(0.0),
        &m.currency,
    );
    match ty {
        PaymentType::WireTransfer => wire(m, &t, source, &amount),
        PaymentType::GiftCard => say(m, &t.t1("giftCardApplied", "{amount}", &amount)),
        PaymentType::CreditCard
        | PaymentType::PayPal
        | PaymentType::KlarnaCredit
        | PaymentType::Ideal
        | PaymentType::SepaDebit
        | PaymentType::ApplePay
        | PaymentType::GooglePay => {}
    }
    s.methods = None; // the session changed: a later mount asks again
    let d = js::object();
    js::set(&d, "source", source);
    js::set(&d, "readyForStorage", &(save && reusable).into());
    js::set(&d, "supportsStorage", &reusable.into());
    Some((cb, d.into()))
}

/// Shows the wire transfer instructions in place of the form.
fn wire(m: &Mounted, t: &Texts, source: &JsValue, amount: &str) {
    let (Some(f), Some(doc)) = (input(&m.root, "f-wireTransfer"), m.host.owner_document()) else {
        return;
    };
    let w = js::get(source, "wireTransfer");
    let box_ = el(&doc, "div", "", "");
    attrs(&box_, &[("id", "wire")]);
    add(
        &box_,
        &[&el(&doc, "p", "n", &t.t1("wire.intro", "{amount}", amount))],
    );
    let dl = el(&doc, "dl", "", "");
    for (k, f) in [
        ("wire.accountHolder", "accountHolder"),
        ("wire.bankName", "bankName"),
        ("wire.iban", "iban"),
        ("wire.bic", "bic"),
        ("wire.reference", "referenceId"),
    ] {
        add(
            &dl,
            &[
                &el(&doc, "dt", "", &t.t(k)),
                &el(
                    &doc,
                    "dd",
                    "",
                    &js::get(&w, f).as_string().unwrap_or_default(),
                ),
            ],
        );
    }
    add(&box_, &[&dl]);
    hide(&f, true);
    let _ = f.after_with_node_1(&box_);
    say(m, &t.t1("wire.intro", "{amount}", amount));
}

pub(super) fn fail(s: &mut State, gen: u32, ty: Option<PaymentType>, e: &SdkError) -> Fire {
    let cb = s.config.on_error.clone();
    let (m, t) = current(s, gen)?;
    let msg = t.error(e.code());
    m.phase = Phase::Shown;
    if let Some(ty) = ty {
        set_busy(m, ty, false);
        if let Some(fe) = input(&m.root, &id("fe-", form_key(m, ty))) {
            fe.set_text_content(Some(&msg));
        }
    }
    say(m, &msg);
    let pm = ty.map_or(JsValue::NULL, |t| t.as_str().into());
    // The shopper's words for `onError` too, where the catalog has the code.
    let mut e = e.clone();
    for d in &mut e.errors {
        let k = ["error.", &d.code].concat();
        let s = t.t(&k);
        if s != k {
            d.message = s;
        }
    }
    Some((cb, error_data(pm, &e)))
}

fn cancel(s: &mut State, gen: u32, ty: PaymentType) -> Fire {
    let cb = s.config.on_cancel.clone();
    let (m, t) = current(s, gen)?;
    set_busy(m, ty, false);
    say(m, &t.error("payment_cancelled"));
    Some((cb, method_data(ty)))
}

fn redirect(s: &mut State, gen: u32, ty: PaymentType, source: &JsValue) -> Fire {
    let manual = js::get(
        &js::get(&s.config.options, "redirect"),
        "disableAutomaticRedirects",
    )
    .as_bool()
        == Some(true);
    let url = js::get(&js::get(source, "redirect"), "redirectUrl")
        .as_string()
        .filter(|u| u.starts_with("http"));
    match url {
        Some(url) if !manual => {
            let (m, t) = current(s, gen)?;
            say(
                m,
                &t.t1("redirecting", "{method}", &t.t(&id("method.", ty.as_str()))),
            );
            let loc = js::get(&js_sys::global(), "location");
            if let Ok(f) = js::get(&loc, "assign").dyn_into::<js_sys::Function>() {
                let _ = f.call1(&loc, &url.into());
            }
            None
        }
        _ => succeed(s, gen, ty, source),
    }
}

/// `http://host:port` of the API base.
fn origin(base: &str) -> &str {
    let start = crate::i18n::find(base, "://").map_or(0, |i| i + 3);
    let end = base.bytes().skip(start).position(|b| b == b'/');
    end.and_then(|i| base.get(..start + i)).unwrap_or(base)
}

/// Opens the challenge page in a modal dialog.
fn challenge(s: &mut State, st: &Shared, gen: u32, ty: PaymentType, source: &JsValue) -> Fire {
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
        if from != origin(&s.client.base) {
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

/// `sourceId` and `sourceClientSecret` in the page's URL (back from a redirect).
pub fn pending_return() -> Option<(String, String)> {
    let search = js::get(&js::get(&js_sys::global(), "location"), "search").as_string()?;
    let (mut id, mut secret) = (None, None);
    for pair in search.trim_start_matches('?').split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = js_sys::decode_uri_component(v)
            .ok()
            .and_then(|v| v.as_string());
        match k {
            "sourceId" => id = v,
            "sourceClientSecret" => secret = v,
            _ => {}
        }
    }
    Some((id?, secret?))
}

/// Removes the redirect's parameters from the address bar (a reload does not resume twice).
fn clean_url() {
    let g = js_sys::global();
    let loc = js::get(&g, "location");
    let search = js::get(&loc, "search").as_string().unwrap_or_default();
    let keep: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| {
            !p.is_empty()
                && !["sourceId=", "sourceClientSecret=", "state="]
                    .iter()
                    .any(|k| p.starts_with(k))
        })
        .collect();
    let mut url = js::get(&loc, "pathname").as_string().unwrap_or_default();
    if !keep.is_empty() {
        url = [url.as_str(), "?", &keep.join("&")].concat();
    }
    url.push_str(&js::get(&loc, "hash").as_string().unwrap_or_default());
    let h = js::get(&g, "history");
    if let Ok(f) = js::get(&h, "replaceState").dyn_into::<js_sys::Function>() {
        let _ = f.call3(&h, &JsValue::NULL, &"".into(), &url.into());
    }
}

/// Back from a redirect: reads the source and ends its outcome
/// (`chargeable` → onSuccess, `cancelled` → onCancel, `failed` → onError).
pub fn resume(st: &Shared) {
    let Some((id, secret)) = pending_return() else {
        return;
    };
    clean_url();
    let (client, gen, session) = {
        let Ok(mut s) = st.try_borrow_mut() else {
            return;
        };
        let gen = s.generation;
        let session = s.config.session_id.clone();
        let Some((m, t)) = current(&mut s, gen) else {
            return;
        };
        m.phase = Phase::Paying;
        say(m, &t.t("processing"));
        (s.client.clone(), gen, session)
    };
    let weak = Rc::downgrade(st);
    spawn(async move {
        let r = api::retrieve_source(&client, id.into(), secret.into()).await;
        let Some(st) = weak.upgrade() else { return };
        let cb = match st.try_borrow_mut() {
            Ok(mut s) => {
                let ours = r
                    .as_ref()
                    .ok()
                    .map(|v| js::get(v, "sessionId").as_string() == Some(session.clone()));
                let ty = r
                    .as_ref()
                    .ok()
                    .and_then(|v| PaymentType::parse(&js::get(v, "type").as_string()?));
                match (r, ours, ty) {
                    (Ok(src), Some(true), Some(ty)) => match state_of(&src) {
                        Some(SourceState::Chargeable | SourceState::PendingFunds) => {
                            succeed(&mut s, gen, ty, &src)
                        }
                        Some(SourceState::Cancelled) => cancel(&mut s, gen, ty),
                        // Not a cancel: the shopper's authorization at the
                        // provider (approval page, bank, 3-D Secure) failed.
                        Some(SourceState::Failed) => {
                            let e = SdkError::new(
                                ErrorType::BadRequest,
                                ErrorCode::AuthenticationFailed,
                                None,
                                "The payment failed.",
                            );
                            fail(&mut s, gen, Some(ty), &e)
                        }
                        Some(
                            SourceState::PendingRedirect
                            | SourceState::RequiresAction
                            | SourceState::Consumed,
                        )
                        | None => unbusy(&mut s, gen),
                    },
                    (Err(e), _, _) => fail(&mut s, gen, None, &e),
                    _ => unbusy(&mut s, gen),
                }
            }
            Err(_) => None,
        };
        fire(cb);
    });
}

fn unbusy(s: &mut State, gen: u32) -> Fire {
    let (m, _) = current(s, gen)?;
    m.phase = Phase::Shown;
    m.status.set_text_content(None);
    None
}
