#!/usr/bin/env bash
# Builds the release binary and the site, as `cargo leptos build --release` does for this
# project, without cargo-leptos:
#   1. the wasm bundle: `frontend` for wasm32 with the `wasm-release` profile (in its own
#      target dir, so its features never unify with the server's)
#   2. wasm-bindgen (web target) into <site>/pkg, the wasm renamed to shanqiao.wasm
#   3. wasm-opt -Oz on it, and the JS glue minified
#   4. the stylesheet (minified) to pkg/shanqiao.css, and public/ copied to the site root
#   5. content-hashed names (pkg/shanqiao.<hash>.{js,wasm,css}, listed in <site>/hash.txt)
#      and a brotli and a gzip copy of each (`.br`, `.gz`), made once here rather than by
#      the server on every request
#   6. the server binary (release)
# The layout is what the server reads: <site>/hash.txt, <site>/pkg/shanqiao.<hash>.{js,
# wasm,css}[.br|.gz], <site>/favicon.ico.
# Both cargo builds see the LEPTOS_* settings that cargo-leptos would give them (Leptos
# reads LEPTOS_OUTPUT_NAME at compile time for the hydration script's file names).
# `--cfg erase_components` is for debug builds only, as with cargo-leptos: a release
# build does not get it, so RUSTFLAGS must not carry it here.
#
#   scripts/build.sh           site and binary
#   scripts/build.sh --site    the site only
# Expects the tools of scripts/ensure-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

only_site=false
[ "${1:-}" = "--site" ] && only_site=true

case " ${RUSTFLAGS:-} " in
  *erase_components*)
    echo "error: RUSTFLAGS carries --cfg erase_components (a debug-build setting); unset it for the release build" >&2
    exit 2 ;;
esac

site="$LEPTOS_SITE_ROOT"
pkg="$site/pkg"
front_target="$CARGO_TARGET_DIR/front"
steps=6
$only_site && steps=5
started=$SECONDS
step() {
  printf '==> [%s/%s] %s (%ds so far)\n' "$1" "$steps" "$2" "$((SECONDS - started))" >&2
}

# What [[workspace.metadata.leptos]] in Cargo.toml says, as cargo-leptos passes it on.
export LEPTOS_OUTPUT_NAME=shanqiao
export LEPTOS_SITE_ROOT="$site"
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR=127.0.0.1:3000
export LEPTOS_RELOAD_PORT=3001
export LEPTOS_LIB_DIR=frontend
export LEPTOS_BIN_DIR=server
export LEPTOS_JS_MINIFY=true
export LEPTOS_HASH_FILES=false

step 1 "building the wasm bundle (cargo build -p frontend, wasm32, profile wasm-release)"
cargo build --locked --package=frontend --lib --target-dir="$front_target" \
  --target=wasm32-unknown-unknown --profile=wasm-release

step 2 "generating the JS glue (wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'))"
rm -rf "$site"
mkdir -p "$pkg"
wasm-bindgen --target=web --no-typescript --out-name=shanqiao --out-dir="$pkg" \
  "$front_target/wasm32-unknown-unknown/wasm-release/frontend.wasm"
mv "$pkg/shanqiao_bg.wasm" "$pkg/shanqiao.wasm"

step 3 "optimising the wasm (wasm-opt -Oz) and minifying the JS glue (esbuild)"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$pkg/shanqiao.wasm" -o "$pkg/shanqiao.wasm"
esbuild "$pkg/shanqiao.js" --minify --format=esm --log-level=warning \
  --allow-overwrite --outfile="$pkg/shanqiao.js"

step 4 "the stylesheet and the public assets"
esbuild style/main.css --minify --log-level=warning --outfile="$pkg/shanqiao.css"
cp -R public/. "$site/"

step 5 "content-hashed names and brotli/gzip copies of the assets"
: >"$site/hash.txt"
for kind in js wasm css; do
  hash=$(sha256sum "$pkg/shanqiao.$kind" | cut -c1-16)
  mv "$pkg/shanqiao.$kind" "$pkg/shanqiao.$hash.$kind"
  printf '%s: %s\n' "$kind" "$hash" >>"$site/hash.txt"
done
# Node's zlib (Node is already needed for esbuild): brotli at its best quality, gzip -9.
node -e '
const zlib = require("zlib"), fs = require("fs");
for (const file of process.argv.slice(1)) {
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file + ".br", zlib.brotliCompressSync(bytes, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
  fs.writeFileSync(file + ".gz", zlib.gzipSync(bytes, { level: 9 }));
}' "$pkg"/shanqiao.*.js "$pkg"/shanqiao.*.wasm "$pkg"/shanqiao.*.css

if ! $only_site; then
  step 6 "building the server (cargo build -p shanqiao --release)"
  cargo build --locked --package=shanqiao --bin=shanqiao --release
fi

printf '==> built in %ds: %s\n' "$((SECONDS - started))" "$site" >&2
$only_site || printf '    binary: %s\n' "$CARGO_TARGET_DIR/release/shanqiao" >&2
ls -l "$pkg" | awk 'NR > 1 { printf "    pkg/%s  %s bytes\n", $9, $5 }' >&2
