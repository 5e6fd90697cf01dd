// The shared verdict table (tests/verdicts.json) run through the SDK in the
// browser: for each row the SDK must give the table's verdict ("ok" = it
// sends the request; otherwise the error code and parameter, with no request),
// and when it sends, the server must answer with the same verdict.
// crates/server/tests/api/verdicts.rs runs the same table against the server alone.
import { readFileSync } from "node:fs";
import { test, expect, API, PK, createSession } from "./fixtures.mjs";

const table = JSON.parse(readFileSync(new URL("../verdicts.json", import.meta.url), "utf8"));
const rules = [...new Set(table.rows.map((r) => r.rule))];

/** Runs one row's call in the page; returns {code, parameter} or {code: "ok"}. */
async function run(page, row, sid) {
  return page.evaluate(
    async ({ api, pk, row, sid }) => {
      const p = new PaySession(pk, { apiBase: api });
      const verdict = (e) => (e ? { code: e.code, parameter: e.errors && e.errors[0] && e.errors[0].parameter } : { code: "ok" });
      const input = row.input;
      try {
        switch (row.rule) {
          case "email":
            await p.updateSession(sid, { owner: { email: input } });
            return verdict();
          case "country":
            await p.updateSession(sid, { owner: { address: { country: input } } });
            return verdict();
          case "owner":
            await p.updateSession(sid, { owner: input });
            return verdict();
          case "giftCard":
            return verdict((await p.createSource({ sessionId: sid, type: "giftCard", giftCard: input })).error);
          case "url":
            return verdict((await p.createSource({ sessionId: sid, type: "payPal",
              payPal: { returnUrl: input, cancelUrl: "https://shop.example/cancel" } })).error);
          case "card":
            return verdict((await p.createSource({ sessionId: sid, type: "creditCard", creditCard: input })).error);
          case "iban":
            return verdict((await p.createSource({ sessionId: sid, type: "sepaDebit", sepaDebit: { iban: input } })).error);
          case "market":
            await p.retrieveAvailablePaymentMethods(input);
            return verdict();
          default:
            return { code: `unknown rule ${row.rule}` };
        }
      } catch (e) {
        return verdict(e);
      }
    },
    { api: API, pk: PK, row, sid },
  );
}

for (const rule of rules) {
  test(`SDK and server give the table's verdicts: ${rule}`, async ({ sdkPage }) => {
    let sent = 0;
    sdkPage.on("request", (r) => {
      if (r.url().startsWith(API) && r.method() !== "OPTIONS") sent += 1;
    });
    const wrong = [];
    for (const row of table.rows.filter((r) => r.rule === rule)) {
      const s = rule === "market" ? null : await createSession(rule === "iban" ? { country: "DE" } : {});
      const before = sent;
      const got = await run(sdkPage, row, s && s.id);
      const reached = sent > before;
      const want = row.expect === "ok" ? "ok" : `${row.expect} ${row.parameter}`;
      // Without a request the verdict is the SDK's own; with one, the SDK passed it
      // and the server's answer is the verdict.
      const sdk = reached ? "ok" : `${got.code} ${got.parameter}`;
      const server = reached ? (got.code === "ok" ? "ok" : `${got.code} ${got.parameter}`) : null;
      if (sdk !== want) wrong.push(`${JSON.stringify(row.input)}: SDK says ${sdk}, the table ${want}`);
      if (server !== null && server !== want) wrong.push(`${JSON.stringify(row.input)}: server says ${server}, the table ${want}`);
    }
    expect(wrong, wrong.join("\n")).toEqual([]);
  });
}

test("authenticateSource refuses returnUrl, which nothing would send", async ({ sdkPage }) => {
  let sent = 0;
  sdkPage.on("request", (r) => {
    if (r.url().startsWith(API) && r.method() !== "OPTIONS") sent += 1;
  });
  const e = await sdkPage.evaluate(async ({ api, pk }) => {
    const p = new PaySession(pk, { apiBase: api });
    return p.authenticateSource({ sessionId: "ses_1", sourceId: "src_1", sourceClientSecret: "src_1_secret",
      returnUrl: "https://shop.example/return" }).then(() => null, (e) => window.errPlain(e));
  }, { api: API, pk: PK });
  expect(e && e.code).toBe("unknown_parameter");
  expect(e.errors[0].parameter).toBe("returnUrl");
  expect(sent).toBe(0);
});
