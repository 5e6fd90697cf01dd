// Braintree Web Drop-in. At run time it also fetches its stylesheet and hosted
// fields from Braintree's CDN; the stylesheet shipped in the package is bundled
// here so the byte count includes the CSS a shopper downloads.
import dropin from "braintree-web-drop-in";
import "braintree-web-drop-in/dropin.css";

window.benchMount = function benchMount(target) {
  return dropin.create({ authorization: "sandbox_bench000_benchmarkmerchant", container: target });
};
