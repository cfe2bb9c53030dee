#!/usr/bin/env bash
# Lighthouse 12.2.3 (mobile emulation, Debian Chromium) on the public pages of a fresh
# demo server built in release mode: the home, library, need, fund and transparency
# pages. Prints one line of scores per page and run, then the median of the runs per
# page and category as a Markdown table (what docs/QUALITY.md records).
#   bench/lighthouse.sh [runs]          (default 3 runs; needs a prior scripts/build.sh)
#   bench/lighthouse.sh --gate [runs]   the same, and fails when a median is under 90
#                                       (scripts/test.sh runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
gate=false
if [ "${1:-}" = "--gate" ]; then
  gate=true
  shift
fi
runs="${1:-3}"
lh_dir="$HOME/.cache/shanqiao/lighthouse"
if ! [ -x "$lh_dir/node_modules/.bin/lighthouse" ]; then
  echo "==> installing lighthouse 12.2.3 (npm, once)" >&2
  mkdir -p "$lh_dir"
  npm install --prefix "$lh_dir" --no-audit --no-fund --silent lighthouse@12.2.3
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d)
"$CARGO_TARGET_DIR/release/shanqiao" serve --demo --bind "127.0.0.1:$port" --data-dir "$data" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
need=$(curl -fs "http://127.0.0.1:$port/" | grep -o '/needs/[A-Z]\{2\}-[0-9]\{4\}-[0-9]\{6\}' | head -1)
fund=$(curl -fs "http://127.0.0.1:$port/funds" | grep -o '/funds/[0-9]\+"' | head -1 | tr -d '"')
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
results="$data/results.tsv"
: >"$results"
for run in $(seq "$runs"); do
  for path in / /needs "$need" "$fund" /transparency; do
    out="$data/report.json"
    CHROME_PATH=/usr/bin/chromium "$lh_dir/node_modules/.bin/lighthouse" "http://127.0.0.1:$port$path" \
      --quiet --chrome-flags="$flags" --output=json --output-path="$out" >/dev/null 2>&1 || true
    python3 - "$out" "$path" "$run" "$results" <<'PY'
import json, sys
out, path, run, results = sys.argv[1:5]
try:
    r = json.load(open(out))
except (OSError, ValueError):
    print(f"run {run} {path:24} lighthouse wrote no report")
    sys.exit(0)
cats = r["categories"]
scores = {k: round((v["score"] or 0) * 100) for k, v in cats.items()}
a = r["audits"]
print(f"run {run} {path:24} " + " ".join(f"{k}={v}" for k, v in scores.items())
      + f"  LCP={a['largest-contentful-paint']['displayValue']} TBT={a['total-blocking-time']['displayValue']}")
kind = path if not path.startswith(("/needs/", "/funds/")) else path.rsplit("/", 1)[0] + "/{…}"
with open(results, "a") as f:
    for k, v in scores.items():
        f.write(f"{kind}\t{k}\t{v}\n")
PY
  done
done
python3 - "$results" "$runs" "$gate" <<'PY'
import statistics, sys
from collections import defaultdict
results, runs, gate = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "true"
scores = defaultdict(list)
pages = []
for line in open(results):
    page, cat, v = line.rstrip("\n").split("\t")
    scores[(page, cat)].append(int(v))
    if page not in pages:
        pages.append(page)
cats = ["performance", "accessibility", "best-practices", "seo"]
print(f"\nmedian of {runs} runs (mobile):\n")
print("| page | performance | accessibility | best practices | SEO |")
print("|---|---|---|---|---|")
low = []
for p in pages:
    cells = []
    for c in cats:
        vals = scores.get((p, c), [])
        if len(vals) < runs:
            vals = vals + [0] * (runs - len(vals))  # a run without a report counts as 0
        m = statistics.median(vals)
        cells.append(f"{m:g}")
        if m < 90:
            low.append(f"{p} {c} {m:g}")
    print(f"| `{p}` | " + " | ".join(cells) + " |")
if gate and (low or not pages):
    print("\nerror: Lighthouse medians under 90: " + (", ".join(low) or "no report at all"), file=sys.stderr)
    sys.exit(1)
PY
