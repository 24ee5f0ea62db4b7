#!/usr/bin/env bash
# Tests the container image, for CI:
#
# 1. builds it twice with scripts/image.sh and fails unless both archives
#    are the same bytes (so the same digest);
# 2. runs its linux/amd64 image under runc, the OCI runtime from Debian's
#    packages (installed here, with jq and curl, when missing), as a
#    platform would: the layers unpacked into a read-only root, the
#    config's entrypoint, env and user (65532), no capabilities, a network
#    namespace of its own. Without the tokens it must refuse to start;
#    then the tokens and --sandbox (so no Scaleway key is needed) are given
#    as environment variables, as a platform gives secrets;
# 3. inside its network namespace: GET /healthz on both ports, an MCP
#    initialize with the token (and 401 without), a REST list of images
#    with its token (and 401 without);
# 4. stops it with SIGTERM, as Kubernetes does, and fails unless it exits
#    with status 0.
#
# It runs as root (runc and nsenter need it). Podman from Debian was tried
# first and fails on these machines: it raises the container's open-files
# limit above what the sandbox allows.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [[ $EUID -ne 0 ]]; then
	echo "image-test: run as root: runc and nsenter need it" >&2
	exit 1
fi
if ! command -v runc >/dev/null || ! command -v jq >/dev/null || ! command -v curl >/dev/null; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq runc jq curl >/dev/null
fi

work=$(mktemp -d)
id=scaleway-images-mcp-test-$$
cleanup() {
	runc delete --force "$id" >/dev/null 2>&1 || true
	runc delete --force "$id-no-tokens" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# 1. Twice, into two directories, so that the second build links anew.
digests=()
for build in first second; do
	start=$(now_ms)
	built=$(IMAGE_DIR=$work/$build bash scripts/image.sh)
	read -r archive digest <<<"$built"
	echo "image: $build build (binaries and archive) in $(($(now_ms) - start)) ms: $digest"
	digests+=("$digest")
done
if ! cmp -s "$work/first/scaleway-images-mcp.oci.tar" "$archive" || [[ ${digests[0]} != "${digests[1]}" ]]; then
	echo "image-test: two builds of the same commit differ: ${digests[*]}" >&2
	exit 1
fi

layout=$work/layout
mkdir "$layout"
tar -xf "$archive" -C "$layout"
# blob prints the path of a blob, after checking its digest.
blob() {
	local path=$layout/blobs/sha256/${1#sha256:}
	echo "${1#sha256:}  $path" | sha256sum --check --quiet >&2
	echo "$path"
}
index=$(blob "$(jq -r '.manifests[0].digest' "$layout/index.json")")
manifest=$(blob "$(jq -r '.manifests[] | select(.platform == {architecture: "amd64", os: "linux"}) | .digest' "$index")")
config=$(blob "$(jq -r .config.digest "$manifest")")
sizes=$(jq -r '[.manifests[].digest] | .[]' "$index" | while read -r m; do
	jq -r '.layers[0].size' "$(blob "$m")"
done | paste -sd/)
echo "image: archive $(stat -c %s "$archive") bytes; layers (amd64/arm64, gzip) $sizes bytes"

# 2. The runtime bundle: the layers, and runc's default config changed to
# the image's.
bundle=$work/bundle
mkdir -p "$bundle/rootfs"
for layer in $(jq -r '.layers[].digest' "$manifest"); do
	tar -xzf "$(blob "$layer")" -C "$bundle/rootfs"
done
# The CA roots are in the binary, since the image has no other file.
go version -m "$bundle/rootfs/scaleway-images-mcp" | grep -q 'golang.org/x/crypto/x509roots/fallback' || {
	echo "image-test: the image's binary lacks the fallback CA roots" >&2
	exit 1
}
(cd "$bundle" && runc spec)
jq --slurpfile image "$config" '
	$image[0].config as $c
	| .process.terminal = false
	| .process.args = $c.Entrypoint + ($c.Cmd // [])
	| .process.env = $c.Env
	| .process.user = ($c.User | split(":") | {uid: (.[0] | tonumber), gid: (.[1] | tonumber)})
	| .process.capabilities = {bounding: [], effective: [], permitted: [], ambient: []}
	| .root.readonly = true
	| .hostname = "scaleway-images-mcp"
	' "$bundle/config.json" >"$work/image.json"

# Without its tokens, the image must refuse to start.
mkdir "$work/no-tokens"
jq --arg root "$bundle/rootfs" '.root.path = $root' "$work/image.json" >"$work/no-tokens/config.json"
code=0
timeout 10 runc run --bundle "$work/no-tokens" "$id-no-tokens" </dev/null >"$work/no-tokens.log" 2>&1 || code=$?
if [[ $code == 0 ]] || ! grep -q 'set a bearer token to listen beyond loopback' "$work/no-tokens.log"; then
	echo "image-test: without its tokens the image did not refuse to start (status $code):" >&2
	cat "$work/no-tokens.log" >&2
	exit 1
fi
echo "image: without its tokens it refuses to start: $(paste -sd" " "$work/no-tokens.log")"

# With them, as a platform gives secrets, and the sandbox: no Scaleway key.
http_token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
rest_token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
jq --arg env1 "SCALEWAY_IMAGES_MCP_HTTP_TOKEN=$http_token" \
	--arg env2 "SCALEWAY_IMAGES_MCP_REST_TOKEN=$rest_token" \
	--arg env3 "SCALEWAY_IMAGES_MCP_SANDBOX=true" \
	'.process.env += [$env1, $env2, $env3]' "$work/image.json" >"$bundle/config.json"

start=$(now_ms)
runc run --bundle "$bundle" "$id" </dev/null >"$work/log" 2>&1 &
runner=$!
fail() {
	echo "image-test: $*" >&2
	echo "--- the container's log:" >&2
	cat "$work/log" >&2
	exit 1
}
pid=
for _ in $(seq 200); do
	pid=$(runc state "$id" 2>/dev/null | jq -r 'select(.status == "running") | .pid') || true
	[[ -n $pid ]] && break
	sleep 0.02
done
[[ -n $pid ]] || fail "runc did not start the container"
inside() { nsenter --target "$pid" --net -- "$@"; }
healthy=
for _ in $(seq 500); do
	inside curl -fsS -o /dev/null http://127.0.0.1:9090/healthz 2>/dev/null && healthy=yes && break
	kill -0 "$runner" 2>/dev/null || fail "the container exited"
	sleep 0.01
done
[[ -n $healthy ]] || fail "GET /healthz did not answer within 5 s"
echo "image: started under runc; /healthz answered $(($(now_ms) - start)) ms after runc run"

# 3. What the image runs, as whom, and what it answers.
uid=$(awk '/^Uid:/ { print $2 }' /proc/"$pid"/status)
[[ $uid == 65532 ]] || fail "the process runs as uid $uid, not 65532"
[[ $(awk '$5 == "/" { split($6, o, ","); print o[1] }' /proc/"$pid"/mountinfo) == ro ]] || fail "the root file system is not read-only"
for port in 9090 8080; do
	[[ $(inside curl -fsS "http://127.0.0.1:$port/healthz") == '{"status":"ok"}' ]] || fail "GET /healthz on :$port"
done
status() { inside curl -s -o /dev/null -w '%{http_code}' "$@"; }
initialize='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"image-test","version":"0"}}}'
mcp=(-X POST http://127.0.0.1:9090/mcp -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -d "$initialize")
[[ $(status "${mcp[@]}") == 401 ]] || fail "an MCP request without the token was not refused with 401"
inside curl -fsS "${mcp[@]}" -H "Authorization: Bearer $http_token" | jq -e '.result.serverInfo.name == "scaleway-images-mcp"' >/dev/null ||
	fail "MCP initialize"
images=http://127.0.0.1:8080/v1/instance/v1/zones/fr-par-1/images
[[ $(status "$images") == 401 ]] || fail "a REST request without the token was not refused with 401"
inside curl -fsS "$images" -H "Authorization: Bearer $rest_token" | jq -e '.images | length > 0' >/dev/null ||
	fail "REST list of images"
echo "image: uid 65532, read-only root; /healthz, MCP initialize and a REST list answered, 401 without the tokens;" \
	"peak RSS $(awk '/^VmHWM:/ { print $2, $3 }' /proc/"$pid"/status)"

# 4. SIGTERM ends it, with status 0.
start=$(now_ms)
runc kill "$id" TERM
code=0
wait "$runner" || code=$?
[[ $code == 0 ]] || fail "after SIGTERM the container exited with status $code"
echo "image: SIGTERM: exit status 0 after $(($(now_ms) - start)) ms; its log:"
sed "s/^/  /" "$work/log"
