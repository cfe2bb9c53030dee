#!/usr/bin/env bash
# Lighthouse (mobile emulation, Debian Chromium) on the public pages of a fresh demo
# server built in release mode. Prints one line of scores per page and run.
#   bench/lighthouse.sh [runs]      (default 3 runs; needs a prior scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
runs="${1:-3}"
lh_dir="$HOME/.cache/shanqiao/lighthouse"
if ! [ -x "$lh_dir/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$lh_dir"
  npm install --prefix "$lh_dir" --no-audit --no-fund --silent lighthouse@12.2.3
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d)
"$CARGO_TARGET_DIR/release/shanqiao" serve --demo --bind "127.0.0.1:$port" --data-dir "$data" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
need=$(curl -fs "http://127.0.0.1:$port/" | grep -o '/needs/[A-Z]\{2\}-[0-9]\{4\}-[0-9]\{6\}' | head -1)
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
for run in $(seq "$runs"); do
  for path in / /needs "$need"; do
    out="$data/report.json"
    CHROME_PATH=/usr/bin/chromium "$lh_dir/node_modules/.bin/lighthouse" "http://127.0.0.1:$port$path" \
      --quiet --chrome-flags="$flags" --output=json --output-path="$out" >/dev/null 2>&1
    python3 - "$out" "$path" "$run" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
scores = " ".join(f"{k}={round(v['score'] * 100)}" for k, v in r["categories"].items())
a = r["audits"]
print(f"run {sys.argv[3]} {sys.argv[2]:24} {scores}  LCP={a['largest-contentful-paint']['displayValue']} TBT={a['total-blocking-time']['displayValue']}")
PY
  done
done
