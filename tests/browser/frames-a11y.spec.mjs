// Secure card fields, accessibility inside the frames (issue 18, item 8): in
// the drop-in, each card input (number, expiry and code in the card frame, and
// the saved card's code in its own) is `invalid` in Chromium's accessibility
// tree while its error is shown, described by that error in the shopper's
// language (the drop-in's error line under the card shows the first), and
// valid and undescribed again once the value is right; each frame document's
// `lang` and `dir` follow the drop-in's locale (every locale's in
// locales.spec.mjs, on the drop-in it mounts per locale); axe-core inside the
// frames finds no violation.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { expect, API, PK, createSession, savedCard } from "./fixtures.mjs";
import { PARTS, axInput, frameDoc, secure as input } from "./card-frame.mjs";
import { test } from "./elements-fixtures.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
// Soft: a run shows every field's failure, not only the first.
const soft = expect.configure({ soft: true });
const catalog = async (loc) => (await fetch(`${API}/v1/locales/${loc}`)).json();

/** Mounts a drop-in (locale `locale`) for `sid`; resolves at onReady. */
function mountDropin(page, sid, locale) {
  return page.evaluate(({ api, pk, sid, locale }) => new Promise((resolve) => {
    const payments = new PaySession(pk, { apiBase: api, ...(locale ? { locale } : {}) });
    payments.createDropin({ sessionId: sid, onReady: resolve }).mount("drop-in");
  }), { api: API, pk: PK, sid, locale });
}

/** The catalog keys of each part's name and of the error its invalid value below shows. */
const NAME = { num: "field.cardNumber", exp: "field.expiry", cvc: "field.cvv" };
const INVALID = { num: "error.invalid_card_number", exp: "error.invalid_expiration_date", cvc: "error.invalid_security_code" };

/**
 * axe-core over the page and into the field frames (axe loaded in each, run
 * from the top as axe audits frames: page-level rules such as "one main
 * landmark" apply to the page, not to a frame holding one input). Returns the
 * violations inside the frames, and whether any frame node was audited at all.
 */
async function axeFrames(page) {
  const frames = page.frames().filter((f) => f.url().includes("/field?"));
  // axe talks to frames of its own origin only unless told (the fields origin is another).
  const load = `${axeSource}\n;axe.configure({ allowedOrigins: ["<unsafe_all_origins>"] });`;
  for (const f of frames) await f.evaluate(load);
  await page.evaluate(load);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations", "passes"] });
    const inFrame = (n) => n.target.length > 1;
    return {
      audited: r.passes.filter((p) => p.nodes.some(inFrame)).map((p) => p.id).sort(),
      violations: r.violations.flatMap((v) => v.nodes.filter(inFrame).map((n) => `${v.id} ${JSON.stringify(n.target)}`)),
    };
  });
}

/** Types `text` into field `fid` and leaves it (Tab), as a shopper would. */
async function typeInto(page, fid, text) {
  await input(page, fid).click();
  await page.keyboard.type(text);
  await page.keyboard.press("Tab");
}

for (const [loc, lang] of [[undefined, "en-US"], ["de-DE", "de-DE"], ["he-IL", "he-IL"]]) {
  test(`drop-in${loc ? ` in ${loc}` : ""}: each card field's input is invalid and described by its error, in the frame's lang and dir; axe finds nothing`, async ({ elPage: page }) => {
    const cat = loc ? await catalog(loc) : null;
    const words = cat || (await catalog("en-US"));
    const dir = cat && cat.dir === "rtl" ? "rtl" : "ltr";
    const s = await createSession({ country: "NL" });
    await mountDropin(page, s.id, loc);
    const b = page.locator("#b-creditCard");
    if ((await b.getAttribute("aria-expanded")) !== "true") await b.click();
    await expect(input(page, "num")).toBeVisible();
    const year = String((new Date().getFullYear() + 2) % 100).padStart(2, "0");

    // The card frame's document speaks the drop-in's language, in its
    // direction, its title the frame's; each input is named by its label.
    const doc = await frameDoc(page, "num"), title = await page.locator("#card iframe").getAttribute("title");
    expect.soft(doc).toEqual({ lang, dir, title });
    expect(title).toBe(PARTS.map((fid) => words[NAME[fid]]).join(", "));
    for (const fid of PARTS) {
      expect(await axInput(page, fid)).toEqual({ role: "textbox", name: words[NAME[fid]], invalid: "false", description: "" });
    }
    // Invalid values: a number failing the check digit, month 13, a letter in the code.
    await typeInto(page, "num", "4242424242424241");
    await typeInto(page, "exp", `13${year}`);
    await typeInto(page, "cvc", "1a");
    // The drop-in's line under the card: the first part's error.
    await expect(page.locator("#card-e")).toHaveText(words[INVALID.num]);
    for (const fid of PARTS) {
      // Each input is invalid and described by its own error, in the page's words.
      await soft.poll(() => axInput(page, fid)).toMatchObject({ invalid: "true", description: words[INVALID[fid]] });
    }
    const audit = await axeFrames(page);
    expect.soft(audit.violations).toEqual([]);
    // …and the frames were audited: rules passed on nodes inside them.
    expect(audit.audited).toEqual(expect.arrayContaining(["html-lang-valid", "label", "color-contrast"]));
    expect((await axInput(page, "num")).description).toBe(cat ? cat["error.invalid_card_number"] : "This card number is not valid.");

    // Right values: valid again, no description.
    await input(page, "num").fill("4242424242424242");
    await input(page, "exp").fill(`12/${year}`);
    await input(page, "cvc").fill("123");
    for (const fid of PARTS) {
      await expect.poll(() => axInput(page, fid)).toMatchObject({ invalid: "false", description: "" });
    }
    await expect(page.locator("#card-e")).toBeEmpty();
  });
}

test("drop-in in de-DE, a saved card's code field: invalid and described in German; axe finds nothing", async ({ elPage: page }) => {
  const cat = await catalog("de-DE");
  const { cus } = await savedCard();
  const s = await createSession({ customerId: cus });
  await mountDropin(page, s.id, "de-DE");
  await expect(input(page, "scvc")).toBeVisible();
  expect.soft(await frameDoc(page, "scvc")).toMatchObject({ lang: "de-DE", dir: "ltr" });
  await typeInto(page, "scvc", "1a");
  const line = page.locator("#scvc-e");
  await expect(line).toHaveText(cat["error.invalid_security_code"]);
  await soft.poll(() => axInput(page, "scvc")).toMatchObject({ invalid: "true", description: cat["error.invalid_security_code"] });
  const audit = await axeFrames(page);
  expect.soft(audit.violations).toEqual([]);
  expect(audit.audited).toEqual(expect.arrayContaining(["html-lang-valid", "label"]));
  await input(page, "scvc").fill("737");
  await expect.poll(() => axInput(page, "scvc")).toMatchObject({ invalid: "false", description: "" });
});

test("drop-in: an empty submit marks each empty card input invalid inside the card frame, described as required", async ({ elPage: page }) => {
  const s = await createSession({ country: "NL" });
  await mountDropin(page, s.id);
  await page.locator("#pay-creditCard").click();
  await expect(page.locator("#card-e")).toHaveText("This field is required.");
  for (const fid of PARTS) {
    await expect(input(page, fid)).toHaveAttribute("aria-invalid", "true");
    const ax = await axInput(page, fid);
    soft(ax.invalid, `${fid} invalid`).toBe("true");
    soft(ax.description, `${fid} description`).toBe("This field is required.");
  }
  // Typing clears it, there only.
  await input(page, "exp").fill("1");
  await expect(input(page, "exp")).not.toHaveAttribute("aria-invalid", "true");
  await expect(input(page, "cvc")).toHaveAttribute("aria-invalid", "true");
});
