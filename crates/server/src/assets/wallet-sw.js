// The PaySession test wallet: a Payment Handler service worker (test mode).
// A PaymentRequest naming its URL method identifier reaches `paymentrequest`:
// it opens the wallet window, which asks the backend for a token and sends it
// (or a cancel) back here; the token is the PaymentResponse's details.
let pending = null;
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));
self.addEventListener("canmakepayment", (e) => e.respondWith(true));
self.addEventListener("paymentrequest", (e) => {
  const m = e.methodData[0] || {};
  const info = { data: m.data || {}, total: e.total, payee: e.topOrigin };
  if (pending) pending.reject(new Error("superseded"));
  e.respondWith(new Promise((resolve, reject) => {
    pending = { info, reject, resolve: (d) => resolve({ methodName: m.supportedMethods, details: d }) };
    e.openWindow(new URL("window", self.registration.scope).href)
      .then((c) => { if (!c) reject(new Error("The wallet window did not open.")); }, reject);
  }));
});
self.addEventListener("message", (e) => {
  const d = e.data || {};
  if (!pending) return;
  if (d.hello) { e.source.postMessage(pending.info); return; }
  const p = pending;
  pending = null;
  // A cancel is an answer too: Chromium leaves show() pending when a payment
  // handler rejects without a browser UI to report it (headless), so the
  // wallet answers {cancelled: true}, which the drop-in takes as a cancel.
  if (typeof d.token === "string") p.resolve({ token: d.token });
  else p.resolve({ cancelled: true });
});
