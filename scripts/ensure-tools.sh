#!/usr/bin/env bash
# Installs what building and testing Shanqiao needs, when it is missing. Idempotent.
#   scripts/ensure-tools.sh            build tools (wasm32 target, wasm-bindgen, wasm-opt, esbuild)
#   scripts/ensure-tools.sh --browser  also Chromium (Debian package) and the end2end npm packages
# cargo-leptos is not needed: scripts/build.sh does what it does for this project. (It still
# works for `cargo leptos watch` if you install it yourself; see the README.)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

say() { printf '==> %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target (under a minute)"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly. Not --locked: its
# lockfile pins a crate version the registry lacks. Installed into the tools cache, so a
# fresh machine and CI build it once and reuse it while the cache lives.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, "", $0); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wb_version}\$"; then
  say "installing wasm-bindgen-cli ${wb_version} (compiles for about 2 minutes, once)"
  cargo install wasm-bindgen-cli --version "=${wb_version}" --force \
    --root "$SHANQIAO_TOOLS_DIR/wasm-bindgen" --target-dir "$SHANQIAO_TOOLS_DIR/wasm-bindgen/build"
  rm -rf "$SHANQIAO_TOOLS_DIR/wasm-bindgen/build"
fi

# wasm-opt from npm's binaryen 132 (Debian's binaryen 108 breaks hydration) and esbuild
# (minifies the JS glue and the stylesheet): prebuilt binaries from the npm registry.
npm_tool() { # name package version
  if ! [ -x "$SHANQIAO_TOOLS_DIR/$1/node_modules/.bin/$1" ]; then
    say "installing $1 (npm $2@$3, seconds)"
    mkdir -p "$SHANQIAO_TOOLS_DIR/$1"
    npm install --prefix "$SHANQIAO_TOOLS_DIR/$1" --no-audit --no-fund --silent "$2@$3"
  fi
}
npm_tool wasm-opt binaryen 132.0.0
npm_tool esbuild esbuild 0.28.2

if [ "${1:-}" = "--browser" ]; then
  if ! [ -x /usr/bin/chromium ]; then
    say "installing Chromium from Debian's packages (about a minute)"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium
  fi
  if ! [ -d end2end/node_modules/@playwright/test ] || ! [ -d end2end/node_modules/@axe-core/playwright ]; then
    say "installing the end2end npm packages"
    (cd end2end && npm ci --no-audit --no-fund --silent)
  fi
fi
