//! The method list, one form per method, input formatting and validation
//! (all rules from `paysession-core`), and the delegated event handler.

use super::config::Config;
use super::i18n::Texts;
use super::view::{add, attrs, el, hide, set_value, value};
use super::{pay, Mounted, Shared, WeakState};
use crate::js;
use paysession_core::gift_card;
use paysession_core::card::{
    check_security_code, group_digits, Brand, CardNumber, Expiry,
};
use paysession_core::iban::Iban;
use paysession_core::ApiError;
use wasm_bindgen::{JsCast, JsValue};

use web_sys::{Document, Element, Event, ShadowRoot};

/// The inputs of a method's form, in screen order.
pub fn fields_of(ty: &str) -> &'static [&'static str] {
    match ty {
        "creditCard" => &["num", "exp", "cvc", "name"],
        "sepaDebit" => &["iban", "holder"],
        "giftCard" => &["gnum", "gpin"],
        _ => &[],
    }
}

/// `b-…`, `p-…`, `f-…`, `pay-…`, `fe-…` ids of a method's parts.
pub fn id(prefix: &str, ty: &str) -> String {
    [prefix, ty].concat()
}

/// The pay button's label for `options.button`.
fn pay_label(t: &Texts, options: &JsValue, amount: &str) -> String {
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

fn http(url: &JsValue) -> Option<String> {
    url.as_string()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
}

/// Renders the list (and the compliance section) into the mount.
pub fn render(m: &mut Mounted, config: &Config, t: &Texts, pm: &JsValue, methods: &[JsValue]) {
    let Some(doc) = m.host.owner_document() else {
        return;
    };
    m.methods = pm.clone();
    let info = js::get(pm, "sessionInformation");
    m.amount = js::get(&info, "amount").as_f64().unwrap_or(0.0);
    m.currency = js::get(&info, "currency").as_string().unwrap_or_default();
    let opts = &config.options;
    let expand = js::get(opts, "expandFirstPaymentMethod")
        .as_bool()
        .unwrap_or(true);
    let ul = el(&doc, "ul", "", "");
    attrs(&ul, &[("aria-label", &t.t("paymentMethods"))]);
    for (i, pmm) in methods.iter().enumerate() {
        let ty = js::get(pmm, "type").as_string().unwrap_or_default();
        let open = expand && i == 0;
        let li = el(&doc, "li", "", "");
        let b = el(&doc, "button", "m", "");
        let (bid, pid) = (id("b-", &ty), id("p-", &ty));
        attrs(
            &b,
            &[
                ("type", "button"),
                ("id", &bid),
                ("data-type", &ty),
                ("aria-controls", &pid),
            ],
        );
        attrs(
            &b,
            &[("aria-expanded", if open { "true" } else { "false" })],
        );
        add(&b, &[&el(&doc, "span", "", &t.t(&id("method.", &ty)))]);
        let panel = el(&doc, "div", "p", "");
        attrs(
            &panel,
            &[("id", &pid), ("role", "region"), ("aria-labelledby", &bid)],
        );
        hide(&panel, !open);
        // Only the expanded method's form now; the others on first expand.
        if open {
            build_form(m, config, t, &doc, &panel, &ty, pmm);
        }
        add(&li, &[&b, &panel]);
        add(&ul, &[&li]);
    }
    let _ = m.body.insert_before(&ul, Some(&m.status));
    if js::get(opts, "showComplianceSection").as_bool() != Some(false) {
        compliance(&doc, t, &m.body, &js::get(pm, "compliance"));
    }
    m.status.set_text_content(None);
    let _ = m.body.set_attribute("aria-busy", "false");
}

/// Builds `ty`'s form into its (empty) panel.
fn build_form(
    m: &Mounted,
    config: &Config,
    t: &Texts,
    doc: &Document,
    panel: &Element,
    ty: &str,
    pmm: &JsValue,
) {
    let amount = t.money(m.amount, &m.currency);
    let opts = &config.options;
    let save = js::get(opts, "showSavePaymentAgreement").as_bool() == Some(true);
    add(panel, &[&form(doc, t, ty, pmm, opts, &amount, save)]);
}

/// Builds the form of `ty` the first time its method is expanded.
fn ensure_form(s: &super::State, ty: &str, panel: &Element) {
    if panel.first_element_child().is_some() {
        return;
    }
    let (Some(m), Some(t)) = (s.mounted.as_ref(), s.texts.as_ref()) else {
        return;
    };
    let pm = &m.methods;
    let Some(doc) = m.host.owner_document() else {
        return;
    };
    let list: js_sys::Array = js::get(pm, "paymentMethods").dyn_into().unwrap_or_default();
    if let Some(pmm) = list
        .iter()
        .find(|x| js::get(x, "type").as_string().as_deref() == Some(ty))
    {
        build_form(m, &s.config, t, &doc, panel, ty, &pmm);
    }
}

fn compliance(doc: &Document, t: &Texts, body: &Element, c: &JsValue) {
    let Some(seller) = js::get(&js::get(c, "businessEntity"), "name").as_string() else {
        return;
    };
    add(
        body,
        &[&el(
            doc,
            "p",
            "c",
            &t.t1("compliance.seller", "{seller}", &seller),
        )],
    );
    let p = el(doc, "p", "c", "");
    for (key, field) in [
        ("compliance.terms", "termsOfSale"),
        ("compliance.privacy", "privacyPolicy"),
        ("compliance.cancellation", "cancellationRights"),
        ("compliance.legal", "legalNotice"),
    ] {
        if let Some(url) = http(&js::get(&js::get(c, field), "url")) {
            let a = el(doc, "a", "", &t.t(key));
            attrs(
                &a,
                &[
                    ("href", &url),
                    ("target", "_blank"),
                    ("rel", "noopener noreferrer"),
                ],
            );
            add(&p, &[&a]);
        }
    }
    add(body, &[&p]);
}

/// A labelled input with its error line (`aria-describedby`).
fn field(doc: &Document, parent: &Element, fid: &str, label: &str, auto: &str, numeric: bool) {
    let d = el(doc, "div", "", "");
    let l = el(doc, "label", "", label);
    attrs(&l, &[("for", fid)]);
    let i = el(doc, "input", "", "");
    let eid = id(fid, "-e");
    let describe = if fid == "num" {
        "num-e num-b".into()
    } else {
        eid.clone()
    };
    attrs(
        &i,
        &[
            ("id", fid),
            ("name", fid),
            ("type", "text"),
            ("autocomplete", auto),
            ("aria-describedby", &describe),
            ("spellcheck", "false"),
        ],
    );
    if numeric {
        attrs(&i, &[("inputmode", "numeric")]);
    }
    let e = el(doc, "p", "e", "");
    attrs(&e, &[("id", &eid)]);
    add(&d, &[&l, &i, &e]);
    add(parent, &[&d]);
}

fn form(
    doc: &Document,
    t: &Texts,
    ty: &str,
    pmm: &JsValue,
    opts: &JsValue,
    amount: &str,
    save: bool,
) -> Element {
    let f = el(doc, "form", "", "");
    attrs(
        &f,
        &[("novalidate", ""), ("data-type", ty), ("id", &id("f-", ty))],
    );
    let note = |text: String| add(&f, &[&el(doc, "p", "n", &text)]);
    let terms = js::get(pmm, "terms").as_string();
    let label = match ty {
        "creditCard" => {
            field(doc, &f, "num", &t.t("field.cardNumber"), "cc-number", true);
            let b = el(doc, "p", "b", "");
            attrs(&b, &[("id", "num-b")]);
            add(&f, &[&b]);
            let row = el(doc, "div", "row", "");
            field(doc, &row, "exp", &t.t("field.expiry"), "cc-exp", true);
            field(doc, &row, "cvc", &t.t("field.cvv"), "cc-csc", true);
            add(&f, &[&row]);
            field(doc, &f, "name", &t.t("field.cardholder"), "cc-name", false);
            pay_label(t, opts, amount)
        }
        "sepaDebit" => {
            field(doc, &f, "iban", &t.t("field.iban"), "off", false);
            field(
                doc,
                &f,
                "holder",
                &t.t("field.accountHolder"),
                "name",
                false,
            );
            note(t.t("sepa.mandate"));
            pay_label(t, opts, amount)
        }
        "giftCard" => {
            field(doc, &f, "gnum", &t.t("field.giftCardNumber"), "off", true);
            field(doc, &f, "gpin", &t.t("field.pin"), "off", true);
            t.t("button.applyGiftCard")
        }
        "wireTransfer" => {
            note(t.t1("wire.intro", "{amount}", amount));
            pay_label(t, opts, amount)
        }
        _ => {
            if ty == "klarnaCredit" {
                note(terms.unwrap_or_else(|| t.t("klarna.terms")));
            }
            t.t1("button.redirect", "{method}", &t.t(&id("method.", ty)))
        }
    };
    if save && js::get(pmm, "supportsRecurring").as_bool() == Some(true) {
        let d = el(doc, "div", "ok", "");
        let c = el(doc, "input", "", "");
        let cid = id("save-", ty);
        attrs(&c, &[("type", "checkbox"), ("id", &cid)]);
        let l = el(doc, "label", "", &t.t("save.agreement"));
        attrs(&l, &[("for", &cid)]);
        add(&d, &[&c, &l]);
        add(&f, &[&d]);
    }
    let fe = el(doc, "p", "e", "");
    attrs(&fe, &[("id", &id("fe-", ty))]);
    let b = el(doc, "button", "pay", &label);
    attrs(
        &b,
        &[
            ("type", "submit"),
            ("id", &id("pay-", ty)),
            ("aria-describedby", &id("fe-", ty)),
        ],
    );
    add(&f, &[&fe, &b]);
    f
}

/// Digits only.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

pub fn today() -> (u16, u8) {
    let d = js_sys::Date::new_0();
    (d.get_full_year() as u16, d.get_month() as u8 + 1)
}

fn code_of<T>(r: Result<T, ApiError>) -> Option<&'static str> {
    r.err().map(|e| {
        e.errors
            .first()
            .map_or("invalid_parameter", |d| d.code.as_str())
    })
}

/// The error code for input `fid`, if its value is not acceptable.
fn check(root: &ShadowRoot, fid: &str, v: &str) -> Option<&'static str> {
    let v = v.trim();
    if v.is_empty() {
        return Some("missing_parameter");
    }
    match fid {
        "num" => code_of(CardNumber::parse(v)),
        "exp" => code_of(Expiry::parse_typed(v, today())),
        "cvc" => {
            let num = digits(&input(root, "num").map(|i| value(&i)).unwrap_or_default());
            code_of(check_security_code(v, Brand::detect(&num)))
        }
        "iban" => code_of(Iban::parse(v)),
        "gnum" => gift_card::check_number(v)
            .is_err()
            .then_some("invalid_gift_card"),
        "gpin" => gift_card::check_pin(v).is_err().then_some("invalid_gift_card"),
        _ => None,
    }
}

/// The element `fid` in `root`.
pub fn input(root: &ShadowRoot, fid: &str) -> Option<Element> {
    root.get_element_by_id(fid)
}

/// Validates one input: message beside it, `aria-invalid`; the message if invalid.
pub fn validate(root: &ShadowRoot, t: &Texts, fid: &str) -> Option<String> {
    let i = input(root, fid)?;
    let msg = check(root, fid, &value(&i)).map(|c| t.error(c));
    if let Some(e) = input(root, &id(fid, "-e")) {
        e.set_text_content(msg.as_deref());
    }
    let _ = if msg.is_some() {
        i.set_attribute("aria-invalid", "true")
    } else {
        i.remove_attribute("aria-invalid")
    };
    msg
}

/// Formats what was typed: card groups and brand, `MM/YY`, digits only.
fn format(root: &ShadowRoot, i: &Element, fid: &str) {
    let v = value(i);
    let d = digits(&v);
    let out = match fid {
        "num" => {
            let d: String = d.chars().take(19).collect();
            let brand = Brand::detect(&d);
            if let Some(b) = input(root, "num-b") {
                b.set_text_content(brand.map(Brand::display_name));
                let _ = match brand {
                    Some(x) => b.set_attribute("data-brand", x.as_str()),
                    None => b.remove_attribute("data-brand"),
                };
            }
            if let Some(c) = input(root, "cvc") {
                let n = brand.map_or(4, Brand::security_code_len);
                let _ = c.set_attribute("maxlength", &js::itoa(n as u64));
            }
            group_digits(&d)
        }
        "exp" => {
            let d: String = d.chars().take(4).collect();
            match (d.get(..2), d.get(2..)) {
                (Some(a), Some(b)) if !b.is_empty() && !v.ends_with('/') => [a, "/", b].concat(),
                _ => d,
            }
        }
        "cvc" => d.chars().take(4).collect(),
        "gpin" => d.chars().take(8).collect(),
        "gnum" => group_digits(&d.chars().take(19).collect::<String>()),
        "iban" => v.to_ascii_uppercase(),
        _ => return,
    };
    if out != v {
        set_value(i, &out);
    }
}

/// The one handler behind the mount's delegated listeners.
pub fn on_event(weak: &WeakState, ev: Event) {
    let Some(st) = weak.upgrade() else { return };
    let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    match ev.type_().as_str() {
        "click" => {
            if let Some(b) = target.closest("button.m").ok().flatten() {
                toggle(&st, &b);
            } else if target.closest(".x").ok().flatten().is_some() {
                pay::close_modal(&st);
            }
        }
        "submit" => {
            ev.prevent_default();
            if let Some(ty) = target.get_attribute("data-type") {
                pay::submit(&st, &ty);
            }
        }
        kind => {
            let Ok(s) = st.try_borrow() else { return };
            let (Some(m), Some(t)) = (s.mounted.as_ref(), s.texts.as_ref()) else {
                return;
            };
            let fid = target.id();
            if kind == "input" {
                format(&m.root, &target, &fid);
            } else if target.tag_name() == "INPUT" && !value(&target).is_empty() {
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
    let Some(ty) = b.get_attribute("data-type") else {
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
                ensure_form(&s, &ty, &panel);
            }
            let _ = other.set_attribute("aria-expanded", if on { "true" } else { "false" });
            hide(&panel, !on);
        }
        node = li.next_element_sibling();
    }
    s.selected = Some(ty);
}
