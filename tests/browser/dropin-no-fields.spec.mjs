// A drop-in against a backend without a fields origin (`paysession-server
// --fields-listen off`, no `fieldsBase`): the card cannot be taken, so it is
// not listed, and onError says so with a coded error (issue 21) instead of
// the card silently missing from onReady's list.
import { test, expect, PK } from "./fixtures.mjs";
import { spawnBackend } from "./backend.mjs";

let backend;
test.beforeAll(async () => { backend = await spawnBackend(["--fields-listen", "off"]); });
test.afterAll(async () => { await backend?.stop(); });

test("no fields origin: onError payment_method_unavailable for the card, the other methods ready", async ({ sdkPage }) => {
  const res = await fetch(`${backend.api}/v1/sessions`, {
    method: "POST", headers: { authorization: "Bearer sk_test_default", "content-type": "application/json" },
    body: JSON.stringify({ amount: 1000, currency: "EUR", country: "NL" }),
  });
  expect(res.status).toBe(201);
  const sid = (await res.json()).id;
  const events = await sdkPage.evaluate(({ api, pk, sid }) => new Promise((resolve) => {
    const events = [];
    new PaySession(pk, { apiBase: api }).createDropin({
      sessionId: sid,
      onError: (e) => events.push(["error", e]),
      onReady: (r) => { events.push(["ready", r]); resolve(events); },
    }).mount("drop-in");
  }), { api: backend.api, pk: PK, sid });
  expect(events.map(([k]) => k)).toEqual(["error", "ready"]);
  const [, err] = events[0];
  expect(err.paymentMethod).toBe("creditCard");
  expect(err.type).toBe("validation_error");
  expect(err.errors[0].code).toBe("payment_method_unavailable");
  expect(err.errors[0].parameter).toBe("fieldsBase");
  expect(err.errors[0].message).toContain("fields origin");
  const types = events[1][1].paymentMethodTypes;
  expect(types).not.toContain("creditCard");
  expect(types).toContain("ideal");
  await expect(sdkPage.getByRole("button", { name: "iDEAL", exact: true })).toBeVisible();
});
