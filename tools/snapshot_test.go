package tools_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the tool snapshots under tools/testdata")

// TestToolSnapshots compares each tool's definition, as tools/list returns
// it, with testdata/<name>.json: a change of name, hint, description
// or schema shows up in review. Run with -update to accept a change.
func TestToolSnapshots(t *testing.T) {
	e := newEnv(t, setup{})
	listed, err := e.session.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := "testdata"
	seen := map[string]bool{}
	for _, tool := range listed.Tools {
		got, err := json.MarshalIndent(tool, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join(dir, tool.Name+".json")
		seen[filepath.Base(path)] = true
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s has no snapshot (run go test ./tools -run TestToolSnapshots -update): %v", tool.Name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s drifted from %s (run with -update if intended):\n%s", tool.Name, path, got)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if !seen[entry.Name()] {
			t.Errorf("%s is a snapshot of no tool", entry.Name())
		}
	}
}
