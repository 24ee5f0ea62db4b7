// Command schemagen writes the tools' JSON Schemas into a folder (the
// schemas package runs it through go generate).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/schemagen"
)

func main() {
	dir := flag.String("dir", ".", "folder to write the schema files into")
	flag.Parse()
	if err := write(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

// write writes every generated schema file below dir.
func write(dir string) error {
	files, err := schemagen.Generate()
	if err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
