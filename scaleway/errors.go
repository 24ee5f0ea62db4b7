package scaleway

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// ErrorType is the "type" field of a Scaleway error body: what kind of
// error it is. Decoding is driven by this field, never by the status alone.
type ErrorType string

// The error types of the Scaleway API.
const (
	TypeInvalidArguments     ErrorType = "invalid_arguments"
	TypeDeniedAuthentication ErrorType = "denied_authentication"
	TypePermissionsDenied    ErrorType = "permissions_denied"
	TypeQuotasExceeded       ErrorType = "quotas_exceeded"
	TypeNotFound             ErrorType = "not_found"
	TypeTransientState       ErrorType = "transient_state"
	TypeAlreadyExists        ErrorType = "already_exists"
	TypeResourceExpired      ErrorType = "resource_expired"
	TypeExpired              ErrorType = "expired" // the JS SDK's name for resource_expired
	TypePreconditionFailed   ErrorType = "precondition_failed"
	TypeLocked               ErrorType = "locked"
	TypeTooManyRequests      ErrorType = "too_many_requests"
	TypeOutOfStock           ErrorType = "out_of_stock"

	// Legacy Instance API forms.
	TypeInvalidRequest  ErrorType = "invalid_request_error"
	TypeUnknownResource ErrorType = "unknown_resource"
	TypeConflict        ErrorType = "conflict"

	// TypeUnknown is set when the body is not a Scaleway error at all (HTML
	// from a proxy, an empty body, truncated JSON).
	TypeUnknown ErrorType = "unknown"

	// TypeRedirect is set by the client, never by the API, on a 3xx answer.
	// The Scaleway API never redirects, so the client follows no redirect:
	// following one would send X-Auth-Token (and a write's body) wherever
	// the answer points. Message names that place, cleaned of userinfo,
	// query and secrets; StatusCode is the 3xx status.
	TypeRedirect ErrorType = "redirect"
)

// ErrorDetail is one entry of an error's details. Which fields are set
// depends on the error type: ArgumentName/Reason/HelpMessage for
// invalid_arguments, Resource/Action for permissions_denied,
// Resource/Quota/Current for quotas_exceeded.
type ErrorDetail struct {
	ArgumentName string `json:"argument_name,omitempty" jsonschema_description:"The argument at fault (invalid_arguments)."`
	Reason       string `json:"reason,omitempty" jsonschema_description:"Why it is wrong (invalid_arguments): unknown, required, format or constraint."`
	HelpMessage  string `json:"help_message,omitempty" jsonschema_description:"What is allowed."`
	Resource     string `json:"resource,omitempty" jsonschema_description:"Resource concerned (permissions_denied, quotas_exceeded)."`
	Action       string `json:"action,omitempty" jsonschema_description:"Action refused (permissions_denied)."`
	Quota        *int64 `json:"quota,omitempty" jsonschema_description:"The quota (quotas_exceeded)."`
	Current      *int64 `json:"current,omitempty" jsonschema_description:"Current usage (quotas_exceeded)."`
}

// Error is an error answered by the Scaleway API (any status outside
// 200-299). Its JSON form is the API's own error body, so the fake and the
// REST adapter write errors with this same type.
type Error struct {
	Type         ErrorType           `json:"type" jsonschema_description:"Error type, such as invalid_arguments, denied_authentication, permissions_denied, not_found, transient_state or quotas_exceeded."`
	Message      string              `json:"message" jsonschema_description:"What went wrong."`
	Resource     string              `json:"resource,omitempty" jsonschema_description:"Resource concerned, such as instance_image."`
	ResourceID   string              `json:"resource_id,omitempty" jsonschema_description:"ID of the resource concerned."`
	Details      []ErrorDetail       `json:"details,omitempty" jsonschema_description:"One entry per argument (invalid_arguments), permission (permissions_denied) or quota (quotas_exceeded)."`
	Fields       map[string][]string `json:"fields,omitempty" jsonschema_description:"Legacy form: messages by field."`
	CurrentState string              `json:"current_state,omitempty" jsonschema_description:"State of the resource (transient_state)."`
	Precondition string              `json:"precondition,omitempty" jsonschema_description:"Precondition that failed (precondition_failed)."`
	HelpMessage  string              `json:"help_message,omitempty" jsonschema_description:"What to do about it."`
	Method       string              `json:"method,omitempty" jsonschema_description:"Authentication method (denied_authentication)."`
	Reason       string              `json:"reason,omitempty" jsonschema_description:"Why authentication was denied (denied_authentication)."`
	ExpiredSince string              `json:"expired_since,omitempty" jsonschema_description:"When the resource expired (resource_expired)."`

	StatusCode int           `json:"-"`
	RequestID  string        `json:"-"` // X-Request-Id of the answer
	RetryAfter time.Duration `json:"-"` // parsed Retry-After; 0 when absent
}

// Is lets errors.Is match on type: errors.Is(err, &Error{Type: TypeNotFound}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Type == e.Type
}

// IsNotFound reports whether err is a Scaleway not_found error (or the
// legacy unknown_resource form).
func IsNotFound(err error) bool {
	var apiErr *Error
	return errors.As(err, &apiErr) && (apiErr.Type == TypeNotFound || apiErr.Type == TypeUnknownResource)
}

// Error is one sentence a person can act on: what failed, on which field or
// resource, and what to do next.
func (e *Error) Error() string {
	return e.sentence() + e.AnswerRef()
}

// AnswerRef names the answer as Error ends its sentence with it: " (HTTP
// 403, request id ...)", or "" when there was no answer. Whoever words a
// better sentence for an error keeps this, which support asks for.
func (e *Error) AnswerRef() string {
	switch {
	case e.RequestID != "":
		return fmt.Sprintf(" (HTTP %d, request id %s)", e.StatusCode, e.RequestID)
	case e.StatusCode != 0:
		return fmt.Sprintf(" (HTTP %d)", e.StatusCode)
	}
	return ""
}

func (e *Error) sentence() string {
	resource := e.resourceRef()
	switch e.Type {
	case TypeInvalidArguments:
		if len(e.Details) == 0 {
			return "Scaleway rejected the arguments: " + orDefault(e.Message, "invalid argument(s)") + "."
		}
		parts := make([]string, 0, len(e.Details))
		for _, d := range e.Details {
			parts = append(parts, describeArgument(d))
		}
		return "Scaleway rejected the arguments: " + strings.Join(parts, "; ") + "."
	case TypeDeniedAuthentication:
		return "Scaleway denied authentication" + suffix(e.Reason, " (%s)") +
			": check that SCW_SECRET_KEY (or SCALEWAY_API_KEY) holds a valid, unexpired secret key."
	case TypePermissionsDenied:
		s := "Scaleway denied permission"
		if len(e.Details) > 0 {
			actions := make([]string, 0, len(e.Details))
			for _, d := range e.Details {
				actions = append(actions, strings.TrimSpace(d.Action+" "+d.Resource))
			}
			s += " to " + strings.Join(actions, ", ")
		}
		return s + ": give the API key's IAM application or user InstancesFullAccess (or InstancesReadOnly for reads), and BlockStorageReadOnly for Block Storage snapshots, on the project."
	case TypeQuotasExceeded:
		s := "Scaleway quota exceeded"
		if len(e.Details) > 0 {
			d := e.Details[0]
			s += " for " + d.Resource
			if d.Quota != nil && d.Current != nil {
				s += fmt.Sprintf(" (%d of %d used)", *d.Current, *d.Quota)
			}
		} else if e.Resource != "" {
			s += " for " + e.Resource
		}
		return s + ": delete unused resources or ask Scaleway support to raise the quota."
	case TypeNotFound, TypeUnknownResource:
		return "Scaleway found no " + resource + ": check the id and the zone (resources live in one zone)."
	case TypeTransientState:
		return "The " + resource + " is in a transient state" + suffix(e.CurrentState, " (%s)") + ": wait until it settles and try again."
	case TypeAlreadyExists:
		return "The " + resource + " already exists" + suffix(e.HelpMessage, ": %s") + "."
	case TypeResourceExpired, TypeExpired:
		return "The " + resource + " has expired" + suffix(e.ExpiredSince, " since %s") + "."
	case TypePreconditionFailed:
		return "Scaleway refused the request: precondition " + orDefault(e.Precondition, "unknown") + " failed" + suffix(e.HelpMessage, " (%s)") + "."
	case TypeLocked:
		return "The " + resource + " is locked: unlock it before changing it."
	case TypeTooManyRequests:
		s := "Scaleway is rate limiting requests"
		if e.RetryAfter > 0 {
			s += fmt.Sprintf(": retry after %s", wholeSeconds(e.RetryAfter))
		}
		return s + suffix(e.HelpMessage, " (%s)") + "."
	case TypeOutOfStock:
		return "Scaleway is out of stock" + suffix(e.Resource, " for %s") + ": try another zone or later."
	case TypeInvalidRequest:
		if len(e.Fields) > 0 {
			return "Scaleway rejected the request: " + describeFields(e.Fields) + "."
		}
		return "Scaleway rejected the request: " + orDefault(e.Message, "invalid request") + "."
	case TypeConflict:
		return "Scaleway reported a conflict: " + orDefault(e.Message, "the resource is in use") + "."
	case TypeRedirect:
		return "The API answered with " + orDefault(e.Message, "a redirect") + ", which was not followed: the Scaleway API never redirects, " +
			"so check that SCW_API_URL (or --api-url) is the API's own URL, such as " + DefaultAPIURL + "."
	case TypeUnknown:
		return "Scaleway answered " + orDefault(e.Message, http.StatusText(e.StatusCode)) + e.retryHint()
	}
	return "Scaleway answered " + string(e.Type) + ": " + orDefault(e.Message, http.StatusText(e.StatusCode)) + e.retryHint()
}

func (e *Error) resourceRef() string {
	name := orDefault(e.Resource, "resource")
	if e.ResourceID != "" {
		return name + " " + e.ResourceID
	}
	return name
}

func describeArgument(d ErrorDetail) string {
	s := orDefault(d.ArgumentName, "an argument")
	switch d.Reason {
	case "required":
		s += " is required"
	case "format":
		s += " is badly formatted"
	case "constraint":
		s += " breaks a constraint"
	default:
		s += " is invalid"
	}
	return s + suffix(d.HelpMessage, " (%s)")
}

func describeFields(fields map[string][]string) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, name+": "+strings.Join(fields[name], " "))
	}
	return strings.Join(parts, "; ")
}

// retryHint ends a sentence with when to try again: as Scaleway asked,
// when it did, since a wait longer than the retry policy allows is not
// retried at all (see RetryPolicy).
func (e *Error) retryHint() string {
	switch {
	case e.RetryAfter > 0:
		return fmt.Sprintf("; Scaleway asked to wait %s before trying again.", wholeSeconds(e.RetryAfter))
	case e.StatusCode == http.StatusTooManyRequests, e.StatusCode >= 500:
		return "; this is usually temporary, try again shortly."
	}
	return "."
}

// wholeSeconds rounds a wait up to the second, as Retry-After counts: a
// date gives a wait such as 23h59m59.48s.
func wholeSeconds(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}

func orDefault(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func suffix(value, format string) string {
	if value == "" {
		return ""
	}
	return fmt.Sprintf(format, value)
}

// unknownResourcePattern pulls the quoted id out of legacy messages such as
// `"<uuid>" not found` or `Security group '<uuid>' not found`.
var unknownResourcePattern = regexp.MustCompile(`^(.*?)\s*["']([^"']+)["'] not found`)

// decodeError turns a non-2xx answer into an *Error. body may be anything:
// a Scaleway error, a legacy Instance error, HTML, or truncated JSON. Every
// text taken from the answer is cleaned by red first.
func decodeError(resp *http.Response, body []byte, red redactor) *Error {
	e := &Error{
		StatusCode: resp.StatusCode,
		RequestID:  red.requestID(resp.Header),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return redirectError(e, resp, red)
	}
	unknown := func() *Error {
		return &Error{Type: TypeUnknown, Message: red.text(resp.Status, maxUpstreamText), StatusCode: e.StatusCode, RequestID: e.RequestID, RetryAfter: e.RetryAfter}
	}
	if mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mediaType != "application/json" || json.Unmarshal(body, e) != nil {
		return unknown()
	}
	red.apiError(e)
	if e.Type == "" {
		return unknown()
	}
	if e.Type == TypeUnknownResource && e.Resource == "" {
		if m := unknownResourcePattern.FindStringSubmatch(e.Message); m != nil && IsUUID(m[2]) {
			e.Resource = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(m[1])), " ", "_")
			e.ResourceID = m[2]
		}
	}
	// Both official SDKs match this message without case: the API has
	// written it "Quota exceeded for this resource."
	if e.Type == TypeInvalidRequest && strings.Contains(strings.ToLower(e.Message), "quota exceeded for this resource") {
		e.Type = TypeQuotasExceeded
	}
	return e
}

// redirectError fills e, the error of a 3xx answer, with where the answer
// pointed: without userinfo, query or fragment, where a proxy may put
// credentials, and cleaned by red, since the path may hold a key too.
func redirectError(e *Error, resp *http.Response, red redactor) *Error {
	e.Type = TypeRedirect
	e.Message = "a redirect without a usable Location"
	if target, err := resp.Location(); err == nil {
		target.User, target.RawQuery, target.ForceQuery, target.Fragment, target.RawFragment = nil, "", false, "", ""
		e.Message = "a redirect to " + red.text(target.String(), maxUpstreamText)
	}
	return e
}

// parseRetryAfter reads a Retry-After header in seconds or as an HTTP date.
func parseRetryAfter(value string, now time.Time) time.Duration {
	if value == "" {
		return 0
	}
	var seconds int64
	if _, err := fmt.Sscanf(value, "%d", &seconds); err == nil && fmt.Sprint(seconds) == strings.TrimSpace(value) {
		if seconds < 0 {
			return 0
		}
		return time.Duration(seconds) * time.Second
	}
	if when, err := http.ParseTime(value); err == nil {
		if d := when.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
