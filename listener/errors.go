package listener

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// WriteError writes e as a Scaleway error body with e.StatusCode, so that
// REST clients built for Scaleway decode refusals like any API error.
func WriteError(w http.ResponseWriter, e *scaleway.Error) {
	body, err := json.Marshal(e)
	if err != nil { // an Error holds only strings, numbers and maps of them
		panic(fmt.Sprintf("listener: encoding error body: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.StatusCode)
	_, _ = w.Write(body)
}

// BodyTooLarge is the 413 answer for a body over limit bytes. Handlers that
// meet an *http.MaxBytesError while reading a body answer with it too.
func BodyTooLarge(limit int64) *scaleway.Error {
	return &scaleway.Error{
		StatusCode: http.StatusRequestEntityTooLarge,
		Type:       scaleway.TypeInvalidRequest,
		Message:    fmt.Sprintf("request body exceeds %d bytes", limit),
	}
}

func unauthorized(message string) *scaleway.Error {
	return &scaleway.Error{
		StatusCode: http.StatusUnauthorized,
		Type:       scaleway.TypeDeniedAuthentication,
		Message:    message,
		Method:     "unknown_method",
		Reason:     "invalid_argument",
	}
}

func forbidden(message string) *scaleway.Error {
	return &scaleway.Error{StatusCode: http.StatusForbidden, Type: scaleway.TypePermissionsDenied, Message: message}
}
