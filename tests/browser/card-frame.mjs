// The drop-in's secure inputs as Playwright locators, one definition for the
// browser and e2e tests: the card's number, expiry and code are inputs of one
// frame (#card, a document of the fields origin); any other id is a frame of
// its own (scvc: a saved card's code).

/** The card's parts, in screen order. */
export const PARTS = ["num", "exp", "cvc"];
/** The iframe holding the input `id`. */
export const frameOf = (id) => (PARTS.includes(id) ? "#card iframe" : `#${id} iframe`);
/** The drop-in's card frame. */
export const cardFrame = (page) => page.frameLocator("#card iframe");
/** The input `id` (num, exp, cvc, scvc) inside its frame. */
export const secure = (page, id) => page.frameLocator(frameOf(id)).locator(PARTS.includes(id) ? `#${id}` : "input");

/** The field `fid`'s input as Chromium's accessibility tree has it: {role, name, invalid, description}. */
export async function axInput(page, fid) {
  const src = await page.locator(frameOf(fid)).getAttribute("src");
  const channel = new URL(src).hash.match(/c=([^&]+)/)[1];
  const cdp = await page.context().newCDPSession(page);
  try {
    const { frameTree } = await cdp.send("Page.getFrameTree");
    const all = [];
    const walk = (n) => { all.push(n.frame); for (const c of n.childFrames || []) walk(c); };
    walk(frameTree);
    const f = all.find((x) => (x.urlFragment || "").includes(`c=${channel}`));
    const { nodes } = await cdp.send("Accessibility.getFullAXTree", { frameId: f.id });
    const box = nodes.filter((n) => n.role && n.role.value === "textbox")[Math.max(PARTS.indexOf(fid), 0)];
    const prop = (name) => (box.properties || []).find((p) => p.name === name);
    return {
      role: box.role.value,
      name: box.name && box.name.value,
      invalid: prop("invalid") ? prop("invalid").value.value : "false",
      description: (box.description && box.description.value) || "",
    };
  } finally {
    await cdp.detach();
  }
}

/** The document of field `fid`'s frame: its lang, dir and title. */
export const frameDoc = (page, fid) => secure(page, fid).evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir, title: document.title }));
