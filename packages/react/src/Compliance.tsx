// <Compliance>: the seller of record and the legal links (createElement("compliance")).
import { useEffect, useRef, type CSSProperties } from "react";
import type { PaySessionError } from "paysession";
import { useContextOf } from "./provider.js";
import { useLatest } from "./latest.js";

export interface ComplianceProps {
  sessionId: string;
  /** BCP 47; default the PaySession's locale. */
  locale?: string;
  /** The texts are shown. */
  onReady?(): void;
  /** The compliance details could not be shown (the SDK's coded error). */
  onError?(error: PaySessionError): void;
  id?: string;
  className?: string;
  style?: CSSProperties;
}

/** The compliance element of the provider's PaySession, rendered while the component is mounted. */
export function Compliance(props: ComplianceProps) {
  const { paySession } = useContextOf("<Compliance>");
  const div = useRef<HTMLDivElement>(null);
  const latest = useLatest(props);
  const { sessionId, locale } = props;

  useEffect(() => {
    const target = div.current;
    if (!paySession || !target) return;
    let live = true;
    const el = paySession.createElement("compliance", { sessionId, ...(locale !== undefined && { locale }) });
    el.mount(target).then(
      () => { if (live) latest.current.onReady?.(); },
      (e: PaySessionError) => { if (live) latest.current.onError?.(e); },
    );
    return () => {
      live = false;
      el.unmount();
      el.free();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [paySession, sessionId, locale]);

  return <div ref={div} id={props.id} className={props.className} style={props.style} />;
}
