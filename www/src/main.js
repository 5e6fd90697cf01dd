// The demo storefront: a cart, a market (country + currency) and a checkout
// with the paysession drop-in. The demo's own merchant backend (served by
// `paysession-server --demo`) prices the cart, creates the session with the
// secret key, attaches sources and creates the order: the browser never
// decides an amount.
import "./shop.css";
import { log, clearLog } from "./devlog.js";

// The SDK (its script and its WebAssembly) is a chunk of its own, loaded when a
// payment step needs it: the cart page neither fetches nor instantiates it, so
// its main thread draws the cart (a static import made the whole page wait for
// the SDK's WebAssembly first). The checkout starts it beside the shop's own
// request, and a pointer or the focus on the checkout button starts it sooner.
// The shop shows the drop-in and nothing else of the SDK: its drop-in build.
let sdk = null;
const loadSdk = () => (sdk ??= import(/* webpackChunkName: "sdk" */ "paysession/dropin").catch((e) => { sdk = null; throw e; }));

const $ = (id) => document.getElementById(id);
const state = { catalog: null, quantities: new Map(), market: null, session: null, dropin: null, payments: null };

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  const res = await fetch(`/demo/api/${path}`, init);
  const json = await res.json().catch(() => ({ type: "internal_error", errors: [{ code: "invalid_response", message: "The shop's server answered with something unexpected." }] }));
  if (!res.ok) throw json;
  return json;
}

// The shopper's language for prices: the first of the browser's that Intl
// takes, else en-US (WebKitGTK reports "C" when the system names no language,
// and Intl refuses it: the shop must still load).
const intlTakes = (tag) => { try { return Intl.getCanonicalLocales(tag).length === 1; } catch { return false; } };
const shopperLocale = [...(navigator.languages || []), navigator.language].find((t) => t && intlTakes(t)) || "en-US";

const money = (amount, currency, locale = shopperLocale) => {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount / 10 ** digits);
};

const errorText = (e) => (e && e.errors && e.errors[0] && e.errors[0].message) || String(e && e.message ? e.message : e);

function cartItems() {
  return [...state.quantities].filter(([, q]) => q > 0).map(([sku, quantity]) => ({ sku, quantity }));
}

function renderTotal() {
  const { currency } = state.market;
  const total = state.catalog.products.reduce((sum, p) => sum + (state.quantities.get(p.sku) || 0) * p.prices[currency], 0);
  $("cart-total").textContent = money(total, currency);
  $("checkout").disabled = total === 0;
}

function renderCart() {
  const list = $("products");
  list.replaceChildren();
  for (const p of state.catalog.products) {
    const li = document.createElement("li");
    li.className = "product";
    const text = document.createElement("div");
    const name = document.createElement("div");
    name.className = "product-name";
    name.textContent = p.name;
    const desc = document.createElement("div");
    desc.className = "product-desc";
    desc.textContent = p.description;
    text.append(name, desc);
    const price = document.createElement("span");
    price.textContent = money(p.prices[state.market.currency], state.market.currency);
    const qty = document.createElement("input");
    qty.type = "number";
    qty.min = "0";
    qty.max = "9";
    qty.className = "qty";
    qty.value = String(state.quantities.get(p.sku) || 0);
    qty.setAttribute("aria-label", `Quantity of ${p.name}`);
    qty.addEventListener("input", () => {
      const n = Math.max(0, Math.min(9, parseInt(qty.value, 10) || 0));
      state.quantities.set(p.sku, n);
      renderTotal();
    });
    li.append(text, price, qty);
    list.append(li);
  }
  renderTotal();
}

function show(step) {
  for (const s of ["step-cart", "step-pay", "step-done", "step-account"]) $(s).hidden = s !== step;
}

// The drop-in's look (appearance API): the shop's colours on the default
// theme (custom properties of the page reach the widget's variables), or the
// dark or flat theme. The switch restyles the mounted drop-in and its secure
// fields in place (update), nothing reloads.
const appearance = (theme) => theme === "default"
  ? { theme, variables: { colorPrimary: "var(--shop-accent)", colorText: "var(--shop-ink)", borderRadius: ".375rem" } }
  : { theme };

function mountDropin() {
  const s = state.session;
  $("pay-summary").textContent = s.amountRemaining < s.amount
    ? `Still to pay: ${money(s.amountRemaining, s.currency)} of ${money(s.amount, s.currency)}`
    : `Total: ${money(s.amount, s.currency)}`;
  const options = {
    flow: "checkout",
    showComplianceSection: true,
    // With the demo account: saved cards come first, and a new card may be saved.
    showSavePaymentAgreement: !!s.account,
    showTermsOfSaleDisclosure: s.terms !== false,
    button: { type: "payNow" },
    redirect: { returnUrl: location.href.split("?")[0], cancelUrl: location.href.split("?")[0], disableAutomaticRedirects: false },
  };
  if (s.account) options.usage = "convenience";
  const config = {
    sessionId: s.sessionId,
    options,
    appearance: appearance($("theme").value),
    onSuccess: (data) => { log("callback", "onSuccess", data); paid(data); },
    onError: (data) => { log("callback", "onError", data); $("pay-status").textContent = errorText(data); },
    onReady: (data) => { log("callback", "onReady", data); },
    onCancel: (data) => { log("callback", "onCancel", data); $("pay-status").textContent = "Payment cancelled. Choose a method to try again."; },
  };
  log("call", "payments.createDropin(config)", { ...config, onSuccess: "ƒ", onError: "ƒ", onReady: "ƒ", onCancel: "ƒ" });
  state.dropin = state.payments.createDropin(config);
  state.dropin.mount("drop-in");
}

async function paid(data) {
  const source = data.source;
  try {
    $("pay-status").textContent = "Confirming your order…";
    const attached = await api("sources", { sessionId: state.session.sessionId, sourceId: source.id });
    log("result", "merchant: attach source", attached);
    if (attached.state !== "requires_confirmation") {
      // A secondary source (gift card) left something to pay: show the drop-in again.
      state.session.amountRemaining = attached.amountRemainingToBeContributed;
      state.dropin.unmount();
      $("pay-status").textContent = `Gift card applied. ${money(attached.amountRemainingToBeContributed, attached.currency)} still to pay.`;
      mountDropin();
      return;
    }
    const order = await api("orders", { sessionId: state.session.sessionId });
    log("result", "merchant: create order", order);
    state.dropin.unmount();
    state.dropin = null;
    $("order-id").textContent = order.id;
    $("done-detail").textContent = source.state === "pending_funds"
      ? `Please transfer ${money(order.amount, order.currency)}. We will ship as soon as it arrives.`
      : `Paid ${money(order.amount, order.currency)}.`;
    const wire = $("done-wire");
    wire.replaceChildren();
    wire.hidden = !source.wireTransfer;
    if (source.wireTransfer) {
      const w = source.wireTransfer;
      for (const [k, v] of [["Account holder", w.accountHolder], ["Bank", w.bankName], ["IBAN", w.iban], ["BIC", w.bic], ["Reference", w.referenceId]]) {
        const dt = document.createElement("dt");
        dt.textContent = k;
        const dd = document.createElement("dd");
        dd.textContent = v || "";
        wire.append(dt, dd);
      }
    }
    show("step-done");
    $("done-title").focus();
    follow(order);
  } catch (e) {
    log("error", "merchant backend", e);
    $("pay-status").textContent = errorText(e);
  }
}

// After the order: its state as the shop's server hears it. The server
// verifies the webhooks the session API sends it; this page asks it for the
// checkout's events (GET /demo/api/events) until the order can move no more.
// In test mode the shop's server drives the simulator for the page (the
// funds arriving, a refund completing) and refunds: the secret key stays on
// the server.
const after = { order: null, events: [], timer: 0, polls: 0, polling: false, busy: false, asked: "" };
const POLL_MS = 500;
const POLLS = 1200; // ten minutes, then the page stops asking

function orderState() {
  const types = new Set(after.events.map((e) => e.type));
  if (types.has("refund.succeeded")) return { text: "Refunded: the money is back with you.", final: true };
  if (types.has("refund.failed")) return { text: "The refund failed." };
  if (types.has("refund.created")) return { text: "Refund pending: the money is on its way back.", refunding: true };
  if (types.has("payment.failed")) return { text: "Payment failed: the money never arrived.", final: true };
  if (types.has("order.paid") || after.order.paymentState === "captured") return { text: "Paid.", paid: true };
  if (after.order.paymentState === "pending") return { text: "Awaiting funds.", pending: true };
  return { text: `Order ${after.order.paymentState.replace(/_/g, " ")}.` };
}

function renderAfter() {
  const st = orderState();
  if ($("order-state").textContent !== st.text) $("order-state").textContent = st.text;
  const test = !!state.session.testMode;
  $("after-test").hidden = !test || !(st.pending || st.paid || st.refunding);
  $("simulate-funds").hidden = !st.pending;
  $("refund").hidden = !st.paid;
  $("simulate-refund").hidden = !st.refunding;
  // Asked and answered: the buttons wait for the webhook that moves the order.
  for (const b of ["simulate-funds", "refund", "simulate-refund"]) $(b).disabled = after.busy || after.asked === st.text;
  const list = $("events");
  if (list.childElementCount !== after.events.length) {
    list.replaceChildren(...after.events.map((e) => {
      const li = document.createElement("li");
      const type = document.createElement("code");
      type.textContent = e.type;
      li.append(type, ` ${e.objectId}`);
      return li;
    }));
  }
  return st;
}

async function poll() {
  after.polling = true;
  after.timer = 0;
  try {
    const page = await api(`events?sessionId=${encodeURIComponent(state.session.sessionId)}`);
    if (page.data.length !== after.events.length) log("result", "merchant: webhooks received", page);
    after.events = page.data;
  } catch (e) {
    log("error", "merchant: webhooks received", e);
  }
  const st = renderAfter();
  if (!st.final && ++after.polls < POLLS && !$("step-done").hidden) after.timer = setTimeout(poll, POLL_MS);
  else after.polling = false;
}

function follow(order) {
  clearTimeout(after.timer);
  Object.assign(after, { order, events: [], polls: 0, asked: "" });
  $("after").hidden = false;
  $("after-error").textContent = "";
  renderAfter();
  poll();
}

// A merchant action on the order (`refunds`, or `simulate` in test mode);
// what it changed arrives as webhooks.
async function act(button, path, body, what) {
  if (after.busy) return;
  after.busy = true;
  button.disabled = true;
  $("after-error").textContent = "";
  try {
    const r = await api(path, { sessionId: state.session.sessionId, ...body });
    log("result", `merchant: ${what}`, r);
    after.asked = $("order-state").textContent;
    after.polls = 0;
    if (!after.polling) poll();
  } catch (e) {
    log("error", `merchant: ${what}`, e);
    $("after-error").textContent = errorText(e);
  } finally {
    after.busy = false;
    renderAfter();
  }
}

async function checkout() {
  $("checkout").disabled = true;
  $("cart-error").textContent = "";
  try {
    const body = { items: cartItems(), country: state.market.country, currency: state.market.currency, account: $("remember").checked };
    if ($("locale").value) body.locale = $("locale").value;
    const loading = loadSdk();
    const s = await api("checkout", body);
    log("result", "merchant: create session", s);
    // The terms of sale checkbox is on; `?terms=off` switches it off (kept
    // across a redirect payment with the session).
    const terms = new URLSearchParams(location.search).get("terms") !== "off";
    state.session = { ...s, amountRemaining: s.amount, terms };
    sessionStorage.setItem("paysession-demo", JSON.stringify(state.session));
    const { PaySession } = await loading;
    state.payments = new PaySession(s.publicKey, { apiBase: s.apiBase, locale: s.locale });
    show("step-pay");
    mountDropin();
  } catch (e) {
    log("error", "checkout", e);
    $("cart-error").textContent = errorText(e);
  } finally {
    $("checkout").disabled = false;
  }
}

function back() {
  if (state.dropin) state.dropin.unmount();
  state.dropin = null;
  $("pay-status").textContent = "";
  show("step-cart");
}

// The demo account: the shop's server keeps the shopper's customer in an
// HttpOnly cookie; this page manages its saved cards with the drop-in's
// managePaymentMethods flow (no payment).
async function account() {
  $("account").disabled = true;
  $("cart-error").textContent = "";
  try {
    const loading = loadSdk();
    const s = await api("account", { country: state.market.country, currency: state.market.currency });
    log("result", "merchant: create account session", s);
    localStorage.setItem("paysession-demo-account", "1");
    $("remember").checked = true;
    const { PaySession } = await loading;
    state.payments = new PaySession(s.publicKey, { apiBase: s.apiBase, locale: s.locale });
    show("step-account");
    $("account-status").textContent = "";
    const config = {
      sessionId: s.sessionId,
      options: { flow: "managePaymentMethods", usage: "convenience" },
      appearance: appearance("default"),
      onSuccess: (data) => { log("callback", "onSuccess", data); },
      onError: (data) => { log("callback", "onError", data); $("account-status").textContent = errorText(data); },
      onReady: (data) => { log("callback", "onReady", data); },
      onCancel: (data) => { log("callback", "onCancel", data); },
    };
    log("call", "payments.createDropin(config)", { ...config, onSuccess: "ƒ", onError: "ƒ", onReady: "ƒ", onCancel: "ƒ" });
    state.dropin = state.payments.createDropin(config);
    state.dropin.mount("account-dropin");
    $("account-title").focus();
  } catch (e) {
    log("error", "account", e);
    $("cart-error").textContent = errorText(e);
  } finally {
    $("account").disabled = false;
  }
}

const whenIdle = (f) => (typeof requestIdleCallback === "function" ? requestIdleCallback(f) : setTimeout(f, 0));

/** Names each `<option>` (its value a language tag) in its own language, one per idle task. */
function nameLanguages(options, i = 0) {
  if (i >= options.length) return;
  whenIdle(() => {
    const o = options[i], tag = o.value;
    let name = tag;
    try { name = new Intl.DisplayNames([tag], { type: "language" }).of(tag) || tag; } catch { /* an old browser: the tag */ }
    o.textContent = `${name} (${tag})`;
    nameLanguages(options, i + 1);
  });
}

async function start() {
  state.catalog = await api("catalog");
  const select = $("market");
  for (const m of state.catalog.markets) {
    const o = document.createElement("option");
    o.value = `${m.country}:${m.currency}`;
    o.textContent = m.label;
    select.append(o);
  }
  state.market = state.catalog.markets[0];
  // The drop-in's languages, each named in itself (Intl.DisplayNames). Naming one
  // loads that language's locale data: the 36 of them took 130-300 ms of the main
  // thread at once (more on a phone: Lighthouse's long task and most of its Total
  // Blocking Time on this page). So the options come at once with their tags and get
  // their names in idle time, one language per task; the select has a fixed width
  // (shop.css), so no name moves the page.
  const lang = $("locale");
  const unnamed = [];
  for (const tag of state.catalog.locales || []) {
    const o = document.createElement("option");
    o.value = tag;
    o.textContent = tag;
    lang.append(o);
    unnamed.push(o);
  }
  nameLanguages(unnamed);
  select.addEventListener("change", () => {
    const [country, currency] = select.value.split(":");
    state.market = { country, currency };
    renderCart();
  });
  state.quantities.set(state.catalog.products[0].sku, 1);
  renderCart();
  $("checkout").addEventListener("click", checkout);
  for (const intent of ["pointerenter", "focus"]) $("checkout").addEventListener(intent, () => { loadSdk().catch(() => {}); }, { once: true });
  $("back").addEventListener("click", back);
  $("theme").addEventListener("change", () => {
    const a = appearance($("theme").value);
    log("call", "dropin.update({appearance})", { appearance: a });
    if (state.dropin) state.dropin.update({ appearance: a });
  });
  $("account-back").addEventListener("click", back);
  $("account").addEventListener("click", account);
  $("remember").checked = localStorage.getItem("paysession-demo-account") === "1";
  $("remember").addEventListener("change", () => localStorage.setItem("paysession-demo-account", $("remember").checked ? "1" : "0"));
  $("again").addEventListener("click", () => { sessionStorage.removeItem("paysession-demo"); location.assign(location.pathname); });
  $("clear-log").addEventListener("click", clearLog);
  $("simulate-funds").addEventListener("click", (ev) => act(ev.currentTarget, "simulate", { outcome: "funds" }, "simulate the funds arriving"));
  $("refund").addEventListener("click", (ev) => act(ev.currentTarget, "refunds", {}, "refund"));
  $("simulate-refund").addEventListener("click", (ev) => act(ev.currentTarget, "simulate", { outcome: "refund" }, "simulate the refund completing"));

  // Coming back from a redirect payment (PayPal, Klarna, iDEAL): resume the drop-in,
  // which reads the source from the URL and fires onSuccess or onCancel.
  const saved = sessionStorage.getItem("paysession-demo");
  if (saved && new URLSearchParams(location.search).has("sourceId")) {
    state.session = JSON.parse(saved);
    const { PaySession } = await loadSdk();
    state.payments = new PaySession(state.session.publicKey, { apiBase: state.session.apiBase, locale: state.session.locale });
    show("step-pay");
    mountDropin();
  }
}

start().catch((e) => {
  log("error", "start", e);
  $("cart-error").textContent = `The shop could not load: ${errorText(e)}`;
}).finally(() => {
  // The cart is drawn (or its error is): shown at once, nothing moved (CLS).
  document.querySelector("main.layout").removeAttribute("aria-busy");
});
