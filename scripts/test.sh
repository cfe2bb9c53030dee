#!/usr/bin/env bash
# The whole test suite: formatting, unit and integration tests on SQLite, the same on
# PostgreSQL when TEST_DATABASE_URL (or DATABASE_URL) names one, then the release build,
# the browser tests against it (with axe-core), and Lighthouse on the public pages. Installs missing tools first. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

started=$SECONDS
n=0
steps=8
say() { n=$((n + 1)); printf '\n==> test [%s/%s] %s (%ds so far)\n' "$n" "$steps" "$*" "$((SECONDS - started))" >&2; }

say "tools (installed when missing)"
scripts/ensure-tools.sh --browser

pg_url="${TEST_DATABASE_URL:-${DATABASE_URL:-}}"
case "$pg_url" in
  postgres://*|postgresql://*) ;;
  "") ;;
  *) echo "error: TEST_DATABASE_URL must be a postgres:// URL (got something else)" >&2; exit 2 ;;
esac

say "cargo fmt --check"
cargo fmt --all -- --check

# One pass over the sources: incremental state would only double what the test binaries
# take on disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# The same cfg cargo-leptos uses for debug builds, so that the two share artifacts.
export RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components"
test_cmd=(cargo test --locked -p migrations -p app -p shanqiao -p shanqiao-search --features app/ssr)

say "the PII guard (a pure crate: unit, corpus and property tests; no database)"
cargo test --locked -p shanqiao-pii

say "unit and integration tests on SQLite"
env -u DATABASE_URL -u TEST_DATABASE_URL "${test_cmd[@]}"

if [ -n "$pg_url" ]; then
  say "integration tests on PostgreSQL ($(printf '%s' "$pg_url" | sed -E 's#://([^:@/]+):[^@/]*@#://\1:***@#'))"
  # Databases left behind by earlier runs (each test creates its own).
  if command -v psql >/dev/null 2>&1; then
    # (A server that does not answer here fails the tests below with a clear message.)
    { psql "$pg_url" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'sq_test_%' OR datname LIKE 'sq_bench_%'" 2>/dev/null || true; } |
      while read -r db; do psql "$pg_url" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
  fi
  env -u DATABASE_URL TEST_DATABASE_URL="$pg_url" "${test_cmd[@]}"
else
  say "no TEST_DATABASE_URL: PostgreSQL tests skipped (CI always sets it)"
fi
unset RUSTFLAGS

say "release build of the binary and the site (scripts/build.sh)"
scripts/build.sh

say "browser tests (Playwright + Debian Chromium)"
export E2E_PORT="${E2E_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
export E2E_DATA_DIR="$PWD/end2end/.data/run-$$"
rm -rf end2end/.data
mkdir -p "$E2E_DATA_DIR"
(cd end2end && npx playwright test)
rm -rf end2end/.data

say "Lighthouse on the public pages (mobile, median of 3 runs; under 90 fails)"
bench/lighthouse.sh --gate 3
printf '\n==> all tests passed in %ds\n' "$((SECONDS - started))" >&2
