#!/usr/bin/env bash
# Uncached pages at speed: the release binary on the demo data (SQLite), once with the
# page cache on and once with it off, side by side in one run. Each route is a set of
# different requests drawn at random (bench/soak.lua), so that a cache holding one page
# does not decide the figure: library searches with 20 words × 3 sorts × 2 pages, every
# published need page, every fund page, and the charity portal's home signed in as the
# demo charity admin; /healthz is the yardstick. `wrk -t2 -c64 -d10s` per route.
#
#   bench/uncached.sh [--duration 10s] [--connections 64]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. bench/lib.sh

duration=10s
connections=64
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) echo "usage: bench/uncached.sh [--duration 10s] [--connections 64]" >&2; exit 2 ;;
  esac
done
bench_ensure_wrk
bin="$CARGO_TARGET_DIR/release/shanqiao"
[ -x "$bin" ] || scripts/build.sh

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start() {
  local cache="$1"
  addr="127.0.0.1:$(bench_free_port)"
  mkdir -p "$work/$cache"
  SHANQIAO_LOG=warn "$bin" serve --demo --page-cache "$cache" --bind "$addr" --data-dir "$work/$cache" \
    >"$work/$cache.log" 2>&1 &
  server=$!
  bench_wait_ready "$addr" "$work/$cache.log"
}

# The request files of each route (TSV: METHOD, PATH, COOKIE, BODY).
routes() {
  local dir="$1"
  mkdir -p "$dir"
  printf 'GET\t/healthz\t\t\n' >"$dir/healthz"
  for word in $BENCH_WORDS; do
    q=$(bench_quote "$word")
    for sort in relevance newest deadline; do
      for page in 1 2; do printf 'GET\t/needs?q=%s&sort=%s&page=%s\t\t\n' "$q" "$sort" "$page"; done
    done
  done >"$dir/library"
  for page in $(seq 10); do
    curl -fs "http://$addr/api/v1/library?sort=newest&page=$page" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("results", []):
    print("GET\t/needs/" + r["public_code"] + "\t\t")'
  done | sort -u >"$dir/need"
  curl -fs "http://$addr/funds" | grep -o 'href="/funds/[0-9]*"' | grep -o '[0-9]*' | sort -u \
    | while read -r id; do printf 'GET\t/funds/%s\t\t\n' "$id"; done >"$dir/fund"
  local cookie
  cookie=$(bench_sign_in "$addr" charity-admin@shanqiao.test)
  printf 'GET\t/charity\t%s\t\n' "$cookie" >"$dir/portal"
}

hit() {
  SOAK_FILE="$1" SOAK_ORIGIN="http://$addr" wrk -t2 -c"$connections" -d"$duration" --timeout 30s \
    -s bench/soak.lua "http://$addr/" 2>&1 | grep '^SOAK' || echo "SOAK 0 0 0 0 nan nan 0"
}

echo "| route | requests | page cache | req/s | p50 ms | p99 ms | of /healthz | non-2xx |"
echo "|---|---|---|---|---|---|---|---|"
for cache in on off; do
  start "$cache"
  routes "$work/routes-$cache"
  wrk -t2 -c"$connections" -d3s "http://$addr/" >/dev/null 2>&1   # warm up
  base=""
  for route in healthz library need fund portal; do
    file="$work/routes-$cache/$route"
    read -r _ ok redirects refused failed p50 p99 rps <<<"$(hit "$file")"
    [ -z "$base" ] && base="$rps"
    ratio=$(python3 -c "print(f'{$rps / max($base, 1) * 100:.0f} %')")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$route" "$(wc -l <"$file")" "$cache" \
      "$rps" "$p50" "$p99" "$ratio" "$((redirects + refused + failed))"
  done
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
done
