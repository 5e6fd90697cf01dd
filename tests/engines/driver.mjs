// What the Firefox and WebKit layers share: the driver interface each engine
// implements (tests/engines/firefox.mjs, tests/engines/webkit.mjs), and the
// waits written once on top of it. Scripts go to the page as source text (the
// pages' strict CSP forbids eval, not a driver's script).
//
// Driver: goto(url), run(src, arg) (src: a function's source, may be async;
// JSON in and out), click(sel), type(sel, text), frameType(sel, text, inner)
// (types into `inner`, default the first input, of the iframe `sel`), frameRun(sel, src, arg), press(key) (Tab,
// Enter, Space, Escape, Backspace), keys(text) (to the focused element), clearCookies(),
// screenshot(path), errors() (uncaught page errors the engine reports),
// close(). Every `sel` is CSS, looked up in the document and every open shadow
// root (as Playwright's locators do).

/** The first element matching `sel` in `root` or any open shadow root below it. */
export const DEEP = `function deep(sel, root = document) {
  const hit = root.querySelector(sel);
  if (hit) return hit;
  for (const el of root.querySelectorAll("*")) if (el.shadowRoot) { const h = deep(sel, el.shadowRoot); if (h) return h; }
  return null;
}`;

/** Waits (bounded) until `cond(arg, deep)` (synchronous) is truthy; returns its value.
 * A `cond` that throws is not met (its error is the last value the timeout reports).
 * Polled in the page by one script; from here, one synchronous check per call
 * (`runSync`), always in WebKit (`d.syncWaits`) and in a wait that spans a navigation
 * (`navigates`) in Firefox: a script still running in the page when the page
 * navigates away never answers in WebKitWebDriver, and once did not in Firefox's
 * BiDi (a click whose effect is a navigation a moment later, e.g. the drop-in's
 * redirect to PayPal's approval page). */
export async function until(d, cond, arg, what = cond, ms = 15_000, navigates = false) {
  const fail = (last) => new Error(`timed out (${ms} ms): ${String(what).slice(0, 300)} — last: ${JSON.stringify(last)}`);
  if (d.runSync && (d.syncWaits || navigates)) {
    const check = `(arg) => {
      const deep = ${DEEP};
      const cond = ${cond};
      try { return { v: cond(arg, deep) }; } catch (e) { return { err: "threw " + e }; }
    }`;
    let last;
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 40))) {
      const r = await d.runSync(check, arg).catch((e) => ({ err: `driver: ${e.message}` }));
      if (r && r.v) return r.v;
      last = r && "err" in r ? r.err : r && r.v;
    }
    throw fail(last);
  }
  const src = `async (arg) => {
    const deep = ${DEEP};
    const cond = ${cond};
    let last;
    for (const end = Date.now() + ${ms}; Date.now() < end; await new Promise((r) => setTimeout(r, 40))) {
      try { last = await cond(arg, deep); if (last) return { v: last }; } catch (e) { last = "threw " + e; }
    }
    return { last };
  }`;
  const r = await d.run(src, arg);
  if (r && r.v) return r.v;
  throw fail(r && r.last);
}

/** The element's text (spaces normalised) once it matches `want` (a string or RegExp source). */
export async function textIs(d, sel, want) {
  const re = want instanceof RegExp ? want.source : null;
  return until(d, `({ sel, want, re }, deep) => {
    const e = deep(sel);
    const t = e && e.textContent.replace(/\\s+/g, " ").trim();
    return e && (re ? new RegExp(re).test(t) : t === want) && t;
  }`, { sel, want: re ? null : want, re }, `${sel} text ${want}`);
}

/** Waits for `sel` to exist and be shown. */
export const visible = (d, sel, navigates = false) =>
  until(d, `(sel, deep) => { const e = deep(sel); return !!(e && e.getClientRects().length && getComputedStyle(e).visibility !== "hidden"); }`, sel, `${sel} visible`, 15_000, navigates);

/** Waits for `sel`'s attribute `name` to equal `value`. */
export const attrIs = (d, sel, name, value) =>
  until(d, `({ sel, name, value }, deep) => { const e = deep(sel); return !!e && e.getAttribute(name) === value; }`, { sel, name, value }, `${sel}[${name}=${value}]`);

/** Whether the element focused in the page is `sel` (through shadow roots: the deepest active element). */
export const focused = (d, sel) =>
  until(d, `(sel, deep) => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return a === deep(sel); }`, sel, `${sel} focused`);

/** Whether the iframe `sel` holds the focus and its input (`#id`, if given: a part of
 * the card frame) is the focused element: the page's focus is on the frame, and the
 * frame said its input took it (its `focus` message: the SDK's `PaySessionElement--focus`
 * class on the mount target, the visible focus ring). Where switching into the frame
 * does not itself move the focus (`d.switchMovesFocus`: WebKit's does), also checked
 * inside the frame. */
export async function frameFocused(d, sel, id = null) {
  await focused(d, sel);
  await until(d, `(sel, deep) => { const t = deep(sel).closest(".PaySessionElement"); return !!t && t.classList.contains("PaySessionElement--focus"); }`, sel, `${sel}'s mount target has the focus class`);
  if (d.switchMovesFocus) return true;
  return d.frameRun(sel, `(id) => document.hasFocus() && !!document.activeElement && document.activeElement.tagName === "INPUT" && (!id || document.activeElement.id === id)`, id);
}
