// The page of a shop that takes cards with its own form: the three secure
// card fields, ready when all three take input. Shared by the Elements
// build's peer and the card build's (each imports its own PaySession).
export function mountCardFields(PaySession, target, { apiBase, fieldsBase }) {
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
}
