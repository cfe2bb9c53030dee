# Sourced by the scripts: where caches and tools live. Everything here is outside the
# checkout and only a cache: a fresh machine rebuilds it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shanqiao/target}"
export SHANQIAO_TOOLS_DIR="${SHANQIAO_TOOLS_DIR:-$HOME/.cache/shanqiao/tools}"
export PATH="$SHANQIAO_TOOLS_DIR/wasm-bindgen/bin:$SHANQIAO_TOOLS_DIR/wasm-opt/node_modules/.bin:$SHANQIAO_TOOLS_DIR/esbuild/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# scripts/build.sh writes the site (wasm, js, css) here; the server reads it from here.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
