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
