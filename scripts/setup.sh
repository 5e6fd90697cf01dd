#!/usr/bin/env bash
# Installs whatever the project needs and is missing; safe to run again.
# Usage: scripts/setup.sh [--for start|test]   (default: test)
#   start  what `npm start` needs: Rust's wasm target, the wasm-bindgen CLI and the
#          npm packages of the build. No browser, no wrk, no benchmark peers, no root.
#   test   all of that, plus what `npm test` and `npm run bench` need: Chromium (the
#          browser tests), Firefox ESR and WebKitGTK's WebDriver with Xvfb (the
#          Firefox and WebKit layers), brotli (size figures), wrk (the backend load figures),
#          PostgreSQL's server (the second store engine; scripts/pg.sh runs a throwaway
#          cluster of it), the benchmark-only npm packages under bench/ and Schemathesis
#          (the contract layer, scripts/test-contract.sh) in a Python venv, .tools/venv.
# Used by `npm start` (start), `npm test` and `npm run bench` (test). Prints one line
# per install it does.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

purpose=test
case "${1:-}" in
  --for) purpose=${2:-}; shift 2 || true ;;
  --for=*) purpose=${1#--for=} ;;
  "") ;;
  *) echo "setup: unknown argument $1 (use --for start|test)" >&2; exit 2 ;;
esac
case "$purpose" in start|test) ;; *) echo "setup: --for start or --for test, not '$purpose'" >&2; exit 2 ;; esac

need() { command -v "$1" >/dev/null 2>&1; }
say() { echo "setup: $*"; }

need cargo || { echo "setup: cargo is required (install Rust with rustup)" >&2; exit 1; }
need node || { echo "setup: node is required (Node 20 or later)" >&2; exit 1; }

# System packages of the tests: a browser for the browser and end-to-end tests,
# brotli for size figures, wrk for the backend load figures (the bench and its
# smoke in `npm test`). Installed with apt-get when we may (root on Debian);
# otherwise we say what is missing. Starting needs none of them.
if [ "$purpose" = test ]; then
  apt_pkgs=()
  need chromium || apt_pkgs+=(chromium)
  need brotli || apt_pkgs+=(brotli)
  need wrk || apt_pkgs+=(wrk)
  # Firefox ESR: the Firefox layer (scripts/test-engines.sh) and the bench's figures
  # (bench/firefox.mjs; its smoke runs in npm test).
  need firefox-esr || apt_pkgs+=(firefox-esr)
  # WebKit (Safari's engine): WebKitGTK's WebDriver and MiniBrowser, on an Xvfb screen
  # (the WebKit layer, scripts/test-engines.sh).
  need WebKitWebDriver || apt_pkgs+=(webkit2gtk-driver)
  need Xvfb || apt_pkgs+=(xvfb)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_pkgs+=(postgresql)
  # Python with its venv module (Debian splits it out) for Schemathesis.
  need python3 || apt_pkgs+=(python3)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || apt_pkgs+=(python3-venv)
  # Fonts of the locales' scripts (tests/browser/locales.spec.mjs measures text
  # widths and takes screenshots: without them Hindi, Thai, CJK are empty boxes).
  for f in hi:fonts-lohit-deva th:fonts-thai-tlwg ja:fonts-wqy-microhei; do
    [ -n "$(fc-list ":lang=${f%%:*}" 2>/dev/null)" ] || apt_pkgs+=("${f#*:}")
  done
  if [ ${#apt_pkgs[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && need apt-get; then
      # The package would create and start a cluster of its own: the tests only
      # ever run throwaway clusters (scripts/pg.sh), so none is created.
      if [[ " ${apt_pkgs[*]} " == *" postgresql "* ]]; then
        mkdir -p /etc/postgresql-common
        grep -qs '^create_main_cluster *= *false' /etc/postgresql-common/createcluster.conf \
          || echo 'create_main_cluster = false' >>/etc/postgresql-common/createcluster.conf
      fi
      say "installing ${apt_pkgs[*]} with apt-get"
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
    else
      echo "setup: the tests need system packages that are missing: ${apt_pkgs[*]} (apt-get install them)" >&2
      exit 1
    fi
  fi
fi

# The wasm target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# std's sources: scripts/build-sdk.sh rebuilds std for the wasm module
# (-Z build-std, smaller panics).
if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library/std" ]; then
  say "adding the rust-src component"
  rustup component add rust-src
fi

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
wb_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
wb_version=${wb_version:-0.2.130}
# Compiled once per machine and version into the user's cache (as cargo keeps
# its registry in ~/.cargo: a second clone on the machine, CI's among them,
# links it instead of compiling it again), then linked as .tools/bin/wasm-bindgen.
# PAYSESSION_TOOLS_CACHE moves that cache.
wb_have() { [ "$("$1" --version 2>/dev/null | awk '{print $2}')" = "$wb_version" ]; }
if ! wb_have "$ROOT/.tools/bin/wasm-bindgen"; then
  wb_root=${PAYSESSION_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/paysession}/wasm-bindgen-cli-$wb_version
  if ! wb_have "$wb_root/bin/wasm-bindgen"; then
    say "installing wasm-bindgen-cli $wb_version into $wb_root (two minutes, once per machine)"
    # No --locked: its lockfile names a crate version the registry here lacks.
    # --debug: compiled in 140 s instead of 347 s on two cores; it writes
    # byte-identical output, in 0.6 s per module instead of 0.1
    # (scripts/build-sdk.sh runs it five times).
    cargo install -q --debug wasm-bindgen-cli --version "$wb_version" --root "$wb_root"
  fi
  mkdir -p "$ROOT/.tools/bin"
  ln -sfn "$wb_root/bin/wasm-bindgen" "$ROOT/.tools/bin/wasm-bindgen"
  wb_have "$ROOT/.tools/bin/wasm-bindgen" || { echo "setup: $ROOT/.tools/bin/wasm-bindgen is not wasm-bindgen $wb_version" >&2; exit 1; }
fi

# npm packages (binaryen's wasm-opt, esbuild, webpack, Playwright's test runner,
# TypeScript, ...). Playwright's package downloads no browser: the tests use Debian's.
stamp=node_modules/.package-lock.json
if [ -L node_modules ]; then
  # A tree shared with another checkout (a git worktree's link): `npm ci` here
  # would empty the linked tree under everyone using it. Install it where it is.
  [ -f "$stamp" ] || { echo "setup: node_modules links to $(readlink node_modules), which has no packages: run npm ci there" >&2; exit 1; }
elif [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || { [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; }; then
  say "installing npm packages"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
  touch "$stamp"
fi

[ "$purpose" = test ] || exit 0

# Schemathesis (PyPI), pinned, in its own venv under .tools/ (the contract layer).
schemathesis_version=4.32.5
if [ "$("$ROOT/.tools/venv/bin/st" --version 2>/dev/null | awk '{print $NF}')" != "$schemathesis_version" ]; then
  say "installing schemathesis $schemathesis_version into .tools/venv"
  [ -x "$ROOT/.tools/venv/bin/pip" ] || python3 -m venv "$ROOT/.tools/venv"
  "$ROOT/.tools/venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

# The benchmark-only npm packages (the peers' drop-ins, webpack) under bench/.
stamp=bench/node_modules/.package-lock.json
if [ -L bench/node_modules ]; then
  # Shared with another checkout, as node_modules above: never `npm ci` through the link.
  [ -f "$stamp" ] || { echo "setup: bench/node_modules links to $(readlink bench/node_modules), which has no packages: run npm ci there" >&2; exit 1; }
elif [ ! -f "$stamp" ] || [ bench/package.json -nt "$stamp" ] || [ bench/package-lock.json -nt "$stamp" ]; then
  say "installing the benchmark-only npm packages (bench/)"
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi
