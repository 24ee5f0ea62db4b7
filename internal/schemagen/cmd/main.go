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
	files, err := schemagen.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(*dir, name)), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "schemagen:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(filepath.Join(*dir, name), content, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "schemagen:", err)
			os.Exit(1)
		}
	}
}
