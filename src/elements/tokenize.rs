//! `createSource(element, data)` with an element: the number frame (or a
//! saved card's code frame) gathers the card from its siblings and creates
//! the source; its answer resolves a pending promise, or a timer does.

use super::group::Group;
use super::{fail, Inner, Pending, Shared, CARD};
use crate::args::{check_id, OWNER};
use crate::error::SdkError;
use crate::http::Timeout;
use crate::js;
use crate::schema::{self, opt, req, Kind};
use crate::source;
use js_sys::{Function, Promise};
use paysession_core::ErrorCode;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Takes the pending tokenization `r` out (no index panics in the wasm).
pub(super) fn take_pending(p: &mut Vec<Pending>, r: f64) -> Option<Function> {
    let (hit, rest): (Vec<Pending>, Vec<Pending>) =
        std::mem::take(p).into_iter().partition(|x| x.0 == r);
    *p = rest;
    hit.into_iter().next().map(|x| x.1)
}

const TOKENIZE: &[schema::Field] = &[
    req("type", Kind::Str(32)),
    req("sessionId", Kind::Str(128)),
    opt("owner", Kind::Obj(OWNER)),
    opt("termsAcceptance", Kind::Obj(source::TERMS)),
];

/// `createSource(cardNumberElement, {sessionId, type: "creditCard", owner?})`:
/// the number frame gathers the card from its siblings and creates the
/// source; resolves like `createSource` (never rejects).
pub fn create_source(group: Option<&Rc<Group>>, element: &JsValue, data: &JsValue) -> Promise {
    match start(group, element, data) {
        Ok(p) => p,
        Err(e) => Promise::resolve(&source::result(Err(e))),
    }
}

fn start(
    group: Option<&Rc<Group>>,
    element: &JsValue,
    data: &JsValue,
) -> Result<Promise, SdkError> {
    let d = schema::clean(data, TOKENIZE, "", "data")?;
    if schema::string(&d, "type").as_deref() != Some("creditCard") {
        return Err(fail(
            ErrorCode::UnknownPaymentType,
            "type",
            "With an element, type must be creditCard.",
        ));
    }
    let session = check_id(&js::get(&d, "sessionId"), "sessionId")?;
    let owner = js::get(&d, "owner");
    // The card build leaves the owner's e-mail and country to the backend,
    // which checks them with core's same rules and answers the same code and
    // parameter (`invalid_email` on `owner.email`): the table of countries
    // and the check are 0.5 kB of a module whose target is 35 kB with its
    // frame. The shape (keys, types, lengths) is checked here in every build.
    #[cfg(feature = "api")]
    if !owner.is_undefined() {
        crate::args::check_owner(&owner, "owner")?;
    }
    let not_ours = || {
        fail(
            ErrorCode::InvalidParameter,
            "element",
            "Pass a mounted cardnumber element (or a cardcvv element with paymentMethodId) made by this PaySession's createElement.",
        )
    };
    let group = group.ok_or_else(not_ours)?;
    let rc = group
        .find(element)
        .and_then(|w| w.upgrade())
        .ok_or_else(not_ours)?;
    let tok = Tok {
        session,
        owner,
        name: JsValue::UNDEFINED,
        usage: JsValue::UNDEFINED,
        terms: js::get(&js::get(&d, "termsAcceptance"), "version"),
    };
    tokenize(&rc, group, tok).ok_or_else(not_ours)?
}

/// What the frame is asked to create a source with (`undefined`: not given).
pub(super) struct Tok {
    pub(super) session: String,
    pub(super) owner: JsValue,
    /// The name on the card.
    pub(super) name: JsValue,
    /// Save the card for this use.
    pub(super) usage: JsValue,
    /// The accepted terms version.
    pub(super) terms: JsValue,
}

/// Asks the number frame `rc` to create the source; `None` if it is not a
/// mounted number field.
#[must_use = "the promise resolves with the source"]
pub(super) fn tokenize(rc: &Shared, group: &Group, tok: Tok) -> Option<Result<Promise, SdkError>> {
    let weak = Rc::downgrade(rc);
    let mut s = rc.try_borrow_mut().ok()?;
    let saved = s.kind == "cardcvv" && s.opts.payment_method.is_some();
    if (s.kind != "cardnumber" && s.kind != CARD && !saved) || s.frame.is_none() {
        return None;
    }
    Some(send_tok(&mut s, weak, group, tok))
}

fn send_tok(
    s: &mut Inner,
    weak: Weak<RefCell<Inner>>,
    group: &Group,
    tok: Tok,
) -> Result<Promise, SdkError> {
    if !s.st.ready() {
        return Err(SdkError::network());
    }
    s.next += 1.0;
    let r = s.next;
    let deadline = group.client.timeout_ms;
    let mut resolve_fn = None;
    let promise = Promise::new(&mut |resolve, _| resolve_fn = Some(resolve));
    let resolve = resolve_fn.ok_or_else(SdkError::invalid_response)?;
    let cb = Closure::<dyn FnMut()>::new(move || {
        let Some(rc) = weak.upgrade() else { return };
        let Ok(mut s) = rc.try_borrow_mut() else {
            return;
        };
        if let Some(resolve) = take_pending(&mut s.pending, r) {
            drop(s);
            let _ = resolve.call1(
                &JsValue::UNDEFINED,
                &source::result(Err(SdkError::timeout())),
            );
        }
    });
    let timer = Timeout::new(cb.as_ref().unchecked_ref(), deadline + 3_000.0);
    s.pending.push((r, resolve, timer, cb));
    let m = js::object();
    js::set(&m, "t", &"tok".into());
    js::set(&m, "r", &r.into());
    js::set(&m, "s", &tok.session.into());
    js::set(&m, "d", &deadline.into());
    js::set(&m, "n", &group.client.max_retries.into());
    if !tok.owner.is_undefined() {
        js::set(&m, "o", &tok.owner);
    }
    js::set(&m, "nm", &tok.name);
    js::set(&m, "u", &tok.usage);
    js::set(&m, "ta", &tok.terms);
    s.post(&m);
    Ok(promise)
}
