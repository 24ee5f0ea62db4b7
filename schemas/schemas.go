// Package schemas embeds the JSON Schemas of the tools, generated from the
// Go types in package tools. Regenerate them after changing those types:
//
//	go generate ./schemas
//
// A test in internal/schemagen fails when these files and the types differ.
package schemas

import (
	"embed"
	"fmt"
)

//go:generate go run ../internal/schemagen/cmd -dir .

//go:embed *.json
var files embed.FS

// Read returns the schema file name.
func Read(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading embedded schema %s: %w", name, err)
	}
	return b, nil
}
