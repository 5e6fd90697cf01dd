//! Back from a redirect: the source named in the page's URL is read again,
//! its outcome fired once, and the URL cleaned of it.

use super::outcomes::{cancel, current, fail, say, state_of, succeed};
use super::{fire, spawn, Fire, Phase, Shared, State};
use crate::api;
use crate::error::SdkError;
use crate::js;
use paysession_core::state::{PaymentType, SourceState};
use paysession_core::{ErrorCode, ErrorType};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// `sourceId` and `sourceClientSecret` in the page's URL (back from a redirect).
pub fn pending_return() -> Option<(String, String)> {
    let search = js::get(&js::get(&js_sys::global(), "location"), "search").as_string()?;
    let (mut id, mut secret) = (None, None);
    for pair in search.trim_start_matches('?').split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = js_sys::decode_uri_component(v)
            .ok()
            .and_then(|v| v.as_string());
        match k {
            "sourceId" => id = v,
            "sourceClientSecret" => secret = v,
            _ => {}
        }
    }
    Some((id?, secret?))
}

/// Removes the redirect's parameters from the address bar (a reload does not resume twice).
fn clean_url() {
    let g = js_sys::global();
    let loc = js::get(&g, "location");
    let search = js::get(&loc, "search").as_string().unwrap_or_default();
    let keep: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| {
            !p.is_empty()
                && !["sourceId=", "sourceClientSecret=", "state="]
                    .iter()
                    .any(|k| p.starts_with(k))
        })
        .collect();
    let mut url = js::get(&loc, "pathname").as_string().unwrap_or_default();
    if !keep.is_empty() {
        url = [url.as_str(), "?", &keep.join("&")].concat();
    }
    url.push_str(&js::get(&loc, "hash").as_string().unwrap_or_default());
    let h = js::get(&g, "history");
    if let Ok(f) = js::get(&h, "replaceState").dyn_into::<js_sys::Function>() {
        let _ = f.call3(&h, &JsValue::NULL, &"".into(), &url.into());
    }
}

/// Back from a redirect: reads the source and ends its outcome
/// (`chargeable` → onSuccess, `cancelled` → onCancel, `failed` → onError).
pub fn resume(st: &Shared) {
    let Some((id, secret)) = pending_return() else {
        return;
    };
    clean_url();
    let (client, gen, session) = {
        let Ok(mut s) = st.try_borrow_mut() else {
            return;
        };
        let gen = s.generation;
        let session = s.config.session_id.clone();
        let Some((m, t)) = current(&mut s, gen) else {
            return;
        };
        m.phase = Phase::Paying;
        say(m, &t.t("processing"));
        (s.client.clone(), gen, session)
    };
    let weak = Rc::downgrade(st);
    spawn(async move {
        let r = api::retrieve_source(&client, id.into(), secret.into()).await;
        let Some(st) = weak.upgrade() else { return };
        let cb = match st.try_borrow_mut() {
            Ok(mut s) => {
                let ours = r
                    .as_ref()
                    .ok()
                    .map(|v| js::get(v, "sessionId").as_string() == Some(session.clone()));
                let ty = r
                    .as_ref()
                    .ok()
                    .and_then(|v| PaymentType::parse(&js::get(v, "type").as_string()?));
                match (r, ours, ty) {
                    (Ok(src), Some(true), Some(ty)) => match state_of(&src) {
                        Some(SourceState::Chargeable | SourceState::PendingFunds) => {
                            succeed(&mut s, gen, ty, &src)
                        }
                        Some(SourceState::Cancelled) => cancel(&mut s, gen, ty),
                        // Not a cancel: the shopper's authorization at the
                        // provider (approval page, bank, 3-D Secure) failed.
                        Some(SourceState::Failed) => {
                            let e = SdkError::new(
                                ErrorType::BadRequest,
                                ErrorCode::AuthenticationFailed,
                                None,
                                "The payment failed.",
                            );
                            fail(&mut s, gen, Some(ty), &e)
                        }
                        Some(
                            SourceState::PendingRedirect
                            | SourceState::RequiresAction
                            | SourceState::Consumed,
                        )
                        | None => unbusy(&mut s, gen),
                    },
                    (Err(e), _, _) => fail(&mut s, gen, None, &e),
                    _ => unbusy(&mut s, gen),
                }
            }
            Err(_) => None,
        };
        fire(cb);
    });
}

#[must_use = "fire it once the state is released"]
fn unbusy(s: &mut State, gen: u32) -> Fire {
    let (m, _) = current(s, gen)?;
    m.phase = Phase::Shown;
    m.status.set_text_content(None);
    None
}
