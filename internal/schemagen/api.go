package schemagen

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// The Scaleway wire types that the REST adapter's OpenAPI document
// describes, generated from the client's own types, so the document and
// the client read and write the same shapes. Each schema is whole (no
// references): OpenAPI components take them as they are.
var apiTypes = []struct {
	name  string
	value any
	rules apiRules
}{
	{"Image", scaleway.Image{}, apiRules{}},
	{"CreateImageRequest", scaleway.CreateImageRequest{}, apiRules{settableArch: true, required: []string{"root_volume", "arch"}}},
	{"SetImageRequest", scaleway.SetImageRequest{}, apiRules{settableArch: true, ownersMayBeEmpty: true, required: []string{"name", "arch"}}},
	{"UpdateImageRequest", scaleway.UpdateImageRequest{}, apiRules{settableArch: true}},
	{"Error", scaleway.Error{}, apiRules{}},
}

// apiRules are what differs between the types' decorations.
type apiRules struct {
	settableArch     bool // a request body: arch is one the caller may choose
	ownersMayBeEmpty bool // the PUT body: organization and project may be ""
	// required, when set, replaces the fields the Go type makes required:
	// the API needs these, and what the Go type always sends is optional.
	required []string
}

// APISchemaFile is the embedded file of an API type's schema.
func APISchemaFile(name string) string { return "api/" + name + ".json" }

// APISchemaNames lists the API types with a schema, in a stable order.
func APISchemaNames() []string {
	names := make([]string, len(apiTypes))
	for i, t := range apiTypes {
		names[i] = t.name
	}
	return names
}

func generateAPI(files map[string][]byte) error {
	for _, t := range apiTypes {
		r := &jsonschema.Reflector{
			ExpandedStruct:            true,
			DoNotReference:            true,
			Anonymous:                 true,
			AllowAdditionalProperties: true, // the API ignores unknown fields
			Mapper:                    apiMapper,
		}
		s := r.Reflect(t.value)
		s.Version = ""
		decorateAPI(s, t.rules)
		if t.rules.required != nil {
			s.Required = t.rules.required
		}
		encoded, err := encode(s)
		if err != nil {
			return fmt.Errorf("encoding %s: %w", t.name, err)
		}
		files[APISchemaFile(t.name)] = encoded
	}
	return nil
}

// apiMapper gives the enums and formats of the client's named types.
func apiMapper(t reflect.Type) *jsonschema.Schema {
	switch t {
	case reflect.TypeFor[scaleway.Timestamp]():
		return &jsonschema.Schema{Type: "string", Format: "date-time"}
	case reflect.TypeFor[scaleway.Zone]():
		return enumSchema(scaleway.Zones)
	case reflect.TypeFor[scaleway.Arch]():
		return enumSchema(append([]scaleway.Arch{scaleway.ArchUnknown}, scaleway.Arches...))
	case reflect.TypeFor[scaleway.ImageState]():
		return enumSchema([]scaleway.ImageState{scaleway.ImageStateAvailable, scaleway.ImageStateCreating, scaleway.ImageStateError})
	case reflect.TypeFor[scaleway.VolumeType]():
		return enumSchema(scaleway.VolumeTypes)
	}
	return nil
}

func enumSchema[T ~string](values []T) *jsonschema.Schema {
	enum := make([]any, len(values))
	for i, v := range values {
		enum[i] = string(v)
	}
	return &jsonschema.Schema{Type: "string", Enum: enum}
}

// decorateAPI adds, walking every nested object, the rules that depend on
// a field's name, from package scaleway: id patterns, name and tag bounds,
// extra volume positions, and the architectures a request may set. (The
// client validates the same rules before sending anything.)
func decorateAPI(s *jsonschema.Schema, rules apiRules) {
	if s == nil {
		return
	}
	for _, nested := range []*jsonschema.Schema{s.Items, s.AdditionalProperties} {
		decorateAPI(nested, rules)
	}
	for _, alternative := range s.AnyOf {
		decorateAPI(alternative, rules)
	}
	if s.Properties == nil {
		return
	}
	for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
		name, prop := pair.Key, pair.Value
		decorateAPI(prop, rules)
		switch {
		case prop.Type != "string" && name != "extra_volumes" && name != "tags":
		case name == "id" || name == "root_volume":
			prop.Format, prop.Pattern = "uuid", scaleway.UUIDPattern
		case (name == "organization" || name == "project") && !rules.ownersMayBeEmpty:
			prop.Format, prop.Pattern = "uuid", scaleway.UUIDPattern
		case name == "name":
			prop.MaxLength = ptr(uint64(scaleway.MaxNameLength))
		case name == "arch" && rules.settableArch:
			prop.Enum = toAny(archNames())
		case name == "tags":
			prop.MaxItems = ptr(uint64(scaleway.MaxTags))
			prop.Items.MinLength, prop.Items.MaxLength = ptr(uint64(1)), ptr(uint64(scaleway.MaxTagLength))
		case name == "extra_volumes":
			prop.MaxProperties = ptr(uint64(scaleway.MaxExtraVolumes))
			prop.PropertyNames = &jsonschema.Schema{Pattern: volumePositionPattern()}
		}
	}
}

// volumePositionPattern matches "1" to MaxExtraVolumes.
func volumePositionPattern() string {
	positions := make([]string, scaleway.MaxExtraVolumes)
	for i := range positions {
		positions[i] = strconv.Itoa(i + 1)
	}
	return "^(" + strings.Join(positions, "|") + ")$"
}

func ptr[T any](v T) *T { return &v }
