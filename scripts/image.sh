#!/usr/bin/env bash
# Builds the container image, with no Docker and no base image: static
# binaries for linux/amd64 and linux/arm64, then internal/cmd/ociimage
# writes them as an OCI image layout in a tar archive (one image index,
# one manifest and one layer per platform). Prints the archive's path and
# the image's digest, the one a registry will show.
#
#   scripts/image.sh                          # .cache/image/scaleway-images-mcp.oci.tar
#   scripts/image.sh --push REPOSITORY:TAG    # then push it with crane (log in first)
#
# The inputs are goreleaser's: VERSION (default: git describe), COMMIT
# (default: HEAD's short hash), SOURCE_DATE_EPOCH (default: HEAD's commit
# time), and the binaries are built as .goreleaser.yaml builds them. The
# same commit and the same Go give the same archive, byte for byte:
# scripts/image-test.sh builds it twice and compares.
set -euo pipefail

CRANE_VERSION=v0.22.1

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

push=
case "${1:-}" in
"") ;;
--push) push=${2:?"--push needs REPOSITORY:TAG, such as rg.fr-par.scw.cloud/NAMESPACE/scaleway-images-mcp:1.0.0"} ;;
*)
	echo "usage: scripts/image.sh [--push REPOSITORY:TAG]" >&2
	exit 2
	;;
esac

VERSION=${VERSION:-$(git describe --tags --always --dirty)}
VERSION=${VERSION#v}
COMMIT=${COMMIT:-$(git rev-parse --short HEAD)}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

out=${IMAGE_DIR:-$root/.cache/image}
rm -rf "$out"
mkdir -p "$out"
platforms=()
for arch in amd64 arm64; do
	bin=$out/linux-$arch/scaleway-images-mcp
	CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath \
		-ldflags "-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.date=$date" \
		-o "$bin" .
	platforms+=("linux/$arch=$bin")
done

archive=$out/scaleway-images-mcp.oci.tar
digest=$(go run ./internal/cmd/ociimage -o "$archive" -version "$VERSION" -revision "$COMMIT" "${platforms[@]}")
echo "$archive $digest"

if [[ -n $push ]]; then
	# crane pushes an image layout from a directory; the layout's one
	# entry, the image index, becomes the tag, with both platforms.
	mkdir "$out/layout"
	tar -xf "$archive" -C "$out/layout"
	go run "github.com/google/go-containerregistry/cmd/crane@$CRANE_VERSION" push "$out/layout" "$push"
fi
