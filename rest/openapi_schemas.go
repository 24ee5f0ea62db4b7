package rest

import (
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/schemas"
)

// object is a JSON object of the OpenAPI document.
type object = map[string]any

// Parameters are written here, with every bound and enum from package
// scaleway; the bodies' schemas are generated from the client's types.

func ref(kind, name string) object { return object{"$ref": "#/components/" + kind + "/" + name} }

func uuid(description string) object {
	return object{"type": "string", "format": "uuid", "pattern": scaleway.UUIDPattern, "description": description}
}

func enum[T ~string](description string, values ...T) object {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return object{"type": "string", "enum": names, "description": description}
}

// componentSchemas are the Scaleway wire types, generated from the
// client's own Go types (internal/schemagen) and embedded, plus the two
// envelopes the routes answer with.
func componentSchemas() object {
	components := object{
		"ImageResponse": object{
			"type": "object", "description": "One image.", "required": []string{"image"},
			"properties": object{"image": ref("schemas", "Image")},
		},
		"ListImagesResponse": object{
			"type": "object", "description": "One page of images; the total is in the X-Total-Count header.", "required": []string{"images"},
			"properties": object{"images": object{"type": "array", "items": ref("schemas", "Image"), "description": "The images of the page."}},
		},
	}
	api, err := schemas.API()
	if err != nil {
		// The files are embedded at build time and checked by tests: a
		// missing one is a broken build, not a runtime condition.
		panic(err)
	}
	for name, schema := range api {
		components[name] = schema
	}
	return components
}
