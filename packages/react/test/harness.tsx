// The browser tests' harness (tests/browser/react.spec.mjs): React in development mode,
// everything under <StrictMode> (so every effect runs, is cleaned up and runs again), and
// `window.harness` to render scenes with props, unmount them and read what happened.
import { StrictMode, useEffect } from "react";
import { createRoot, hydrateRoot, type Root } from "react-dom/client";
import { renderToString } from "react-dom/server";
import {
  CardCvvElement,
  CardExpirationElement,
  CardNumberElement,
  DropIn,
  PaySessionProvider,
  loadPaySession,
  useCreateSource,
  useElement,
  usePaySession,
  type PaySessionModule,
} from "@paysession/react";
import type { Appearance, CreateSourceResult, ElementOptions, ElementType, PaySession, PaySessionElement, PaySessionOptions } from "paysession";

interface Call { name: string; v: number; data: unknown }

// The SDK through a counting loader: how many times it is imported, how many PaySessions made;
// and, on each PaySession, the drop-ins and elements made and the `update`s they were given.
const counts = { imports: 0, made: 0 };
const made = { dropins: 0, dropinUpdates: [] as unknown[], elements: 0, elementUpdates: [] as unknown[] };
const copy = (v: unknown) => JSON.parse(JSON.stringify(v ?? null));
function spy(p: PaySession): PaySession {
  const createDropin = p.createDropin.bind(p);
  p.createDropin = (config) => {
    const d = createDropin(config);
    made.dropins++;
    const update = d.update.bind(d);
    d.update = (o) => { made.dropinUpdates.push(copy(o)); update(o); };
    return d;
  };
  const createElement = p.createElement.bind(p) as (t: ElementType, o?: ElementOptions) => PaySessionElement;
  (p as { createElement: typeof createElement }).createElement = (t, o) => {
    const e = createElement(t, o);
    made.elements++;
    const update = e.update.bind(e);
    e.update = (u) => { made.elementUpdates.push(copy(u)); update(u); };
    return e;
  };
  return p;
}
const sdk = async (): Promise<PaySessionModule> => {
  counts.imports++;
  const m = await import("paysession");
  function CountingPaySession(publicKey: string, options?: PaySessionOptions | null) {
    counts.made++;
    return spy(new m.PaySession(publicKey, options));
  }
  return { default: m.default, PaySession: CountingPaySession as unknown as PaySessionModule["PaySession"] };
};

interface Props {
  scene: "dropin" | "elements" | "dropin-promise" | "empty";
  api: string;
  fields?: string;
  sessionId?: string;
  /** Which version of the callbacks this render passes (a callback prop change). */
  v?: number;
  placeholder?: string;
  /** How many providers side by side (each with its own drop-in). */
  providers?: number;
  /** `false`: the provider alone (the drop-in or the fields mount in a later render). */
  show?: boolean;
  /** The drop-in's `appearance` prop (a new object each render: it counts by value). */
  appearance?: Appearance;
  /** The card number field's `options.appearance` and `options.label`. */
  numberAppearance?: ElementOptions["appearance"];
  numberLabel?: string;
}

const calls: Call[] = [];
const record = (name: string, v: number) => (data: unknown) => { calls.push({ name, v, data: JSON.parse(JSON.stringify(data ?? null)) }); };
let createSource: ((d: Parameters<ReturnType<typeof useCreateSource>>[0]) => Promise<CreateSourceResult>) | null = null;
const seen = { numberElement: false, paySession: false };

function Bridge() {
  const cs = useCreateSource();
  const number = useElement("cardnumber");
  const ps = usePaySession();
  useEffect(() => {
    createSource = cs;
    seen.numberElement = number !== null;
    seen.paySession = ps !== null;
  });
  return null;
}

let promised: ReturnType<typeof loadPaySession> | null = null;

function Scene(p: Props) {
  const v = p.v ?? 1;
  const options: PaySessionOptions = { apiBase: p.api, ...(p.fields && { fieldsBase: p.fields }) };
  const el: ElementOptions = {
    placeholderText: p.placeholder ?? "1234 1234 1234 1234",
    ...(p.numberAppearance && { appearance: copy(p.numberAppearance) }),
    ...(p.numberLabel && { label: p.numberLabel }),
  };
  const show = p.show ?? true;
  const dropin = p.sessionId && show ? (
    <DropIn
      className="under-test"
      sessionId={p.sessionId}
      appearance={p.appearance && copy(p.appearance)}
      onReady={record("onReady", v)}
      onSuccess={record("onSuccess", v)}
      onError={record("onError", v)}
      onCancel={record("onCancel", v)}
    />
  ) : null;
  switch (p.scene) {
    case "empty":
      return null;
    case "dropin":
      return (
        <>
          {Array.from({ length: p.providers ?? 1 }, (_, i) => (
            <PaySessionProvider key={i} publicKey="pk_test_default" options={options} sdk={sdk}>
              {dropin}
              <Bridge />
            </PaySessionProvider>
          ))}
        </>
      );
    case "dropin-promise":
      promised ??= loadPaySession("pk_test_default", options, { sdk });
      return <PaySessionProvider paySession={promised}>{dropin}<Bridge /></PaySessionProvider>;
    case "elements":
      return (
        <PaySessionProvider publicKey="pk_test_default" options={options} sdk={sdk}>
          {show && (
            <>
              <label htmlFor="n">Number</label>
              <CardNumberElement id="n" options={el} onReady={record("number.onReady", v)} onChange={record("number.onChange", v)} />
              <CardExpirationElement id="e" onChange={record("expiry.onChange", v)} />
              <CardCvvElement id="c" onChange={record("cvv.onChange", v)} />
            </>
          )}
          <Bridge />
        </PaySessionProvider>
      );
  }
}

let root: Root | null = null;
const harness = {
  counts,
  made,
  calls,
  seen,
  render(p: Props) {
    root ??= createRoot(document.getElementById("root")!);
    root.render(<StrictMode><Scene {...p} /></StrictMode>);
  },
  unmount() {
    root?.unmount();
    root = null;
  },
  /** Server rendering's markup in #root, then hydrateRoot: what a server-rendered page does. */
  hydrationErrors: [] as string[],
  serverDiv: null as Element | null,
  hydrate(p: Props) {
    harness.unmount();
    const container = document.getElementById("root")!;
    container.innerHTML = renderToString(<Scene {...p} />);
    harness.serverDiv = container.querySelector(".under-test");
    root = hydrateRoot(container, <StrictMode><Scene {...p} /></StrictMode>, {
      onRecoverableError: (e) => { harness.hydrationErrors.push(String(e)); },
    });
  },
  async createSource(data: Parameters<ReturnType<typeof useCreateSource>>[0]) {
    const r = await createSource!(data);
    return { state: r.state, source: r.source && { id: r.source.id, state: r.source.state, creditCard: r.source.creditCard }, error: r.error && { code: r.error.code } };
  },
};
(window as unknown as { harness: typeof harness }).harness = harness;
