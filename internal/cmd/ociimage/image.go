package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// What the image runs, and as whom.
const (
	// entrypoint is where the layer puts the binary.
	entrypoint = "/scaleway-images-mcp"
	// user is a numeric user and group that own nothing in the image, so
	// the process can change no file; no /etc/passwd is needed for it.
	user = "65532:65532"
)

// env starts both listeners on every interface, at the seed's ports. The
// binary refuses to listen beyond loopback without a token, so a container
// started without SCALEWAY_IMAGES_MCP_HTTP_TOKEN and
// SCALEWAY_IMAGES_MCP_REST_TOKEN exits with that error: the tokens are
// given at run time, never baked in. An empty SCALEWAY_IMAGES_MCP_REST
// turns the REST adapter off. HOME is where a mounted scw config file is
// looked for; nothing is written there.
var env = []string{
	"HOME=/home/nonroot",
	"SCALEWAY_IMAGES_MCP_HTTP=0.0.0.0:9090",
	"SCALEWAY_IMAGES_MCP_REST=0.0.0.0:8080",
}

var exposedPorts = map[string]struct{}{"9090/tcp": {}, "8080/tcp": {}}

// Media types of the OCI image specification.
const (
	indexType    = "application/vnd.oci.image.index.v1+json"
	manifestType = "application/vnd.oci.image.manifest.v1+json"
	configType   = "application/vnd.oci.image.config.v1+json"
	layerType    = "application/vnd.oci.image.layer.v1.tar+gzip"
	refNameKey   = "org.opencontainers.image.ref.name"
)

// spec is the image to write.
type spec struct {
	// created is every timestamp of the image and its archives.
	created time.Time
	// version names the image index in index.json, as a tag.
	version  string
	labels   map[string]string
	binaries []binary
}

// binary is one platform's build of the program.
type binary struct {
	platform platform
	content  []byte
}

type platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int               `json:"size"`
	Platform    *platform         `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type index struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Manifests     []descriptor `json:"manifests"`
}

type manifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Config        descriptor   `json:"config"`
	Layers        []descriptor `json:"layers"`
}

// imageConfig is the image's configuration, with the field names of the
// OCI specification (which capitalizes those of the container's config).
type imageConfig struct {
	Created      time.Time       `json:"created"`
	Architecture string          `json:"architecture"`
	OS           string          `json:"os"`
	Config       containerConfig `json:"config"`
	RootFS       rootFS          `json:"rootfs"`
}

type containerConfig struct {
	User         string              `json:"User"`
	Env          []string            `json:"Env"`
	Entrypoint   []string            `json:"Entrypoint"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts"`
	Labels       map[string]string   `json:"Labels"`
}

type rootFS struct {
	Type    string   `json:"type"`
	DiffIDs []string `json:"diff_ids"`
}

// write writes s as an OCI image layout in a tar archive: index.json names
// one image index, which lists one manifest per platform. It returns the
// image index's descriptor.
func write(w io.Writer, s spec) (descriptor, error) {
	blobs := map[string][]byte{}
	add := func(mediaType string, data []byte) descriptor {
		d := descriptor{MediaType: mediaType, Digest: digest(data), Size: len(data)}
		blobs[d.Digest] = data
		return d
	}
	var manifests []descriptor
	for _, b := range s.binaries {
		m, err := platformImage(s, b, add)
		if err != nil {
			return descriptor{}, err
		}
		manifests = append(manifests, m)
	}
	imageIndex := add(indexType, marshal(index{SchemaVersion: 2, MediaType: indexType, Manifests: manifests}))
	named := imageIndex
	named.Annotations = map[string]string{refNameKey: s.version}

	files := []file{
		{name: "oci-layout", mode: 0o644, content: []byte(`{"imageLayoutVersion":"1.0.0"}`)},
		{name: "index.json", mode: 0o644, content: marshal(index{SchemaVersion: 2, MediaType: indexType, Manifests: []descriptor{named}})},
		{name: "blobs/", mode: 0o755},
		{name: "blobs/sha256/", mode: 0o755},
	}
	for _, d := range slices.Sorted(maps.Keys(blobs)) {
		files = append(files, file{name: "blobs/sha256/" + strings.TrimPrefix(d, "sha256:"), mode: 0o644, content: blobs[d]})
	}
	archive, err := tarball(s.created, files)
	if err != nil {
		return descriptor{}, err
	}
	_, err = w.Write(archive)
	return imageIndex, err
}

// platformImage adds one platform's layer, config and manifest with add,
// and returns the manifest's descriptor.
func platformImage(s spec, b binary, add func(mediaType string, data []byte) descriptor) (descriptor, error) {
	layer, err := tarball(s.created, []file{{name: strings.TrimPrefix(entrypoint, "/"), mode: 0o555, content: b.content}})
	if err != nil {
		return descriptor{}, err
	}
	compressed, err := gzipped(layer)
	if err != nil {
		return descriptor{}, err
	}
	cfg := imageConfig{
		Created:      s.created,
		Architecture: b.platform.Architecture,
		OS:           b.platform.OS,
		Config: containerConfig{
			User:         user,
			Env:          env,
			Entrypoint:   []string{entrypoint},
			ExposedPorts: exposedPorts,
			Labels:       s.labels,
		},
		RootFS: rootFS{Type: "layers", DiffIDs: []string{digest(layer)}},
	}
	m := manifest{
		SchemaVersion: 2,
		MediaType:     manifestType,
		Config:        add(configType, marshal(cfg)),
		Layers:        []descriptor{add(layerType, compressed)},
	}
	d := add(manifestType, marshal(m))
	d.Platform = &b.platform
	return d, nil
}

// file is an entry of a tar archive; a name ending in / is a directory.
type file struct {
	name    string
	mode    int64
	content []byte
}

// tarball is a tar archive of files in the order given, owned by root,
// all from the same time: nothing of the machine that built it.
func tarball(modTime time.Time, files []file) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: f.mode, ModTime: modTime, Format: tar.FormatUSTAR, Typeflag: tar.TypeReg, Size: int64(len(f.content))}
		if strings.HasSuffix(f.name, "/") {
			h.Typeflag = tar.TypeDir
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.content); err != nil {
			return nil, err
		}
	}
	err := tw.Close()
	return buf.Bytes(), err
}

// gzipped compresses data with no name and no time in the gzip header, so
// the same data always gives the same bytes.
func gzipped(data []byte) ([]byte, error) {
	// The default level: the best one saves 0.3% of the bytes for three
	// times the time.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	err := zw.Close()
	return buf.Bytes(), err
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// marshal encodes v, whose types all marshal (maps are written with
// sorted keys, so the bytes depend on the values alone).
func marshal(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}
