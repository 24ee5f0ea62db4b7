// Command writeopenapi writes the REST adapter's OpenAPI document to the
// file named by its argument, for scripts/lint-openapi.sh.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
)

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: writeopenapi FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(flag.Arg(0), rest.OpenAPIDocument(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "writeopenapi:", err)
		os.Exit(1)
	}
}
