// paysession's card build (`paysession/card`: the three card Elements and
// createSource(cardElement, data), nothing else), as a page that takes only
// cards with its own form imports it: the three secure card fields.
import { PaySession } from "paysession/card";
import { mountCardFields } from "./card-fields.js";

window.benchMount = (target, opts) => mountCardFields(PaySession, target, opts);
