// The drop-in's wallet buttons (Apple Pay, Google Pay, the backend's test
// wallet), loaded by the drop-in with import() only when the session's payment
// methods offer a wallet (src/dropin/wallet.rs). Built on the browser's
// Payment Request API: a button is shown only where `canMakePayment()` answers
// true for its method. The wallet's token goes back to the drop-in, which
// creates the source; no card data passes through this page.
//
// mount(fieldset, cfg, texts):
//   cfg   {applePay?, googlePay?, testWallet?, sessionInformation} of the answer, sessionId,
//         exponent (the currency's, core's)
//   texts {applePay, googlePay, simulated, or}
// The answer goes back as a `submit` event of the fieldset with `data-type`
// and `data-token` (empty: the shopper cancelled, an AbortError or the test
// wallet's `{cancelled: true}`; "!": the wallet gave no token, which the
// backend refuses as `invalid_wallet_token`, announced as an error).

const APPLE = "https://apple.com/apple-pay";
const GOOGLE = "https://google.com/pay";

// The total in the currency's major unit with core's ISO 4217 exponent
// (`exponent`, from the drop-in): not Intl's display digits, which are 0 for
// HUF, IDR and COP (a HUF 123.45 order would read 12,345), and no ICU started.
function details(info, label, exponent) {
  const value = (Number(info.amount) / 10 ** exponent).toFixed(exponent);
  return { total: { label, amount: { currency: info.currency, value } } };
}

// [type, text key, method data, token from the response details] per wallet offered.
function wallets(cfg) {
  const info = cfg.sessionInformation || {};
  const out = [];
  // Apple Pay through PaymentRequest is Safari's (which has ApplePaySession);
  // elsewhere its identifier is not even asked about (a manifest fetch).
  const a = typeof ApplePaySession === "function" && cfg.applePay;
  if (a) {
    out.push(["applePay", "applePay", {
      supportedMethods: APPLE,
      data: {
        version: 3, merchantIdentifier: a.merchantId, merchantCapabilities: ["supports3DS"],
        supportedNetworks: a.supportedNetworks, countryCode: a.countryCode,
      },
    }, (r) => r.token && JSON.stringify(r.token.paymentData)]);
  }
  const g = cfg.googlePay;
  if (g) {
    out.push(["googlePay", "googlePay", {
      supportedMethods: GOOGLE,
      data: {
        apiVersion: 2, apiVersionMinor: 0,
        merchantInfo: { merchantId: g.merchantId, merchantName: g.merchantName },
        allowedPaymentMethods: [{
          type: "CARD",
          parameters: { allowedAuthMethods: ["CRYPTOGRAM_3DS"], allowedCardNetworks: g.supportedNetworks.map((n) => n.toUpperCase()) },
          tokenizationSpecification: { type: "PAYMENT_GATEWAY", parameters: { gateway: "paysession", gatewayMerchantId: g.merchantId } },
        }],
      },
    }, (r) => r.paymentMethodData && r.paymentMethodData.tokenizationData && r.paymentMethodData.tokenizationData.token]);
  }
  const t = cfg.testWallet;
  if (t) {
    out.push([t.type, "simulated", {
      supportedMethods: t.supportedMethods,
      data: { sessionId: cfg.sessionId, type: t.type, amount: info.amount, currency: info.currency },
    }, (r) => r.token]);
  }
  return out;
}

async function can(method, d) {
  let timer;
  try {
    const pr = new PaymentRequest([method], d);
    // A wallet that does not answer soon is not shown.
    return await Promise.race([pr.canMakePayment(), new Promise((r) => { timer = setTimeout(r, 4000, false); })]);
  } catch (_) {
    return false;
  } finally {
    // The timer would keep this request (and its drop-in) alive for 4 s.
    clearTimeout(timer);
  }
}

export async function mount(fs, cfg, texts) {
  if (typeof PaymentRequest !== "function") return;
  const info = cfg.sessionInformation || {};
  const doc = fs.ownerDocument;
  const d = details(info, cfg.googlePay ? cfg.googlePay.merchantName : "Total", cfg.exponent);
  const list = wallets(cfg);
  const ok = await Promise.all(list.map((w) => can(w[2], d)));
  // Unmounted meanwhile: nothing to show, nothing to keep.
  if (!fs.isConnected) return;
  const answer = (type, token) => {
    fs.disabled = false;
    fs.dataset.type = type;
    fs.dataset.token = token;
    fs.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  };
  list.forEach(([type, key, method, token], i) => {
    if (!ok[i]) return;
    const b = doc.createElement("button");
    b.type = "button";
    b.className = "pay";
    b.dataset.wallet = key;
    b.textContent = texts[key];
    b.addEventListener("click", async () => {
      // show() needs this click's activation: nothing is awaited before it.
      let r;
      try {
        const pr = new PaymentRequest([method], d);
        fs.disabled = true;
        r = await pr.show();
      } catch (e) {
        return answer(type, e && e.name === "AbortError" ? "" : "!");
      }
      // The test wallet's cancel (see its service worker).
      if (r.details && r.details.cancelled === true) {
        await r.complete("unknown").catch(() => {});
        return answer(type, "");
      }
      let t;
      try { t = token(r.details || {}); } catch (_) { /* no token */ }
      const ok = typeof t === "string" && t !== "";
      await r.complete(ok ? "success" : "fail").catch(() => {});
      answer(type, ok ? t : "!");
    });
    fs.append(b);
  });
  if (!fs.children.length) return;
  const or = doc.createElement("p");
  or.className = "n";
  or.textContent = texts.or;
  fs.append(or);
  fs.hidden = false;
}
