//! Paying: the submit of each form and the dispatch of `createSource`'s
//! outcome (to [`super::outcomes`], or a 3-D Secure challenge to
//! [`super::challenge`]). Every outcome fires exactly one callback; the
//! state is released before it fires.

use super::card::check_card;
use super::inputs::{digits, fields_of, id, input, validate};
use super::outcomes::{
    cancel, current, fail, redirect, say, set_busy, state_of, succeed, terms_accepted,
};
use super::{fire, spawn, Mounted, Phase, Shared, WeakState};
use crate::error::SdkError;
use crate::i18n::Texts;
use crate::js;
use crate::source;
use crate::view::{call, value};
use paysession_core::state::{PaymentType, SourceState};
use paysession_core::wire::Usage;
use std::rc::Rc;
use wasm_bindgen::JsValue;

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
        let (cfg_usage, manage) = (s.config.usage, s.config.managing());
        let Some((m, t)) = current(s, gen) else {
            return;
        };
        if m.phase != Phase::Shown {
            return;
        }
        m.paying_saved = false;
        if !form_ok(m, &t, ty) {
            return;
        }
        let Some(accepted) = terms_accepted(m, &t, ty.as_str()) else {
            return;
        };
        let p = js::object();
        js::set(&p, "type", &ty.as_str().into());
        js::set(&p, "sessionId", &session.as_str().into());
        if accepted.is_string() {
            let a = js::object();
            js::set(&a, "version", &accepted);
            js::set(&p, "termsAcceptance", &a);
        }
        let d = js::object();
        let card = method_into(m, ty, &d, &session, &redirect, cfg_usage, manage, accepted);
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

/// The form's own checks: the first problem is said and its field focused
/// (the card's secure fields first); `false` if there was one.
#[inline(always)] // called once: as one function with the submit (-0.1 kB)
fn form_ok(m: &Mounted, t: &Texts, ty: PaymentType) -> bool {
    let bad_card = if ty == PaymentType::CreditCard {
        check_card(m, t)
    } else {
        None
    };
    let mut first = None;
    for f in fields_of(ty) {
        if let Some(msg) = validate(&m.root, t, f) {
            first.get_or_insert((*f, msg));
        }
    }
    if let Some((e, part, msg)) = bad_card {
        say(m, &msg);
        e.focus_part(part);
        return false;
    }
    if let Some((f, msg)) = first {
        say(m, &msg);
        if let Some(i) = input(&m.root, f) {
            call(&i, "focus");
        }
        return false;
    }
    true
}

/// The method's own data into `d`; a card (or a wallet the shopper closed)
/// gives its promise instead, made by the secure fields.
#[allow(clippy::too_many_arguments)]
#[inline(always)] // called once: as one function with the submit
fn method_into(
    m: &Mounted,
    ty: PaymentType,
    d: &js_sys::Object,
    session: &str,
    redirect: &JsValue,
    cfg_usage: Option<Usage>,
    manage: bool,
    accepted: JsValue,
) -> Option<Result<js_sys::Promise, SdkError>> {
    let v = |f: &str| input(&m.root, f).map(|i| value(&i)).unwrap_or_default();
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
                Some((_, e)) => e.pay(session.into(), v("name").trim().into(), usage, accepted),
                None => Err(SdkError::network()),
            });
        }
        PaymentType::SepaDebit => js::set(d, "iban", &v("iban").into()),
        PaymentType::GiftCard => {
            js::set(d, "number", &digits(&v("gnum")).into());
            js::set(d, "pin", &digits(&v("gpin")).into());
        }
        PaymentType::WireTransfer => {}
        PaymentType::ApplePay | PaymentType::GooglePay => match super::wallet::token(m) {
            Some(tok) => js::set(d, "token", &tok.into()),
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
                let u = js::get(redirect, k)
                    .as_string()
                    .unwrap_or_else(|| here.clone());
                js::set(d, k, &u.into());
            }
        }
    }
    card
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
            Some(SourceState::RequiresAction) => {
                super::challenge::challenge(&mut s, &st, gen, ty, &source)
            }
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
