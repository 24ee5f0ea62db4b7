// Package schemas embeds the JSON Schemas of the tools, generated from the
// Go types in package tools. Regenerate them after changing those types:
//
//	go generate ./schemas
//
// A test in internal/schemagen fails when these files and the types differ.
package schemas

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

//go:generate go run ../internal/cmd/schemagen -dir .

//go:embed *.json api/*.json
var files embed.FS

// Read returns the schema file name.
func Read(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading embedded schema %s: %w", name, err)
	}
	return b, nil
}

// API returns the schemas of the Scaleway wire types (api/*.json) by type
// name, such as "Image": the REST adapter's OpenAPI components.
func API() (map[string]json.RawMessage, error) {
	names, err := fs.Glob(files, "api/*.json")
	if err != nil {
		return nil, fmt.Errorf("listing embedded API schemas: %w", err)
	}
	out := make(map[string]json.RawMessage, len(names))
	for _, name := range names {
		b, err := Read(name)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(path.Base(name), ".json")] = b
	}
	return out, nil
}
