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

/** Waits (bounded, polling in the page) until `cond(arg, deep)` is truthy; returns its value. */
export async function until(d, cond, arg, what = cond, ms = 15_000) {
  const src = `async (arg) => {
    const deep = ${DEEP};
    const cond = ${cond};
    let last;
    for (const end = Date.now() + ${ms}; Date.now() < end; await new Promise((r) => setTimeout(r, 40))) {
      try { last = await cond(arg, deep); } catch (e) { last = "threw " + e; }
      if (last) return last;
    }
    throw new Error("timed out (${ms} ms): " + ${JSON.stringify(String(what).slice(0, 300))} + " — last: " + JSON.stringify(last));
  }`;
  return d.run(src, arg);
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
export const visible = (d, sel) =>
  until(d, `(sel, deep) => { const e = deep(sel); return !!(e && e.getClientRects().length && getComputedStyle(e).visibility !== "hidden"); }`, sel, `${sel} visible`);

/** Waits for `sel`'s attribute `name` to equal `value`. */
export const attrIs = (d, sel, name, value) =>
  until(d, `({ sel, name, value }, deep) => { const e = deep(sel); return !!e && e.getAttribute(name) === value; }`, { sel, name, value }, `${sel}[${name}=${value}]`);

/** Whether the element focused in the page is `sel` (through shadow roots: the deepest active element). */
export const focused = (d, sel) =>
  until(d, `(sel, deep) => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return a === deep(sel); }`, sel, `${sel} focused`);

/** Whether the iframe `sel` holds the focus and its input (`#id`, if given) is the focused element. */
export async function frameFocused(d, sel, id = null) {
  await focused(d, sel);
  return d.frameRun(sel, `(id) => document.hasFocus() && !!document.activeElement && document.activeElement.tagName === "INPUT" && (!id || document.activeElement.id === id)`, id);
}
