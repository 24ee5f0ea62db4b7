package scalewaytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// contentType is sent on every answer, errors and 204 included: the JS SDK
// compares the header for equality with it.
const contentType = "application/json"

// The resource names the APIs use in error bodies (recorded).
const (
	resourceImage         = "instance_image"
	resourceSnapshot      = "instance_snapshot"
	resourceBlockSnapshot = "snapshot" // the Block API's
)

// writeJSON writes body with status. Every body is built from plain types,
// so an encoding failure is a bug in the fake.
func writeJSON(w http.ResponseWriter, status int, body any) {
	payload, err := json.Marshal(body)
	if err != nil {
		panic(fmt.Sprintf("scalewaytest: encoding answer: %v", err))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(payload)))
	w.WriteHeader(status)
	_, _ = w.Write(payload)
}

// writeError writes e as the API does: its JSON form is the error body.
func writeError(w http.ResponseWriter, e *scaleway.Error) {
	if e.RetryAfter > 0 {
		seconds := (e.RetryAfter + time.Second - 1) / time.Second
		w.Header().Set("Retry-After", strconv.FormatInt(int64(seconds), 10))
	}
	writeJSON(w, e.StatusCode, e)
}

func invalidArguments(details ...scaleway.ErrorDetail) *scaleway.Error {
	return &scaleway.Error{StatusCode: http.StatusBadRequest, Type: scaleway.TypeInvalidArguments, Message: "invalid argument(s)", Details: details}
}

// requiredArgument is the detail the real API gives for a missing key.
func requiredArgument(name string) scaleway.ErrorDetail {
	return scaleway.ErrorDetail{ArgumentName: name, Reason: "required", HelpMessage: "required key not provided"}
}

// badArgument is a detail for a present but wrong argument; reason is
// "format" (unparsable) or "constraint" (parsable, out of bounds).
func badArgument(name, reason, help string) scaleway.ErrorDetail {
	return scaleway.ErrorDetail{ArgumentName: name, Reason: reason, HelpMessage: help}
}

func notFound(resource, id string) *scaleway.Error {
	return &scaleway.Error{StatusCode: http.StatusNotFound, Type: scaleway.TypeNotFound, Message: "resource is not found", Resource: resource, ResourceID: id}
}

// deniedAuthentication is the 401 of the API gateway; reason is
// "invalid_argument" for a missing or malformed key, "not_found" for an
// unknown one.
func deniedAuthentication(reason string) *scaleway.Error {
	return &scaleway.Error{StatusCode: http.StatusUnauthorized, Type: scaleway.TypeDeniedAuthentication, Message: "authentication is denied", Method: "api_key", Reason: reason}
}

func permissionsDenied(resource, action string) *scaleway.Error {
	return &scaleway.Error{
		StatusCode: http.StatusForbidden, Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions",
		Details: []scaleway.ErrorDetail{{Resource: resource, Action: action}},
	}
}

func quotasExceeded(resource string, quota, current int64) *scaleway.Error {
	return &scaleway.Error{
		StatusCode: http.StatusForbidden, Type: scaleway.TypeQuotasExceeded, Message: "quota(s) exceeded for this resource",
		Details: []scaleway.ErrorDetail{{Resource: resource, Quota: &quota, Current: &current}},
	}
}

func transientState(resource, id string, state scaleway.ImageState) *scaleway.Error {
	return &scaleway.Error{StatusCode: http.StatusConflict, Type: scaleway.TypeTransientState, Message: "resource is in a transient state", Resource: resource, ResourceID: id, CurrentState: string(state)}
}

// stillInUse is the 412 of a resource something still uses; its shape is
// the SDKs' precondition_failed, its use here a guess.
func stillInUse(resource, id string) *scaleway.Error {
	return &scaleway.Error{
		StatusCode: http.StatusPreconditionFailed, Type: scaleway.TypePreconditionFailed, Message: "resource is still in use",
		Precondition: "resource_still_in_use", HelpMessage: resource + " " + id + " is used by an image; delete the image first",
	}
}

// serverError is a 5xx as a gateway or a backend in trouble answers it.
func serverError(status int) *scaleway.Error {
	return &scaleway.Error{StatusCode: status, Type: "server_error", Message: strings.ToLower(http.StatusText(status))}
}
