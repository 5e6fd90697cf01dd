// The layer check (issue 19; docs/ARCHITECTURE.md, "Layers"): reads the Rust sources of
// the server crate, crates/core and the SDK (src/), builds the file-level import graph
// from every `crate::…`, `super::…` and `self::…` path (in `use` items and inline, test
// modules included), and fails on
//   (a) an import circle (a strongly connected set of two or more files), in any crate;
//   (b) an arrow from a lower layer to a higher one, per LAYERS below (the one table).
// A path to an item re-exported with `pub use` is followed to the file that defines it,
// and `mod x;` is a declaration, not an import.
//
//   node scripts/check-layers.mjs            the check (node:test; part of `npm test`)
//   node scripts/check-layers.mjs --figures  prints the figures of issue 19 (circles,
//                                            upward arrows, files over 400 lines,
//                                            functions over 80 lines) and the graph
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The layer table: the one place the layers are declared. Higher layers first; a file
// may import from its own layer or any lower one, never from a higher one. Each entry
// is a file or folder relative to the crate's src/ (a folder takes every file below it);
// a file of a crate not listed fails the check, so a new module gets a layer on purpose.
export const LAYERS = {
  'crates/server': [
    // The binary, its command line, the crate root and the listener (which serves the demo with `--demo`).
    ['entry', ['main.rs', 'cli.rs', 'lib.rs', 'serve']],
    // The demo merchant (only with `--demo`): a client of the HTTP API.
    ['demo', ['demo']],
    // HTTP: the API's assembly (app.rs), handlers, hosted pages, the test wallet's endpoints, the OpenAPI document,
    // the secure fields' origin, middleware (keys, idempotency, rate limit), extractors.
    ['http', ['app.rs', 'routes', 'hosted', 'wallet.rs', 'openapi', 'fields_origin.rs', 'auth.rs',
              'idempotency', 'extract.rs', 'delivery.rs', 'webhooks.rs']],
    // Domain: the flows, one module per payment method, the processor, the texts.
    ['domain', ['flows', 'methods', 'idempotency/record.rs', 'processor.rs', 'locales.rs']],
    // The handlers' state and the process-wide tables it holds.
    ['state', ['state.rs', 'ratelimit']],
    // Storage: the store, its records, the vault.
    ['store', ['store', 'model.rs', 'vault.rs']],
    // Shared leaves: errors, ids, the clock, configuration.
    ['leaf', ['error.rs', 'ids.rs', 'clock.rs', 'config', 'webhook_config.rs']],
  ],
};

// The crates read, with their roots.
const CRATES = [
  { name: 'crates/server', src: 'crates/server/src', roots: ['lib.rs', 'main.rs'] },
  { name: 'crates/core', src: 'crates/core/src', roots: ['lib.rs'] },
  { name: 'src (SDK)', src: 'src', roots: ['lib.rs'] },
];

// ---- reading Rust text -------------------------------------------------------------

// The source with comments, string and char literals blanked (newlines kept, so line
// numbers hold and no brace or path inside a literal counts).
export function strip(text) {
  let out = '';
  let i = 0;
  const n = text.length;
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const j = text.indexOf('\n', i);
      const end = j < 0 ? n : j;
      out += blank(text.slice(i, end));
      i = end;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') { depth++; j += 2; }
        else if (text[j] === '*' && text[j + 1] === '/') { depth--; j += 2; }
        else j++;
      }
      out += blank(text.slice(i, j));
      i = j;
    } else if ((c === 'r' || c === 'b') && /^(br|r)#*"/.test(text.slice(i, i + 40)) && !/\w/.test(text[i - 1] || '')) {
      const m = /^(br|r)(#*)"/.exec(text.slice(i, i + 40));
      const close = '"' + m[2];
      const j = text.indexOf(close, i + m[0].length);
      const end = j < 0 ? n : j + close.length;
      out += blank(text.slice(i, end));
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += blank(text.slice(i, j + 1));
      i = j + 1;
    } else if (c === "'") {
      // A char literal ('a', '\n', '\u{..}', b'x'), not a lifetime ('a).
      const m = /^'(\\(u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'])'/.exec(text.slice(i, i + 12));
      if (m) { out += blank(m[0]); i += m[0].length; } else { out += c; i++; }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

// Expands a use tree ("a::{b, c::{d, e as f}, self}") into paths (arrays of segments).
function expandUse(tree) {
  tree = tree.replace(/\s+as\s+/g, ' as ').replace(/\s*([{},]|::)\s*/g, '$1').trim();
  const out = [];
  const walk = (prefix, s) => {
    // split top-level by commas
    const parts = [];
    let depth = 0, start = 0;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '{') depth++;
      else if (s[i] === '}') depth--;
      else if (s[i] === ',' && depth === 0) { parts.push(s.slice(start, i)); start = i + 1; }
    }
    parts.push(s.slice(start));
    for (let p of parts) {
      if (!p) continue;
      const brace = p.indexOf('{');
      if (brace >= 0) {
        const head = p.slice(0, brace).replace(/::$/, '');
        const inner = p.slice(brace + 1, p.lastIndexOf('}'));
        walk(head ? [...prefix, ...head.split('::')] : prefix, inner);
      } else {
        const segs = p.split(' as ')[0].split('::').filter(Boolean);
        if (segs[segs.length - 1] === '*') segs.pop();
        const full = [...prefix, ...segs];
        if (full[full.length - 1] === 'self') full.pop();
        out.push(full);
      }
    }
  };
  walk([], tree);
  return out;
}

// Parses one file: its use items (with visibility), inline paths, inline module scopes.
function parseFile(stripped) {
  const lines = (idx) => stripped.slice(0, idx).split('\n').length;
  // Inline module scopes: [start, end, name] of `mod name {`.
  const scopes = [];
  const modRe = /\bmod\s+([A-Za-z_]\w*)\s*\{/g;
  let m;
  while ((m = modRe.exec(stripped))) {
    const open = m.index + m[0].length - 1;
    scopes.push({ start: open, end: matchBrace(stripped, open), name: m[1] });
  }
  const modAt = (idx) => scopes.filter((s) => s.start < idx && idx < s.end).map((s) => s.name);
  const uses = [];
  const useRe = /(\bpub(\s*\([^)]*\))?\s+)?\buse\s+([^;]+);/g;
  const covered = [];
  while ((m = useRe.exec(stripped))) {
    covered.push([m.index, m.index + m[0].length]);
    for (const path of expandUse(m[3])) {
      uses.push({ path, pub: !!m[1], inner: modAt(m.index), line: lines(m.index), alias: aliasOf(m[3], path) });
    }
  }
  const inline = [];
  const pathRe = /(?<![\w:])((?:crate|super|self)(?:::(?:[A-Za-z_]\w*))+)/g;
  while ((m = pathRe.exec(stripped))) {
    if (covered.some(([a, b]) => a <= m.index && m.index < b)) continue;
    inline.push({ path: m[1].split('::'), inner: modAt(m.index), line: lines(m.index) });
  }
  return { uses, inline, scopes };
}

function aliasOf(tree, path) {
  const last = path[path.length - 1];
  if (!/^\w+$/.test(last || '')) return last;
  const re = new RegExp('\\b' + last + '\\s+as\\s+([A-Za-z_]\\w*)');
  const m = re.exec(tree);
  return m ? m[1] : last;
}

function matchBrace(s, open) {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}') { depth--; if (depth === 0) return i; }
  }
  return s.length;
}

// ---- the module tree ------------------------------------------------------------------

function listRs(dir) {
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listRs(p));
    else if (e.endsWith('.rs')) out.push(p);
  }
  return out;
}

// Module path (segments) of a file relative to src: lib.rs → [], a/mod.rs → [a], a/b.rs → [a, b].
function modPathOf(rel) {
  if (rel === 'lib.rs' || rel === 'main.rs') return [];
  const segs = rel.replace(/\.rs$/, '').split('/');
  if (segs[segs.length - 1] === 'mod') segs.pop();
  return segs;
}

export function analyse(crate) {
  const srcDir = join(root, crate.src);
  const files = listRs(srcDir).map((p) => relative(srcDir, p)).sort();
  const byMod = new Map();
  const info = new Map();
  for (const rel of files) {
    const text = readFileSync(join(srcDir, rel), 'utf8');
    const stripped = strip(text);
    const mp = modPathOf(rel);
    if (rel !== 'main.rs') byMod.set(mp.join('::'), rel);
    info.set(rel, { rel, text, stripped, mp, ...parseFile(stripped) });
  }
  // `pub use` re-exports of each file: name → absolute path.
  const reexports = new Map();
  for (const f of info.values()) {
    const map = new Map();
    for (const u of f.uses) {
      if (!u.pub || u.inner.length) continue;
      const child = byMod.has([...f.mp, u.path[0]].join('::'));
      const abs = absolute(child ? ['self', ...u.path] : u.path, f.mp, []);
      if (abs) map.set(u.alias, abs);
    }
    reexports.set(f.rel, map);
  }
  // A path (absolute segments) → the file that defines its item.
  const resolve = (segs, depth = 0) => {
    let i = 0;
    let file = byMod.get('');
    while (i < segs.length && byMod.has(segs.slice(0, i + 1).join('::'))) {
      i++;
      file = byMod.get(segs.slice(0, i).join('::'));
    }
    if (i < segs.length && depth < 8) {
      const re = reexports.get(file)?.get(segs[i]);
      if (re) return resolve([...re, ...segs.slice(i + 1)], depth + 1);
    }
    return file;
  };
  const edges = new Map(); // from → Map(to → [lines])
  for (const f of info.values()) {
    const out = new Map();
    const add = (path, inner, line) => {
      const abs = absolute(path, f.mp, inner);
      if (!abs || abs.length === 0) return;
      const to = resolve(abs);
      if (!to || to === f.rel) return;
      if (f.rel === 'main.rs' && to === 'lib.rs') return;
      if (!out.has(to)) out.set(to, []);
      out.get(to).push(line);
    };
    // Paths relative to a child module (`use store::Store;` in lib.rs, `sources::x` in
    // flows/mod.rs) are read as `self::…`.
    const children = new Set([...byMod.keys()]
      .map((k) => k.split('::'))
      .filter((k) => k.length === f.mp.length + 1 && k.slice(0, -1).join('::') === f.mp.join('::'))
      .map((k) => k[k.length - 1]));
    const rel = (u) => (children.has(u.path[0]) && !u.inner.length ? ['self', ...u.path] : u.path);
    for (const u of f.uses) add(rel(u), u.inner, u.line);
    for (const u of f.inline) add(u.path, u.inner, u.line);
    for (const name of children) {
      const re = new RegExp(`(?<![\\w:])${name}((?:::[A-Za-z_]\\w*)+)`, 'g');
      let m;
      while ((m = re.exec(f.stripped))) {
        if (f.uses.some((u) => u.line === f.stripped.slice(0, m.index).split('\n').length)) continue;
        add(['self', name, ...m[1].split('::').filter(Boolean)], [], f.stripped.slice(0, m.index).split('\n').length);
      }
    }
    edges.set(f.rel, out);
  }
  return { crate, files, info, edges };
}

// A path as written in a file at module mp (inside inline modules `inner`) → absolute
// segments from the crate root, or null for a path that does not start in this crate.
function absolute(path, mp, inner) {
  let here = [...mp, ...inner];
  let i = 0;
  if (path[0] === 'crate') { here = []; i = 1; }
  else if (path[0] === 'self') { i = 1; }
  else if (path[0] === 'super') {
    while (path[i] === 'super') { here = here.slice(0, -1); i++; }
  } else return null;
  return [...here, ...path.slice(i)];
}

// ---- the figures ----------------------------------------------------------------------

// A module's own file (`x/mod.rs`, the crate root) using one of its direct child
// modules: the parent assembling its parts. Such an arrow is always there beside the
// `mod` declaration, so it does not make a circle; every other arrow does (a child using
// its parent, one sibling using another, any arrow across folders).
export function parentToChild(from, to) {
  const dir = (f) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '');
  const isParent = from.endsWith('/mod.rs') || from === 'lib.rs' || from === 'main.rs';
  if (!isParent) return false;
  const own = from === 'lib.rs' || from === 'main.rs' ? '' : dir(from);
  const child = to.endsWith('/mod.rs') ? dir(dir(to) + '/x') : to.replace(/\.rs$/, '');
  return dir(child + '/x') !== own && dir(child) === own;
}

// Strongly connected components of two or more files (Tarjan), parent-to-child
// arrows aside (parentToChild).
export function circles(all) {
  const edges = new Map([...all].map(([f, tos]) => [f, new Map([...tos].filter(([t]) => !parentToChild(f, t)))]));
  let index = 0;
  const idx = new Map(), low = new Map(), on = new Set(), stack = [], out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of (edges.get(v) || new Map()).keys()) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const c = [];
      let w;
      do { w = stack.pop(); on.delete(w); c.push(w); } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return out;
}

// The layer of a file: the longest entry naming it (a folder `x`, or a file `x.rs` with
// its child modules in `x/`), so a file may be placed apart from its folder.
function layerOf(table, rel) {
  let best = -1, len = -1;
  for (let i = 0; i < table.length; i++) {
    for (const entry of table[i][1]) {
      const dir = entry.replace(/\.rs$/, '');
      const hit = rel === entry || rel.startsWith(dir + '/') || (!entry.endsWith('.rs') && rel === entry + '.rs');
      if (hit && entry.length > len) { best = i; len = entry.length; }
    }
  }
  return best;
}

// Arrows from a lower layer to a higher one, and files no layer names.
export function upward(a) {
  const table = LAYERS[a.crate.name];
  if (!table) return { up: [], unlisted: [] };
  const up = [];
  const unlisted = a.files.filter((f) => layerOf(table, f) < 0);
  for (const [from, tos] of a.edges) {
    const lf = layerOf(table, from);
    for (const [to, lines] of tos) {
      const lt = layerOf(table, to);
      if (lf >= 0 && lt >= 0 && lt < lf) {
        up.push(`${from}:${lines[0]} (${table[lf][0]}) → ${to} (${table[lt][0]})`);
      }
    }
  }
  return { up, unlisted };
}

// Functions longer than `max` lines (from `fn` to its closing brace).
export function longFunctions(a, max) {
  const out = [];
  for (const f of a.info.values()) {
    const s = f.stripped;
    const re = /\bfn\s+([A-Za-z_]\w*)/g;
    let m;
    while ((m = re.exec(s))) {
      // The body's brace: the first `{` after the signature, unless a `;` ends it first.
      let j = m.index;
      let depthParen = 0;
      while (j < s.length) {
        const c = s[j];
        if (c === '(' || c === '<' || c === '[') depthParen++;
        else if (c === ')' || c === ']') depthParen--;
        else if (c === '>' && s[j - 1] !== '-' && s[j - 1] !== '=') depthParen--;
        else if (c === ';' && depthParen <= 0) break;
        else if (c === '{' && depthParen <= 0) break;
        j++;
      }
      if (s[j] !== '{') continue;
      const end = matchBrace(s, j);
      const first = s.slice(0, m.index).split('\n').length;
      const last = s.slice(0, end).split('\n').length;
      if (last - first + 1 > max) out.push(`${a.crate.src}/${f.rel}:${first} ${m[1]} (${last - first + 1} lines)`);
    }
  }
  return out;
}

export function longFiles(a, max) {
  return [...a.info.values()]
    .map((f) => [f.rel, f.text.split('\n').length - (f.text.endsWith('\n') ? 1 : 0)])
    .filter(([, n]) => n > max)
    .map(([rel, n]) => `${a.crate.src}/${rel} (${n} lines)`);
}

// ---- entry ----------------------------------------------------------------------------

const analyses = CRATES.filter((c) => existsSync(join(root, c.src))).map(analyse);

if (process.argv.includes('--figures')) {
  let arrows = 0, circ = 0, ups = 0, lf = 0, lfn = 0;
  for (const a of analyses) {
    const n = [...a.edges.values()].reduce((s, m) => s + m.size, 0);
    const c = circles(a.edges);
    const { up, unlisted } = upward(a);
    const files = longFiles(a, 400);
    const fns = longFunctions(a, 80);
    arrows += n; circ += c.length; ups += up.length; lf += files.length; lfn += fns.length;
    console.log(`## ${a.crate.name}: ${a.files.length} files, ${n} arrows between files`);
    console.log(`circles: ${c.length}`);
    for (const x of c) console.log(`  ${x.length} files: ${x.join(' ')}`);
    console.log(`upward arrows: ${up.length}`);
    for (const x of up) console.log(`  ${x}`);
    if (unlisted.length) console.log(`files in no layer: ${unlisted.join(' ')}`);
    console.log(`files over 400 lines: ${files.length}`);
    for (const x of files) console.log(`  ${x}`);
    console.log(`functions over 80 lines: ${fns.length}`);
    for (const x of fns) console.log(`  ${x}`);
    if (process.argv.includes('--graph')) {
      for (const [from, tos] of a.edges) for (const to of tos.keys()) console.log(`  ${from} -> ${to}`);
    }
    console.log();
  }
  console.log(`total: ${circ} circles, ${ups} upward arrows, ${lf} files over 400 lines, ${lfn} functions over 80 lines (${arrows} arrows)`);
} else {
  const { test } = await import('node:test');
  const assert = await import('node:assert/strict');
  for (const a of analyses) {
    test(`${a.crate.name}: no import circle`, () => {
      const c = circles(a.edges).map((x) => x.join(' ↔ '));
      assert.deepEqual(c, [], `import circles:\n${c.join('\n')}`);
    });
    if (LAYERS[a.crate.name]) {
      test(`${a.crate.name}: every file in a layer, no arrow upward`, () => {
        const { up, unlisted } = upward(a);
        assert.deepEqual(unlisted, [], `files in no layer of LAYERS: ${unlisted.join(' ')}`);
        assert.deepEqual(up, [], `arrows from a lower layer to a higher one:\n${up.join('\n')}`);
      });
    }
  }
  // The reader itself: a circle and an upward arrow it must see.
  test('the check sees a circle and an upward arrow', () => {
    const e = new Map([['a.rs', new Map([['b.rs', [1]]])], ['b.rs', new Map([['a.rs', [2]]])], ['c.rs', new Map()]]);
    assert.deepEqual(circles(e), [['a.rs', 'b.rs']]);
    // A parent using its child is no circle; a child using its parent, and its parent
    // using it back through a sibling, is.
    assert.equal(parentToChild('x/mod.rs', 'x/a.rs'), true);
    assert.equal(parentToChild('x/mod.rs', 'x/y/mod.rs'), true);
    assert.equal(parentToChild('lib.rs', 'x/mod.rs'), true);
    assert.equal(parentToChild('lib.rs', 'a.rs'), true);
    assert.equal(parentToChild('x/mod.rs', 'x/y/a.rs'), false);
    assert.equal(parentToChild('x/a.rs', 'x/mod.rs'), false);
    const p = new Map([['x/mod.rs', new Map([['x/a.rs', [1]]])], ['x/a.rs', new Map([['x/mod.rs', [2]]])]]);
    assert.deepEqual(circles(p), []);
    p.get('x/mod.rs').set('x/b.rs', [3]);
    p.set('x/b.rs', new Map([['x/a.rs', [4]]]));
    p.get('x/a.rs').set('x/b.rs', [5]);
    assert.deepEqual(circles(p), [['x/a.rs', 'x/b.rs']]);
    const fake = { crate: { name: 'crates/server' }, files: ['store/x.rs', 'routes/y.rs'],
      edges: new Map([['store/x.rs', new Map([['routes/y.rs', [3]]])]]) };
    assert.equal(upward(fake).up.length, 1);
    assert.deepEqual(expandUse('crate::{a::B, c::{D, e::F as G}, self}'),
      [['crate', 'a', 'B'], ['crate', 'c', 'D'], ['crate', 'c', 'e', 'F'], ['crate']]);
    assert.equal(strip('let s = "crate::x"; // crate::y\n').includes('crate'), false);
  });
}
