//! What the drop-in's card form does with its secure fields: makes them
//! (one card frame or a saved card's code), reads their state, relabels,
//! restyles and pays with them.

use super::frame::{label, new_inner};
use super::group::Group;
use super::messages::handle;
use super::options::Options;
use super::state::FieldState;
use super::tokenize::{tokenize, Tok};
use super::{Hook, PaySessionElement, CARD};
use crate::error::SdkError;
use crate::js;
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::JsValue;

impl PaySessionElement {
    /// A field of the drop-in's card form: `label` is its accessible name,
    /// `style` the drop-in's text style, `hook` hears its events.
    #[must_use = "the element is the handle of its frame"]
    pub(crate) fn make(
        group: &Rc<Group>,
        kind: &'static str,
        label: String,
        style: JsValue,
        hook: Hook,
    ) -> PaySessionElement {
        let opts = Options {
            label: Some(label),
            style,
            ..Options::default()
        };
        PaySessionElement {
            inner: new_inner(group, kind, opts, Some(hook)),
        }
    }

    /// The drop-in's card in one frame: `texts` are the number's, the
    /// expiry's and the code's accessible names.
    #[must_use = "the element is the handle of its frame"]
    pub(crate) fn make_card(
        group: &Rc<Group>,
        texts: Vec<String>,
        style: JsValue,
        hook: Hook,
    ) -> PaySessionElement {
        let e = PaySessionElement::make(group, CARD, String::new(), style, hook);
        if let Ok(mut s) = e.inner.try_borrow_mut() {
            s.texts = texts;
        }
        e
    }

    /// Moves the keyboard focus into part `i` of the card frame.
    pub(crate) fn focus_part(&self, i: usize) {
        let Ok(s) = self.inner.try_borrow() else {
            return;
        };
        if let Some(f) = &s.frame {
            crate::view::call(f, "focus");
        }
        let m = js::object();
        js::set(&m, "t", &"focus".into());
        js::set(&m, "f", &(i as u32).into());
        s.post(&m);
    }

    /// The field's state as the page may know it.
    pub(crate) fn state(&self) -> FieldState {
        let s = self.inner.try_borrow();
        let st = s.as_ref().map(|s| &s.st);
        FieldState {
            empty: st.map_or(true, |x| x.empty),
            complete: st.is_ok_and(|x| x.complete),
            error: st.ok().and_then(|x| x.error.clone()),
            settled: s
                .as_ref()
                .is_ok_and(|s| s.st.ready() || (!s.st.hello() && s.load.is_none())),
            brand: st
                .ok()
                .and_then(|x| Some((x.brand_name.clone()?, x.brand.clone()?))),
            parts: st.ok().and_then(|x| x.parts),
        }
    }

    /// The drop-in's field with its label in the catalog that has come in,
    /// once its group knows the fields origin: the config again to a frame
    /// already heard from, and the frame's message kept from before (its
    /// `ready`) taken now if it came from that origin.
    pub(crate) fn greet(&self, texts: Vec<String>) {
        let early = {
            let Ok(mut s) = self.inner.try_borrow_mut() else {
                return;
            };
            if s.kind == CARD {
                s.texts = texts;
            } else {
                s.opts.label = texts.into_iter().next();
            }
            if let Some(f) = &s.frame {
                let _ = f.set_attribute("title", &label(&s));
            }
            if s.st.hello() {
                s.send_config();
            }
            let origin = s.group.origin.get().cloned();
            s.early.take().filter(|(o, _)| Some(o) == origin.as_ref())
        };
        // What the frame said before the origin was known (its `ready`,
        // from its URL's config); a frame that has said nothing yet says
        // `ready` later, and then gets the config if it changed.
        if let Some((_, data)) = early {
            handle(&self.inner, data);
        }
    }

    /// The drop-in's submit found this field empty: its input inside the
    /// frame is marked invalid and described by `text` (the frame cannot know
    /// it was required) until the shopper types.
    pub(crate) fn required(&self, text: &str) {
        if let Ok(s) = self.inner.try_borrow() {
            let m = js::object();
            js::set(&m, "t", &"req".into());
            js::set(&m, "x", &text.into());
            s.post(&m);
        }
    }

    /// The drop-in's field takes a new style (its appearance changed): the
    /// frame restyles from the config, without a reload.
    pub(crate) fn restyle(&self, style: JsValue) {
        if let Ok(mut s) = self.inner.try_borrow_mut() {
            s.opts.style = style;
            if s.st.hello() {
                s.send_config();
            }
        }
    }

    /// A saved card's code field of the drop-in pays with `pm` (brand `brand`).
    pub(crate) fn set_saved(&self, pm: String, brand: String) {
        if let Ok(mut s) = self.inner.try_borrow_mut() {
            s.opts.payment_method = Some(pm);
            s.opts.brand = Some(brand);
            if s.st.hello() {
                s.send_config();
            }
        }
    }

    /// Tokenizes the card of this (number) field's group for `session`, or
    /// (a saved card's code field) pays with the saved card; `usage`: save it;
    /// `terms`: the accepted terms version (or `undefined`).
    pub(crate) fn pay(
        &self,
        session: String,
        name: String,
        usage: JsValue,
        terms: JsValue,
    ) -> Result<Promise, SdkError> {
        let group = self
            .inner
            .try_borrow()
            .map_err(|_| SdkError::network())?
            .group
            .clone();
        let tok = Tok {
            session,
            owner: JsValue::UNDEFINED,
            name: name.into(),
            usage,
            terms,
        };
        tokenize(&self.inner, &group, tok).unwrap_or_else(|| Err(SdkError::network()))
    }
}
