#!/usr/bin/env bash
# Runs every fuzz target for a while, one at a time (go test -fuzz takes a
# single target). Usage: scripts/fuzz.sh [BUDGET], a -fuzztime value:
# an execution count such as 10000x (the default, and what CI uses) or a
# duration for long runs by hand (scripts/fuzz.sh 5m). CI counts
# executions because Go 1.26's fuzz coordinator can report a spurious
# "context deadline exceeded" when a duration ends while a worker is busy
# (golang/go#75804, fixed in Go 1.27); a count has no deadline to race.
# A failure leaves its input under testdata/fuzz/<target>/ in the package:
# commit it, and it becomes a regression seed that plain `go test` replays.
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-10000x}"

targets=(
  "./tools FuzzListImagesArguments"
  "./tools FuzzCreateImageArguments"
  "./tools FuzzSetImageArguments"
  "./tools FuzzGetImageArguments"
  "./tools FuzzUpdateImageArguments"
  "./tools FuzzDeleteImageArguments"
  "./tools FuzzListSnapshotsArguments"
  "./rest FuzzRequest"
  "./stdio FuzzFrame"
  "./stdio FuzzSession"
)
for entry in "${targets[@]}"; do
  read -r pkg target <<<"$entry"
  echo "== fuzz $pkg $target ($budget)"
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$budget" "$pkg"
done
