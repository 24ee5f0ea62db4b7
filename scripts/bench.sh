#!/usr/bin/env bash
# Builds the binary and prints what starting and running it costs: cold
# start over stdio (spawn, initialize, tools/list answered) against a bare
# start of the same binary, timed with hyperfine; the size of the tools/list
# answer; and peak RSS after 10,000 tool calls. BENCHMARKS.md records one
# run and the budgets.
#
#   scripts/bench.sh            # RUNS=100 CALLS=10000 by default
#   RUNS=300 scripts/bench.sh
#
# The Go benchmarks (per-call cost, bytes per image, all-pages) are run
# separately: go test -run '^$' -bench . -benchmem ./tools/ ./scaleway/
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-100}
CALLS=${CALLS:-10000}

if ! command -v hyperfine >/dev/null; then
	echo "installing hyperfine (Debian package)..." >&2
	apt-get update -qq >&2
	apt-get install -y -qq hyperfine >&2
fi

work=$(mktemp -d)
fake_pid=
cleanup() {
	if [[ -n $fake_pid ]]; then kill "$fake_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

bin=$work/scaleway-images-mcp
driver=$work/benchdriver
go build -trimpath -o "$bin" .
go build -trimpath -o "$driver" ./internal/cmd/benchdriver

# Cold start. Both commands are the driver spawning the binary, so the
# driver's own start cancels out: "start" runs the server in the sandbox and
# waits for the tools/list answer, "bare" runs --version and waits for the
# exit. /bin/true is shown for scale.
hyperfine --shell=none --warmup 10 --runs "$RUNS" --style none \
	--export-csv "$work/start.csv" \
	-n start "$driver -bin $bin start" \
	-n bare "$driver -bin $bin bare" \
	-n true "/bin/true" >/dev/null

# median in ms of the named command, from hyperfine's CSV
# (command,mean,stddev,median,user,system,min,max; seconds).
median_ms() { awk -F, -v name="$1" '$1 == name { printf "%.2f", $4 * 1000 }' "$work/start.csv"; }
start_ms=$(median_ms start)
bare_ms=$(median_ms bare)
true_ms=$(median_ms true)
delta_ms=$(awk -v a="$start_ms" -v b="$bare_ms" 'BEGIN { printf "%.2f", a - b }')

# Peak RSS after the calls: against the binary's own fake API on loopback
# (the server a user runs: the fake is another process), and in the sandbox
# (the fake, and the request log it keeps for tests, inside the server).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" fake-api --addr "127.0.0.1:$port" 2>/dev/null &
fake_pid=$!
for _ in $(seq 50); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
	sleep 0.1
done
real_out=$("$driver" -bin "$bin" -calls "$CALLS" -api "http://127.0.0.1:$port" rss)
sandbox_out=$("$driver" -bin "$bin" -calls "$CALLS" rss)
field() { awk -v key="$2" '$1 == key { print $2 }' <<<"$1"; }
list_bytes=$(field "$real_out" tools_list_bytes)
real_mb=$(awk -v k="$(field "$real_out" peak_rss_kib)" 'BEGIN { printf "%.1f", k / 1024 }')
real_start_mb=$(awk -v k="$(field "$real_out" peak_rss_kib_before_calls)" 'BEGIN { printf "%.1f", k / 1024 }')
sandbox_mb=$(awk -v k="$(field "$sandbox_out" peak_rss_kib)" 'BEGIN { printf "%.1f", k / 1024 }')

verdict() { awk -v v="$1" -v max="$2" 'BEGIN { print (v <= max) ? "pass" : "FAIL" }'; }

echo "scaleway-images-mcp $(git describe --always --dirty 2>/dev/null || echo '?'), $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH), $(nproc) CPUs, hyperfine $(hyperfine --version | cut -d' ' -f2), $RUNS runs"
printf '%-52s %12s %12s %6s\n' "measure" "value" "budget" ""
printf '%-52s %12s %12s %6s\n' "cold start: spawn, initialize, tools/list (median)" "$start_ms ms" "" ""
printf '%-52s %12s %12s %6s\n' "bare start: the binary's --version (median)" "$bare_ms ms" "" ""
printf '%-52s %12s %12s %6s\n' "  /bin/true, for scale (median)" "$true_ms ms" "" ""
printf '%-52s %12s %12s %6s\n' "cold start above bare start" "$delta_ms ms" "<= 15 ms" "$(verdict "$delta_ms" 15)"
printf '%-52s %12s %12s %6s\n' "tools/list answer on the wire" "$list_bytes B" "<= 8192 B" "$(verdict "$list_bytes" 8192)"
printf '%-52s %12s %12s %6s\n' "peak RSS at start (after tools/list)" "$real_start_mb MB" "" ""
printf '%-52s %12s %12s %6s\n' "peak RSS after $CALLS calls (API over loopback)" "$real_mb MB" "<= 25 MB" "$(verdict "$real_mb" 25)"
printf '%-52s %12s %12s %6s\n' "peak RSS after $CALLS calls (--sandbox)" "$sandbox_mb MB" "" ""
