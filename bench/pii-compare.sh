#!/usr/bin/env bash
# The PII guard as it is in the working tree against the guard at an earlier commit, side by
# side in one process: both versions scan the corpus of `cargo bench -p shanqiao-pii` in
# alternating rounds, so machine noise hits them alike. Prints the medians and the ratio.
#
#   bench/pii-compare.sh [REV]     (REV defaults to HEAD, the last commit)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
rev="${1:-HEAD}"
here="$PWD"
work="$(mktemp -d)"
git worktree add --detach -f "$work/old" "$rev" >/dev/null 2>&1
trap 'git -C "$here" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# Two packages of one name may live in one build only with different versions.
sed -i 's/^version.workspace = true/version = "0.0.0-old"/' "$work/old/pii/Cargo.toml"
mkdir -p "$work/compare/src"
cat > "$work/compare/Cargo.toml" <<TOML
[package]
name = "pii-compare"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
pii = { package = "shanqiao-pii", path = "$here/pii" }
pii_old = { package = "shanqiao-pii", path = "$work/old/pii" }

[workspace]
TOML
cp bench/pii_compare.rs "$work/compare/src/main.rs"
sed -i "s#@THROUGHPUT@#$here/pii/benches/throughput.rs#" "$work/compare/src/main.rs"
echo "old: $(git rev-parse --short "$rev") ($rev); new: the working tree" >&2
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}/pii-compare" \
  cargo run --quiet --release --manifest-path "$work/compare/Cargo.toml"
