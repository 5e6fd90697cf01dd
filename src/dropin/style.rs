//! The widget's one stylesheet: a constructed `CSSStyleSheet` (`replaceSync`)
//! in the shadow root's `adoptedStyleSheets`. No `<style>` element and no
//! `style` attribute, so it applies under `style-src 'self'`. Theming through
//! custom properties the page sets on the host or any ancestor, or the
//! `appearance` (`crate::appearance`): a second constructed sheet per mount,
//! after the shared one, replaced by `dropin.update({appearance})`.

use js_sys::Array;
use web_sys::{CssStyleSheet, ShadowRoot};

const CSS: &str = concat!(
    ":host{display:block;font:var(--ps-font-size,15px)/1.45 var(--ps-font,system-ui,sans-serif);color:var(--ps-color-text,#1f2937);background:var(--ps-color-background,none)}",
    "*{box-sizing:border-box}",
    "[hidden]{display:none!important}",
    // The list made at mount (its card frames loading), laid out but unseen
    // and inert until the answer renders it; the loading line over it.
    ".ld{opacity:0}.ld+p{position:absolute;top:0;inset-inline:0;margin:0}:host>div{position:relative}",
    "ul{list-style:none;margin:0;padding:0}",
    "li{border:1px solid var(--ps-color-border,#d1d5db);border-radius:var(--ps-radius,8px);margin:0 0 8px;background:var(--ps-color-background,#fff)}",
    ".m{display:flex;gap:10px;align-items:center;width:100%;padding:var(--ps-space,12px);border:0;background:none;font:inherit;color:inherit;text-align:start;cursor:pointer;border-radius:var(--ps-radius,8px)}",
    ".m[aria-expanded=true]{font-weight:600}",
    ".p{padding:0 var(--ps-space,12px) var(--ps-space,12px)}",
    "label{display:block;font-size:var(--ps-font-size-sm,13px);margin:8px 0 3px}",
    "input[type=text],.PaySessionElement{width:100%;padding:9px 10px;font:inherit;color:inherit;background:var(--ps-color-background,#fff);border:1px solid var(--ps-color-border,#9ca3af);border-radius:var(--ps-radius,8px)}",
    "input[aria-invalid=true],.PaySessionElement--invalid{border-color:var(--ps-color-error,#b91c1c)}",
    ":focus-visible,.PaySessionElement--focus{outline:var(--ps-focus,2px solid var(--ps-color-primary,#1a56db));outline-offset:2px}",
    ".PaySessionElement iframe{display:block;height:1.4em}",
    ".row{display:flex;gap:10px}.row>div{flex:1}",
    ".e{color:var(--ps-color-error,#b91c1c);font-size:var(--ps-font-size-sm,13px);margin:3px 0 0}.e:empty{display:none}",
    ".b{font-size:12px;margin:3px 0 0;min-height:1em}",
    ".b[data-brand]::before{content:attr(data-brand);text-transform:uppercase;font-weight:700;font-size:10px;border:1px solid;border-radius:3px;padding:0 3px;margin-inline-end:6px}",
    ".pay{display:block;width:100%;margin:14px 0 0;padding:11px;font:inherit;font-weight:600;color:#fff;background:var(--ps-color-primary,#1a56db);border:0;border-radius:var(--ps-radius,8px);cursor:pointer}",
    ".pay:disabled{opacity:.6;cursor:progress}",
    ".n,.c{font-size:13px;margin:8px 0 0}",
    ".c a{color:inherit;margin-inline-end:10px;display:inline-block}",
    ".cs a,.ok a{color:inherit;margin-inline-start:8px}",
    ".ok{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:10px 0 0}.ok label{flex:1 1 12em;min-width:0;overflow-wrap:anywhere}",
    "fieldset{border:0;padding:0;margin:0;min-width:0}.sv{display:flex;gap:8px;align-items:center;padding:4px 12px}.sv>span:first-child{flex:1}",
    "dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:10px 0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}",
    "dialog{width:min(600px,calc(100vw - 24px));height:min(720px,calc(100vh - 24px));max-width:none;max-height:none;padding:0;border:0;border-radius:var(--ps-radius,8px);display:flex;flex-direction:column}",
    "dialog:not([open]){display:none}",
    "dialog::backdrop{background:#0008}",
    "dialog h2{font-size:16px;margin:0;padding:12px 14px;flex:1}",
    ".h{display:flex;align-items:center;border-bottom:1px solid var(--ps-color-border,#d1d5db)}",
    ".x,.rm{margin:6px;padding:8px 10px;font:inherit;background:none;border:1px solid var(--ps-color-border,#d1d5db);border-radius:var(--ps-radius,8px);cursor:pointer;color:inherit}",
    "iframe{flex:1;width:100%;border:0}",
);

thread_local! {
    /// The page's one constructed sheet, parsed once and shared by every mount.
    static SHEET: std::cell::RefCell<Option<CssStyleSheet>> = const { std::cell::RefCell::new(None) };
}

fn sheet(fresh: bool) -> Option<CssStyleSheet> {
    SHEET.with(|c| {
        let mut c = c.try_borrow_mut().ok()?;
        if fresh || c.is_none() {
            let sheet = CssStyleSheet::new().ok()?;
            let _ = sheet.replace_sync(CSS);
            *c = Some(sheet);
        }
        c.clone()
    })
}

/// Adopts the shared stylesheet and, when `extra` is not empty, a sheet of
/// its own made of `extra` (the appearance) into `root` (a sheet made for
/// another document, e.g. an iframe's, is refused: then fresh ones are made).
pub fn adopt(root: &ShadowRoot, extra: &str) {
    for fresh in [false, true] {
        if let Some(s) = sheet(fresh) {
            let list = Array::of1(&s);
            if !extra.is_empty() {
                if let Ok(own) = CssStyleSheet::new() {
                    let _ = own.replace_sync(extra);
                    list.push(&own);
                }
            }
            if js_sys::Reflect::set(root, &"adoptedStyleSheets".into(), &list).is_ok() {
                return;
            }
        }
    }
}
