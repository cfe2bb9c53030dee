#!/usr/bin/env bash
# Builds Shanqiao (release) and starts it on SQLite under ./data with the demo data.
# Installs missing build tools first. Extra arguments go to `shanqiao serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

scripts/ensure-tools.sh
printf '==> building (cargo leptos build --release)\n' >&2
cargo leptos build --release
exec "$CARGO_TARGET_DIR/release/shanqiao" serve --demo "$@"
