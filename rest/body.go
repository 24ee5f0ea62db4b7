package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/jsonkeys"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// decodeBody reads a JSON body into v as the API does: unknown fields are
// ignored (old clients send default_bootscript, id and zone), and an empty
// body reads as {} so that missing fields are reported as required. A key
// that names a field only when case is ignored, and a repeated key, are
// refused (see jsonkeys): encoding/json would act on a value other than
// the one a reader of the body sees.
func decodeBody(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return fmt.Errorf("reading request body: %w", err) // 413
	case err != nil:
		// A body that cannot be read (broken chunked encoding, a client
		// that went away) is the request's fault: 400, not 500.
		return &scaleway.ValidationError{Field: "body", Kind: scaleway.KindFormat, Reason: "could not be read: " + err.Error()}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := jsonkeys.Check(body, reflect.TypeOf(v), jsonkeys.IgnoreUnknown); err != nil {
		return err
	}
	err = json.Unmarshal(body, v)
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntaxErr):
		return &scaleway.ValidationError{Field: "body", Kind: scaleway.KindFormat, Reason: fmt.Sprintf("is not valid JSON: %v (at byte %d)", syntaxErr, syntaxErr.Offset)}
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return &scaleway.ValidationError{Field: typeErr.Field, Kind: scaleway.KindFormat, Reason: fmt.Sprintf("is not a JSON %s (got a JSON %s)", jsonType(typeErr.Type), typeErr.Value)}
	case errors.As(err, &typeErr):
		return &scaleway.ValidationError{Field: "body", Kind: scaleway.KindFormat, Reason: "is not a JSON object (got a JSON " + typeErr.Value + ")"}
	}
	// A value a field's own decoder refused, such as a timestamp that is
	// not RFC 3339.
	return &scaleway.ValidationError{Field: "body", Kind: scaleway.KindFormat, Reason: "is not valid: " + err.Error()}
}

// jsonType names the JSON type a Go type decodes from.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Pointer:
		return jsonType(t.Elem())
	}
	return "object"
}
