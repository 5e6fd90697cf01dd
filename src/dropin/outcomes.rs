//! The outcomes of a payment: success, decline, cancel, redirect, the wire
//! transfer's instructions; the form's busy state and the status line they
//! share with the submit, the challenge and the resume.

use super::inputs::{id, input, validate};
use super::{Fire, Methods, Mounted, Phase, State};
use crate::error::SdkError;
use crate::i18n::Texts;
use crate::js;
use crate::view::{add, attrs, call, el, hide};
use paysession_core::state::{PaymentType, SourceState};
use wasm_bindgen::{JsCast, JsValue};

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
pub(super) fn state_of(source: &JsValue) -> Option<SourceState> {
    let s = js::get(source, "state").as_string()?;
    SourceState::ALL.into_iter().find(|x| x.as_str() == s)
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
    if let Some(msg) = validate(&m.root, t, &terms_id) {
        say(m, &msg);
        call(&c, "focus");
        return None;
    }
    Some(js::get(&js::get(&m.methods, "compliance"), "termsVersion"))
}

/// The form a payment of `ty` is made from: the saved cards' (`saved`) or the method's.
pub(super) fn form_key(m: &Mounted, ty: PaymentType) -> &'static str {
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

/// A chargeable source: `onSuccess` (in the manage flow the card is saved instead).
#[must_use = "fire it once the state is released"]
pub(super) fn succeed(s: &mut State, gen: u32, ty: PaymentType, source: &JsValue) -> Fire {
    #[cfg(feature = "manage")]
    if s.config.managing() {
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
    let amount = m.money(&t, js::get(source, "amount").as_f64().unwrap_or(0.0));
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
    s.methods = Methods::Unasked; // the session changed: a later mount asks again
    let d = js::object();
    js::set(&d, "source", source);
    js::set(&d, "readyForStorage", &(save && reusable).into());
    js::set(&d, "supportsStorage", &reusable.into());
    Some((cb, d.into()))
}

/// Shows the wire transfer instructions in place of the form.
pub(super) fn wire(m: &Mounted, t: &Texts, source: &JsValue, amount: &str) {
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

#[must_use = "fire it once the state is released"]
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

#[must_use = "fire it once the state is released"]
pub(super) fn cancel(s: &mut State, gen: u32, ty: PaymentType) -> Fire {
    let cb = s.config.on_cancel.clone();
    let (m, t) = current(s, gen)?;
    set_busy(m, ty, false);
    say(m, &t.error("payment_cancelled"));
    Some((cb, method_data(ty)))
}

#[must_use = "fire it once the state is released"]
pub(super) fn redirect(s: &mut State, gen: u32, ty: PaymentType, source: &JsValue) -> Fire {
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
