// Builds each peer drop-in (and ours) the way a storefront would: webpack 5,
// production mode, CSS extracted to a file. Output: bench/out/<name>/.
// `--config-name NAME` builds one of them.
const path = require("path");
const MiniCssExtractPlugin = require("mini-css-extract-plugin");
// The SDK package measured: pkg/ of this tree, or another build's (an A/B of
// two trees: PAYSESSION_PKG=/other/tree/pkg).
const PKG = process.env.PAYSESSION_PKG || path.resolve(__dirname, "..", "pkg");

const entries = {
  adyen: "./peers/adyen.js",
  braintree: "./peers/braintree.js",
  // The drop-in build (`paysession/dropin`): the checkout page of the README.
  paysession: "./peers/paysession.js",
  // The same SDK's Elements build: createSource and the card fields, no drop-in.
  "paysession-elements": "./peers/paysession-elements.js",
  // The card build: the three card Elements and createSource(cardElement) only.
  "paysession-card": "./peers/paysession-card.js",
  // Not a shipped variant: our SDK plus hooks for the createSource and memory
  // measurements (it reaches the module's linear memory). Not counted in sizes.
  lab: "./lab/lab.js",
};

module.exports = Object.entries(entries).map(([name, entry]) => ({
  name,
  mode: "production",
  context: __dirname,
  entry: { [name]: entry },
  // Assets named by `new URL(…, import.meta.url)` (wallet.js, the manage
  // module) keep their name before the hash: sizes.mjs tells the lazy ones apart.
  output: { path: path.resolve(__dirname, "out", name), filename: "[name].js", clean: true,
    assetModuleFilename: "[name].[contenthash:16][ext]" },
  resolve: {
    alias: {
      "paysession/dropin$": path.join(PKG, "paysession-dropin.js"),
      "paysession/elements$": path.join(PKG, "paysession-elements.js"),
      "paysession/card$": path.join(PKG, "paysession-card.js"),
      paysession$: path.join(PKG, "paysession.js"),
      // The lab page imports the module's own exports (its `memory`).
      "paysession/paysession_bg.wasm$": path.join(PKG, "paysession_bg.wasm"),
    },
  },
  experiments: { asyncWebAssembly: true },
  module: { rules: [{ test: /\.css$/, use: [MiniCssExtractPlugin.loader, "css-loader"] }] },
  plugins: [new MiniCssExtractPlugin({ filename: "[name].css" })],
  performance: { hints: false },
  devtool: false,
  // Rebuilds after the first are quick (the smoke in `npm test` rebuilds).
  // One cache per SDK package measured: webpack keeps resolved aliases in it.
  cache: { type: "filesystem", name: `bench-${name}-${require("crypto").createHash("sha256").update(PKG).digest("hex").slice(0, 8)}` },
}));
