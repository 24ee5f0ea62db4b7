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

// The schemas travel in every tools/list answer, which a client puts into
// the model's context at the start of every session: each byte costs. So
// they keep what changes what a model sends or how it reads a result
// (types, enums, id patterns, bounds, required fields, a few words where a
// name is not enough) and leave out what does not:
//
//   - additionalProperties:false on inputs only (28 bytes each): the
//     handlers refuse unknown arguments anyway, but a client or approval
//     screen that checks arguments against the schema then refuses them
//     too, rather than show arguments that will not run; output objects
//     are the server's own;
//   - outputs type their top-level fields only; an image inside a result
//     is the API's object, typed "object" (its fields are the API's, and
//     the result shows them);
//   - ids are "format":"uuid" (15 bytes), not the 52-byte pattern: a
//     model knows what a UUID is, the handlers refuse a malformed id
//     naming the field, and the bytes saved pay for a description on
//     every parameter.

// Generate returns every schema file, by file name.
func Generate() (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, st := range tools.SchemaTypes() {
		input := reflectSchema(st.Input)
		decorateInput(input, st.AllZones)
		output := reflectSchema(st.Output)
		decorateOutput(output)
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
	if err := generateAPI(files); err != nil {
		return nil, err
	}
	return files, nil
}

func reflectSchema(v any) *jsonschema.Schema {
	r := &jsonschema.Reflector{
		ExpandedStruct:            true,
		DoNotReference:            true,
		Anonymous:                 true,
		AllowAdditionalProperties: true,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch t {
			case reflect.TypeFor[scaleway.Timestamp]():
				return &jsonschema.Schema{Type: "string", Format: "date-time"}
			case reflect.TypeFor[scaleway.Image]():
				return &jsonschema.Schema{Type: "object"}
			case reflect.TypeFor[tools.ImageItem]():
				// A compact row (array) or, when verbose, an image
				// object: the field's description says which.
				return &jsonschema.Schema{}
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

// decorateOutput keeps the top level of an output typed and leaves the
// inside of nested objects and arrays to the result itself: their field
// names say what they hold, and typing them would cost every session's
// context for what every result shows anyway.
func decorateOutput(s *jsonschema.Schema) {
	s.Required = nil
	for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
		prop := pair.Value
		prop.Items, prop.Properties, prop.Required = nil, nil, nil
	}
}

// decorateInput closes the input to other properties and adds the rules
// that depend on a field's name, taking them from package scaleway so
// they are written once.
func decorateInput(s *jsonschema.Schema, allZones bool) {
	s.AdditionalProperties = jsonschema.FalseSchema
	if s.Properties == nil {
		return
	}
	for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
		name, prop := pair.Key, pair.Value
		switch name {
		case "zone":
			zones := toAny(scaleway.ZoneNames())
			if allZones {
				zones = append(zones, tools.AllZones)
			}
			prop.Enum = zones
			prop.Description = tools.ZoneDescription(allZones, "")
		case "arch":
			prop.Enum = toAny(archNames())
		case "organization", "project", "root_volume", "id", "image_id":
			prop.Format = "uuid"
			if name == "image_id" {
				prop.Description = "From list-instance-images"
			}
		case "extra_volumes":
			prop.Items.Format = "uuid"
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
