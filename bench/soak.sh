#!/usr/bin/env bash
# A soak of the release binary: mixed traffic for a long while, then the count of render
# deadlines missed (`shanqiao_render_deadline_missed_total` in /metrics) and of 5xx
# answers. The mix (bench/soak.lua draws each request at random): public pages served
# from the page cache (home, funds, transparency, charities, need and fund pages),
# library searches with varied words, filters, sorts and pages (not cached), the JSON
# library API, portal pages of a signed-in charity admin, caseworker and office admin,
# and form posts (a refused supply profile and pledge, which render their page again,
# and an unchanged office setting).
#
#   bench/soak.sh                                 20 minutes on SQLite
#   bench/soak.sh --duration 20m --connections 32 --database postgres://postgres@127.0.0.1:5432/test
#
# Prints one table row. Installs wrk when missing; builds the release binary when it is
# not built.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
. bench/lib.sh

duration=20m
connections=32
database=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    *) echo "usage: bench/soak.sh [--duration 20m] [--connections 32] [--database postgres://…]" >&2; exit 2 ;;
  esac
done
bench_ensure_wrk
bin="$CARGO_TARGET_DIR/release/shanqiao"
[ -x "$bin" ] || scripts/build.sh

work=$(mktemp -d)
server=""
pgdb=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "$pgdb" ] && psql "$database" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

label=sqlite
url=""
if [ -n "$database" ]; then
  label=postgres
  pgdb="sq_soak_$$"
  psql "$database" -qc "CREATE DATABASE $pgdb" >/dev/null
  url="${database%/*}/$pgdb"
fi
addr="127.0.0.1:$(bench_free_port)"
mkdir -p "$work/data"
DATABASE_URL="$url" SHANQIAO_LOG="${SHANQIAO_LOG:-warn}" \
  "$bin" serve --demo --bind "$addr" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server=$!
bench_wait_ready "$addr" "$work/server.log"

charity=$(bench_sign_in "$addr" charity-admin@shanqiao.test)
caseworker=$(bench_sign_in "$addr" caseworker@shanqiao.test)
office_admin=$(bench_sign_in "$addr" office-admin@shanqiao.test)
[ -n "$charity" ] && [ -n "$caseworker" ] && [ -n "$office_admin" ] || { echo "sign-in failed" >&2; exit 1; }

file="$work/requests.tsv"
get() { printf 'GET\t%s\t%s\t\n' "$1" "${2:-}"; }
post() { printf 'POST\t%s\t%s\t%s\n' "$1" "$2" "$3"; }
{
  for path in / /needs /funds /transparency /charities /open-data; do get "$path"; done
  for page in 1 2 3 4 5; do
    curl -fs "http://$addr/api/v1/library?sort=newest&page=$page" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("results", []):
    print("GET\t/needs/" + r["public_code"] + "\t\t")'
  done
  for id in $(curl -fs "http://$addr/funds" | grep -o 'href="/funds/[0-9]*"' | grep -o '[0-9]*' | sort -u); do
    get "/funds/$id"
  done
  # Library searches: every word with three sorts and two pages, some with filters.
  for word in $BENCH_WORDS; do
    q=$(bench_quote "$word")
    for sort in relevance newest deadline; do
      for page in 1 2; do
        get "/needs?q=$q&sort=$sort&page=$page"
      done
    done
    get "/needs?q=$q&type=medical"
    get "/api/v1/library?q=$q"
  done
  for path in /charity /charity/profile /charity/funds /charity/pledges /charity/alerts /account /notifications; do
    get "$path" "$charity"
  done
  for path in /office /office/needs /account; do get "$path" "$caseworker"; done
  curl -fs -H "Cookie: $caseworker" "http://$addr/office/needs" | grep -o 'href="/office/needs/[A-Z]*-[0-9]*-[0-9]*"' \
    | grep -o '/office/needs/[^"]*' | sort -u | head -20 | while read -r p; do get "$p" "$caseworker"; done
  get /office "$office_admin"
  post /charity/profile "$charity" "type_medical=on&typical_budget=abc&claim_capacity=3"
  fund=$(curl -fs "http://$addr/funds" | grep -o 'href="/funds/[0-9]*"' | grep -o '[0-9]*' | head -1)
  post "/funds/$fund/pledge" "" "preset=custom&custom_amount=1.005&display_name=x&contact=no"
  post /office/settings "$office_admin" "review_time_limit_days=7"
} >"$file"

before=$(curl -fs "http://$addr/metrics" | awk '/^shanqiao_render_deadline_missed_total/ { print $2 }')
result=$(SOAK_FILE="$file" SOAK_ORIGIN="http://$addr" wrk -t2 -c"$connections" -d"$duration" --timeout 30s \
  -s bench/soak.lua "http://$addr/" 2>&1)
after=$(curl -fs "http://$addr/metrics" | awk '/^shanqiao_render_deadline_missed_total/ { print $2 }')
line=$(printf '%s\n' "$result" | grep '^SOAK' || true)
[ -n "$line" ] || { printf '%s\n' "$result" >&2; exit 1; }
read -r _ ok redirects refused failed p50 p99 rps <<<"$line"
timeouts=$(printf '%s\n' "$result" | sed -n 's/.*timeout \([0-9]*\).*/\1/p' | head -1)
missed=$(( ${after:-0} - ${before:-0} ))
echo "| $label | $duration | $connections | $(wc -l <"$file") | $rps | $p50 | $p99 | $ok | $redirects | $refused | $failed | ${timeouts:-0} | $missed |"
echo "server log lines at warn or above: $(wc -l <"$work/server.log")" >&2
grep -i "deadline\|panic" "$work/server.log" | head -5 >&2 || true
