//! What a frame has said of its field: the state the page and the drop-in
//! may know (empty, complete, brand, error code, focus).

use super::CODES;
use crate::js;
use paysession_core::ErrorCode;
use wasm_bindgen::JsValue;

/// How far the frame of this mount has come: one enum, not two flags.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum Heard {
    /// Nothing yet (loading, failed to load, or not mounted).
    #[default]
    Nothing,
    /// Its hello: the config was sent.
    Hello,
    /// Its `ready`: it takes input.
    Ready,
}

/// The frame's state: how far it has come, and what it said of its field.
#[derive(Default)]
pub(super) struct St {
    pub(super) heard: Heard,
    pub(super) empty: bool,
    pub(super) complete: bool,
    pub(super) focus: bool,
    pub(super) autofilled: bool,
    pub(super) brand: Option<String>,
    /// The brand's display name (from the frame, for the drop-in).
    pub(super) brand_name: Option<String>,
    pub(super) error: Option<String>,
    /// The drop-in's card frame: each part's empty, complete and shown
    /// error, once it has said.
    pub(super) parts: Option<[Part; 3]>,
}

/// One part of the drop-in's card frame: empty, complete, the error shown.
pub(crate) type Part = (bool, bool, Option<ErrorCode>);

impl St {
    /// The frame has said hello (or ready): it takes a config.
    pub(super) fn hello(&self) -> bool {
        self.heard != Heard::Nothing
    }

    /// The frame has said `ready`: it takes input.
    pub(super) fn ready(&self) -> bool {
        self.heard == Heard::Ready
    }

    /// The state a frame's `change` says (each value checked).
    pub(super) fn take_change(&mut self, data: &JsValue) {
        self.empty = js::get(data, "e").is_truthy();
        self.complete = js::get(data, "k").is_truthy();
        self.autofilled = js::get(data, "a").is_truthy();
        self.brand = js::get(data, "b").as_string().filter(|b| b.len() < 16);
        self.brand_name = js::get(data, "n").as_string().filter(|b| b.len() < 32);
        self.error = js::get(data, "x")
            .as_string()
            .filter(|c| c.len() < 40 && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        #[cfg(feature = "dropin")]
        {
            let p = js::get(data, "p");
            self.parts = p
                .is_object()
                .then(|| [part(&p, "0"), part(&p, "1"), part(&p, "2")]);
        }
    }
}

/// `[empty, complete, error?]` of the card frame's part `i` in `parts`.
#[cfg(feature = "dropin")]
fn part(parts: &JsValue, i: &str) -> Part {
    let p = js::get(parts, i);
    let code = js::get(&p, "2").as_string();
    let code = CODES.iter().find(|c| Some(c.as_str()) == code.as_deref());
    (
        js::get(&p, "0").is_truthy(),
        js::get(&p, "1").is_truthy(),
        code.copied(),
    )
}

/// What the drop-in reads of one of its fields.
pub(crate) struct FieldState {
    /// Nothing typed.
    pub empty: bool,
    /// A complete, valid value.
    pub complete: bool,
    /// The error code shown (typed invalid, or left incomplete).
    pub error: Option<String>,
    /// Ready for input, or its frame failed to load.
    pub settled: bool,
    /// The brand's display name and wire name (number field).
    pub brand: Option<(String, String)>,
    /// The card frame's parts (number, expiry, code), once it has said.
    pub parts: Option<[Part; 3]>,
}
