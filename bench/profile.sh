#!/usr/bin/env bash
# Where a public page's time goes: the `profiling` build (release with line tables and
# frame pointers) serving the demo data, `wrk` on one route, and `perf` sampling the
# server meanwhile; prints the hottest functions (self time) and writes perf.data.
#
#   bench/profile.sh [PATH] [--no-cache]     e.g. bench/profile.sh / --no-cache
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
path="${1:-/}"
cache=on
[ "${2:-}" = "--no-cache" ] && cache=off
command -v perf >/dev/null || { echo "perf is needed (Debian: linux-perf)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is needed (Debian: wrk)" >&2; exit 2; }
[ -f "$LEPTOS_SITE_ROOT/hash.txt" ] || scripts/build.sh --site
RUSTFLAGS="-C force-frame-pointers=yes" LEPTOS_OUTPUT_NAME=shanqiao \
  cargo build --locked --profile profiling -p shanqiao --bin shanqiao
bin="$CARGO_TARGET_DIR/profiling/shanqiao"
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SHANQIAO_LOG=warn "$bin" serve --demo --page-cache "$cache" --bind "127.0.0.1:$port" --data-dir "$data" >"$data/log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/healthz" | grep -q '^search_index_lag 0$' && break; sleep 0.2; done
wrk -t2 -c64 -d3s "http://127.0.0.1:$port$path" >/dev/null   # warm up
perf record -F 999 --call-graph fp -p "$server" -o perf.data -- sleep 8 >/dev/null 2>&1 &
recorder=$!
wrk -t2 -c64 -d8s --latency "http://127.0.0.1:$port$path" | grep -E "Requests/sec|99%"
wait "$recorder" || true
perf report -i perf.data --no-children --sort symbol --stdio -g none --percent-limit 0.8 2>/dev/null |
  grep -v '^#' | grep -v '^$' | sed 's/ \{3,\}/  /g' | cut -c1-140 | head -40
