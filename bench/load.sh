#!/usr/bin/env bash
# The public site under load: the release binary, started here on a fresh data directory
# with the demo data (and then with N synthetic published needs on top, loaded with the
# search benchmark's generator), on SQLite and, when TEST_DATABASE_URL is set, on
# PostgreSQL. Each route gets `wrk -t2 -c64 -d10s` in turn, in the same run as /healthz,
# asking for compressed answers as browsers do (`Accept-Encoding: gzip, deflate, br`);
# the table gives req/s, p50 and p99, and the ratio to /healthz. The server's resident
# memory is sampled every 100 ms through the whole run (peak reported).
#
#   bench/load.sh                       demo data and 100,000 needs, SQLite (+ PostgreSQL)
#   bench/load.sh --needs 0             demo data only
#   bench/load.sh --duration 5s --connections 64 --needs 100000
#   SHANQIAO_PAGE_CACHE=off bench/load.sh --needs 0   every page rendered (no page cache)
#
# Installs wrk from Debian's packages when missing; builds the release binary and the
# site (scripts/build.sh) and the loader (search-bench) when they are not built yet.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. bench/lib.sh

needs=100000
duration=10s
connections=64
while [ $# -gt 0 ]; do
  case "$1" in
    --needs) needs="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) echo "usage: bench/load.sh [--needs N] [--duration 10s] [--connections 64]" >&2; exit 2 ;;
  esac
done

bench_ensure_wrk
bin="$CARGO_TARGET_DIR/release/shanqiao"
loader="$CARGO_TARGET_DIR/release/search-bench"
[ -x "$bin" ] || scripts/build.sh
if [ "$needs" -gt 0 ] && ! [ -x "$loader" ]; then
  cargo build --locked --release -p shanqiao-bench
fi

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Starts the server on the given database ("" = SQLite in the data dir) and waits until
# it answers and its search index has applied the whole outbox.
start() {
  local url="$1" data="$2"
  addr="127.0.0.1:$(bench_free_port)"
  DATABASE_URL="$url" SHANQIAO_LOG="${SHANQIAO_LOG:-warn}" \
    "$bin" serve --demo --bind "$addr" --data-dir "$data" >"$data.log" 2>&1 &
  server=$!
  for _ in $(seq 600); do
    if curl -fs "http://$addr/healthz" 2>/dev/null | grep -q '^search_index_lag 0$'; then
      return 0
    fi
    sleep 0.2
  done
  echo "the server did not come up (log: $data.log)" >&2
  cat "$data.log" >&2
  exit 1
}

stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}

# wrk's summary of one route: req/s, p50 and p99 in ms. A route `@FILE` requests the
# paths listed in FILE in turn (bench/rotate.lua).
hit() {
  local path="$1" script=()
  if [ "${path#@}" != "$path" ]; then
    export PATHS_FILE="${path#@}"
    script=(-s bench/rotate.lua)
    path=/
  fi
  wrk -t2 -c"$connections" -d"$duration" --latency -H "Accept-Encoding: gzip, deflate, br" \
    "${script[@]}" "http://$addr$path" 2>&1 | python3 -c '
import re, sys
text = sys.stdin.read()
def ms(label):
    m = re.search(r"^\s*" + str(label) + r"%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
print(f"{float(rps.group(1)) if rps else 0:.0f} {ms(50):.2f} {ms(99):.2f} {non2xx.group(1) if non2xx else 0} {1 if errors else 0}")
'
}

# Peak resident memory of the server process, sampled every 100 ms, into $1.
sample_rss() {
  local pid="$1" out="$2"
  echo 0 >"$out"
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$(cat "$out")" ] && echo "$rss" >"$out"
    sleep 0.1
  done
}

run() {
  local label="$1" url="$2" count="$3"
  local data="$work/data-$label-$count"
  mkdir -p "$data"
  start "$url" "$data"
  if [ "$count" -gt 0 ]; then
    local load_url="$url"
    [ -z "$load_url" ] && load_url="sqlite://$data/shanqiao.db?mode=rwc"
    "$loader" load --count "$count" --database-url "$load_url" >/dev/null 2>&1
    # Wait for this server's indexer to apply the loaded needs.
    for _ in $(seq 1200); do
      curl -fs "http://$addr/healthz" | grep -q '^search_index_lag 0$' && break
      sleep 0.25
    done
  fi
  local home need css region
  home=$(curl -fs "http://$addr/")
  need=$(printf '%s' "$home" | grep -o '/needs/[A-Z]\{2\}-[0-9]\{4\}-[0-9]\{6,7\}' | head -1)
  css=$(printf '%s' "$home" | grep -o '/pkg/shanqiao[.a-zA-Z0-9_-]*\.css' | head -1)
  region=$(curl -fs "http://$addr/api/v1/library?q=%E5%8C%BB%E7%96%97" | python3 -c '
import json, sys
d = json.load(sys.stdin)
regions = d.get("facets", {}).get("region", [])
print(regions[0]["value"] if regions else "")' 2>/dev/null || true)
  # 1,000 different need pages (50 pages of library results), visited in turn.
  local many="$work/needs-$label-$count.txt"
  for page in $(seq 50); do
    curl -fs "http://$addr/api/v1/library?sort=newest&page=$page" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("results", []):
    print("/needs/" + r["public_code"])'
  done >"$many"
  local routes=(
    "/healthz"
    "$css"
    "/"
    "/needs"
    "/needs?q=%E5%8C%BB%E7%96%97"
    "/needs?q=%E8%BD%AE%E6%A4%85&type=medical&region=$region&sort=newest"
    "$need"
    "@$many"
    "/funds"
  )
  local rss_file="$work/rss-$label-$count"
  sample_rss "$server" "$rss_file" &
  sampler=$!
  local base=""
  for path in "${routes[@]}"; do
    read -r rps p50 p99 bad errs <<<"$(hit "$path")"
    [ -z "$base" ] && base="$rps"
    ratio=$(python3 -c "print(f'{$rps / max($base, 1) * 100:.0f} %')")
    note=""
    [ "$bad" != "0" ] && note="$bad non-2xx"
    shown="$path"
    [ "${path#@}" != "$path" ] && shown="/needs/{code}, $(wc -l <"${path#@}") codes in turn"
    printf '| %s | %s | %s | `%s` | %s | %s | %s | %s | %s |\n' \
      "$label" "$count" "$connections" "$shown" "$rps" "$p50" "$p99" "$ratio" "$note"
  done
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  sampler=""
  printf '| %s | %s | | peak resident memory | | | | | %s MiB |\n' "$label" "$count" "$(( $(cat "$rss_file") / 1024 ))"
  stop
}

echo "| database | extra needs | connections | route | req/s | p50 ms | p99 ms | of /healthz | |"
echo "|---|---|---|---|---|---|---|---|---|"
sets=(0)
[ "$needs" -gt 0 ] && sets+=("$needs")
for count in "${sets[@]}"; do
  run sqlite "" "$count"
done
pg="${TEST_DATABASE_URL:-}"
if [ -n "$pg" ]; then
  for count in "${sets[@]}"; do
    db="sq_load_$$_$count"
    psql "$pg" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
    psql "$pg" -qc "CREATE DATABASE $db" >/dev/null
    run postgres "${pg%/*}/$db" "$count"
    psql "$pg" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  done
fi
