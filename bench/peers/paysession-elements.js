// paysession's Elements build (no drop-in): createSource + the three secure
// card fields, as a page that takes cards with its own form would use it.
// Ready when the three fields take input.
import { PaySession } from "paysession/elements";

window.benchMount = function benchMount(target, { apiBase, fieldsBase }) {
  const t0 = performance.now();
  const payments = new PaySession("pk_test_default", { apiBase, fieldsBase });
  window.benchPayments = payments;
  const ready = [];
  for (const type of ["cardnumber", "cardexpiration", "cardcvv"]) {
    const div = document.createElement("div");
    div.id = type;
    target.append(div);
    const el = payments.createElement(type, {});
    ready.push(new Promise((ok) => el.on("ready", ok)));
    el.mount(div);
  }
  return Promise.all(ready).then(() => performance.now() - t0);
};
