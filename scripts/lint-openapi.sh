#!/usr/bin/env bash
# Lints the REST adapter's OpenAPI document with Spectral's OpenAPI ruleset
# (.spectral.yaml). Exits non-zero on any error-severity finding; warnings
# are printed. The linter is installed from the npm registry, pinned, into
# .cache/ (ignored by git), so repeated runs work offline.
set -euo pipefail

SPECTRAL_VERSION=6.16.3

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

cache="$root/.cache/spectral-$SPECTRAL_VERSION"
spectral="$cache/node_modules/.bin/spectral"
if [[ ! -x "$spectral" ]]; then
	mkdir -p "$cache"
	npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error \
		"@stoplight/spectral-cli@$SPECTRAL_VERSION" >&2
fi

doc=$(mktemp --suffix=.json)
trap 'rm -f "$doc"' EXIT
go run ./internal/cmd/writeopenapi "$doc"

"$spectral" lint --ruleset "$root/.spectral.yaml" --fail-severity error "$doc"
