#!/usr/bin/env bash
# Installs what building and testing Shanqiao needs, when it is missing. Idempotent.
#   scripts/ensure-tools.sh            build tools (wasm32 target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/ensure-tools.sh --browser  also Chromium (Debian package) and the end2end npm packages
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

say() { printf '==> %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.10: 0.3.11 needs a newer rustc than this toolchain.
if ! cargo leptos --version 2>/dev/null | grep -q ' 0\.3\.10'; then
  say "installing cargo-leptos 0.3.10 (about 11 minutes, once)"
  cargo install cargo-leptos --version 0.3.10 --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly; without it
# cargo-leptos would try to download it from GitHub. Not --locked: its lockfile pins a
# crate version the registry lacks.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, "", $0); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wb_version}\$"; then
  say "installing wasm-bindgen-cli ${wb_version}"
  cargo install wasm-bindgen-cli --version "=${wb_version}" --force
fi

# wasm-opt from npm's binaryen 132 (Debian's binaryen 108 breaks hydration).
if ! [ -x "$SHANQIAO_TOOLS_DIR/binaryen/node_modules/.bin/wasm-opt" ]; then
  say "installing wasm-opt (npm binaryen@132)"
  mkdir -p "$SHANQIAO_TOOLS_DIR/binaryen"
  npm install --prefix "$SHANQIAO_TOOLS_DIR/binaryen" --no-audit --no-fund --silent binaryen@132.0.0
fi

if [ "${1:-}" = "--browser" ]; then
  if ! [ -x /usr/bin/chromium ]; then
    say "installing Chromium from Debian's packages"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium
  fi
  if ! [ -d end2end/node_modules/@playwright/test ]; then
    say "installing the end2end npm packages"
    (cd end2end && npm ci --no-audit --no-fund --silent)
  fi
fi
