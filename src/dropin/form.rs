//! A method's form: its `<form>`, its labelled inputs, its notes, the
//! save and terms checkboxes, the consents and the pay button.

use super::config::Config;
use super::inputs::id;
use crate::i18n::Texts;
use crate::js;
use crate::view::{add, attrs, el, link};
use paysession_core::state::PaymentType;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// The pay button's label for `options.button`.
pub(super) fn pay_label(t: &Texts, options: &JsValue, amount: &str) -> String {
    let b = js::get(options, "button");
    let kind = js::get(&b, "type").as_string().unwrap_or_default();
    if kind == "custom" {
        if let Some(text) = js::get(&b, "buttonText").as_string() {
            return text;
        }
    }
    let key = match kind.as_str() {
        "buyNow" | "continue" | "completeOrder" | "submitOrder" => ["button.", &kind].concat(),
        _ => "button.payNow".into(),
    };
    t.t1(&key, "{amount}", amount)
}

/// The card form's fields: the secure frame's container, the brand line,
/// the name on card unless `name` is false (labels set by [`card_labels`]).
pub(super) fn card_fields(doc: &Document, f: &Element, name: bool) {
    field(doc, f, "card", "", "", false);
    let b = el(doc, "p", "b", "");
    attrs(&b, &[("id", "card-b"), ("aria-live", "polite")]);
    add(f, &[&b]);
    if name {
        field(doc, f, "name", "", "cc-name", false);
    }
}

/// The card form's labels in `t`'s language.
fn card_labels(f: &Element, t: &Texts) {
    for (fid, key) in [("card", "field.card"), ("name", "field.cardholder")] {
        if let Ok(Some(l)) = f.query_selector(&["label[for=", fid, "]"].concat()) {
            l.set_text_content(Some(&t.t(key)));
        }
    }
}

/// A method's `<form>` (`f-…`).
pub(super) fn form_el(doc: &Document, pt: PaymentType) -> Element {
    let ty = pt.as_str();
    let f = el(doc, "form", "", "");
    attrs(
        &f,
        &[("novalidate", ""), ("data-type", ty), ("id", &id("f-", ty))],
    );
    f
}

/// A labelled input with its error line (`aria-describedby`); with `auto`
/// empty, a container for a secure field (a frame of the fields origin).
pub(super) fn field(
    doc: &Document,
    parent: &Element,
    fid: &str,
    label: &str,
    auto: &str,
    numeric: bool,
) {
    let d = el(doc, "div", "", "");
    let l = el(doc, "label", "", label);
    attrs(&l, &[("for", fid)]);
    let eid = id(fid, "-e");
    let i = el(doc, if auto.is_empty() { "div" } else { "input" }, "", "");
    attrs(&i, &[("id", fid)]);
    if !auto.is_empty() {
        attrs(
            &i,
            &[
                ("name", fid),
                ("type", "text"),
                ("autocomplete", auto),
                ("aria-describedby", &eid),
                ("spellcheck", "false"),
            ],
        );
    }
    if numeric {
        attrs(&i, &[("inputmode", "numeric")]);
    }
    let e = el(doc, "p", "e", "");
    attrs(&e, &[("id", &eid)]);
    add(&d, &[&l, &i, &e]);
    add(parent, &[&d]);
}

/// A method's form (`early`: the card's, made at mount, completed here):
/// its inputs and notes, the save checkbox, the disclosures, the pay button.
#[allow(clippy::too_many_arguments)]
pub(super) fn form(
    doc: &Document,
    t: &Texts,
    pt: PaymentType,
    pmm: &JsValue,
    config: &Config,
    amount: &str,
    methods: &JsValue,
    early: Option<Element>,
) -> Element {
    let opts = &config.options;
    // A card saved with `usage` needs the session's customer (the answer
    // then lists its saved methods).
    let customer = js::get(methods, "savedPaymentMethods").is_object();
    let save = js::get(opts, "showSavePaymentAgreement").as_bool() == Some(true)
        && !config.managing()
        && (config.usage.is_none() || customer);
    let compliance = &js::get(methods, "compliance");
    let usage = config.usage.map(|u| ["save.usage.", u.as_str()].concat());
    let ty = pt.as_str();
    let made = early.is_some();
    let f = early.unwrap_or_else(|| form_el(doc, pt));
    let label = method_inputs(doc, t, pt, pmm, config, amount, &f, made, usage.as_deref());
    if save && js::get(pmm, "supportsRecurring").as_bool() == Some(true) {
        checkbox(
            doc,
            &f,
            &id("save-", ty),
            &t.t(usage.as_deref().unwrap_or("save.agreement")),
        );
    }
    disclosures(doc, t, &f, ty, opts, compliance);
    pay_button(doc, &f, ty, &label);
    f
}

/// The method's own inputs and notes in its form `f` (`made`: the card's
/// inputs are there already); the pay button's label.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn method_inputs(
    doc: &Document,
    t: &Texts,
    pt: PaymentType,
    pmm: &JsValue,
    config: &Config,
    amount: &str,
    f: &Element,
    made: bool,
    usage: Option<&str>,
) -> String {
    let opts = &config.options;
    let note = |text: String| add(f, &[&el(doc, "p", "n", &text)]);
    let terms = js::get(pmm, "terms").as_string();
    match pt {
        PaymentType::CreditCard => {
            if !made {
                card_fields(doc, f, config.show_name);
            }
            card_labels(f, t);
            if config.managing() {
                note(t.t(usage.unwrap_or("save.usage.convenience")));
                t.t("button.savePaymentMethod")
            } else {
                pay_label(t, opts, amount)
            }
        }
        PaymentType::SepaDebit => {
            field(doc, f, "iban", &t.t("field.iban"), "off", false);
            field(doc, f, "holder", &t.t("field.accountHolder"), "name", false);
            note(t.t("sepa.mandate"));
            pay_label(t, opts, amount)
        }
        PaymentType::GiftCard => {
            field(doc, f, "gnum", &t.t("field.giftCardNumber"), "off", true);
            field(doc, f, "gpin", &t.t("field.pin"), "off", true);
            t.t("button.applyGiftCard")
        }
        PaymentType::WireTransfer | PaymentType::ApplePay | PaymentType::GooglePay => {
            note(t.t1("wire.intro", "{amount}", amount));
            pay_label(t, opts, amount)
        }
        PaymentType::KlarnaCredit | PaymentType::PayPal | PaymentType::Ideal => {
            if pt == PaymentType::KlarnaCredit {
                note(terms.unwrap_or_else(|| t.t("klarna.terms")));
            }
            t.t1(
                "button.redirect",
                "{method}",
                &t.t(&id("method.", pt.as_str())),
            )
        }
    }
}

/// The form's error line `fe-{ty}` and its pay button `pay-{ty}` saying `label`.
pub(super) fn pay_button(doc: &Document, f: &Element, ty: &str, label: &str) {
    let fe = el(doc, "p", "e", "");
    attrs(&fe, &[("id", &id("fe-", ty))]);
    let b = el(doc, "button", "pay", label);
    attrs(
        &b,
        &[
            ("type", "submit"),
            ("id", &id("pay-", ty)),
            ("aria-describedby", &id("fe-", ty)),
        ],
    );
    add(f, &[&fe, &b]);
}

/// `options.consents` (the documents the shopper agrees to by paying) and,
/// with `showTermsOfSaleDisclosure` or on a session that requires the terms
/// (the answer's `compliance.requireTermsAcceptance`), the required terms
/// checkbox `terms-{ty}` with its error line.
pub(crate) fn disclosures(
    doc: &Document,
    t: &Texts,
    f: &Element,
    ty: &str,
    opts: &JsValue,
    compliance: &JsValue,
) {
    let c = js::get(opts, "consents");
    if let Some(company) = js::get(&c, "companyName").as_string() {
        let p = el(
            doc,
            "p",
            "c cs",
            &t.t1("consents.text", "{company}", &company),
        );
        for k in ["eula", "termsOfUse", "termsOfService"] {
            if let Some(a) = link(doc, &t.t(&id("consents.", k)), &js::get(&c, k)) {
                add(&p, &[&a]);
            }
        }
        add(f, &[&p]);
    }
    let on = |o: &JsValue, k: &str| js::get(o, k).as_bool() == Some(true);
    if !on(opts, "showTermsOfSaleDisclosure") && !on(compliance, "requireTermsAcceptance") {
        return;
    }
    let cid = id("terms-", ty);
    let eid = id(&cid, "-e");
    let (d, c) = checkbox(doc, f, &cid, &t.t("terms.accept"));
    attrs(&c, &[("aria-required", "true"), ("aria-describedby", &eid)]);
    let url = js::get(&js::get(compliance, "termsOfSale"), "url");
    if let Some(a) = link(doc, &t.t("compliance.terms"), &url) {
        add(&d, &[&a]);
    }
    let e = el(doc, "p", "e", "");
    attrs(&e, &[("id", &eid)]);
    add(f, &[&e]);
}

/// A labelled checkbox `cid` in its row, appended to `f`: (row, input).
fn checkbox(doc: &Document, f: &Element, cid: &str, label: &str) -> (Element, Element) {
    let d = el(doc, "div", "ok", "");
    let c = el(doc, "input", "", "");
    attrs(&c, &[("type", "checkbox"), ("id", cid)]);
    let l = el(doc, "label", "", label);
    attrs(&l, &[("for", cid)]);
    add(&d, &[&c, &l]);
    add(f, &[&d]);
    (d, c)
}
