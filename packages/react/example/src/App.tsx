// An example shop on @paysession/react. Its merchant backend is the demo server's
// (`paysession-server --demo`, docs/API.md §5.11): it prices the cart and creates the
// session with the secret key (POST /demo/api/checkout), attaches the source
// (/demo/api/sources) and creates the order (/demo/api/orders). The page pays with the
// drop-in or with the three secure card fields; it never sees a card number.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import {
  CardCvvElement,
  CardExpirationElement,
  CardNumberElement,
  Compliance,
  DropIn,
  PaySessionProvider,
  useCreateSource,
  usePaySessionState,
} from "@paysession/react";
import type { ElementEvent, ElementOptions, Source } from "paysession";

export interface Settings {
  /** The shop's own server (the demo backend). */
  shop: string;
  /** The session API (`apiBase`). */
  api: string;
  /** The secure card fields' origin (`fieldsBase`), for the card fields. */
  fields: string;
  publicKey: string;
  country: string;
  currency: string;
}

/** `?shop=&api=&fields=&market=NL:EUR`; defaults for `npm start` (shop and API on :8080, fields on :8081). */
export function settingsFrom(search: string): Settings {
  const q = new URLSearchParams(search);
  const shop = q.get("shop") ?? "http://127.0.0.1:8080";
  const [country, currency] = (q.get("market") ?? "NL:EUR").split(":");
  return {
    shop,
    api: q.get("api") ?? shop,
    fields: q.get("fields") ?? "http://127.0.0.1:8081",
    publicKey: q.get("key") ?? "pk_test_default",
    country,
    currency,
  };
}

interface Product { sku: string; name: string; prices: Record<string, number> }
interface Session { sessionId: string; amount: number; currency: string }
interface Order { id: string; amount: number; currency: string }
type Log = (what: string, data?: unknown) => void;

/** POST or GET on the shop's server; rejects with the contract's error body. */
async function shopApi<T>(shop: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${shop}/demo/api/${path}`, body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw json;
  return json as T;
}

const errorText = (e: unknown) =>
  (e as { errors?: { message: string }[] })?.errors?.[0]?.message ?? (e instanceof Error ? e.message : String(e));

function money(amount: number, currency: string) {
  const digits = new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount / 10 ** digits);
}

const brandName = (b: string) => ({ amex: "American Express", dinersclub: "Diners Club", jcb: "JCB", unionpay: "UnionPay" })[b] ?? b[0].toUpperCase() + b.slice(1);

export function App({ settings }: { settings: Settings }) {
  const [log, setLog] = useState<string[]>([]);
  const add = useCallback<Log>((what, data) => {
    setLog((l) => [...l, data === undefined ? what : `${what} ${JSON.stringify(data)}`]);
  }, []);
  return (
    // The SDK loads once, when the app mounts (while the shopper looks at the cart).
    <PaySessionProvider publicKey={settings.publicKey} options={{ apiBase: settings.api, fieldsBase: settings.fields, locale: "en-US" }}>
      <header>
        <strong>paysession × React</strong>
        <span>An example shop on @paysession/react — test mode, no real money moves.</span>
      </header>
      <main>
        <section aria-label="Shop"><Shop settings={settings} log={add} /></section>
        <aside aria-labelledby="log-title">
          <h2 id="log-title">Callbacks</h2>
          <ol id="log" className="log">{log.map((l, i) => <li key={i}>{l}</li>)}</ol>
        </aside>
      </main>
    </PaySessionProvider>
  );
}

const SAVED = "paysession-react-example";

function Shop({ settings, log }: { settings: Settings; log: Log }) {
  const { shop, currency } = settings;
  const [product, setProduct] = useState<Product | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [done, setDone] = useState<{ order: Order; source: Source } | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const [round, setRound] = useState(0); // a new drop-in after a gift card left something to pay
  const [tab, setTab] = useState<"dropin" | "card">("dropin");
  // The drop-in's theme: a new `appearance` restyles the mounted drop-in in place (dropin.update).
  const [theme, setTheme] = useState<Theme>("default");
  const { error: sdkError } = usePaySessionState();

  useEffect(() => {
    shopApi<{ products: Product[] }>(shop, "catalog").then(
      (c) => setProduct(c.products.find((p) => p.prices[currency] !== undefined) ?? null),
      (e) => setError(`The shop could not load: ${errorText(e)}`),
    );
    // Back from a redirect method (PayPal, Klarna, iDEAL): the drop-in resumes it.
    const saved = sessionStorage.getItem(SAVED);
    if (saved && new URLSearchParams(location.search).has("sourceId")) setSession(JSON.parse(saved) as Session);
  }, [shop, currency]);

  async function checkout() {
    setError("");
    try {
      const s = await shopApi<Session>(shop, "checkout", {
        items: [{ sku: product!.sku, quantity: 1 }], country: settings.country, currency,
      });
      sessionStorage.setItem(SAVED, JSON.stringify(s));
      log("checkout", { sessionId: s.sessionId, amount: s.amount, currency: s.currency });
      setSession(s);
    } catch (e) {
      setError(errorText(e));
    }
  }

  async function paid(source: Source) {
    const sessionId = session!.sessionId;
    try {
      setStatus("Confirming your order…");
      const attached = await shopApi<{ state: string; amountRemainingToBeContributed: number; currency: string }>(
        shop, "sources", { sessionId, sourceId: source.id });
      if (attached.state !== "requires_confirmation") {
        setStatus(`Gift card applied. ${money(attached.amountRemainingToBeContributed, attached.currency)} still to pay.`);
        setRound((r) => r + 1);
        return;
      }
      const order = await shopApi<Order>(shop, "orders", { sessionId });
      log("order", { id: order.id });
      sessionStorage.removeItem(SAVED);
      setDone({ order, source });
    } catch (e) {
      setStatus(errorText(e));
    }
  }

  if (done) {
    const card = done.source.creditCard;
    return (
      <div id="step-done" className="done">
        <h1>Thank you!</h1>
        <p>Your order <strong id="order-id">{done.order.id}</strong> is confirmed.</p>
        <p id="done-detail">
          {done.source.state === "pending_funds" ? "Awaiting your transfer of " : "Paid "}
          {money(done.order.amount, done.order.currency)}
          {card && ` with ${brandName(card.brand)} •••• ${card.lastFourDigits}`}.
        </p>
        <button type="button" className="primary" onClick={() => { setDone(null); setSession(null); setStatus(""); }}>Shop again</button>
      </div>
    );
  }

  if (!session) {
    return (
      <div id="step-cart">
        <h1>Your cart</h1>
        {product && (
          <>
            <div className="product"><span>{product.name}</span><span>{money(product.prices[currency], currency)}</span></div>
            <p className="total">Total: <strong>{money(product.prices[currency], currency)}</strong></p>
          </>
        )}
        <button id="checkout" type="button" className="primary" disabled={!product} onClick={checkout}>Checkout</button>
        <p className="error" role="alert">{error}</p>
      </div>
    );
  }

  // A redirect method comes back here, with the shop's settings (the query) and the source's.
  const back = new URL(location.href);
  for (const k of ["sourceId", "sourceClientSecret", "state"]) back.searchParams.delete(k);
  const here = back.href;
  return (
    <div id="step-pay">
      <h1>Payment</h1>
      <p>Total: <strong>{money(session.amount, session.currency)}</strong></p>
      <details className="testcards">
        <summary>Test cards</summary>
        <p><code>4242 4242 4242 4242</code> succeeds, <code>4000 0000 0000 0002</code> is declined,
          <code> 5454 5454 5454 5454</code> asks for 3-D Secure (password <code>password</code>; in the drop-in).</p>
      </details>
      <div role="tablist" aria-label="How to pay">
        <button role="tab" type="button" aria-selected={tab === "dropin"} onClick={() => setTab("dropin")}>Drop-in</button>
        <button role="tab" type="button" aria-selected={tab === "card"} onClick={() => setTab("card")}>Card fields</button>
      </div>
      {sdkError ? <p className="error" role="alert">{errorText(sdkError)}</p> : null}
      {tab === "dropin" && (
        <label className="theme">Theme{" "}
          <select id="theme" value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
            {THEMES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
      )}
      {tab === "dropin" ? (
        <DropIn
          key={round}
          id="drop-in"
          sessionId={session.sessionId}
          options={{ button: { type: "payNow" }, redirect: { returnUrl: here, cancelUrl: here } }}
          appearance={{ theme }}
          onReady={(d) => log("onReady", d)}
          onSuccess={(d) => { log("onSuccess", { source: d.source.id, state: d.source.state }); void paid(d.source); }}
          onError={(d) => { log("onError", d); setStatus(d.errors[0]?.message ?? "The payment failed."); }}
          onCancel={(d) => { log("onCancel", d); setStatus("Payment cancelled. Choose a method to try again."); }}
        />
      ) : (
        <CardForm sessionId={session.sessionId} onPaid={paid} log={log} />
      )}
      <p className="status" role="status" id="pay-status">{status}</p>
      {/* The drop-in shows the seller of record itself; beside the card fields, <Compliance> does. */}
      {tab === "card" && <Compliance className="compliance" sessionId={session.sessionId} />}
    </div>
  );
}

const THEMES = ["default", "dark", "flat"] as const;
type Theme = (typeof THEMES)[number];

const fieldStyle: ElementOptions["style"] = {
  base: { fontSize: "16px", color: "#1d2330", "::placeholder": { color: "#8a93a6" } },
  invalid: { color: "#c92a2a" },
};

/** The three secure card fields and a Pay button: `useCreateSource` tokenizes in the fields' origin. */
function CardForm({ sessionId, onPaid, log }: { sessionId: string; onPaid: (s: Source) => Promise<void>; log: Log }) {
  const createSource = useCreateSource();
  const { paySession } = usePaySessionState();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const onChange = (e: ElementEvent) => setErrors((x) => ({ ...x, [e.elementType]: e.error?.message ?? "" }));

  async function pay(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError("");
    const r = await createSource({ sessionId, type: "creditCard" });
    log("createSource", { state: r.state, source: r.source?.id, error: r.error?.code });
    if (r.state === "chargeable" && r.source) await onPaid(r.source);
    else if (r.state === "requires_action") setError("This card asks for 3-D Secure: pay it with the drop-in.");
    else setError(r.error?.errors[0]?.message ?? `The card is ${r.state}.`);
    setBusy(false);
  }

  return (
    <form className="card-form" onSubmit={pay} noValidate>
      <label htmlFor="card-number">Card number</label>
      <CardNumberElement id="card-number" className="field" options={{ style: fieldStyle, placeholderText: "1234 1234 1234 1234" }}
        onChange={onChange} onReady={(e) => log("onReady", { elementType: e.elementType })} />
      <span className="error">{errors.cardnumber}</span>
      <div className="row">
        <div>
          <label htmlFor="card-expiry">Expiry</label>
          <CardExpirationElement id="card-expiry" className="field" options={{ style: fieldStyle, placeholderText: "MM / YY" }} onChange={onChange} />
          <span className="error">{errors.cardexpiration}</span>
        </div>
        <div>
          <label htmlFor="card-cvv">Security code</label>
          <CardCvvElement id="card-cvv" className="field" options={{ style: fieldStyle, placeholderText: "CVC" }} onChange={onChange} />
          <span className="error">{errors.cardcvv}</span>
        </div>
      </div>
      <button id="pay" type="submit" className="primary" disabled={!paySession || busy}>Pay</button>
      <p className="error" role="alert">{error}</p>
    </form>
  );
}
