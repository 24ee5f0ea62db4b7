// Package schemagen generates the JSON Schemas of the tools' inputs and
// outputs from their Go types with invopop/jsonschema. It runs at
// development time only (go generate); the binary embeds the result, so
// start-up does no reflection.
package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// Generate returns every schema file, by file name.
func Generate() (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, st := range tools.SchemaTypes() {
		input := reflectSchema(st.Input)
		decorateInput(input, st.Name)
		output := reflectSchema(st.Output)
		for name, schema := range map[string]*jsonschema.Schema{
			tools.InputSchemaFile(st.Name):  input,
			tools.OutputSchemaFile(st.Name): output,
		} {
			encoded, err := encode(schema)
			if err != nil {
				return nil, fmt.Errorf("encoding %s: %w", name, err)
			}
			files[name] = encoded
		}
	}
	return files, nil
}

func reflectSchema(v any) *jsonschema.Schema {
	r := &jsonschema.Reflector{
		ExpandedStruct: true,
		DoNotReference: true,
		Anonymous:      true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t == reflect.TypeFor[scaleway.Timestamp]() {
				return &jsonschema.Schema{Type: "string", Format: "date-time"}
			}
			return nil
		},
	}
	s := r.Reflect(v)
	// The draft is implied by MCP (2020-12); leaving $schema out saves
	// bytes in every tools/list answer.
	s.Version = ""
	return s
}

// decorateInput adds the rules that depend on a field's name, taking them
// from package scaleway so they are written once.
func decorateInput(s *jsonschema.Schema, tool string) {
	if s.Properties == nil {
		return
	}
	for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
		name, prop := pair.Key, pair.Value
		switch name {
		case "zone":
			zones := toAny(scaleway.ZoneNames())
			if tool == tools.ListImagesTool {
				zones = append(zones, tools.AllZones)
			}
			prop.Enum = zones
		case "arch":
			prop.Enum = toAny(archNames())
		case "organization", "project", "root_volume", "id", "image_id":
			prop.Pattern = scaleway.UUIDPattern
		case "extra_volumes":
			prop.Items.Pattern = scaleway.UUIDPattern
			prop.MaxItems = ptr(uint64(scaleway.MaxExtraVolumes))
		case "tags":
			prop.Items.MinLength = ptr(uint64(1))
			prop.Items.MaxLength = ptr(uint64(scaleway.MaxTagLength))
			prop.MaxItems = ptr(uint64(scaleway.MaxTags))
		case "name":
			prop.MaxLength = ptr(uint64(scaleway.MaxNameLength))
		}
	}
}

func archNames() []string {
	names := make([]string, len(scaleway.Arches))
	for i, a := range scaleway.Arches {
		names[i] = string(a)
	}
	return names
}

func toAny(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// encode writes compact JSON: the schemas travel in every tools/list
// answer, where each byte costs model context.
func encode(s *jsonschema.Schema) ([]byte, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Compact(&out, raw); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
