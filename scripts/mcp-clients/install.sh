#!/usr/bin/env bash
# Installs the official MCP clients pinned in this directory's
# package-lock.json (from the npm registry) into .cache/mcp-clients-<hash
# of the lock file>, once per lock file, copies this directory's scripts
# beside them, and prints that directory. npm's output goes to stderr.
#
#   cache=$(bash scripts/mcp-clients/install.sh)
#   node "$cache/session.mjs" ...
set -euo pipefail

clients=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$clients/../.." && pwd)

# The conformance suite's last version that runs on Node 20 is 0.1.13
# (0.1.14 and later need Node 22's fs.globSync).
node_major=$(node -p 'process.versions.node.split(".")[0]')
if (( node_major < 20 )); then
	echo "mcp-clients: Node.js 20 or later is needed, found $(node --version)" >&2
	exit 1
fi

lock_sum=$(sha256sum "$clients/package-lock.json" | cut -c1-12)
cache="$root/.cache/mcp-clients-$lock_sum"
if [[ ! -d "$cache/node_modules/@modelcontextprotocol/sdk" ]]; then
	rm -rf "$cache"
	mkdir -p "$cache"
	cp "$clients/package.json" "$clients/package-lock.json" "$cache/"
	(cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
cp "$clients"/*.mjs "$cache/"
echo "$cache"
