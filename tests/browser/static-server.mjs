// A tiny static server for the browser tests: serves the repository root
// (pkg-web/, tests/browser/pages/, and the React package's built example and test
// harness) on 127.0.0.1 with the right MIME types.
// Usage: node tests/browser/static-server.mjs PORT (0: any free port)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const allowed = ["pkg-web/", "pkg/", "tests/browser/pages/", "packages/react/example/dist/", "packages/react/test/dist/"];
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".css": "text/css",
  ".ts": "text/plain",
};
const port = Number(process.argv[2] || process.env.PORT || 4173);

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^\/+/, "");
  if (path === "" || path === "favicon.ico") {
    res.writeHead(path === "" ? 302 : 204, path === "" ? { location: "/tests/browser/pages/index.html" } : {});
    return res.end();
  }
  if (!allowed.some((p) => path.startsWith(p)) || path.includes("..")) {
    res.writeHead(404).end("not found");
    return;
  }
  try {
    const body = await readFile(join(root, path));
    res.writeHead(200, { "content-type": types[extname(path)] || "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
});
// Port 0 picks a free port: the line says which (tests/engines/run.mjs reads it).
server.listen(port, "127.0.0.1", () => console.log(`static on http://127.0.0.1:${server.address().port}`));
