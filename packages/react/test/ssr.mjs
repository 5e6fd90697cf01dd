// Server-side rendering of @paysession/react on Node (run by tests/browser/react.spec.mjs):
// `window`, `document` and the other browser globals are getters that record who reads
// them, installed before anything is imported; then the package is imported and a tree of
// every component is rendered with react-dom/server's renderToString, with a provider of
// each kind. Prints one JSON line: the HTML, the reads made from the package's own code
// (its dist/ files, by stack trace), how a loadPaySession call on the server went, and the
// names the ES module and the CommonJS builds export.
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const reads = [];
for (const name of ["window", "document", "self", "location", "HTMLElement", "customElements", "localStorage", "sessionStorage", "addEventListener"]) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      const stack = new Error().stack.split("\n").slice(2).join("\n");
      if (stack.includes(dist)) reads.push(`${name} at ${stack.split("\n")[0].trim()}`);
      return undefined;
    },
  });
}

const { createElement: h } = await import("react");
const { renderToString } = await import("react-dom/server");
const pkg = await import("../dist/index.js");
const { PaySessionProvider, DropIn, CardNumberElement, CardExpirationElement, CardCvvElement, Compliance, usePaySession, useElement, useCreateSource } = pkg;

const seen = [];
function Probe() {
  // The hooks run during server rendering too: no PaySession there, no element.
  seen.push({ paySession: usePaySession(), element: useElement("cardnumber"), createSource: typeof useCreateSource() });
  return null;
}
const tree = (provider) =>
  h(PaySessionProvider, provider,
    h("form", { id: "checkout" },
      h(DropIn, { sessionId: "ses_0123456789abcdef0123456789abcdef", id: "drop-in", className: "dropin", onSuccess() {},
        appearance: { theme: "dark" }, paymentMethodConfiguration: { creditCard: { showCardholderName: false } } }),
      h(CardNumberElement, { id: "card-number", className: "field", options: { placeholderText: "1234", appearance: { theme: "flat" } }, onChange() {} }),
      h(CardExpirationElement, { id: "card-expiry" }),
      h(CardCvvElement, { id: "card-cvv" }),
      h(Compliance, { sessionId: "ses_0123456789abcdef0123456789abcdef", id: "legal" }),
      h(Probe)));

const html = [
  renderToString(tree({ publicKey: "pk_test_default", options: { apiBase: "http://127.0.0.1:8080" } })),
  renderToString(tree({ paySession: null })),
  renderToString(tree({ paySession: new Promise(() => {}) })),
];
const readsWhileRendering = [...reads];

// loadPaySession on the server resolves null and imports no SDK.
let imported = 0;
const loaded = await pkg.loadPaySession("pk_test_default", {}, { sdk: async () => { imported++; throw new Error("imported on the server"); } });

// The detector works: loadPaySession's own `typeof window` is a read from dist/.
const readsByLoad = reads.length - readsWhileRendering.length;

// The CommonJS build exports the same names.
const { createRequire } = await import("node:module");
const cjs = Object.keys(createRequire(import.meta.url)("../dist/index.cjs")).sort();

// Outside a provider a hook says so.
let outside = "";
try {
  renderToString(h(Probe));
} catch (e) {
  outside = e.message;
}

console.log(JSON.stringify({
  html,
  reads: readsWhileRendering,
  readsByLoad,
  esm: Object.keys(pkg).sort(),
  cjs,
  hooks: seen.map((s) => ({ paySession: s.paySession, element: s.element, createSource: s.createSource })),
  loaded,
  imported,
  outside,
}));
