package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// writeAPIError writes e the way the Scaleway API does. Its request id is
// upstream's, passed through so that support can trace the call.
func writeAPIError(w http.ResponseWriter, e *scaleway.Error) {
	if e.RequestID != "" {
		w.Header().Set("X-Request-Id", e.RequestID)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((e.RetryAfter+time.Second-1)/time.Second), 10))
	}
	writeJSON(w, e.StatusCode, e)
}

// WriteRefusal answers a request refused before it reached the adapter
// (401 without the listener's token, 403 for a refused Host or Origin, 413
// for a body over the limit) as Scaleway answers its own refusals, so that
// the SDKs and the scw CLI decode it like any API error. It is meant for
// listener.Options.Refuse.
func WriteRefusal(w http.ResponseWriter, status int, message string) {
	writeAPIError(w, refusal(status, message))
}

// refusal is the Scaleway error for a refusal with status.
func refusal(status int, message string) *scaleway.Error {
	e := &scaleway.Error{StatusCode: status, Message: message}
	switch status {
	case http.StatusUnauthorized:
		e.Type, e.Method, e.Reason = scaleway.TypeDeniedAuthentication, "unknown_method", "invalid_argument"
	case http.StatusForbidden:
		e.Type = scaleway.TypePermissionsDenied
	case http.StatusRequestEntityTooLarge:
		e.Type = scaleway.TypeInvalidRequest
	default:
		e.Type = scaleway.TypeUnknown
	}
	return e
}

// bodyTooLarge is the 413 for a body cut by the listener's limit while the
// adapter read it; it matches the listener's own 413 for a declared length.
func bodyTooLarge(limit int64) *scaleway.Error {
	return refusal(http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds %d bytes", limit))
}

// writeFailure answers err, which came from parsing the request or from the
// client, with the status and body Scaleway would have used.
func writeFailure(w http.ResponseWriter, err error) {
	writeAPIError(w, failureAnswer(err))
}

func failureAnswer(err error) *scaleway.Error {
	if invalid := scaleway.ValidationErrors(err); len(invalid) > 0 {
		return invalidArguments(invalid)
	}
	var tooLarge *http.MaxBytesError
	var apiErr *scaleway.Error
	var transportErr *scaleway.TransportError
	switch {
	case errors.As(err, &tooLarge):
		return bodyTooLarge(tooLarge.Limit)
	case errors.Is(err, scaleway.ErrNoSecretKey):
		return &scaleway.Error{
			StatusCode: http.StatusUnauthorized, Type: scaleway.TypeDeniedAuthentication,
			Message: "authentication is denied: send X-Auth-Token, or start the server with SCW_SECRET_KEY or SCALEWAY_API_KEY set",
			Method:  "api_key", Reason: "invalid_argument",
		}
	case errors.As(err, &apiErr) && apiErr.Type == scaleway.TypeRedirect:
		// The API URL points at something that redirects: the gateway's
		// fault, and its own 3xx must not send our caller anywhere.
		return &scaleway.Error{StatusCode: http.StatusBadGateway, Type: scaleway.TypeRedirect, Message: apiErr.Error(), RequestID: apiErr.RequestID}
	case errors.As(err, &apiErr) && apiErr.StatusCode >= http.StatusBadRequest:
		return apiErr
	case errors.As(err, &apiErr):
		// A 2xx the client could not read (not JSON, no image): the
		// gateway's fault as far as our caller is concerned.
		return &scaleway.Error{StatusCode: http.StatusBadGateway, Type: scaleway.TypeUnknown, Message: "Scaleway sent an unreadable answer: " + apiErr.Message, RequestID: apiErr.RequestID}
	case errors.As(err, &transportErr) && errors.Is(err, context.DeadlineExceeded):
		return &scaleway.Error{StatusCode: http.StatusGatewayTimeout, Type: scaleway.TypeUnknown, Message: transportErr.Error()}
	case errors.As(err, &transportErr):
		return &scaleway.Error{StatusCode: http.StatusBadGateway, Type: scaleway.TypeUnknown, Message: transportErr.Error()}
	}
	return &scaleway.Error{StatusCode: http.StatusInternalServerError, Type: scaleway.TypeUnknown, Message: "internal error: " + err.Error()}
}

// invalidArguments is Scaleway's 400 for bad input, one detail per field.
func invalidArguments(invalid []*scaleway.ValidationError) *scaleway.Error {
	details := make([]scaleway.ErrorDetail, len(invalid))
	for i, v := range invalid {
		details[i] = scaleway.ErrorDetail{ArgumentName: v.Field, Reason: argumentReason(v), HelpMessage: v.Field + " " + v.Reason}
	}
	return &scaleway.Error{StatusCode: http.StatusBadRequest, Type: scaleway.TypeInvalidArguments, Message: "invalid argument(s)", Details: details}
}

// argumentReason is the detail's reason in Scaleway's vocabulary: required
// (missing), format (unparsable) or constraint (parsable but not allowed).
func argumentReason(v *scaleway.ValidationError) string {
	if v.Kind == "" {
		return string(scaleway.KindConstraint)
	}
	return string(v.Kind)
}

// refuseWrite answers every write of a read-only server.
func refuseWrite(w http.ResponseWriter, _ *http.Request) {
	writeAPIError(w, &scaleway.Error{
		StatusCode: http.StatusForbidden, Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions",
		Details:     []scaleway.ErrorDetail{{Resource: "instance_image", Action: "write"}},
		HelpMessage: "this server runs read-only (--read-only): it lists and reads images but never creates, changes or deletes them",
	})
}
