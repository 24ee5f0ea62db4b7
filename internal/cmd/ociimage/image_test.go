package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// testSpec is an image of two small fake binaries.
func testSpec() spec {
	return spec{
		created: time.Unix(1_700_000_000, 0).UTC(),
		version: "1.2.3",
		labels:  map[string]string{"org.opencontainers.image.version": "1.2.3"},
		binaries: []binary{
			{platform: platform{OS: "linux", Architecture: "amd64"}, content: []byte("\x7fELF amd64 build")},
			{platform: platform{OS: "linux", Architecture: "arm64"}, content: []byte("\x7fELF arm64 build")},
		},
	}
}

func build(t *testing.T, s spec) ([]byte, descriptor) {
	t.Helper()
	var buf bytes.Buffer
	d, err := write(&buf, s)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), d
}

// TestWriteIsReproducible checks that the same spec gives the same bytes,
// and that each input the image is made of changes its digest.
func TestWriteIsReproducible(t *testing.T) {
	t.Parallel()
	base, baseIndex := build(t, testSpec())
	tests := []struct {
		name   string
		change func(*spec)
		same   bool
	}{
		{"the same spec again", func(*spec) {}, true},
		{"another time", func(s *spec) { s.created = s.created.Add(time.Second) }, false},
		{"another binary", func(s *spec) { s.binaries[1].content = []byte("\x7fELF arm64 build 2") }, false},
		{"another label", func(s *spec) { s.labels["org.opencontainers.image.version"] = "1.2.4" }, false},
		{"one platform", func(s *spec) { s.binaries = s.binaries[:1] }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := testSpec()
			tt.change(&s)
			archive, index := build(t, s)
			if same := bytes.Equal(archive, base) && index.Digest == baseIndex.Digest; same != tt.same {
				t.Errorf("same archive and digest: %v, want %v (digest %s, base %s)", same, tt.same, index.Digest, baseIndex.Digest)
			}
		})
	}
}

// TestImageContents reads the archive back as a registry client would:
// index.json, the image index, each platform's manifest, config and layer.
func TestImageContents(t *testing.T) {
	t.Parallel()
	s := testSpec()
	archive, imageIndex := build(t, s)
	entries := untar(t, archive)
	for name, e := range entries {
		h := e.header
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || !h.ModTime.Equal(s.created) {
			t.Errorf("%s: owner %d:%d %q, time %s; want 0:0, no name, %s", name, h.Uid, h.Gid, h.Uname, h.ModTime, s.created)
		}
		if dir, ok := strings.CutPrefix(name, "blobs/sha256/"); ok && dir != "" && digest(e.content) != "sha256:"+dir {
			t.Errorf("blob %s holds content of digest %s", name, digest(e.content))
		}
	}
	if got := string(entries["oci-layout"].content); got != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout: %s", got)
	}
	var top index
	decode(t, entries["index.json"].content, &top)
	if len(top.Manifests) != 1 || top.Manifests[0].Digest != imageIndex.Digest || top.Manifests[0].MediaType != indexType || top.Manifests[0].Annotations[refNameKey] != s.version {
		t.Fatalf("index.json: %+v; want the image index %s tagged %s", top, imageIndex.Digest, s.version)
	}
	var platforms index
	decode(t, blob(t, entries, imageIndex), &platforms)
	if len(platforms.Manifests) != len(s.binaries) {
		t.Fatalf("the image index lists %d manifests, want %d", len(platforms.Manifests), len(s.binaries))
	}

	for i, b := range s.binaries {
		t.Run(b.platform.Architecture, func(t *testing.T) {
			t.Parallel()
			m := platforms.Manifests[i]
			if m.MediaType != manifestType || m.Platform == nil || *m.Platform != b.platform {
				t.Fatalf("manifest %d: %+v; want %+v", i, m, b.platform)
			}
			var man manifest
			decode(t, blob(t, entries, m), &man)
			var cfg imageConfig
			decode(t, blob(t, entries, man.Config), &cfg)
			c := cfg.Config
			if cfg.Architecture != b.platform.Architecture || cfg.OS != "linux" || !cfg.Created.Equal(s.created) {
				t.Errorf("config for %s/%s from %s", cfg.OS, cfg.Architecture, cfg.Created)
			}
			if c.User != "65532:65532" || !slices.Equal(c.Entrypoint, []string{"/scaleway-images-mcp"}) || c.Labels["org.opencontainers.image.version"] != "1.2.3" {
				t.Errorf("user %q, entrypoint %q, labels %v", c.User, c.Entrypoint, c.Labels)
			}
			for _, want := range []string{"SCALEWAY_IMAGES_MCP_HTTP=0.0.0.0:9090", "SCALEWAY_IMAGES_MCP_REST=0.0.0.0:8080"} {
				if !slices.Contains(c.Env, want) {
					t.Errorf("env %q lacks %s", c.Env, want)
				}
			}
			for _, port := range []string{"9090/tcp", "8080/tcp"} {
				if _, ok := c.ExposedPorts[port]; !ok {
					t.Errorf("ports %v lack %s", c.ExposedPorts, port)
				}
			}
			if strings.Contains(strings.Join(c.Env, " "), "TOKEN") {
				t.Errorf("env %q holds a token; tokens are given at run time", c.Env)
			}

			if len(man.Layers) != 1 || man.Layers[0].MediaType != layerType {
				t.Fatalf("layers %+v; want one gzip layer", man.Layers)
			}
			zr, err := gzip.NewReader(bytes.NewReader(blob(t, entries, man.Layers[0])))
			if err != nil {
				t.Fatal(err)
			}
			if zr.Name != "" || !zr.ModTime.IsZero() {
				t.Errorf("gzip header names %q, time %s; want neither", zr.Name, zr.ModTime)
			}
			layer, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cfg.RootFS.DiffIDs, []string{digest(layer)}) {
				t.Errorf("diff_ids %v; the layer is %s", cfg.RootFS.DiffIDs, digest(layer))
			}
			files := untar(t, layer)
			bin, ok := files["scaleway-images-mcp"]
			if len(files) != 1 || !ok {
				t.Fatalf("layer holds %d files, want the binary alone", len(files))
			}
			if h := bin.header; h.Typeflag != tar.TypeReg || h.Mode != 0o555 || h.Uid != 0 || h.Gid != 0 || !bytes.Equal(bin.content, b.content) {
				t.Errorf("binary: type %c, mode %o, owner %d:%d, %d bytes; want a file of mode 555 owned by root, the build", h.Typeflag, h.Mode, h.Uid, h.Gid, len(bin.content))
			}
		})
	}
}

func TestNewSpec(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "scaleway-images-mcp")
	if err := os.WriteFile(bin, []byte("\x7fELF"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, arg, wantErr string
	}{
		{"platform and binary", "linux/amd64=" + bin, ""},
		{"no slash", "linux-amd64=" + bin, "want OS/ARCH=BINARY"},
		{"no binary", "linux/amd64", "want OS/ARCH=BINARY"},
		{"no arch", "linux/=" + bin, "want OS/ARCH=BINARY"},
		{"missing binary", "linux/amd64=" + bin + ".missing", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := newSpec("1.2.3", "0123abc", time.Unix(0, 0), []string{tt.arg})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v; want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s.binaries) != 1 || s.binaries[0].platform != (platform{OS: "linux", Architecture: "amd64"}) || s.labels["org.opencontainers.image.revision"] != "0123abc" || s.labels["org.opencontainers.image.licenses"] != "Apache-2.0" {
				t.Errorf("spec %+v", s)
			}
		})
	}
}

// TestSourceIsTheModule keeps the source label on the repository that
// go.mod names.
func TestSourceIsTheModule(t *testing.T) {
	t.Parallel()
	gomod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	module, _, _ := strings.Cut(strings.TrimPrefix(string(gomod), "module "), "\n")
	if source != "https://"+module {
		t.Errorf("source label %s, module %s", source, module)
	}
}

func TestSourceDateEpoch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  time.Time
		err   bool
	}{
		{"", time.Unix(0, 0), false},
		{"1700000000", time.Unix(1_700_000_000, 0), false},
		{"2023-11-14", time.Time{}, true},
		{"-1", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			got, err := sourceDateEpoch(tt.value)
			if (err != nil) != tt.err || !got.Equal(tt.want) || (!tt.err && got.Location() != time.UTC) {
				t.Errorf("sourceDateEpoch(%q) = %s, %v; want %s (UTC), error %v", tt.value, got, err, tt.want, tt.err)
			}
		})
	}
}

type entry struct {
	header  *tar.Header
	content []byte
}

func untar(t *testing.T, archive []byte) map[string]entry {
	t.Helper()
	entries := map[string]entry{}
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return entries
		}
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		entries[h.Name] = entry{h, content}
	}
}

// blob is the blob that d describes, checked against its size.
func blob(t *testing.T, entries map[string]entry, d descriptor) []byte {
	t.Helper()
	e, ok := entries["blobs/sha256/"+strings.TrimPrefix(d.Digest, "sha256:")]
	if !ok || len(e.content) != d.Size {
		t.Fatalf("no blob of %d bytes for %s", d.Size, d.Digest)
	}
	return e.content
}

func decode(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
}
