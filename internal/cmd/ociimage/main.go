// Command ociimage writes the container image of scaleway-images-mcp, from
// binaries already built, as an OCI image layout in a tar archive: what
// `skopeo copy oci-archive:FILE`, `podman load -i FILE` and (unpacked)
// `crane push` read. It pulls no base image: each platform's one layer
// holds the static binary alone, and the binary carries its CA roots.
//
//	ociimage -o image.tar -version 1.2.3 -revision 0123abc linux/amd64=bin/amd64 linux/arm64=bin/arm64
//
// The archive is reproducible: the same binaries, flags and
// SOURCE_DATE_EPOCH (the commit's time; unset: 0) give the same bytes.
// It prints the digest of the image index, the one a registry shows.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "", "the archive to write")
	version := flag.String("version", "", "the version, for the label and the tag in the layout")
	revision := flag.String("revision", "", "the commit, for the label")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: ociimage -o FILE -version V -revision R OS/ARCH=BINARY...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || *version == "" || *revision == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	digest, err := run(*out, *version, *revision, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "ociimage:", err)
		os.Exit(1)
	}
	fmt.Println(digest)
}

// run builds the image of the binaries named by args (OS/ARCH=PATH) and
// writes it at out.
func run(out, version, revision string, args []string) (string, error) {
	created, err := sourceDateEpoch(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return "", err
	}
	s, err := newSpec(version, revision, created, args)
	if err != nil {
		return "", err
	}
	f, err := os.Create(out)
	if err != nil {
		return "", err
	}
	index, err := write(f, s)
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(out)
		return "", err
	}
	return index.Digest, nil
}

// source is the repository, for the label that registries link to.
const source = "https://github.com/scaleway-images-mcp/scaleway-images-mcp"

// newSpec is the image of the binaries named by args, with its labels.
func newSpec(version, revision string, created time.Time, args []string) (spec, error) {
	s := spec{
		created: created,
		version: version,
		labels: map[string]string{
			"org.opencontainers.image.title":    "scaleway-images-mcp",
			"org.opencontainers.image.source":   source,
			"org.opencontainers.image.version":  version,
			"org.opencontainers.image.revision": revision,
			"org.opencontainers.image.licenses": "Apache-2.0",
		},
	}
	for _, arg := range args {
		target, path, ok := strings.Cut(arg, "=")
		goos, arch, ok2 := strings.Cut(target, "/")
		if !ok || !ok2 || goos == "" || arch == "" || path == "" {
			return spec{}, fmt.Errorf("%q: want OS/ARCH=BINARY, such as linux/amd64=dist/amd64/scaleway-images-mcp", arg)
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return spec{}, err
		}
		s.binaries = append(s.binaries, binary{platform: platform{OS: goos, Architecture: arch}, content: content})
	}
	return s, nil
}

// sourceDateEpoch is the time every file and the image claim to be from:
// SOURCE_DATE_EPOCH, v here (reproducible-builds.org), else the Unix
// epoch; never the time of the build.
func sourceDateEpoch(v string) (time.Time, error) {
	if v == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	seconds, err := strconv.ParseInt(v, 10, 64)
	if err != nil || seconds < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want seconds since 1970", v)
	}
	return time.Unix(seconds, 0).UTC(), nil
}
