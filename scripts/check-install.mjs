// The install check (issue 21, "every README command installs what it needs"): every
// npm script of package.json, and every `npm start`, `npm test`, `npm run NAME` the
// README names, runs a `bash scripts/X.sh` that calls `bash scripts/setup.sh` as a
// command of its own (not behind `||`, `&&` or an `if`) before its first use of a tool:
// cargo, node, npx, wasm-bindgen, wasm-opt, webpack, esbuild, anything under
// node_modules/ or .tools/, or another script of scripts/. A fresh clone's
// `npm run build` failed with "wasm-bindgen missing (run scripts/setup.sh)" before.
//
//   node scripts/check-install.mjs      the check (node:test; part of `npm test`)
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const TOOL = /(^|[\s/;|&(`"])(cargo|node|npx|npm|wasm-bindgen|wasm-opt|webpack|esbuild|rustup)(\s|$)|node_modules\/|\.tools\/|scripts\/(?!setup\.sh)[\w-]+\.(sh|mjs)/;
const SETUP = /^bash scripts\/setup\.sh(\s|$)/;

/** The first problem of a shell script's text, or null: a tool used before an
 * unconditional `bash scripts/setup.sh`, or no such call at all. */
export function installsFirst(text) {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const code = line.replace(/(^|\s)#.*$/, '').trim();
    if (!code) continue;
    if (SETUP.test(line)) return null; // at column 0: not inside a block, not behind || or &&
    // A plain assignment runs nothing (one with `$(...)` is judged by what it runs).
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(code) && !code.includes('$(') && !code.includes('`')) continue;
    if (TOOL.test(code)) return `line ${i + 1} uses a tool before scripts/setup.sh: ${code}`;
  }
  return 'never calls scripts/setup.sh';
}

/** The npm scripts a user runs: package.json's, and those the README names. */
export function commands(pkg, readme) {
  const names = new Set(Object.keys(pkg.scripts || {}));
  for (const m of readme.matchAll(/npm (start|test|run ([\w:-]+))/g)) names.add(m[2] || m[1]);
  return [...names].sort();
}

/** The problems of every command: `name: problem`. */
export function problems(rootDir) {
  const pkg = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'));
  const readme = readFileSync(join(rootDir, 'README.md'), 'utf8');
  const out = [];
  for (const name of commands(pkg, readme)) {
    const cmd = pkg.scripts?.[name];
    if (!cmd) { out.push(`npm ${name}: named in the README but not in package.json`); continue; }
    const m = /^bash (scripts\/[\w-]+\.sh)(\s|$)/.exec(cmd);
    if (!m) { out.push(`npm ${name}: "${cmd}" is not \`bash scripts/X.sh\` (which installs what it needs)`); continue; }
    if (!existsSync(join(rootDir, m[1]))) { out.push(`npm ${name}: ${m[1]} is missing`); continue; }
    if (m[1] === 'scripts/setup.sh') continue;
    const p = installsFirst(readFileSync(join(rootDir, m[1]), 'utf8'));
    if (p) out.push(`npm ${name} (${m[1]}): ${p}`);
  }
  return out;
}

const { test } = await import('node:test');
const assert = await import('node:assert/strict');

test('every npm script and README command installs what it needs first', () => {
  assert.deepEqual(problems(root), []);
});

test('the rule itself', () => {
  assert.equal(installsFirst('set -e\ncd x\nbash scripts/setup.sh --for start\ncargo build\n'), null);
  assert.match(installsFirst('cargo build\nbash scripts/setup.sh\n'), /line 1 uses a tool/);
  assert.match(installsFirst('[ -x .tools/bin/wasm-bindgen ] || bash scripts/setup.sh\n'), /line 1/);
  assert.match(installsFirst('if true; then\n  bash scripts/setup.sh\nfi\nnpx webpack\n'), /line 4/);
  assert.match(installsFirst('X=$ROOT/.tools/bin/wasm-bindgen\nbash scripts/build-sdk.sh\n'), /line 2/);
  assert.equal(installsFirst('X=$ROOT/.tools/bin/wasm-bindgen\n# cargo\nbash scripts/setup.sh\n'), null);
  assert.equal(installsFirst('echo hi\n'), 'never calls scripts/setup.sh');
  assert.deepEqual(commands({ scripts: { build: 'x' } }, 'run `npm start`, then `npm run bench`'), ['bench', 'build', 'start']);
});
