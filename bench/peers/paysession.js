// paysession SDK + drop-in, built like the peers (the SDK's styles live inside
// the module and are applied through a constructed stylesheet: no CSS file),
// imported as the README tells a checkout page that shows the drop-in: its
// drop-in build, `paysession/dropin` (as Adyen's page imports `Dropin` and
// `Card` alone).
import { PaySession } from "paysession/dropin";

window.benchMount = function benchMount(target, { apiBase, sessionId }) {
  const t0 = performance.now();
  const payments = new PaySession("pk_test_default", { apiBase });
  return new Promise((resolve, reject) => {
    payments
      .createDropin({
        sessionId,
        onReady: () => resolve(performance.now() - t0),
        onError: (e) => reject(e),
      })
      .mount(target);
  });
};
