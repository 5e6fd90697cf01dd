//! The frames of one `PaySession`: their fields origin, group id, page key
//! and locale catalog, and the elements made so far.

use super::Inner;
use crate::http::uuid_v4;
use crate::i18n::Texts;
use std::cell::RefCell;
use std::rc::Weak;
use wasm_bindgen::JsValue;

/// The frames of one `PaySession`: one fields origin, one group id (the
/// frames find their siblings by it), and the elements made so far.
pub struct Group {
    pub(super) id: String,
    /// The frames' URL before its query: `{fieldsBase}/field`, or the API's
    /// `/hosted/field`, which redirects to the fields origin's.
    pub(super) src: String,
    /// The fields origin; unset until known (a group made [`Group::via_api`]
    /// learns it from the payment-methods answer: until then its frames load
    /// but no message from them is taken and none is sent to them).
    pub(super) origin: std::cell::OnceCell<String>,
    pub(super) made: RefCell<Vec<(JsValue, Weak<RefCell<Inner>>)>>,
    /// The page's key, deadline, retries and `locale`; the locale's catalog once
    /// fetched (the frames' labels, the error messages), on the first `createElement`.
    pub(super) client: crate::http::Client,
    pub(super) catalog: RefCell<JsValue>,
    pub(super) asked: std::cell::Cell<bool>,
}

impl Group {
    /// A group for `client`, or `None` when no `fieldsBase` was given.
    pub fn new(client: &crate::http::Client) -> Option<Group> {
        Some(Group::with_base(client, client.fields_base.clone()?))
    }

    /// A group on the fields origin at `base` (`scheme://host[:port]`, checked).
    pub fn with_base(client: &crate::http::Client, base: String) -> Group {
        let g = Group::make(client, [&base, "/field"].concat());
        let _ = g.origin.set(crate::scan::origin(&base).to_owned());
        g
    }

    /// A group whose frames load through the API (`/hosted/field`, a redirect
    /// to the fields origin) before the fields origin is known: the drop-in's,
    /// made at `mount` when no `fieldsBase` was given. [`Group::learn`] tells
    /// it the origin.
    pub fn via_api(client: &crate::http::Client) -> Group {
        Group::make(client, [&client.base, "/hosted/field"].concat())
    }

    fn make(client: &crate::http::Client, src: String) -> Group {
        Group {
            id: uuid_v4(),
            src,
            origin: std::cell::OnceCell::new(),
            made: RefCell::new(Vec::new()),
            client: client.clone(),
            catalog: RefCell::new(JsValue::UNDEFINED),
            asked: std::cell::Cell::new(false),
        }
    }

    /// The fields origin at `base` (the answer's `fieldsUrl`, checked), for a
    /// group made [`Group::via_api`]; `false` if the group already has another.
    #[must_use = "false: the group has another fields origin"]
    pub fn learn(&self, base: &str) -> bool {
        let o = crate::scan::origin(base).to_owned();
        self.origin.get_or_init(|| o.clone()) == &o
    }

    /// The element behind `element` if this group made it (`createElement`'s
    /// object), alive or not.
    pub(super) fn find(&self, element: &JsValue) -> Option<Weak<RefCell<Inner>>> {
        let made = self.made.try_borrow().ok()?;
        let (_, w) = made
            .iter()
            .find(|(js, _)| js_sys::Object::is(js, element))?;
        Some(w.clone())
    }

    /// Whether this group made `element`: the card build's `createSource`
    /// without `data`.
    #[cfg(not(feature = "api"))]
    pub fn made_it(&self, element: &JsValue) -> bool {
        self.find(element).is_some()
    }

    /// This group's frames speak `catalog` (the drop-in's, once fetched).
    pub fn use_catalog(&self, catalog: JsValue) {
        self.asked.set(true);
        if let Ok(mut c) = self.catalog.try_borrow_mut() {
            *c = catalog;
        }
    }

    pub(super) fn texts(&self) -> Texts {
        Texts {
            locale: self.client.locale.clone(),
            catalog: self.catalog.borrow().clone(),
        }
    }
}
