//! Saved payment methods (`savedPaymentMethods` of a session with a
//! customer) at checkout: the saved cards first, as a radio list; the selected
//! one pays with a fresh security code typed into a secure field of the
//! fields origin (the page never sees it), through the same outcome path as
//! a new card (3-D Secure modal, `onSuccess`). "Use a new payment method"
//! shows the other methods. The manage flow is `manage.rs`.

use super::card::{field_style, Hook};
use super::form::{disclosures, field, pay_button, pay_label};
use super::inputs::input;
use super::outcomes::{self, current, say, set_busy};
use super::pay;
use super::{spawn, Mounted, Phase, Shared};
use crate::elements::PaySessionElement;
use crate::i18n::Texts;
use crate::js;
use crate::view::{add, attrs, el, hide};
use js_sys::Array;
use paysession_core::card::Brand;
use paysession_core::state::PaymentType;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// `{brand} ending in {last4}`.
pub(super) fn card_label(t: &Texts, pm: &JsValue) -> String {
    let c = js::get(pm, "creditCard");
    let b = js::get(&c, "brand").as_string().unwrap_or_default();
    let name = Brand::ALL
        .iter()
        .find(|x| x.as_str() == b)
        .map_or("", |x| x.display_name());
    let last4 = js::get(&c, "lastFourDigits")
        .as_string()
        .unwrap_or_default();
    t.tn("saved.card", &[("{brand}", name), ("{last4}", &last4)])
}

/// `Expires MM/YYYY` or `Expired`, and whether it has expired.
pub(super) fn expiry(t: &Texts, pm: &JsValue) -> (String, bool) {
    let c = js::get(pm, "creditCard");
    let m = js::get(&c, "expirationMonth").as_f64().unwrap_or(0.0) as u64;
    let y = js::get(&c, "expirationYear").as_f64().unwrap_or(0.0) as u64;
    let now = js_sys::Date::new_0();
    let today = now.get_full_year() as u64 * 12 + now.get_month() as u64;
    if y * 12 + m < today + 1 {
        return (t.t("saved.expired"), true);
    }
    // The locale's own month/year (`12/2030`, `2030/12`, Arabic digits).
    let date = t.month_year(m as u32, y as u32);
    (t.t1("saved.expires", "{date}", &date), false)
}

/// The answer's saved methods.
pub(super) fn list_of(m: &Mounted) -> Option<Array> {
    js::get(&m.methods, "savedPaymentMethods").dyn_into().ok()
}

/// Renders the saved cards before the method list `ul` (checkout): a form
/// of radios, the selected card's code field, the pay button, and "Use a
/// new payment method", which shows the list.
pub fn render(
    hook: Hook,
    m: &mut Mounted,
    config: &super::config::Config,
    t: &Texts,
    ul: &Element,
) {
    let (Some(doc), Some(list)) = (m.host.owner_document(), list_of(m)) else {
        return;
    };
    let usable = list.iter().any(|pm| !expiry(t, &pm).1);
    let Some(group) = m
        .group
        .clone()
        .filter(|_| usable && config.allows(PaymentType::CreditCard))
    else {
        return;
    };
    let f = el(&doc, "form", "", "");
    attrs(&f, &[("novalidate", ""), ("id", "f-saved")]);
    let (fs, first) = radios(&doc, t, &list);
    add(&f, &[&fs]);
    field(&doc, &f, "scvc", &t.t("field.cvv"), "", false);
    add(&f, &[&el(&doc, "p", "n", &t.t("saved.cvvHint"))]);
    // The same consents and required terms checkbox as a new card's form.
    let compliance = js::get(&m.methods, "compliance");
    disclosures(&doc, t, &f, "saved", &config.options, &compliance);
    let amount = m.money(t, m.amount);
    pay_button(&doc, &f, "saved", &pay_label(t, &config.options, &amount));
    let other = el(&doc, "button", "m", &t.t("saved.useNew"));
    attrs(
        &other,
        &[
            ("type", "button"),
            ("id", "usenew"),
            ("aria-expanded", "false"),
            ("aria-controls", "ml"),
        ],
    );
    attrs(ul, &[("id", "ml")]);
    hide(ul, true);
    let _ = m.body.insert_before(&f, Some(ul));
    let _ = m.body.insert_before(&other, Some(ul));
    code_field(hook, m, config, t, &group, first);
}

/// The saved cards' radios in their fieldset: an expired one disabled, the
/// first usable one checked (its id and brand returned).
#[inline(always)]
fn radios(doc: &Document, t: &Texts, list: &Array) -> (Element, Option<(String, String)>) {
    let fs = el(doc, "fieldset", "", "");
    add(&fs, &[&el(doc, "legend", "", &t.t("saved.title"))]);
    let mut first: Option<(String, String)> = None;
    for (i, pm) in list.iter().enumerate() {
        let pid = js::get(&pm, "id").as_string().unwrap_or_default();
        let brand = js::get(&js::get(&pm, "creditCard"), "brand")
            .as_string()
            .unwrap_or_default();
        let (exp, expired) = expiry(t, &pm);
        let d = el(doc, "div", "ok", "");
        let r = el(doc, "input", "", "");
        let rid = ["spm-", &js::itoa(i as u64)].concat();
        attrs(
            &r,
            &[
                ("type", "radio"),
                ("name", "spm"),
                ("id", &rid),
                ("value", &pid),
                ("data-brand", &brand),
            ],
        );
        if expired {
            attrs(&r, &[("disabled", "")]);
        } else if first.is_none() {
            attrs(&r, &[("checked", "")]);
            first = Some((pid, brand));
        }
        let l = el(doc, "label", "", &card_label(t, &pm));
        attrs(&l, &[("for", &rid)]);
        add(&l, &[&el(doc, "span", "n", &[" — ", &exp].concat())]);
        add(&d, &[&r, &l]);
        add(&fs, &[&d]);
    }
    (fs, first)
}

/// The secure code field in `scvc`, paying with the card `first` (id, brand).
#[inline(always)]
fn code_field(
    hook: Hook,
    m: &mut Mounted,
    config: &super::config::Config,
    t: &Texts,
    group: &Rc<crate::elements::Group>,
    first: Option<(String, String)>,
) {
    let Some(target) = input(&m.root, "scvc") else {
        return;
    };
    let w = m.state.clone();
    let e = PaySessionElement::make(
        group,
        "cardcvv",
        t.t("field.cvv"),
        field_style(config, &target),
        Rc::new(move |ev| hook(&w, "scvc", ev)),
    );
    if let Some((pid, brand)) = first {
        e.set_saved(pid, brand);
    }
    let _ = e.mount(target.into());
    m.saved_cvv = Some(e);
}

/// A radio of the saved list was chosen: the code field pays with it.
pub fn select(m: &Mounted, radio: &Element) {
    let pid = js::get(radio, "value").as_string().unwrap_or_default();
    let brand = radio.get_attribute("data-brand").unwrap_or_default();
    if let Some(e) = &m.saved_cvv {
        e.set_saved(pid, brand);
    }
    if let Some(p) = input(&m.root, "scvc-e") {
        p.set_text_content(None);
    }
}

/// "Use a new payment method": shows (or hides again) the other methods.
pub fn use_new(st: &Shared, b: &Element) {
    let Ok(s) = st.try_borrow() else { return };
    let Some(m) = s.mounted.as_ref() else { return };
    let open = b.get_attribute("aria-expanded").as_deref() != Some("true");
    let _ = b.set_attribute("aria-expanded", if open { "true" } else { "false" });
    if let Some(ul) = input(&m.root, "ml") {
        hide(&ul, !open);
    }
    if let Some(f) = input(&m.root, "f-saved") {
        hide(&f, open);
    }
}

/// Pays with the selected saved card and the code typed into its field.
pub fn submit(st: &Shared) {
    let (promise, gen) = {
        let Ok(mut s) = st.try_borrow_mut() else {
            return;
        };
        let s = &mut *s;
        let gen = s.generation;
        let session = s.config.session_id.clone();
        let Some((m, t)) = current(s, gen) else {
            return;
        };
        if m.phase != Phase::Shown {
            return;
        }
        let Some(e) = m.saved_cvv.as_ref() else {
            return;
        };
        let f = e.state();
        if !f.complete {
            let code = if f.empty {
                "missing_parameter"
            } else {
                f.error.as_deref().unwrap_or("incomplete_security_code")
            };
            let msg = t.error(code);
            if let Some(p) = input(&m.root, "scvc-e") {
                p.set_text_content(Some(&msg));
            }
            if f.empty {
                e.required(&msg);
            }
            say(m, &msg);
            e.focus();
            return;
        }
        let Some(accepted) = outcomes::terms_accepted(m, &t, "saved") else {
            return;
        };
        let p = e.pay(session, String::new(), JsValue::UNDEFINED, accepted);
        m.paying_saved = true;
        set_busy(m, PaymentType::CreditCard, true);
        if let Some(fe) = input(&m.root, "fe-saved") {
            fe.set_text_content(None);
        }
        say(m, &t.t("processing"));
        s.selected = Some(PaymentType::CreditCard);
        (p, gen)
    };
    let weak = Rc::downgrade(st);
    spawn(async move {
        let r = match promise {
            Ok(p) => wasm_bindgen_futures::JsFuture::from(p)
                .await
                .unwrap_or_default(),
            Err(e) => crate::source::result(Err(e)),
        };
        pay::outcome(&weak, gen, PaymentType::CreditCard, r);
    });
}
