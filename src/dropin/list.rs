//! The method list: one entry per method (a disclosure button and its
//! panel), each method's form built into its panel when first shown, and
//! the card's entry made at mount, before the list, so that its frames load
//! while the payment methods are on their way.

use super::card::{card_frames, part_texts, Hook};
use super::config::Config;
use super::form::{card_fields, form, form_el};
use super::inputs::id;
use super::Mounted;
use crate::i18n::Texts;
use crate::js;
use crate::view::{add, attrs, el, hide};
use paysession_core::state::PaymentType;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// What renders the saved methods before the method list: `saved::render`,
/// or `manage::render` in the manage flow (passed in by the drop-in's root,
/// which picks one).
pub type SavedList = fn(Hook, &mut Mounted, &Config, &Texts, &Element);

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
    // The list made at mount holds the card's entry, whose frames are
    // loading: the other entries go before or after it, it never moves (a
    // moved frame reloads).
    let early = m.early.take();
    let ul = early.clone().unwrap_or_else(|| el(&doc, "ul", "", ""));
    attrs(&ul, &[("aria-label", &t.t("paymentMethods"))]);
    let card_li = early.as_ref().and_then(|u| u.first_element_child());
    let list = List {
        doc: &doc,
        ul: &ul,
        card_li: card_li.as_ref(),
    };
    let (card_seen, first) = list.entries(hook, m, config, t, methods);
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
    if !config.managing() && js::get(opts, "showComplianceSection").as_bool() != Some(false) {
        crate::view::legal(&doc, t, &m.body, &js::get(pm, "compliance"));
    }
    m.status.set_text_content(None);
    let _ = m.body.set_attribute("aria-busy", "false");
}

/// The list being rendered: its document, the `ul`, and the card's entry
/// made at mount (if any).
struct List<'a> {
    doc: &'a Document,
    ul: &'a Element,
    card_li: Option<&'a Element>,
}

/// The first method's panel to open, with its type and answer.
type Open<'a> = Option<(Element, PaymentType, &'a JsValue)>;

impl List<'_> {
    /// One entry per method (the card's made at mount kept in its place);
    /// the card's form completed now; whether the card's entry was kept, and
    /// the entry to open.
    #[inline(always)]
    fn entries<'m>(
        &self,
        hook: Hook,
        m: &mut Mounted,
        config: &Config,
        t: &Texts,
        methods: &'m [(PaymentType, JsValue)],
    ) -> (bool, Open<'m>) {
        let doc = self.doc;
        let expand = config.expand_first();
        let mut card_seen = false;
        let mut first = None;
        for (i, (ty, pmm)) in methods.iter().enumerate() {
            let (ty, name) = (*ty, ty.as_str());
            let open = expand && i == 0;
            let reuse = self.card_li.filter(|_| ty == PaymentType::CreditCard);
            card_seen |= reuse.is_some();
            let Some((b, panel)) = self.place(reuse, card_seen, ty) else {
                continue;
            };
            attrs(
                &b,
                &[("aria-expanded", if open { "true" } else { "false" })],
            );
            let text = if config.managing() {
                t.t("manage.add")
            } else {
                t.t(&id("method.", name))
            };
            add(&b, &[&el(doc, "span", "", &text)]);
            hide(&panel, !open);
            if ty == PaymentType::CreditCard && !m.card.is_empty() {
                // Its frames are there: the form is completed now, open or not.
                build_form(hook, m, config, t, &panel, ty, pmm);
            } else if open {
                first = Some((panel, ty, pmm));
            }
        }
        (card_seen, first)
    }

    /// `ty`'s entry: the card's made at mount (`reuse`), or a new one put
    /// before the card's (until `card_seen`) or at the end; its button and panel.
    #[inline(always)]
    fn place(
        &self,
        reuse: Option<&Element>,
        card_seen: bool,
        ty: PaymentType,
    ) -> Option<(Element, Element)> {
        match reuse {
            Some(li) => Some((li.first_element_child()?, li.last_element_child()?)),
            None => {
                let (li, b, panel) = entry(self.doc, ty);
                match self.card_li.filter(|_| !card_seen) {
                    Some(c) => drop(self.ul.insert_before(&li, Some(c))),
                    None => add(self.ul, &[&li]),
                }
                Some((b, panel))
            }
        }
    }
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
    let amount = m.money(t, m.amount);
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
