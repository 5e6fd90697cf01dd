import { useEffect, useRef } from "react";

/** A ref holding the latest `value`: handlers given to the SDK once call through it, so a
 * new callback prop takes effect without mounting the drop-in or an element again. */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}

/** A value's identity for effects: equal JSON is the same options, whatever the object. */
export const keyOf = (value: unknown): string => JSON.stringify(value ?? null);
