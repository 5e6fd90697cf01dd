//! `createElement("compliance", {sessionId, locale?})`: the seller of record
//! and the links to the legal documents, rendered into the merchant's page
//! (plain DOM, no frame: nothing secret is shown). Texts come from
//! `GET /v1/sessions/{id}/compliance` and go in with `textContent`; links only
//! to absolute http(s) URLs, opened with `rel="noopener noreferrer"`.
//! Unmounted it holds nothing but its options (no listeners, no timers).

use crate::api::compliance_path;
use crate::error::SdkError;
use crate::http::Client;
use crate::js;
use crate::view::{add, el};
use js_sys::Promise;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::Element;

struct Inner {
    client: Rc<Client>,
    session: String,
    locale: String,
    /// Our container in the page, while mounted.
    node: Option<Element>,
    /// Bumped by every load and unmount: an older answer is dropped.
    gen: u32,
}

/// The compliance element.
#[wasm_bindgen]
pub struct ComplianceElement {
    inner: Rc<RefCell<Inner>>,
}

/// `createElement("compliance", options)`.
pub fn create(client: Rc<Client>, options: &JsValue) -> Result<JsValue, SdkError> {
    let (session, locale) = compliance_path(options, "options", None, &client.locale)?;
    Ok(ComplianceElement {
        inner: Rc::new(RefCell::new(Inner {
            client,
            session,
            locale,
            node: None,
            gen: 0,
        })),
    }
    .into())
}

/// Fetches the details and renders them into the current mount; resolves
/// `undefined` (also when unmounted or updated meanwhile).
fn load(rc: &Rc<RefCell<Inner>>) -> Promise {
    let Ok(mut s) = rc.try_borrow_mut() else {
        return Promise::resolve(&JsValue::UNDEFINED);
    };
    s.gen = s.gen.wrapping_add(1);
    // The method's own (boxed) state machine: one copy of the fetch code.
    let q = Ok((s.session.clone(), s.locale.clone()));
    let f: crate::error::Call = Box::pin(crate::api::compliance(s.client.clone(), q));
    let gen = s.gen;
    drop(s);
    let weak = Rc::downgrade(rc);
    crate::error::promise(Box::pin(async move {
        let d = f.await?;
        if let Some(Ok(s)) = weak.upgrade().as_ref().map(|r| r.try_borrow()) {
            if let (true, Some(n)) = (s.gen == gen, &s.node) {
                render(n, &d);
            }
        }
        Ok(JsValue::UNDEFINED)
    }))
}

/// Replaces the container's content with the details `d`: the drop-in's
/// compliance section, worded by the answer's own (localized) texts.
fn render(n: &Element, d: &JsValue) {
    let Some(doc) = n.owner_document() else {
        return;
    };
    n.set_text_content(None);
    let locale = js::get(d, "locale").as_string().unwrap_or_default();
    let _ = n.set_attribute("lang", &locale);
    let text = |k: &str| js::get(&js::get(d, k), "localizedText");
    let catalog = js::object();
    js::set(&catalog, "compliance.seller", &text("sellerDisclosure"));
    for (key, field) in crate::view::LEGAL {
        js::set(&catalog, key, &text(field));
    }
    let t = crate::i18n::Texts {
        locale,
        catalog: catalog.into(),
    };
    crate::view::legal(&doc, &t, n, d);
}

#[wasm_bindgen]
impl ComplianceElement {
    /// Renders into `target` (an element id or an element); resolves once
    /// the texts are shown, rejects with a `PaySessionError` if they cannot be
    /// loaded. Throws `mount_target_not_found`. Mounting again moves it.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn mount(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | HTMLElement")] target: JsValue,
    ) -> Result<Promise, JsValue> {
        let target = crate::view::target(&target);
        let (Some(target), Ok(mut s)) = (target, self.inner.try_borrow_mut()) else {
            return Err(super::not_found().to_js());
        };
        if let Some(n) = s.node.take() {
            n.remove();
        }
        let n = el(
            &target
                .owner_document()
                .ok_or_else(|| super::not_found().to_js())?,
            "div",
            "paysession-compliance",
            "",
        );
        add(&target, &[&n]);
        s.node = Some(n);
        drop(s);
        Ok(load(&self.inner))
    }

    /// Changes `sessionId` or `locale`; a mounted element renders again.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ComplianceElementOptions")] options: JsValue,
    ) -> Result<Promise, JsValue> {
        let mounted = {
            let Ok(mut g) = self.inner.try_borrow_mut() else {
                return Ok(Promise::resolve(&JsValue::UNDEFINED));
            };
            let s = &mut *g;
            (s.session, s.locale) =
                compliance_path(&options, "options", Some(&s.session), &s.locale)
                    .map_err(|e| e.to_js())?;
            s.node.is_some()
        };
        Ok(if mounted {
            load(&self.inner)
        } else {
            Promise::resolve(&JsValue::UNDEFINED)
        })
    }

    /// Takes the element out of the page (`mount` can put it back).
    pub fn unmount(&self) {
        if let Ok(mut s) = self.inner.try_borrow_mut() {
            s.gen = s.gen.wrapping_add(1);
            if let Some(n) = s.node.take() {
                n.remove();
            }
        }
    }
}
