package docgen_test

import (
	"os"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/docgen"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// TestREADMEToolsTable fails when the README's tools table differs from
// the tool table: run go generate ./internal/docgen.
func TestREADMEToolsTable(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	table, err := docgen.ToolsTable()
	if err != nil {
		t.Fatal(err)
	}
	want, err := docgen.Splice(string(readme), table)
	if err != nil {
		t.Fatal(err)
	}
	if want != string(readme) {
		t.Errorf("README.md's tools table is stale: run go generate ./internal/docgen")
	}
	for _, name := range tools.Names() {
		if !strings.Contains(table, "`"+name+"`") {
			t.Errorf("the table lacks %s", name)
		}
	}
}

func TestSpliceNeedsMarkers(t *testing.T) {
	t.Parallel()
	if _, err := docgen.Splice("# no markers\n", "| t |\n"); err == nil {
		t.Errorf("Splice accepted a README without markers")
	}
	got, err := docgen.Splice("a\n"+docgen.ToolsStart+"\nold\n"+docgen.ToolsEnd+"\nb\n", "new\n")
	if err != nil || got != "a\n"+docgen.ToolsStart+"\nnew\n"+docgen.ToolsEnd+"\nb\n" {
		t.Errorf("Splice = %q, %v", got, err)
	}
}
