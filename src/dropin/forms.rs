//! The method list, one form per method, input formatting and validation
//! (all rules from `paysession-core`), and the delegated event handler.
//! The card's number, expiry and code are one secure frame (`crate::elements`,
//! kind `card`: one document of the fields origin, the three side by side) in
//! the form's `card` container; the form reads only its state (each part's
//! empty, complete, error code; the brand).

use super::config::Config;
use super::{Mounted, WeakState};
use crate::elements::{Event, PaySessionElement};
use crate::i18n::Texts;
use crate::js;
use crate::view::{add, attrs, el, hide, link, set_value, value};
use paysession_core::gift_card;
use paysession_core::iban::Iban;
use paysession_core::state::PaymentType;
use paysession_core::ApiError;
use wasm_bindgen::{JsCast, JsValue};

use web_sys::{Document, Element, ShadowRoot};

/// The card frame's parts in screen order: label key, and the code of a
/// value left incomplete.
const PARTS: [(&str, &str); 3] = [
    ("field.cardNumber", "incomplete_card_number"),
    ("field.expiry", "incomplete_expiration_date"),
    ("field.cvv", "incomplete_security_code"),
];

/// The card frame's parts' accessible names in `t`'s language (empty
/// before the catalog is in).
fn part_texts(t: Option<&Texts>) -> Vec<String> {
    let mut out = Vec::with_capacity(PARTS.len());
    for (key, _) in PARTS {
        out.push(t.map(|t| t.t(key)).unwrap_or_default());
    }
    out
}

/// What a secure field's events go to (`events::field_event`; passed in, so
/// this module does not depend on the handlers, which depend on it).
pub type Hook = fn(&WeakState, &'static str, Event);

/// What renders the saved methods before the method list (`saved::render`;
/// passed in, as [`Hook`], since `saved` depends on this module).
pub type SavedList = fn(Hook, &mut Mounted, &Config, &Texts, &Element);

/// The in-page inputs of a method's form, in screen order.
pub fn fields_of(ty: PaymentType) -> &'static [&'static str] {
    match ty {
        PaymentType::CreditCard => &["name"],
        PaymentType::SepaDebit => &["iban", "holder"],
        PaymentType::GiftCard => &["gnum", "gpin"],
        PaymentType::PayPal
        | PaymentType::KlarnaCredit
        | PaymentType::Ideal
        | PaymentType::WireTransfer
        | PaymentType::ApplePay
        | PaymentType::GooglePay => &[],
    }
}

/// The payment type named by an element's `data-type`.
pub fn type_of(e: &Element) -> Option<PaymentType> {
    PaymentType::parse(&e.get_attribute("data-type")?)
}

/// `b-…`, `p-…`, `f-…`, `pay-…`, `fe-…` ids of a method's parts.
pub fn id(prefix: &str, ty: &str) -> String {
    [prefix, ty].concat()
}

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

/// Renders the list (and the compliance section) into the mount.
pub fn render(
    hook: Hook,
    saved: SavedList,
    m: &mut Mounted,
    config: &Config,
    t: &Texts,
    pm: &JsValue,
    methods: &[(PaymentType, JsValue)],
) {
    let Some(doc) = m.host.owner_document() else {
        return;
    };
    m.methods = pm.clone();
    let info = js::get(pm, "sessionInformation");
    m.amount = js::get(&info, "amount").as_f64().unwrap_or(0.0);
    m.currency = js::get(&info, "currency").as_string().unwrap_or_default();
    let opts = &config.options;
    let expand = config.expand_first();
    // The list made at mount holds the card's entry, whose frames are
    // loading: the other entries go before or after it, it never moves (a
    // moved frame reloads).
    let early = m.early.take();
    let ul = early.clone().unwrap_or_else(|| el(&doc, "ul", "", ""));
    attrs(&ul, &[("aria-label", &t.t("paymentMethods"))]);
    let card_li = early.as_ref().and_then(|u| u.first_element_child());
    let mut card_seen = false;
    let mut first = None;
    for (i, (ty, pmm)) in methods.iter().enumerate() {
        let (ty, name) = (*ty, ty.as_str());
        let open = expand && i == 0;
        let reuse = card_li.clone().filter(|_| ty == PaymentType::CreditCard);
        card_seen |= reuse.is_some();
        let (li, b, panel) = match reuse {
            Some(li) => {
                let (Some(b), Some(panel)) = (li.first_element_child(), li.last_element_child())
                else {
                    continue;
                };
                (li, b, panel)
            }
            None => {
                let (li, b, panel) = entry(&doc, ty);
                match card_li.as_ref().filter(|_| !card_seen) {
                    Some(c) => drop(ul.insert_before(&li, Some(c))),
                    None => add(&ul, &[&li]),
                }
                (li, b, panel)
            }
        };
        drop(li);
        attrs(
            &b,
            &[("aria-expanded", if open { "true" } else { "false" })],
        );
        let text = if config.manage {
            t.t("manage.add")
        } else {
            t.t(&id("method.", name))
        };
        add(&b, &[&el(&doc, "span", "", &text)]);
        hide(&panel, !open);
        if ty == PaymentType::CreditCard && !m.card.is_empty() {
            // Its frames are there: the form is completed now, open or not.
            build_form(hook, m, config, t, &panel, ty, pmm);
        } else if open {
            first = Some((panel, ty, pmm));
        }
    }
    if !card_seen {
        // No card in this answer: the early frames go.
        if let Some(li) = card_li {
            li.remove();
        }
        m.card.clear();
    }
    let _ = ul.remove_attribute("inert");
    let _ = ul.remove_attribute("class");
    if early.is_none() {
        let _ = m.body.insert_before(&ul, Some(&m.status));
    }
    saved(hook, m, config, t, &ul);
    // Only the expanded method's form now (the card's, made at mount, is
    // completed above); the others on first expand.
    if let Some((panel, ty, pmm)) = first {
        build_form(hook, m, config, t, &panel, ty, pmm);
    }
    if !config.manage && js::get(opts, "showComplianceSection").as_bool() != Some(false) {
        crate::view::legal(&doc, t, &m.body, &js::get(pm, "compliance"));
    }
    m.status.set_text_content(None);
    let _ = m.body.set_attribute("aria-busy", "false");
}

/// Builds `ty`'s form into its panel: an empty one, or the card's made at
/// mount (its secure fields' frames already loading), which it completes.
fn build_form(
    hook: Hook,
    m: &mut Mounted,
    config: &Config,
    t: &Texts,
    panel: &Element,
    ty: PaymentType,
    pmm: &JsValue,
) {
    let Some(doc) = m.host.owner_document() else {
        return;
    };
    let doc = &doc;
    let amount = t.money(m.amount, &m.currency);
    let early = panel.first_element_child();
    let f = form(doc, t, ty, pmm, config, &amount, &m.methods, early.clone());
    if early.is_none() {
        add(panel, &[&f]);
    }
    if ty != PaymentType::CreditCard {
        return;
    }
    if m.card.is_empty() {
        card_frames(hook, m, config, Some(t));
    } else {
        for (_, e) in &m.card {
            e.greet(part_texts(Some(t)));
        }
    }
}

/// A method's entry: its disclosure button (`b-…`, text added by `render`)
/// and its hidden panel (`p-…`).
fn entry(doc: &Document, ty: PaymentType) -> (Element, Element, Element) {
    let name = ty.as_str();
    let li = el(doc, "li", "", "");
    let b = el(doc, "button", "m", "");
    let (bid, pid) = (id("b-", name), id("p-", name));
    attrs(
        &b,
        &[
            ("type", "button"),
            ("id", &bid),
            ("data-type", name),
            ("aria-controls", &pid),
        ],
    );
    let panel = el(doc, "div", "p", "");
    attrs(
        &panel,
        &[("id", &pid), ("role", "region"), ("aria-labelledby", &bid)],
    );
    hide(&panel, true);
    add(&li, &[&b, &panel]);
    (li, b, panel)
}

/// At mount, before the payment methods are in: a hidden list holding the
/// card's entry and the skeleton of its form with the secure fields' frames,
/// which load while the answer is on its way (docs/DROPIN.md "Frames without
/// the wait"). `render` builds the rest around them and never moves them.
pub fn early_card(hook: Hook, m: &mut Mounted, config: &Config, t: Option<&Texts>) {
    let Some(doc) = m.host.owner_document() else {
        return;
    };
    // Laid out (a hidden frame would wait to lay out and paint until shown,
    // and the first keystroke with it) but transparent and inert: no focus,
    // no click, nothing in the accessibility tree until `render`.
    let ul = el(&doc, "ul", "ld", "");
    attrs(&ul, &[("inert", "")]);
    let (li, _, panel) = entry(&doc, PaymentType::CreditCard);
    hide(&panel, false);
    let f = form_el(&doc, PaymentType::CreditCard);
    card_fields(&doc, &f, config.show_name);
    add(&panel, &[&f]);
    add(&ul, &[&li]);
    let _ = m.body.insert_before(&ul, Some(&m.status));
    card_frames(hook, m, config, t);
    m.early = Some(ul);
}

/// The card form's secure frame (number, expiry and code) in its container.
fn card_frames(hook: Hook, m: &mut Mounted, config: &Config, t: Option<&Texts>) {
    let (Some(group), Some(target)) = (m.group.clone(), input(&m.root, "card")) else {
        return;
    };
    let w = m.state.clone();
    let e = PaySessionElement::make_card(
        &group,
        part_texts(t),
        field_style(config, &target),
        std::rc::Rc::new(move |ev| hook(&w, "card", ev)),
    );
    let _ = e.mount(target.into());
    m.card.push(("card", e));
}

/// The card form's fields: the secure frame's container, the brand line,
/// the name on card unless `name` is false (labels set by [`card_labels`]).
fn card_fields(doc: &Document, f: &Element, name: bool) {
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
fn form_el(doc: &Document, pt: PaymentType) -> Element {
    let ty = pt.as_str();
    let f = el(doc, "form", "", "");
    attrs(
        &f,
        &[("novalidate", ""), ("data-type", ty), ("id", &id("f-", ty))],
    );
    f
}

/// A secure field's style in `target` (its container): the container's
/// text style (the theme as the sheet resolved it), the appearance's
/// `.Input` rules, then `paymentMethodConfiguration`'s style.
pub(super) fn field_style(config: &Config, target: &Element) -> JsValue {
    let s = crate::appearance::frame_style(&config.look, &config.card_style);
    let base = crate::appearance::child(&s, "base");
    let merged: JsValue = js::object().into();
    crate::appearance::assign(&merged, &js::get(&text_style(target), "base"));
    crate::appearance::assign(&merged, &base);
    js::set(&s, "base", &merged);
    s
}

/// The drop-in's text style (theme, locale font) for the fields' inputs.
fn text_style(target: &Element) -> JsValue {
    let g = js_sys::global();
    let cs = js::get(&g, "getComputedStyle")
        .dyn_into::<js_sys::Function>()
        .and_then(|f| f.call1(&g, target))
        .unwrap_or_default();
    let base = js::object();
    for k in ["color", "fontFamily", "fontSize"] {
        if let Some(v) = js::get(&cs, k)
            .as_string()
            .filter(|v| !v.is_empty() && paysession_core::fields::style_value_ok(v))
        {
            js::set(&base, k, &v.into());
        }
    }
    let o = js::object();
    js::set(&o, "base", &base);
    o.into()
}

/// Checks the card frame at submit: the first failing part's message under
/// it, the empty parts marked required inside it; the frame, that part and
/// its message.
pub fn check_card<'a>(m: &'a Mounted, t: &Texts) -> Option<(&'a PaySessionElement, usize, String)> {
    let (fid, e) = m.card.first()?;
    let f = e.state();
    // Before its first change the frame has said nothing of its parts: all empty.
    let parts = f.parts.unwrap_or([(true, false, None); 3]);
    let bad = parts.iter().zip(PARTS).enumerate().find_map(|(i, (p, (_, left)))| {
        let code = match p {
            (_, true, _) => return None,
            (true, _, _) => "missing_parameter",
            (_, _, shown) => shown.map_or(left, |c| c.as_str()),
        };
        Some((i, t.error(code)))
    });
    if let Some(line) = input(&m.root, &id(fid, "-e")) {
        line.set_text_content(bad.as_ref().map(|b| b.1.as_str()));
    }
    if parts.iter().any(|p| p.0) {
        e.required(&t.error("missing_parameter"));
    }
    bad.map(|(i, msg)| (e, i, msg))
}

/// Builds the form of `ty` the first time its method is expanded.
pub fn ensure_form(hook: Hook, s: &mut super::State, ty: PaymentType, panel: &Element) {
    if panel.first_element_child().is_some() {
        return;
    }
    let (Some(m), Some(t)) = (s.mounted.as_mut(), s.texts.as_ref()) else {
        return;
    };
    let pm = &m.methods.clone();
    let list: js_sys::Array = js::get(pm, "paymentMethods").dyn_into().unwrap_or_default();
    if let Some(pmm) = list
        .iter()
        .find(|x| js::get(x, "type").as_string().as_deref() == Some(ty.as_str()))
    {
        build_form(hook, m, &s.config, t, panel, ty, &pmm);
    }
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

#[allow(clippy::too_many_arguments)]
fn form(
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
        && !config.manage
        && (config.usage.is_none() || customer);
    let compliance = &js::get(methods, "compliance");
    let usage = config.usage.map(|u| ["save.usage.", u.as_str()].concat());
    let ty = pt.as_str();
    let made = early.is_some();
    let f = early.unwrap_or_else(|| form_el(doc, pt));
    let note = |text: String| add(&f, &[&el(doc, "p", "n", &text)]);
    let terms = js::get(pmm, "terms").as_string();
    let label = match pt {
        PaymentType::CreditCard => {
            if !made {
                card_fields(doc, &f, config.show_name);
            }
            card_labels(&f, t);
            if config.manage {
                note(t.t(usage.as_deref().unwrap_or("save.usage.convenience")));
                t.t("button.savePaymentMethod")
            } else {
                pay_label(t, opts, amount)
            }
        }
        PaymentType::SepaDebit => {
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
        PaymentType::GiftCard => {
            field(doc, &f, "gnum", &t.t("field.giftCardNumber"), "off", true);
            field(doc, &f, "gpin", &t.t("field.pin"), "off", true);
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
            t.t1("button.redirect", "{method}", &t.t(&id("method.", ty)))
        }
    };
    if save && js::get(pmm, "supportsRecurring").as_bool() == Some(true) {
        checkbox(
            doc,
            &f,
            &id("save-", ty),
            &t.t(usage.as_deref().unwrap_or("save.agreement")),
        );
    }
    disclosures(doc, t, &f, ty, opts, compliance);
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

/// Digits only.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn code_of<T>(r: Result<T, ApiError>) -> Option<&'static str> {
    r.err().map(|e| {
        e.errors
            .first()
            .map_or("invalid_parameter", |d| d.code.as_str())
    })
}

/// The error code for input `fid`, if its value is not acceptable.
fn check(fid: &str, v: &str) -> Option<&'static str> {
    let v = v.trim();
    if v.is_empty() {
        return Some("missing_parameter");
    }
    match fid {
        "iban" => code_of(Iban::parse(v)),
        "gnum" => gift_card::check_number(v)
            .is_err()
            .then_some("invalid_gift_card"),
        "gpin" => gift_card::check_pin(v)
            .is_err()
            .then_some("invalid_gift_card"),
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
    let msg = if fid.starts_with("terms-") {
        (js::get(&i, "checked").as_bool() != Some(true)).then(|| t.t("terms.required"))
    } else {
        check(fid, &value(&i)).map(|c| t.error(c))
    };
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

/// Formats what was typed: gift card groups, digits only, IBAN upper case.
pub fn format(i: &Element, fid: &str) {
    let v = value(i);
    let d = digits(&v);
    let out = match fid {
        "gpin" => d.chars().take(8).collect(),
        // Groups of four (core's `group_digits` would link a panic path).
        "gnum" => {
            let mut out = String::new();
            for (i, c) in d.chars().take(19).enumerate() {
                if i > 0 && i % 4 == 0 {
                    out.push(' ');
                }
                out.push(c);
            }
            out
        }
        "iban" => v.to_ascii_uppercase(),
        _ => return,
    };
    if out != v {
        set_value(i, &out);
    }
}
