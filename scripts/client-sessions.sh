#!/usr/bin/env bash
# Runs the server under official MCP clients, from the npm registry,
# pinned in scripts/mcp-clients/package-lock.json and installed into .cache/:
#
#   1. a full session (scripts/mcp-clients/session.mjs) with the TypeScript
#      SDK's client: over HTTP and over stdio against the fake API keeping new
#      images "creating" for 5 s, so that the wait sends progress; over HTTP
#      against the sandbox;
#   2. prompts, argument completion and questions to the user
#      (scripts/mcp-clients/features.mjs): over stdio, questions answered
#      each way; over HTTP, the one-round-trip fallback;
#   3. the MCP conformance suite's server scenarios over HTTP, with the
#      baseline scripts/mcp-clients/conformance-baseline.yaml (scenarios that
#      need the suite's own fixture tools, prompts and resources).
#
# The transcripts go to stdout; with --transcript FILE the HTTP session
# against the fake API is also written to FILE.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
transcript=""
if [[ "${1:-}" == "--transcript" ]]; then transcript=$2; fi

cache=$(bash "$root/scripts/mcp-clients/install.sh")

work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/scaleway-images-mcp" .
bin="$work/scaleway-images-mcp"

# started LOG PATTERN waits (up to 10 s) for a process to log the address
# it listens on, and prints the first match of PATTERN in its log.
started() {
	for _ in $(seq 100); do
		if match=$(grep -o -m1 -E "$2" "$1"); then
			echo "$match"
			return
		fi
		sleep 0.1
	done
	echo "client-sessions: no address in $1:" >&2
	cat "$1" >&2
	exit 1
}

"$bin" fake-api --addr 127.0.0.1:0 --creating 5s >"$work/fake.log" 2>&1 &
pids+=($!)
fake_url=$(started "$work/fake.log" 'http://127\.0\.0\.1:[0-9]+')

export SCW_API_URL="$fake_url" SCW_SECRET_KEY=5a4db0c5-0000-4000-8000-000000000000 \
	SCW_DEFAULT_PROJECT_ID=22222222-2222-4222-8222-222222222222 SCW_DEFAULT_ZONE=fr-par-1

"$bin" --http 127.0.0.1:0 --log-level info >"$work/http.log" 2>&1 &
pids+=($!)
http_addr=$(started "$work/http.log" '"addr":"[^"]+"' | cut -d'"' -f4)

"$bin" --sandbox --http 127.0.0.1:0 --log-level info >"$work/sandbox.log" 2>&1 &
pids+=($!)
sandbox_addr=$(started "$work/sandbox.log" '"addr":"[^"]+"' | cut -d'"' -f4)

echo "== TypeScript client over HTTP, fake API (images creating for 5 s)"
node "$cache/session.mjs" http "http://$http_addr/mcp" --progress | tee "$work/transcript.txt"
if [[ -n "$transcript" ]]; then cp "$work/transcript.txt" "$transcript"; fi

echo; echo "== TypeScript client over stdio, fake API (images creating for 5 s)"
node "$cache/session.mjs" stdio "$bin" --log-level warn --progress

echo; echo "== TypeScript client over HTTP, sandbox"
node "$cache/session.mjs" http "http://$sandbox_addr/mcp"

echo; echo "== TypeScript client over stdio, sandbox --confirm-deletes: prompts, completion, questions accepted, declined, dismissed"
node "$cache/features.mjs" stdio "$bin" --sandbox --confirm-deletes --log-level warn

echo; echo "== TypeScript client over HTTP, sandbox: prompts, completion, and no question over stateless HTTP"
node "$cache/features.mjs" http "http://$sandbox_addr/mcp"

echo; echo "== MCP conformance suite (server scenarios) over HTTP, sandbox"
# The summary when it passes; every scenario's log when it does not.
if (cd "$cache" && npx --no-install conformance server --url "http://$sandbox_addr/mcp" \
	--expected-failures "$root/scripts/mcp-clients/conformance-baseline.yaml") >"$work/conformance.log" 2>&1; then
	sed 's/\x1b\[[0-9;]*m//g' "$work/conformance.log" | sed -n '/=== SUMMARY ===/,/^Total:/p; /Baseline check/p'
else
	sed 's/\x1b\[[0-9;]*m//g' "$work/conformance.log"
	exit 1
fi
