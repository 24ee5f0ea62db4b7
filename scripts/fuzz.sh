#!/usr/bin/env bash
# Runs every fuzz target for a while, one at a time (go test -fuzz takes a
# single target). Usage: scripts/fuzz.sh [DURATION]   (default 5s; CI uses
# 5s, run for minutes by hand: scripts/fuzz.sh 5m). A failure leaves its
# input under testdata/fuzz/<target>/ in the package: commit it, and it
# becomes a regression seed that plain `go test` replays.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-5s}"

targets=(
  "./tools FuzzListImagesArguments"
  "./tools FuzzCreateImageArguments"
  "./tools FuzzSetImageArguments"
  "./tools FuzzGetImageArguments"
  "./tools FuzzUpdateImageArguments"
  "./tools FuzzDeleteImageArguments"
  "./rest FuzzRequest"
)
for entry in "${targets[@]}"; do
  read -r pkg target <<<"$entry"
  echo "== fuzz $pkg $target ($duration)"
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$duration" "$pkg"
done
