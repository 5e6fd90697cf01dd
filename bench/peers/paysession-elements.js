// paysession's Elements build (no drop-in; createSource for every payment
// type, the session helpers): the three secure card fields.
import { PaySession } from "paysession/elements";
import { mountCardFields } from "./card-fields.js";

window.benchMount = (target, opts) => mountCardFields(PaySession, target, opts);
