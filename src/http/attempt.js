// One attempt of the SDK's HTTP client (src/http/fetch.rs): the request's
// headers and init, `fetch` bounded by `ms` through an AbortController, the
// answer's JSON read natively. One call from the module instead of one per
// header and field. Resolves, never rejects, with [status, body, retryAfter]:
// status 0 when the request or its answer was lost, -1 when the time ran out,
// -2 when `fetch` refused the request; body undefined when it is not JSON.
const METHODS = ["GET", "POST", "PATCH", "DELETE"];

export function attempt(url, method, cacheable, locale, bearer, idempotencyKey, body, ms) {
  const headers = { Accept: "application/json", "Accept-Language": locale };
  // A read sends only CORS-safelisted headers (no preflight); writes carry
  // the key, one Idempotency-Key for every attempt, and a JSON body.
  if (bearer) headers.Authorization = bearer;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  const c = new AbortController();
  const timer = setTimeout(() => c.abort(), ms);
  const lost = () => [c.signal.aborted ? -1 : 0];
  let sent;
  try {
    sent = fetch(url, { method: METHODS[method], headers, mode: "cors", credentials: "omit", cache: cacheable ? "default" : "no-store", body, signal: c.signal });
  } catch {
    clearTimeout(timer);
    return Promise.resolve([-2]);
  }
  return sent
    .then((r) => {
      const ra = r.headers.get("Retry-After");
      return r.json().then(
        (b) => [r.status, b, ra],
        (e) => (e && e.name === "SyntaxError" ? [r.status, undefined, ra] : lost()),
      );
    }, lost)
    .finally(() => clearTimeout(timer));
}
