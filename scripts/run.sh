#!/usr/bin/env bash
# Builds Shanqiao (release binary and site) and starts it on SQLite under ./data with the
# demo data. Installs missing build tools first. Extra arguments go to `shanqiao serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

started=$SECONDS
printf '==> run [1/3] build tools (installed once; see the README for times)\n' >&2
scripts/ensure-tools.sh
printf '==> run [2/3] release build (scripts/build.sh; %ds so far)\n' "$((SECONDS - started))" >&2
env -u RUSTFLAGS scripts/build.sh
printf '==> run [3/3] starting the server with the demo data (%ds after start)\n' "$((SECONDS - started))" >&2
exec "$CARGO_TARGET_DIR/release/shanqiao" serve --demo "$@"
