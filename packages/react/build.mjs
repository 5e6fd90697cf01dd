// Builds @paysession/react and its example with esbuild (and tsc for the declarations):
//   dist/index.js, dist/index.cjs, dist/*.d.ts   the package (react and paysession external)
//   example/dist/                                 the example shop (production React)
//   test/dist/                                    the browser tests' harness (development
//                                                 React: StrictMode's double effects run)
// The example and the harness bundle the package's dist/ and the SDK's no-bundler build
// (`paysession` → pkg-web/paysession.js, split into its own chunk that loads on mount;
// its .wasm and wallet.js are copied beside it, where `new URL(…, import.meta.url)` finds them).
// Needs pkg/ and pkg-web/ (`npm run build`). Does nothing when every output is newer than
// every input, unless --force. `--serve [PORT]` then serves example/dist (default 8000).
// Usage: node packages/react/build.mjs [--force] [--serve [PORT]]
import * as esbuild from "esbuild";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const args = process.argv.slice(2);
const force = args.includes("--force");
const serveAt = args.indexOf("--serve");

const stamp = join(here, "dist/.built");
const inputs = [
  join(here, "src"), join(here, "example"), join(here, "test"), join(here, "package.json"),
  join(here, "tsconfig.json"), join(here, "tsconfig.build.json"), fileURLToPath(import.meta.url),
  join(root, "pkg-web"), join(root, "pkg/paysession.d.ts"), join(root, "pkg/paysession-elements.d.ts"),
];
const skipDirs = new Set(["dist", "node_modules"]);
function newest(path) {
  if (!existsSync(path)) return Infinity; // a missing input: build (and fail loudly)
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) if (!skipDirs.has(e)) t = Math.max(t, newest(join(path, e)));
  return t;
}

for (const need of ["pkg-web/paysession.js", "pkg-web/paysession_bg.wasm", "pkg/paysession.d.ts"]) {
  if (!existsSync(join(root, need))) {
    console.error(`build (react): ${need} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}

const fresh = !force && existsSync(stamp) && Math.max(...inputs.map(newest)) < statSync(stamp).mtimeMs;
if (fresh) {
  console.log("build (react): up to date");
} else {
  const started = Date.now();
  rmSync(join(here, "dist"), { recursive: true, force: true });
  // The package: ES module and CommonJS, nothing bundled but its own sources.
  const lib = {
    entryPoints: [join(here, "src/index.ts")],
    bundle: true,
    external: ["react", "react-dom", "react/jsx-runtime", "paysession", "paysession/*"],
    jsx: "automatic",
    target: "es2020",
    platform: "neutral",
    logLevel: "warning",
  };
  await esbuild.build({ ...lib, format: "esm", outfile: join(here, "dist/index.js") });
  await esbuild.build({ ...lib, format: "cjs", platform: "node", outfile: join(here, "dist/index.cjs") });
  // Declarations (a type error fails the build).
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(here, "tsconfig.build.json")], { stdio: "inherit" });

  // An app: entry + page + stylesheet, React in `mode`, the SDK copied beside its chunk.
  const app = async (dir, entry, html, mode) => {
    const out = join(here, dir, "dist");
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    await esbuild.build({
      entryPoints: { app: join(here, dir, entry) },
      outdir: out,
      bundle: true,
      splitting: true,
      format: "esm",
      jsx: "automatic",
      target: "es2022",
      minify: mode === "production",
      define: { "process.env.NODE_ENV": JSON.stringify(mode) },
      alias: { "@paysession/react": join(here, "dist/index.js"), paysession: join(root, "pkg-web/paysession.js") },
      chunkNames: "[name]-[hash]",
      logLevel: "warning",
    });
    for (const f of ["paysession_bg.wasm", "wallet.js"]) copyFileSync(join(root, "pkg-web", f), join(out, f));
    for (const f of html) copyFileSync(join(here, dir, f), join(out, f));
  };
  await app("example", "src/main.tsx", ["index.html", "style.css"], "production");
  await app("test", "harness.tsx", ["harness.html"], "development");
  writeFileSync(stamp, "");
  console.log(`build (react): dist/, example/dist/, test/dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (serveAt >= 0) {
  const port = Number(args[serveAt + 1]) || 8000;
  const ctx = await esbuild.context({});
  const { hosts } = await ctx.serve({ servedir: join(here, "example/dist"), host: "127.0.0.1", port });
  console.log(`example on http://${hosts[0]}:${port}/ (${relative(process.cwd(), join(here, "example/dist"))}); Ctrl-C stops`);
}
