// Builds the demo storefront (www/) into www/dist, importing the SDK from pkg/
// (the bundler-target npm package made by `npm run build`).
const path = require("path");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const MiniCssExtractPlugin = require("mini-css-extract-plugin");

module.exports = (_env, argv) => ({
  mode: argv.mode || "production",
  entry: { shop: "./www/src/main.js" },
  output: { path: path.resolve(__dirname, "www/dist"), filename: "[name].[contenthash:8].js", clean: true },
  // `paysession/dropin` (the drop-in build, what the shop uses) as the
  // package's exports map names it.
  resolve: { alias: { "paysession/dropin$": path.resolve(__dirname, "pkg/paysession-dropin.js"), paysession: path.resolve(__dirname, "pkg") } },
  experiments: { asyncWebAssembly: true },
  module: { rules: [{ test: /\.css$/, use: [MiniCssExtractPlugin.loader, "css-loader"] }] },
  plugins: [
    new HtmlWebpackPlugin({ template: "./www/index.html", scriptLoading: "module" }),
    new MiniCssExtractPlugin({ filename: "[name].[contenthash:8].css" }),
  ],
  performance: { hints: false },
  devtool: false,
});
