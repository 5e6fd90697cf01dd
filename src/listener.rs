//! An event listener that owns its closure and removes itself when dropped
//! (gloo-events style): no `Closure::forget`, nothing left behind by `unmount`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

/// A registered listener; dropping it unregisters it and frees the closure.
#[must_use = "dropping the handle unregisters the listener"]
pub struct EventListener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl EventListener {
    /// Adds `f` as a `kind` listener on `target`.
    pub fn new<F: FnMut(Event) + 'static>(
        target: &EventTarget,
        kind: &'static str,
        f: F,
    ) -> EventListener {
        let callback = Closure::<dyn FnMut(Event)>::new(f);
        let _ = target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref());
        EventListener {
            target: target.clone(),
            kind,
            callback,
        }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
