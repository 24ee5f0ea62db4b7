// Command docgen rewrites the generated parts of README.md.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/docgen"
)

func main() {
	path := flag.String("readme", "README.md", "the README to rewrite")
	flag.Parse()
	if err := rewrite(*path); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func rewrite(path string) error {
	readme, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	table, err := docgen.ToolsTable()
	if err != nil {
		return err
	}
	updated, err := docgen.Splice(string(readme), table)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, []byte(updated), 0o644)
}
