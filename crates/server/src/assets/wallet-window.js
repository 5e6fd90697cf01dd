// The test wallet's window: shows the total and the wallet's cards, asks the
// backend for a token bound to the session and amount, and hands it to the
// service worker (which answers the merchant's PaymentRequest with it).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const sw = navigator.serviceWorker;
  let req = null;
  const post = (m) => sw.ready.then((r) => (sw.controller || r.active).postMessage(m));
  sw.addEventListener("message", (e) => {
    req = e.data || {};
    const t = req.total || {};
    let total = `${t.value} ${t.currency}`;
    try { total = new Intl.NumberFormat("en-US", { style: "currency", currency: t.currency }).format(Number(t.value)); } catch (_) {}
    $("total").textContent = total;
    try { $("payee").textContent = new URL(req.payee).origin; } catch (_) { /* no payee */ }
    $("pay").disabled = false;
    $("pay").focus();
  });
  post({ hello: true });
  $("f").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!req) return;
    const d = req.data || {};
    const card = Number(document.querySelector("input[name=card]:checked").value);
    $("pay").disabled = true;
    $("st").textContent = "Authorizing…";
    let b = null;
    try {
      const r = await fetch("/hosted/wallet/tokens", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sessionId: d.sessionId, type: d.type, card, amount: d.amount, currency: d.currency }),
      });
      b = await r.json();
    } catch (_) { /* shown below */ }
    if (!b || typeof b.token !== "string") {
      $("st").textContent = (b && b.errors && b.errors[0] && b.errors[0].message) || "The wallet could not pay.";
      $("pay").disabled = false;
      return;
    }
    $("st").textContent = "Paid.";
    post({ token: b.token });
  });
  $("cancel").addEventListener("click", () => post({ cancel: true }));
})();
